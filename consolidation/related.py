"""A work's editions in other languages, as readers see them: the ``related`` links of clustering.

Clustering stores a pair with no language in common by the same creators as ``related`` (a
translation, ``consolidation/scoring.py``): never merged, and until now shown only to operators
(``kazneb cluster explain``).  A reader on a record's page wants the other editions as the hub
publishes them, so each link is followed from every record the page stands for (the record and
its cluster's members: a merged record shows the translations of any of them) to the hub record
that publishes the other side (itself, or the cluster it was absorbed into).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, Table, func, or_, select, union

from consolidation.models import ClusterLink, ClusterMember
from crosswalks.model import CanonicalRecord
from repository.models import HubRecord, SourceRecord

HUBS: Table = HubRecord.__table__  # type: ignore[assignment]
SOURCES: Table = SourceRecord.__table__  # type: ignore[assignment]
MEMBERS: Table = ClusterMember.__table__  # type: ignore[assignment]
LINKS: Table = ClusterLink.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Edition:
    """A published hub record holding the work in other languages: what its link shows."""

    hub_id: int
    local_id: str
    title: str
    languages: tuple[str, ...]
    year: int | None


def other_language_editions(conn: Connection, hub_id: int) -> list[Edition]:
    """The published records related to ``hub_id`` as translations, each once, by year then title.

    Three queries whatever the number of links: the record's own side, its links, the records
    that publish the other sides."""
    own = own_records(conn, hub_id)
    return _publishers(conn, _related_to(conn, own) - own, own)


def own_records(conn: Connection, hub_id: int) -> set[int]:
    """``hub_id`` and the records of its work: the members of its cluster, and the records absorbed
    into it (a survivor whose own partner record was deleted still publishes its cluster but is no
    longer a member of it)."""
    cluster = select(MEMBERS.c.cluster_id).where(MEMBERS.c.record_id == hub_id).scalar_subquery()
    members = select(MEMBERS.c.record_id).where(MEMBERS.c.cluster_id == cluster)
    absorbed = select(HUBS.c.id).where(HUBS.c.absorbed_into == hub_id)
    return {hub_id, *conn.execute(union(members, absorbed)).scalars()}


def _related_to(conn: Connection, own: Collection[int]) -> set[int]:
    """Every record a ``related`` link joins to one of ``own``, from either side of the link."""
    ids = sorted(own)
    rows = conn.execute(select(LINKS.c.a_id, LINKS.c.b_id).where(
        LINKS.c.outcome == "related", or_(LINKS.c.a_id.in_(ids), LINKS.c.b_id.in_(ids))))
    return {record_id for pair in rows for record_id in pair}


def _publishers(conn: Connection, linked: Collection[int], own: Collection[int]) -> list[Edition]:
    """The live hub records publishing ``linked`` (each itself, or the survivor it was absorbed
    into), without those of ``own``'s work.  A record its partner deleted is left out at once,
    even one its cluster is still published under: the link was its keys' (the store forgets them),
    so the next build drops it; the cluster is still listed through its other members' links.  A
    record whose publisher is deleted or itself absorbed publishes nothing a reader could open."""
    if not linked:
        return []
    record, publisher = HUBS.alias("record"), HUBS.alias("publisher")
    rows = conn.execute(
        select(publisher.c.id, publisher.c.local_id, publisher.c.published, publisher.c.canonical)
        .select_from(record)
        .join(SOURCES, SOURCES.c.hub_record_id == record.c.id)
        .join(publisher, publisher.c.id == func.coalesce(record.c.absorbed_into, record.c.id))
        .where(record.c.id.in_(sorted(linked)), SOURCES.c.deleted.is_(False),
               publisher.c.deleted.is_(False), publisher.c.absorbed_into.is_(None)))
    found: dict[int, Edition] = {}
    for publisher_id, local_id, published, canonical in rows:
        if publisher_id not in own and publisher_id not in found:
            found[publisher_id] = _edition(publisher_id, local_id, published or canonical or {})
    return sorted(found.values(), key=lambda e: (e.year is None, e.year or 0, e.title, e.local_id))


def _edition(hub_id: int, local_id: str, stored: dict) -> Edition:  # type: ignore[type-arg]
    """What a reader sees of the record as published (a cluster's merged record, else its own)."""
    record = CanonicalRecord.from_dict(stored)
    return Edition(hub_id, local_id, record.main_title or "", tuple(record.languages), record.year)
