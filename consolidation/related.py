"""A work's editions in other languages, as readers see them: the ``related`` links of clustering.

Clustering stores a pair with no language in common by the same creators as ``related`` (a
translation, ``consolidation/scoring.py``): never merged, and until now shown only to operators
(``kazneb cluster explain``).  A reader on a record's page wants the other editions as the hub
publishes them, so each link is followed from every record the page stands for (the record and
its cluster's members: a merged record shows the translations of any of them) to the hub record
that publishes the other side (itself, or the cluster it was absorbed into).  Publishing lists the
same editions in the records' renderings (``consolidation/publish.py``), for every record a link
can reach at once (:func:`editions_of`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, Table, func, or_, select

from consolidation.models import ClusterLink, ClusterMember
from crosswalks.model import CanonicalRecord
from repository.models import HubRecord, SourceRecord
from repository.rows import chunks

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
    """The published records related to ``hub_id`` as translations, each once, by year then title."""
    return editions_of(conn, [hub_id])[hub_id]


def editions_of(conn: Connection, hub_ids: Collection[int]) -> dict[int, list[Edition]]:
    """:func:`other_language_editions` of each of ``hub_ids`` (a page's record, or the many records
    publishing lists them for): the records of each one's work (:func:`own_records`), the
    ``related`` links of any of those, and the records publishing the other sides, but those of
    its own work.  A few statements per 500 records, whatever the number of links."""
    own = own_records(conn, hub_ids)
    owners: dict[int, set[int]] = {}
    for hub_id, records in own.items():
        for record_id in records:
            owners.setdefault(record_id, set()).add(hub_id)
    linked: dict[int, set[int]] = {hub_id: set() for hub_id in own}
    for pair in _links_touching(conn, owners):
        for hub_id in owners.get(pair[0], set()) | owners.get(pair[1], set()):
            linked[hub_id].update(pair)
    published_as = _publishers(conn, {record_id for ids in linked.values() for record_id in ids})
    found: dict[int, list[Edition]] = {}
    for hub_id, ids in linked.items():
        editions = {edition.hub_id: edition for record_id in ids - own[hub_id]
                    if (edition := published_as.get(record_id)) is not None and edition.hub_id not in own[hub_id]}
        found[hub_id] = sorted(editions.values(), key=lambda e: (e.year is None, e.year or 0, e.title, e.local_id))
    return found


def records_a_link_reaches(conn: Connection) -> list[int]:
    """The live records (not deleted, not absorbed) whose list of editions may not be empty: those of
    every ``related`` link, the records they were absorbed into, and their clusters' members (the
    records whose :func:`own_records` hold one of a link's two records)."""
    linked = {record_id for pair in conn.execute(select(LINKS.c.a_id, LINKS.c.b_id).where(LINKS.c.outcome == "related"))
              for record_id in pair}
    reachable = set(linked)
    for chunk in chunks(sorted(linked), 500):
        reachable.update(conn.execute(select(HUBS.c.absorbed_into).where(
            HUBS.c.id.in_(chunk), HUBS.c.absorbed_into.isnot(None))).scalars())
        clusters = select(MEMBERS.c.cluster_id).where(MEMBERS.c.record_id.in_(chunk))
        reachable.update(conn.execute(select(MEMBERS.c.record_id).where(MEMBERS.c.cluster_id.in_(clusters))).scalars())
    live: list[int] = []
    for chunk in chunks(sorted(reachable), 500):
        live += conn.execute(select(HUBS.c.id).where(HUBS.c.id.in_(chunk), HUBS.c.deleted.is_(False),
                                                     HUBS.c.absorbed_into.is_(None))).scalars()
    return live


def own_records(conn: Connection, hub_ids: Collection[int]) -> dict[int, set[int]]:
    """Each record and the records of its work: the members of its cluster, and the records absorbed
    into it (a survivor whose own partner record was deleted still publishes its cluster but is no
    longer a member of it)."""
    own = {hub_id: {hub_id} for hub_id in hub_ids}
    cluster_of: dict[int, int] = {}
    for chunk in chunks(sorted(own), 500):
        cluster_of.update(conn.execute(select(MEMBERS.c.record_id, MEMBERS.c.cluster_id)
                                       .where(MEMBERS.c.record_id.in_(chunk))).all())
        absorbed = select(HUBS.c.id, HUBS.c.absorbed_into).where(HUBS.c.absorbed_into.in_(chunk))
        for record_id, into in conn.execute(absorbed):
            own[into].add(record_id)
    members: dict[int, set[int]] = {}
    for chunk in chunks(sorted(set(cluster_of.values())), 500):
        for record_id, cluster_id in conn.execute(select(MEMBERS.c.record_id, MEMBERS.c.cluster_id)
                                                  .where(MEMBERS.c.cluster_id.in_(chunk))):
            members.setdefault(cluster_id, set()).add(record_id)
    for hub_id, cluster_id in cluster_of.items():
        own[hub_id] |= members.get(cluster_id, set())
    return own


def _links_touching(conn: Connection, record_ids: Collection[int]) -> set[tuple[int, int]]:
    """Every ``related`` link with one of ``record_ids`` on either side."""
    found: set[tuple[int, int]] = set()
    for chunk in chunks(sorted(record_ids), 500):
        rows = conn.execute(select(LINKS.c.a_id, LINKS.c.b_id).where(
            LINKS.c.outcome == "related", or_(LINKS.c.a_id.in_(chunk), LINKS.c.b_id.in_(chunk))))
        found.update((a_id, b_id) for a_id, b_id in rows)
    return found


def _publishers(conn: Connection, linked: Collection[int]) -> dict[int, Edition]:
    """Each of ``linked`` that a live hub record publishes (itself, or the survivor it was absorbed
    into), with what a reader sees of that record.  A record its partner deleted is left out at
    once, even one its cluster is still published under: the link was its keys' (the store forgets
    them), so the next build drops it; the cluster is still listed through its other members'
    links.  A record whose publisher is deleted or itself absorbed publishes nothing a reader
    could open."""
    record, publisher = HUBS.alias("record"), HUBS.alias("publisher")
    found: dict[int, Edition] = {}
    for chunk in chunks(sorted(linked), 500):
        rows = conn.execute(
            select(record.c.id, publisher.c.id, publisher.c.local_id, publisher.c.published, publisher.c.canonical)
            .select_from(record)
            .join(SOURCES, SOURCES.c.hub_record_id == record.c.id)
            .join(publisher, publisher.c.id == func.coalesce(record.c.absorbed_into, record.c.id))
            .where(record.c.id.in_(chunk), SOURCES.c.deleted.is_(False),
                   publisher.c.deleted.is_(False), publisher.c.absorbed_into.is_(None)))
        for record_id, publisher_id, local_id, published, canonical in rows:
            found[record_id] = _edition(publisher_id, local_id, published or canonical or {})
    return found


def _edition(hub_id: int, local_id: str, stored: dict) -> Edition:  # type: ignore[type-arg]
    """What a reader sees of the record as published (a cluster's merged record, else its own)."""
    record = CanonicalRecord.from_dict(stored)
    return Edition(hub_id, local_id, record.main_title or "", tuple(record.languages), record.year)
