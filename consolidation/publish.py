"""Publishing clusters: one hub record per work, the others retired into it.

Which hub record publishes a cluster (its **survivor**), so that identifiers aggregators hold
stay valid:

* a cluster keeps the record it was published as before: the one most of its members were
  absorbed into (or that is itself a member), even when that record's own partner record has
  since been deleted;
* a record split off takes its own identifier back, even when the cluster was published as it:
  the cluster then takes the identifier of its member published first;
* a new cluster is published as its member published first (the smallest hub record id).

The other members are absorbed: published as deleted records (no metadata) whose pages send
readers to the survivor, which lists them as relations.  Records that leave every cluster are
published on their own again.  Publishing only what changed keeps datestamps still on a rerun.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.orm import Session

from consolidation import runlock
from consolidation.build import CHANGES, MEMBERS, RUNS
from consolidation.merge import Member, merged_record
from consolidation.related import editions_of, records_a_link_reaches
from crosswalks.model import CanonicalRecord
from objects.models import DigitalObject
from repository.levels import record_own_level
from repository.models import HubRecord, Partner, SourceRecord
from repository.publishing import provenance_of
from repository.store import ClusterRecord, Store

HUBS: Table = HubRecord.__table__  # type: ignore[assignment]
SOURCES: Table = SourceRecord.__table__  # type: ignore[assignment]
PARTNERS: Table = Partner.__table__  # type: ignore[assignment]
OBJECTS: Table = DigitalObject.__table__  # type: ignore[assignment]


@dataclass
class PublishReport:
    """What publishing changed: clusters published anew, records absorbed, records released,
    records published again because their other-language editions changed."""

    clusters: int = 0
    published: int = 0
    absorbed: int = 0
    released: int = 0
    editions: int = 0


def current_clusters(conn: Connection) -> list[list[int]]:
    """Every cluster of two or more, its members' hub ids sorted."""
    groups: dict[int, list[int]] = {}
    for hub_id, cluster_id in conn.execute(select(MEMBERS.c.record_id, MEMBERS.c.cluster_id)):
        groups.setdefault(cluster_id, []).append(hub_id)
    return sorted(sorted(ids) for ids in groups.values())


def published_state(conn: Connection) -> tuple[set[int], dict[int, int]]:
    """Hub records publishing a cluster, and absorbed records with the record they are in."""
    rows = conn.execute(select(HUBS.c.id, HUBS.c.absorbed_into, HUBS.c.published.isnot(None))
                        .where(HUBS.c.absorbed_into.isnot(None) | HUBS.c.published.isnot(None)))
    publishing, absorbed = set(), {}
    for hub_id, into, publishes in rows:
        if publishes:
            publishing.add(hub_id)
        if into is not None:
            absorbed[hub_id] = into
    return publishing, absorbed


def survivors(clusters: list[list[int]], publishing: set[int], absorbed: Mapping[int, int],
              gone: set[int]) -> list[int]:
    """The hub record each cluster is published as (see the module's rules); ``gone``: records
    whose partner deleted them."""
    member_of = {hub_id: index for index, ids in enumerate(clusters) for hub_id in ids}
    votes: dict[int, Counter] = {}  # earlier record -> cluster index -> members that were in it
    for index, ids in enumerate(clusters):
        for hub_id in ids:
            earlier = absorbed.get(hub_id, hub_id if hub_id in publishing else None)
            if earlier is None:
                continue
            if member_of.get(earlier) == index or (earlier not in member_of and earlier in gone):
                votes.setdefault(earlier, Counter())[index] += 1
    chosen: dict[int, tuple[int, int]] = {}  # cluster index -> (votes, earlier record)
    for earlier, counts in votes.items():
        index, count = max(counts.items(), key=lambda item: (item[1], -item[0]))
        best = chosen.get(index)
        if best is None or (count, -earlier) > (best[0], -best[1]):
            chosen[index] = (count, earlier)
    return [chosen[index][1] if index in chosen else ids[0] for index, ids in enumerate(clusters)]


def publish_clusters(store: Store) -> PublishReport:
    """Bring what the hub publishes in line with the stored clusters."""
    report = PublishReport()
    with store.session() as session:
        conn = session.connection()
        runlock.hold(conn)
        clusters = current_clusters(conn)
        publishing, absorbed = published_state(conn)
        gone = set(_deleted_sources(conn, publishing | set(absorbed.values())))
        chosen = survivors(clusters, publishing, absorbed, gone)
        keep: set[int] = set()
        for start in range(0, len(clusters), 1000):  # the merged records of a thousand clusters at a time
            batch = list(zip(clusters[start:start + 1000], chosen[start:start + 1000], strict=True))
            records, into = _cluster_records(conn, store, batch)
            keep.update(hub_id for ids, survivor in batch for hub_id in (*ids, survivor))
            report.published += store.publish_clusters(session, records)
            report.absorbed += store.absorb(session, into)
        report.clusters = len(clusters)
        leaving = [hub_id for hub_id in publishing | absorbed.keys() if hub_id not in keep]
        stranded = [hub_id for hub_id in _stranded(conn) if hub_id not in keep]
        report.released = store.release(session, _releasable(conn, leaving, keep, absorbed) + stranded)
        listing, report.editions = _publish_editions(conn, session, store, dict(zip(chosen, clusters, strict=True)))
    _skip_own_changes(store, keep | set(leaving) | listing,
                      report.published + report.absorbed + report.released + report.editions)
    return report


def _cluster_records(conn: Connection, store: Store, batch: list[tuple[list[int], int]]
                     ) -> tuple[list[ClusterRecord], dict[int, int]]:
    """The merged records of a batch of (cluster, survivor), and the records each absorbs."""
    members = _members(conn, store, {hub_id for ids, survivor in batch for hub_id in (*ids, survivor)})
    records, into = [], {}
    for ids, survivor in batch:
        others = [hub_id for hub_id in ids if hub_id != survivor]
        holders = [members[hub_id] for hub_id in ids]
        record = merged_record(holders, [members[hub_id].oai_identifier for hub_id in others])
        records.append(ClusterRecord(survivor, record, tuple(sorted({m.partner for m in holders})),
                                     tuple(m.about for m in holders if m.about), any(m.copy_url for m in holders)))
        into.update(dict.fromkeys(others, survivor))
    return records, into


def _publish_editions(conn: Connection, session: Session, store: Store,
                      clusters: Mapping[int, list[int]]) -> tuple[set[int], int]:
    """Each live record's other-language editions stored as a page shows them
    (:func:`consolidation.related.editions_of`, followed once the clusters are published), and
    the records whose list changed published again (``clusters``: each cluster's members by its
    survivor, whose merged record only publishing can make).  The records whose list changed, and
    how many of them were published again (not those absorbed or deleted).

    Only the records a ``related`` link can reach are asked, all at once, and those that list
    editions now."""
    wanted = {hub_id: [{"id": edition.local_id, "title": edition.title} for edition in editions] or None
              for hub_id, editions in editions_of(conn, records_a_link_reaches(conn)).items()}
    listed = dict(conn.execute(select(HUBS.c.id, HUBS.c.editions).where(HUBS.c.editions.isnot(None))).all())
    changed = {hub_id: wanted.get(hub_id) for hub_id in wanted.keys() | listed.keys()
               if wanted.get(hub_id) != listed.get(hub_id)}
    published = store.set_editions(session, changed)
    again = [(clusters[hub_id], hub_id) for hub_id in sorted(changed) if hub_id in clusters]
    for start in range(0, len(again), 1000):
        records, _ = _cluster_records(conn, store, again[start:start + 1000])
        published += store.publish_clusters(session, records, again=True)
    return set(changed), published


def _skip_own_changes(store: Store, touched: set[int], logged: int) -> None:
    """Let the next incremental run pass over the change-log entries publishing has just written:
    they publish records the last run placed, they change none (the first publishing after a full
    run at a million records logs some 300,000, which the next run would otherwise place again,
    for as long as a full run).  Only when nothing else was logged since the last run began, so
    that no partner's change is passed over: every entry since is one of these ``logged``, of a
    ``touched`` record.  The last run's ``last_seq`` then moves to the end of the log."""
    if not logged:
        return
    with runlock.clustering_transaction(store.engine) as conn:
        run = conn.execute(select(RUNS.c.id, RUNS.c.report).order_by(RUNS.c.id.desc()).limit(1)).first()
        if run is None:
            return
        since = int(run.report["last_seq"])
        entries = conn.execute(select(CHANGES.c.seq, CHANGES.c.record_id).where(CHANGES.c.seq > since)).all()
        if len(entries) == logged and all(record_id in touched for _, record_id in entries):
            report = {**run.report, "last_seq": max(seq for seq, _ in entries), "published_entries": logged}
            conn.execute(update(RUNS).where(RUNS.c.id == run.id).values(report=report))


def _releasable(conn: Connection, leaving: list[int], keep: set[int], absorbed: Mapping[int, int]) -> list[int]:
    """Of the records leaving their clusters, those to publish on their own: not an absorbed record
    whose partner deleted it while its survivor still publishes (it keeps pointing there)."""
    deleted = set(_deleted_sources(conn, leaving))
    return [hub_id for hub_id in leaving if not (hub_id in deleted and absorbed.get(hub_id) in keep)]


def _stranded(conn: Connection) -> list[int]:
    """Records still published live, in no cluster's keeping, whose partner has deleted them: what
    code before migration 0016 left of a record split off a cluster and then deleted (a released
    record looked like a cluster's, so its deletion was left to publishing, which never made it).
    They are released again, which publishes them as deleted."""
    return list(conn.execute(select(HUBS.c.id).join(SOURCES, SOURCES.c.hub_record_id == HUBS.c.id).where(
        SOURCES.c.deleted.is_(True), HUBS.c.deleted.is_(False), HUBS.c.absorbed_into.is_(None),
        HUBS.c.published.is_(None))).scalars())


def _deleted_sources(conn: Connection, hub_ids: Iterable[int]) -> Iterable[int]:
    ids = sorted(hub_ids)
    for start in range(0, len(ids), 500):
        yield from conn.execute(select(SOURCES.c.hub_record_id).where(
            SOURCES.c.hub_record_id.in_(ids[start:start + 500]), SOURCES.c.deleted.is_(True))).scalars()


def _members(conn: Connection, store: Store, hub_ids: set[int]) -> dict[int, Member]:
    """Merging's view of each record: its own record and level, its partner, its provenance, its live
    copy's page; three queries per 500 records, not one per record."""
    found: dict[int, Member] = {}
    ids = sorted(hub_ids)
    base = store.base_url.rstrip("/")
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = conn.execute(select(HUBS.c.id, HUBS.c.local_id, HUBS.c.canonical, HUBS.c.access, HUBS.c.copy_access,
                                   SOURCES.c.partner_id, SOURCES.c.metadata_prefix, SOURCES.c.source_key,
                                   SOURCES.c.source_datestamp, SOURCES.c.metadata_namespace, SOURCES.c.harvested_at,
                                   PARTNERS.c.base_url)
                            .join(SOURCES, SOURCES.c.hub_record_id == HUBS.c.id)
                            .join(PARTNERS, PARTNERS.c.id == SOURCES.c.partner_id)
                            .where(HUBS.c.id.in_(chunk))).all()
        copies = _live_copies(conn, [row.local_id for row in rows])
        for row in rows:
            record = CanonicalRecord.from_dict(row.canonical or {})
            copy = copies.get(row.local_id)
            about = provenance_of(row.base_url, row.partner_id, row.source_key, row.source_datestamp,
                                  row.metadata_namespace, row.harvested_at)
            found[row.id] = Member(row.id, store.oai_identifier(row.local_id), row.partner_id, record,
                                   record_own_level(row.copy_access, record.access, row.access), row.metadata_prefix,
                                   f"{base}/objects/{copy}/view" if copy else None, about)
    return found


def _live_copies(conn: Connection, local_ids: list[str]) -> dict[str, str]:
    """local id -> the id of a live deposited copy of the record, for the records that have one."""
    rows = conn.execute(select(OBJECTS.c.local_id, OBJECTS.c.id).where(
        OBJECTS.c.local_id.in_(local_ids), OBJECTS.c.withdrawn.is_(False)).order_by(OBJECTS.c.id))
    found: dict[str, str] = {}
    for local_id, object_id in rows:
        found.setdefault(local_id, object_id)
    return found
