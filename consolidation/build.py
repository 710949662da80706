"""A clustering run over the store: the whole collection, or the records changed since the last run.

A full run compares every pair of records that share a block and builds every cluster anew
from the pairs that match, the operators' decisions and the vetoes.  An incremental run
compares only the records changed since the last run (the store's change log) with the
records they share a block with, and keeps existing clusters as they are: a record changed
since is taken out of its cluster and placed again.  Both write the same tables; run a full
run after retuning thresholds.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from queue import Queue

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select

from consolidation.blockindex import is_empty, load, neighbours, refresh_index, reindex, staged_batches, stored_blocks
from consolidation.blocking import MAX_BLOCK, Candidates, candidates, group_by_block, pairing
from consolidation.clusters import Clustering, Joinable, cluster
from consolidation.decisions import decided_pairs
from consolidation.keystore import load_keys, refresh_keys
from consolidation.models import ClusterLink, ClusterMember, ClusterRun
from consolidation.runlock import clustering_transaction
from consolidation.scoring import Decision, Thresholds, decide, parts_of, weighted
from consolidation.vetoes import veto
from crosswalks.workkeys import WorkKeys, blocks
from repository.models import HubRecord, RecordChange
from repository.rows import chunks

MEMBERS: Table = ClusterMember.__table__  # type: ignore[assignment]
LINKS: Table = ClusterLink.__table__  # type: ignore[assignment]
RUNS: Table = ClusterRun.__table__  # type: ignore[assignment]
CHANGES: Table = RecordChange.__table__  # type: ignore[assignment]
HUBS: Table = HubRecord.__table__  # type: ignore[assignment]

#: Outcomes whose links are kept for ``explain`` and ``review``; a veto only when it stopped a
#: pair that scored at least the review threshold (the others stopped nothing).
KEPT_OUTCOMES = ("match", "review", "related")


@dataclass(frozen=True)
class Options:
    """The settings a run follows (``consolidation.*``)."""

    thresholds: Thresholds = Thresholds()
    max_cluster_size: int = 30


@dataclass
class RunReport:
    """What a run did: ``kazneb cluster build`` prints it and ``cluster_runs`` keeps it."""

    kind: str
    #: Records looked at: all of them in a full run, the changed ones and their neighbours otherwise.
    records: int = 0
    keys_computed: int = 0
    #: Records whose blocks the run indexed (``consolidation/blockindex.py``).
    indexed: int = 0
    pairs: int = 0
    outcomes: Counter = field(default_factory=Counter)
    clusters: int = 0
    clustered_records: int = 0
    largest: int = 0
    refused: Counter = field(default_factory=Counter)
    conflicts: list[str] = field(default_factory=list)
    missing_decisions: list[str] = field(default_factory=list)
    skipped_blocks: int = 0
    last_seq: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "records": self.records, "keys_computed": self.keys_computed,
                "indexed": self.indexed,
                "pairs": self.pairs, "outcomes": dict(self.outcomes), "clusters": self.clusters,
                "clustered_records": self.clustered_records, "largest": self.largest,
                "refused": dict(self.refused), "conflicts": self.conflicts,
                "missing_decisions": self.missing_decisions, "skipped_blocks": self.skipped_blocks,
                "last_seq": self.last_seq, "seconds": round(self.seconds, 3)}


def cohesion_guard(keys: Mapping[int, WorkKeys], options: Options) -> Joinable:
    """Refuses a union that would exceed the size limit, put a vetoed pair together, or grow a
    cluster through a weak link: the pairs across the two clusters must score, on average, at
    least the review threshold."""
    def joinable(left: Sequence[int], right: Sequence[int]) -> str | None:
        size = len(left) + len(right)
        if size > options.max_cluster_size:
            return "size"
        if size <= 2:
            return None
        total = 0.0
        for x in left:
            for y in right:
                if veto(keys[x], keys[y]) is not None:
                    return "veto"
                total += weighted(parts_of(keys[x], keys[y]))
        return "cohesion" if total / (len(left) * len(right)) < options.thresholds.review else None
    return joinable


def compare(pairs: Iterable[tuple[int, int]], keys: Mapping[int, WorkKeys], options: Options,
            set_isbns: set[str]) -> dict[tuple[int, int], Decision]:
    """Decisions worth keeping (:data:`KEPT_OUTCOMES`, and vetoes that stopped a likely pair)."""
    kept: dict[tuple[int, int], Decision] = {}
    review = options.thresholds.review
    for a, b in pairs:
        decision = decide(keys[a], keys[b], options.thresholds, set_isbns)
        if decision.outcome in KEPT_OUTCOMES or (decision.outcome == "veto" and decision.score >= review):
            kept[(a, b)] = decision
    return kept


def matches_in_order(decisions: Mapping[tuple[int, int], Decision]) -> list[tuple[int, int]]:
    """Matched pairs, strongest first (ties in id order, so runs are repeatable)."""
    matched = [(pair, d.score) for pair, d in decisions.items() if d.outcome == "match"]
    return [pair for pair, _ in sorted(matched, key=lambda item: (-item[1], item[0]))]


@dataclass
class Outcome:
    """What clustering a set of keys found: how many pairs were compared and which blocks were
    skipped, the decisions kept, the clusters."""

    compared: int
    skipped_blocks: list[tuple[str, int]]
    decisions: dict[tuple[int, int], Decision]
    clustering: Clustering


def cluster_keys(keys: Mapping[int, WorkKeys], options: Options = Options(),
                 forced: Sequence[tuple[int, int]] = (), forbidden: Sequence[tuple[int, int]] = (),
                 groups: Iterable[tuple[str, list[int]]] | None = None, found: Candidates | None = None) -> Outcome:
    """Cluster records by their keys alone (no database): blocking, decisions, union-find.
    ``groups``: the blocks as (name, ids), when the caller has them; ``found``: the candidates,
    when the caller has them."""
    if found is None:
        if groups is None:
            groups = group_by_block((i, blocks(k)) for i, k in keys.items()).items()
        found = candidates(groups, {i: pairing(k) for i, k in keys.items()})
    decisions = compare(found.pairs, keys, options, found.set_isbns)
    compared, skipped = len(found.pairs), found.skipped_blocks
    found.pairs.clear()  # as many as the records: not kept while clusters are made and written
    clustering = cluster(keys.keys(), matches_in_order(decisions), forced=forced, forbidden=forbidden,
                         joinable=cohesion_guard(keys, options))
    return Outcome(compared, skipped, decisions, clustering)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """A run makes millions of objects that live until it ends and hold no reference cycles (keys,
    pairs, decisions); Python's cycle collector would walk them all again and again as they pile
    up: 14 of the 83 CPU-seconds of a full run at a million records.  It is paused for the run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def full_run(engine: Engine, options: Options = Options()) -> RunReport:
    """Cluster the whole collection and write clusters, links and the run's report.  The blocks
    are read from the store a block at a time, never held all at once.  One run at a time
    (:mod:`consolidation.runlock`): a run started while another runs waits for it."""
    with _without_cycle_collection(), clustering_transaction(engine) as conn:
        return _full(conn, last_run_seq(conn), options, time.time())


def incremental_run(engine: Engine, options: Options = Options()) -> RunReport:
    """Place the records changed since the last run; a full run when there was none.  A run
    that waited for another (:mod:`consolidation.runlock`) places what that one left."""
    started = time.time()
    with _without_cycle_collection(), clustering_transaction(engine) as conn:
        since = last_run_seq(conn)
        if since is None:
            return _full(conn, since, options, started)
        return _incremental(conn, since, options, started)


def _full(conn: Connection, since: int | None, options: Options, started: float) -> RunReport:
    report = RunReport("full")
    report.last_seq = _last_change(conn)
    computed = refresh_keys(conn)
    report.keys_computed = len(computed)
    changed = None if since is None else _changed_since(conn, since) | set(computed)
    keys = load_keys(conn)
    decided = decided_pairs(conn)
    if changed is None or is_empty(conn):  # no run before, or an index a migration emptied
        outcome = _index_and_cluster(conn, keys, options, report, decided)
    else:
        report.indexed = reindex(conn, changed, keys)
        outcome = _cluster(keys, options, report, decided, groups=stored_blocks(conn))
    _note(report, keys, outcome)
    conn.execute(delete(MEMBERS))
    conn.execute(delete(LINKS))
    _write(conn, outcome.clustering.groups(), outcome.decisions)
    _finish(conn, report, started)
    return report


def _index_and_cluster(conn: Connection, keys: Mapping[int, WorkKeys], options: Options, report: RunReport,
                       decided: tuple[list[tuple[int, int]], list[tuple[int, int]], list[str]]) -> Outcome:
    """A first run (or one after the index was emptied): every record's block rows made and grouped
    by block here, and clustered from those groups, while a thread has the database stage them and
    load them into the index (:func:`consolidation.blockindex.load`).  The rows cross to it as
    JSON documents, which the database takes apart with Python's lock released, so on a second
    core the index costs the run little.  The connection is the thread's until it is done (the
    clustering uses none); the queue is bounded, so at most a few batches wait in memory; and
    the ``with`` waits for the thread whatever happens."""
    groups: dict[str, list[int]] = {}
    documents: Queue[bytes | None] = Queue(maxsize=8)
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(load, conn, iter(documents.get, None))
        try:
            for records, document in staged_batches(keys.items(), groups):
                documents.put(document)
                report.indexed += records
        finally:
            documents.put(None)
        if loading.done():  # a load that has failed already fails the run now, not after the clustering
            loading.result()
        outcome = _cluster(keys, options, report, decided, groups=groups.items())
        loading.result()
    return outcome


def _incremental(conn: Connection, since: int, options: Options, started: float) -> RunReport:
    report = RunReport("incremental")
    report.last_seq = _last_change(conn)
    if report.last_seq == since:  # nothing written since: nothing to place, no run to record
        return report
    computed = refresh_keys(conn)
    report.keys_computed = len(computed)
    changed = _changed_since(conn, since)
    indexing = changed | set(computed)
    own = load_keys(conn, indexing)
    report.indexed = refresh_index(conn, indexing, own)
    decided = decided_pairs(conn)
    keys, found, fixed = _neighbourhood(conn, {i: own[i] for i in changed if i in own}, changed,
                                        decided[0] + decided[1])
    outcome = _cluster(keys, options, report, decided, fixed=fixed, found=found)
    _note(report, keys, outcome)
    affected = sorted(set(keys) | changed)
    for chunk in chunks(affected, 500):
        conn.execute(delete(MEMBERS).where(MEMBERS.c.record_id.in_(chunk)))
    for chunk in chunks(sorted(changed), 500):
        conn.execute(delete(LINKS).where(LINKS.c.a_id.in_(chunk) | LINKS.c.b_id.in_(chunk)))
    _write(conn, outcome.clustering.groups(), outcome.decisions)
    _finish(conn, report, started)
    return report


def _neighbourhood(conn: Connection, own: dict[int, WorkKeys], changed: set[int],
                   decided: Sequence[tuple[int, int]]) -> tuple[dict[int, WorkKeys], Candidates, list[list[int]]]:
    """What placing the changed records (``own``: the keys of those still live) needs: their keys, those
    they are to be compared with, of those the operators' decisions pair with any of these, and
    of every member of their clusters; the candidate pairs; the existing clusters (changed
    records taken out).  The records of a block too large to compare within (:data:`MAX_BLOCK`)
    are not loaded: at a million records such a block holds thousands, and :func:`candidates`
    skips it."""
    groups, pairings, too_large = neighbours(conn, own, MAX_BLOCK)
    found = candidates(groups.items(), pairings, new=set(own))
    found.skipped_blocks += too_large.items()
    placed = {hub_id for pair in found.pairs for hub_id in pair} | own.keys()
    placed |= {hub_id for pair in decided if placed.intersection(pair) for hub_id in pair}
    clusters = _clusters_of(conn, placed | changed)
    members = {hub_id for ids in clusters.values() for hub_id in ids} | placed
    keys = own | load_keys(conn, members - own.keys())
    fixed = [[i for i in ids if i not in changed and i in keys] for ids in clusters.values()]
    return keys, found, [ids for ids in fixed if len(ids) > 1]


def _clusters_of(conn: Connection, ids: set[int]) -> dict[int, list[int]]:
    """Cluster id -> members, for the clusters any of ``ids`` is in."""
    cluster_ids: set[int] = set()
    for chunk in chunks(sorted(ids), 500):
        cluster_ids.update(conn.execute(select(MEMBERS.c.cluster_id).where(MEMBERS.c.record_id.in_(chunk))).scalars())
    found: dict[int, list[int]] = {}
    for chunk in chunks(sorted(cluster_ids), 500):
        for hub_id, cluster_id in conn.execute(select(MEMBERS.c.record_id, MEMBERS.c.cluster_id)
                                               .where(MEMBERS.c.cluster_id.in_(chunk))):
            found.setdefault(cluster_id, []).append(hub_id)
    return found


def _cluster(keys: Mapping[int, WorkKeys], options: Options, report: RunReport,
             decided: tuple[list[tuple[int, int]], list[tuple[int, int]], list[str]],
             fixed: Sequence[Sequence[int]] = (), groups: Iterable[tuple[str, list[int]]] | None = None,
             found: Candidates | None = None) -> Outcome:
    """:func:`cluster_keys` with the operators' decisions (:func:`decided_pairs`), and the ``fixed``
    clusters kept together."""
    forced, forbidden, report.missing_decisions = decided
    present = keys.keys()
    forced = [(a, b) for a, b in forced if a in present and b in present]
    forbidden = [(a, b) for a, b in forbidden if a in present and b in present]
    kept_together = [(ids[0], other) for ids in fixed for other in ids[1:]]
    outcome = cluster_keys(keys, options, forced + kept_together, forbidden, groups, found)
    report.conflicts = [f"merge {a} {b} is refused: a forbidden pair would share a cluster"
                        for a, b in outcome.clustering.conflicts]
    return outcome


def _note(report: RunReport, keys: Mapping[int, WorkKeys], outcome: Outcome) -> None:
    groups = outcome.clustering.groups()
    report.records = len(keys)
    report.pairs = outcome.compared
    report.outcomes = Counter(d.outcome for d in outcome.decisions.values())
    report.skipped_blocks = len(outcome.skipped_blocks)
    report.refused = outcome.clustering.refused
    report.clusters = len(groups)
    report.clustered_records = sum(len(ids) for ids in groups)
    report.largest = max((len(ids) for ids in groups), default=1)


def _write(conn: Connection, clusters: list[list[int]], decisions: Mapping[tuple[int, int], Decision]) -> None:
    """Members of clusters of two or more (a record alone has no row), and the kept links; in
    batches made as they are written (a full run writes hundreds of thousands)."""
    members = ({"record_id": hub_id, "cluster_id": ids[0]} for ids in clusters if len(ids) > 1 for hub_id in ids)
    for rows in _batches(members, 10000):
        conn.execute(insert(MEMBERS), rows)
    links = ({"a_id": a, "b_id": b, "outcome": d.outcome, "score": round(d.score, 4), "rule": d.rule,
              "parts": {name: round(value, 4) for name, value in d.parts.items()}}
             for (a, b), d in decisions.items())
    for rows in _batches(links, 10000):
        conn.execute(insert(LINKS), rows)


def _finish(conn: Connection, report: RunReport, started: float) -> None:
    report.seconds = time.time() - started
    conn.execute(insert(RUNS).values(kind=report.kind, started_at=int(started), finished_at=int(time.time()),
                                     report=report.to_dict()))


def last_run_seq(conn: Connection) -> int | None:
    """The change-log position the last run covered, or None before the first run."""
    report = conn.execute(select(RUNS.c.report).order_by(RUNS.c.id.desc()).limit(1)).scalar()
    return None if report is None else int(report["last_seq"])


def _changed_since(conn: Connection, seq: int) -> set[int]:
    """The records the change log says were written after position ``seq``."""
    return set(conn.execute(select(CHANGES.c.record_id).where(CHANGES.c.seq > seq)).scalars())


def _last_change(conn: Connection) -> int:
    return conn.execute(select(func.max(CHANGES.c.seq))).scalar() or 0


def _batches(items: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch

