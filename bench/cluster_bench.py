"""Clustering benchmark (issue 21 §5): a million records with their keys stored, clustered.

    python bench/cluster_bench.py [--size 1000000] [--seed 1] [--incremental 10000]

Target: the full run (candidates, scoring, vetoes, clusters, links and members written) in at most
90 s and 2 GB; an incremental batch of 10,000 new records placed in at most 5 s.  Publishing the
merged records is timed on its own.

Setup (reported, not what is measured): ``size + incremental`` records of
``tests.consolidation.labelled.synthetic_collection(seed)``; ``incremental`` of them, drawn at
random from the stream, are held back for the incremental run (so they have their twins in the
store, as a partner catching up would), the others are written straight into a migrated SQLite
store, in bulk: ``partners``, ``hub_records`` (canonical JSON, content hash), ``source_records``
(MARCXML, live) and ``record_keys`` (``work_keys``, as the store writes them).  The block index
(``record_blocks``) is consolidation's: the first run builds it.  No renderings: clustering never
reads them.  The store is cached under
``/tmp/kazneb-cluster-bench/`` by size and seed, and copied for each run (every run starts from the
same unclustered store).

Each measured phase runs in a fresh process (``--phase``), so its peak memory is its own:

1. ``full``: the first ``consolidation.build.full_run`` (which indexes every record's blocks
   first, ``consolidation/blockindex.py``) on the engine ``kazneb cluster build`` uses; wall and
   CPU seconds, peak RSS (``ru_maxrss``: with the SQLite pages read through the memory map) and the
   peak of anonymous memory (the process's own heap, sampled every 50 ms), the run's report, and
   where the time went (each step of the run timed by wrapping it).  ``full-again``: a second full
   run on its result (the index up to date), as ``kazneb cluster build --full`` after retuning.
2. ``peer``: the bare library in the same run: ``rapidfuzz.fuzz.ratio`` of the two titles of each of
   the full run's candidate pairs (the pairs found as the run finds them, untimed), the floor
   under any scoring of those pairs.
3. ``incremental``: the held-back records written through the store (``Store.write_records``: keys,
   change log; timed apart), then ``incremental_run``.
4. ``publish``: ``consolidation.publish.publish_clusters`` (every cluster's merged record rendered
   and published, the others absorbed), then ``after-publish``: an incremental run with no new
   record, which finds every record publishing changed in the change log.

``--profile N`` instead runs the full run under cProfile on an N-record store and prints the top
of the profile (and of publishing, with ``--profile-publish``).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = Path("/tmp/kazneb-cluster-bench")
#: Records inserted per transaction while building the store.
CHUNK = 20_000
STAMP = 1_767_225_600  # 2026-01-01, the datestamp and harvest time of every bulk record


def paths(size: int, seed: int, incremental: int) -> tuple[Path, Path]:
    """The cached store and the held-back records' file (keys of this KEYS_VERSION)."""
    from crosswalks.workkeys import KEYS_VERSION

    name = f"{size}-{seed}-{incremental}-k{KEYS_VERSION}-keys-only"
    return CACHE / f"store-{name}.db", CACHE / f"held-back-{name}.jsonl"


# -- setup ----------------------------------------------------------------------------------------

def build_store(db: Path, held_file: Path, size: int, seed: int, incremental: int) -> float | None:
    """Build the cached store unless it exists; the seconds it took (None: reused)."""
    if db.exists() and held_file.exists():
        return None
    from crosswalks.workkeys import KEYS_VERSION, work_keys
    from kazneb.config import load_settings
    from repository.db import migrate
    from repository.digests import canonical_json_bytes, content_hash, dumps
    from repository.identifiers import local_id_for
    from repository.store import Store
    from tests.consolidation.labelled import synthetic_collection

    CACHE.mkdir(parents=True, exist_ok=True)
    partial = db.with_suffix(".partial")
    for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    store = Store.from_settings(load_settings(overrides={"database.url": f"sqlite:///{partial}"}))
    migrate(store.engine)
    store.engine.dispose()

    total = size + incremental
    held = set(random.Random(seed).sample(range(total), incremental))
    conn = sqlite3.connect(partial, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    partners: set[str] = set()
    hub_id = 0
    hubs, sources, keys_rows = [], [], []

    def flush() -> None:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO hub_records (id, local_id, datestamp, deleted, access, partner_id, canonical, "
                         "content_hash) VALUES (?, ?, ?, 0, ?, ?, ?, ?)", hubs)
        conn.executemany("INSERT INTO source_records (partner_id, source_key, metadata_prefix, source_sets, "
                         "content_hash, harvested_at, deleted, hub_record_id) "
                         "VALUES (?, ?, 'marcxml', '[]', ?, ?, 0, ?)", sources)
        conn.executemany("INSERT INTO record_keys (record_id, version, keys_json) VALUES (?, ?, ?)", keys_rows)
        conn.execute("COMMIT")
        for rows in (hubs, sources, keys_rows):
            rows.clear()

    with open(held_file.with_suffix(".partial"), "w", encoding="utf-8") as held_out:
        for index, record in enumerate(synthetic_collection(total, seed)):
            partner = record.source.partner or "synthetic"
            key = f"r{index:08d}"
            record.access = record.access or "open"
            partners.add(partner)
            if index in held:
                held_out.write(json.dumps({"partner": partner, "key": key, "record": record.to_dict()},
                                          ensure_ascii=False) + "\n")
                continue
            hub_id += 1
            text = canonical_json_bytes(record)
            digest = content_hash(text, [], deleted=False)
            hubs.append((hub_id, local_id_for(partner, key), STAMP, record.access, partner, text.decode(), digest))
            sources.append((partner, key, digest, STAMP, hub_id))
            keys = work_keys(record)
            keys_rows.append((hub_id, KEYS_VERSION, dumps(keys.to_dict())))
            if len(hubs) >= CHUNK:
                flush()
            if hub_id % 100_000 == 0:
                print(f"setup: {hub_id:,} records stored, {time.perf_counter() - started:.0f} s", flush=True)
        if hubs:
            flush()
    conn.executemany("INSERT INTO partners (id, name_en, base_url, default_access, enabled, settings) "
                     "VALUES (?, ?, ?, 'open', 1, '{}')",
                     [(p, p, f"https://{p}.example/oai") for p in sorted(partners | {"synthetic"})])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()
    held_file.with_suffix(".partial").rename(held_file)
    partial.rename(db)
    Path(f"{partial}-wal").unlink(missing_ok=True)
    Path(f"{partial}-shm").unlink(missing_ok=True)
    return time.perf_counter() - started


def store_of(db: Path):  # type: ignore[no-untyped-def]
    """The store ``kazneb`` opens on this database (same engine, pragmas, memory map)."""
    from kazneb.config import load_settings
    from repository.store import Store

    return Store.from_settings(load_settings(overrides={"database.url": f"sqlite:///{db}"}))


# -- measured phases (each in its own process) -----------------------------------------------------

class Memory:
    """Peak anonymous memory (RssAnon) of this process, sampled every 50 ms by a thread."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, anon_kb())
            if self._stop.wait(0.05):
                return


def anon_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1])
    return 0


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_steps() -> dict[str, float]:
    """Wrap the steps of a run (``consolidation.build``'s names) so each one's seconds add up here."""
    import consolidation.build as build

    spent: dict[str, float] = {}
    for name in ("refresh_keys", "load_keys", "candidates", "compare", "matches_in_order", "cluster", "_write",
                 "_neighbourhood", "decided_pairs", "group_by_block", "neighbours", "refresh_index",
                 "_clusters_of", "load", "reindex"):
        original = getattr(build, name)

        def wrapper(*args, _original=original, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - started
        setattr(build, name, wrapper)
    return spent


def measure(work) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Run ``work()`` and return its result with wall, CPU and memory."""
    base_anon = anon_kb()
    cpu, wall = cpu_seconds(), time.perf_counter()
    with Memory() as memory:
        result = work()
    return {"wall": time.perf_counter() - wall, "cpu": cpu_seconds() - cpu, "result": result,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "anon_peak_mb": memory.peak / 1024, "anon_before_mb": base_anon / 1024}


def phase_full(db: Path) -> dict[str, object]:
    from consolidation.build import full_run

    store = store_of(db)
    spent = timed_steps()
    out = measure(lambda: full_run(store.engine).to_dict())
    out["steps"] = spent
    return out


def phase_incremental(db: Path, held_file: Path) -> dict[str, object]:
    from consolidation.build import incremental_run
    from crosswalks.model import CanonicalRecord
    from repository.store import IncomingRecord

    store = store_of(db)
    incomings = []
    with open(held_file, encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            incomings.append(IncomingRecord(item["partner"], item["key"], CanonicalRecord.from_dict(item["record"]),
                                            raw=f"<record>{item['key']}</record>", metadata_prefix="marcxml"))
    started = time.perf_counter()
    for start in range(0, len(incomings), 2000):
        with store.session() as session:
            store.write_records(session, incomings[start:start + 2000])
    written = time.perf_counter() - started
    spent = timed_steps()
    out = measure(lambda: incremental_run(store.engine).to_dict())
    out["steps"] = spent
    out["write_seconds"] = written
    out["written"] = len(incomings)
    return out


def phase_publish(db: Path) -> dict[str, object]:
    from consolidation.publish import publish_clusters

    store = store_of(db)
    out = measure(lambda: vars(publish_clusters(store)))
    return out


def phase_peer(db: Path) -> dict[str, object]:
    """Bare rapidfuzz over the full run's candidate pairs: ``fuzz.ratio`` of the two main titles."""
    from rapidfuzz import fuzz

    from consolidation.blockindex import stored_blocks
    from consolidation.blocking import candidates, pairing
    from consolidation.keystore import load_keys

    store = store_of(db)
    with store.engine.connect() as conn:
        keys = load_keys(conn)
        found = candidates(stored_blocks(conn), {i: pairing(k) for i, k in keys.items()})
    titles = [(keys[a].title, keys[b].title) for a, b in found.pairs]
    del keys, found

    def loop() -> int:
        ratio = fuzz.ratio
        for a, b in titles:
            ratio(a, b)
        return len(titles)
    return measure(loop)


def phase_after_publishing(db: Path) -> dict[str, object]:
    """An incremental run right after publishing, with no new record: publishing logged a change
    for every record it published or absorbed, and the run reads the change log."""
    from consolidation.build import incremental_run

    store = store_of(db)
    spent = timed_steps()
    out = measure(lambda: incremental_run(store.engine).to_dict())
    out["steps"] = spent
    return out


PHASES = {"full": phase_full, "full-again": phase_full, "publish": phase_publish, "peer": phase_peer,
          "after-publish": phase_after_publishing}


def run_phase(phase: str, db: Path, held_file: Path) -> dict[str, object]:
    """One phase in a fresh interpreter; its measures (the child prints them as its last line)."""
    command = [sys.executable, __file__, "--phase", phase, "--db", str(db), "--held", str(held_file)]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(phase: str, db: Path, held_file: Path) -> None:
    out = phase_incremental(db, held_file) if phase == "incremental" else PHASES[phase](db)
    out["load"] = os.getloadavg()
    print(json.dumps(out))


# -- profiling -------------------------------------------------------------------------------------

def profile(size: int, seed: int, incremental: int, publish: bool) -> None:
    from consolidation.build import full_run
    from consolidation.publish import publish_clusters

    db, held_file = paths(size, seed, incremental)
    build_store(db, held_file, size, seed, incremental)
    work = fresh_copy(db)
    store = store_of(work)
    for name, call in (("full_run", lambda: full_run(store.engine)),
                       ("publish_clusters", lambda: publish_clusters(store))):
        if name == "publish_clusters" and not publish:
            break
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.runcall(call)
        print(f"\n{name} at {size:,} records: {time.perf_counter() - started:.1f} s under cProfile "
              f"(load {os.getloadavg()[0]:.2f})")
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(30)


def fresh_copy(db: Path) -> Path:
    """A copy of the cached store to run on, at the current schema (the cache may be older)."""
    from repository.db import migrate
    from repository.engine import make_engine

    work = db.with_name("work-" + db.name)
    for stale in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(db, work)
    engine = make_engine(f"sqlite:///{work}")
    migrate(engine)
    engine.dispose()
    return work


# -- main ------------------------------------------------------------------------------------------

def load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--incremental", type=int, default=10_000, help="records held back for the incremental run")
    parser.add_argument("--skip-publish", action="store_true", help="do not time publish_clusters")
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile the full run on an N-record store instead")
    parser.add_argument("--profile-publish", action="store_true", help="with --profile: publishing too")
    parser.add_argument("--phase", choices=[*PHASES, "incremental"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--held", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args.phase, args.db, args.held)
        return
    if args.profile:
        profile(args.profile, args.seed, args.incremental, args.profile_publish)
        return

    db, held_file = paths(args.size, args.seed, args.incremental)
    print(f"setup: store {db} (load {load()})", flush=True)
    setup = build_store(db, held_file, args.size, args.seed, args.incremental)
    print("setup: reused the cached store" if setup is None else f"setup: built in {setup:.0f} s", flush=True)
    work = fresh_copy(db)
    results: dict[str, dict[str, object]] = {}
    for phase in ("full", "full-again", "peer", "incremental", "publish", "after-publish"):
        if phase in ("publish", "after-publish") and args.skip_publish:
            continue
        print(f"{phase}: running (load {load()})", flush=True)
        results[phase] = run_phase(phase, work, held_file)
        shown = {k: v for k, v in results[phase].items() if k != "result"}
        print(f"{phase}: {json.dumps(shown)}\n  {json.dumps(results[phase]['result'], ensure_ascii=False)[:1500]}",
              flush=True)
    print(table(args, setup, results))


def table(args: argparse.Namespace, setup: float | None, results: dict[str, dict[str, object]]) -> str:
    full, inc = results["full"], results["incremental"]
    report, inc_report = full["result"], inc["result"]
    peer = results["peer"]
    lines = [
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cpus, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"size {args.size:,}, seed {args.seed}; setup "
        + ("reused" if setup is None else f"{setup:.0f} s"),
        "",
        "| phase | load (1/5/15 min) | wall s | CPU s | peak RSS MB | peak anon MB | what |",
        "|---|---|---:|---:|---:|---:|---|",
        row("full run", full, f"{report['records']:,} records, {report['pairs']:,} pairs "
            f"({_outcomes(report)}), {report['clusters']:,} clusters of {report['clustered_records']:,} "
            f"(largest {report['largest']}), refused {_outcomes_of(report['refused'])}, "
            f"{report['skipped_blocks']:,} blocks skipped"),
        row("full run again (index up to date, as `cluster build --full` after retuning)", results["full-again"],
            f"{results['full-again']['result']['pairs']:,} pairs, {results['full-again']['result']['clusters']:,} "
            "clusters"),
        row(f"incremental run ({inc['written']:,} new records, written in {inc['write_seconds']:.1f} s)", inc,
            f"{inc_report['records']:,} records looked at, {inc_report['pairs']:,} pairs ({_outcomes(inc_report)}), "
            f"{inc_report['clusters']:,} clusters"),
    ]
    if "publish" in results:
        pub = results["publish"]["result"]
        lines.append(row("publish_clusters", results["publish"],
                         f"{pub['clusters']:,} clusters: {pub['published']:,} published, "
                         f"{pub['absorbed']:,} absorbed, {pub['released']:,} released"))
    if "after-publish" in results:
        after = results["after-publish"]
        lines.append(row("incremental run right after publishing, no new record", after,
                         f"{after['result']['records']:,} records looked at, {after['result']['pairs']:,} pairs"))
    lines.append(row("bare rapidfuzz: fuzz.ratio of the titles of the full run's pairs", peer,
                     f"{peer['result']:,} pairs"))
    lines += ["", f"Full run / bare rapidfuzz: {full['wall'] / peer['wall']:.1f}x wall, "
              f"{full['cpu'] / peer['cpu']:.1f}x CPU.",
              "Full run's steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in full["steps"].items()),
              "Full run again, steps (s): " + ", ".join(f"{k} {v:.1f}"
                                                        for k, v in results["full-again"]["steps"].items()),
              "Incremental run's steps (s): " + ", ".join(f"{k} {v:.2f}" for k, v in inc["steps"].items())]
    return "\n".join(lines)


def row(name: str, result: dict[str, object], what: str) -> str:
    load_at = "/".join(f"{v:.2f}" for v in result["load"])  # type: ignore[union-attr]
    return (f"| {name} | {load_at} | {result['wall']:.1f} | {result['cpu']:.1f} | {result['maxrss_mb']:,.0f} | "
            f"{result['anon_peak_mb']:,.0f} | {what} |")


def _outcomes(report: dict) -> str:  # type: ignore[type-arg]
    return _outcomes_of(report["outcomes"])


def _outcomes_of(counts: dict) -> str:  # type: ignore[type-arg]
    return ", ".join(f"{n:,} {name}" for name, n in sorted(counts.items())) or "none"


if __name__ == "__main__":
    main()
