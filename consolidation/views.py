"""What the operators' commands show: a record's cluster, why it is there, the pairs to review."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Table, select

from consolidation.blockindex import records_in_blocks
from consolidation.blocking import MAX_BLOCK, set_isbns
from consolidation.build import LINKS, MEMBERS
from consolidation.decisions import RecordRef, all_decisions
from consolidation.keystore import load_keys
from consolidation.scoring import Thresholds, decide
from crosswalks.workkeys import WorkKeys, blocks
from repository.models import HubRecord, SourceRecord

HUBS: Table = HubRecord.__table__  # type: ignore[assignment]
SOURCES: Table = SourceRecord.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Member:
    """One record of a cluster, as an operator recognises it."""

    hub_id: int
    local_id: str
    ref: RecordRef
    title: str
    year: int | None
    access: str


@dataclass(frozen=True)
class Link:
    """A stored comparison of two records and what decided it."""

    a: int
    b: int
    outcome: str
    score: float
    rule: str
    parts: dict[str, float]


def cluster_of(conn: Connection, hub_id: int) -> list[int]:
    """Hub ids of the records in ``hub_id``'s cluster (just itself when alone)."""
    cluster_id = conn.execute(select(MEMBERS.c.cluster_id).where(MEMBERS.c.record_id == hub_id)).scalar()
    if cluster_id is None:
        return [hub_id]
    return sorted(conn.execute(select(MEMBERS.c.record_id).where(MEMBERS.c.cluster_id == cluster_id)).scalars())


def members(conn: Connection, hub_ids: list[int]) -> list[Member]:
    """The records, in id order (the first is the one published first)."""
    rows = conn.execute(select(HUBS.c.id, HUBS.c.local_id, HUBS.c.canonical, HUBS.c.access, HUBS.c.copy_access,
                               SOURCES.c.partner_id, SOURCES.c.source_key)
                        .join(SOURCES, SOURCES.c.hub_record_id == HUBS.c.id)
                        .where(HUBS.c.id.in_(hub_ids)).order_by(HUBS.c.id))
    found = []
    for hub_id, local_id, canonical, access, copy_access, partner, key in rows:
        title = next((t.get("value", "") for t in canonical.get("titles", []) if t.get("kind", "main") == "main"), "")
        year = next((d.get("year_from") for d in canonical.get("dates", []) if d.get("year_from")), None)
        found.append(Member(hub_id, local_id, RecordRef(partner, key), title, year, copy_access or access))
    return found


def links_of(conn: Connection, hub_id: int) -> list[Link]:
    """The stored comparisons ``hub_id`` took part in, strongest first."""
    rows = conn.execute(select(LINKS).where((LINKS.c.a_id == hub_id) | (LINKS.c.b_id == hub_id)))
    found = [Link(r.a_id, r.b_id, r.outcome, r.score, r.rule, dict(r.parts)) for r in rows]
    return sorted(found, key=lambda link: -link.score)


def comparisons(conn: Connection, hub_id: int, thresholds: Thresholds) -> list[Link]:
    """What ``explain`` shows: the links the last build stored, and the vetoes that keep the record
    apart from the records it shares a block with, computed now (a build does not compare the
    pairs a veto rules out by itself: ``consolidation/blocking.py``), when such a pair scores at
    least the review threshold.  Strongest first."""
    found = links_of(conn, hub_id)
    own = load_keys(conn, [hub_id]).get(hub_id)
    if own is None:
        return found
    groups, pairings, _ = records_in_blocks(conn, blocks(own), MAX_BLOCK)
    keys = load_keys(conn, {other for ids in groups.values() for other in ids} | {hub_id})
    isbns = set_isbns(groups.items(), pairings)
    stored = {(link.a, link.b) for link in found}
    for other in sorted(keys.keys() - {hub_id}):
        a, b = sorted((hub_id, other))
        if (a, b) in stored:
            continue
        decision = decide(keys[a], keys[b], thresholds, isbns)
        if decision.outcome == "veto" and decision.score >= thresholds.review:
            found.append(Link(a, b, "veto", decision.score, decision.rule, decision.parts))
    return sorted(found, key=lambda link: -link.score)


def keys_of(conn: Connection, hub_id: int) -> WorkKeys | None:
    return load_keys(conn, [hub_id]).get(hub_id)


def decisions_about(conn: Connection, ref: RecordRef) -> list[tuple[str, RecordRef]]:
    """The operators' decisions naming ``ref``: (action, the other record)."""
    return [(action, b if a == ref else a) for action, a, b in all_decisions(conn) if ref in (a, b)]


def review_queue(conn: Connection, thresholds: Thresholds, limit: int) -> list[Link]:
    """Pairs that scored between the two thresholds, most uncertain (nearest the middle) first,
    without those an operator has decided."""
    middle = (thresholds.match + thresholds.review) / 2
    rows = conn.execute(select(LINKS).where(LINKS.c.outcome == "review"))
    found = [Link(r.a_id, r.b_id, r.outcome, r.score, r.rule, dict(r.parts)) for r in rows]
    decided = _decided_hub_pairs(conn)
    found = [link for link in found if (link.a, link.b) not in decided]
    return sorted(found, key=lambda link: (abs(link.score - middle), link.a, link.b))[:limit]


def _decided_hub_pairs(conn: Connection) -> set[tuple[int, int]]:
    from consolidation.decisions import decided_pairs

    forced, forbidden, _ = decided_pairs(conn)
    return {(min(a, b), max(a, b)) for a, b in forced + forbidden}
