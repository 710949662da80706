"""Harvest benchmark: N records from a local OAI-PMH server into the store, crosswalk included.

    python bench/harvest_bench.py                 # 100,000 records
    python bench/harvest_bench.py --size 1000000  # a million
    python bench/harvest_bench.py --write         # also record the figures in bench/RESULTS.md

The partner is :class:`harvester.testing.ScriptedPartner` serving generated oai_dc records
from its own process.  The harvest (into a fresh SQLite store) and, for comparison, sickle
iterating the same list without storing anything, before and after the harvest, each run in
a child process of their own so that records/s and peak memory (max RSS) are each one's alone.
Sickle on both sides shows whether the machine's speed changed during the harvest.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import queue
import re
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import build_kind, pin_to_core  # noqa: E402
from harvester.testing import Item, ScriptedPartner, dc_item  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Harvester"


class GeneratedItems:
    """``size`` oai_dc items made on demand, so the server's memory does not grow with the size."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: slice) -> list[Item]:
        return [self.item(i) for i in range(*index.indices(self.size))]

    @staticmethod
    def item(i: int) -> Item:
        return dc_item(f"oai:bench.kz:{i:08d}", f"Қазақ әдебиетінің тарихы, том {i}",
                       f"20{10 + i % 14:02d}-0{1 + i % 9}-1{i % 10}T10:00:00Z",
                       creator=f"Әуезов, Мұхтар {i % 97}", subject="Әдебиет тарихы",
                       publisher="Ғылым", date=str(1950 + i % 70), language="kaz",
                       identifier=f"https://kazneb.kz/bookView/view?brId={i}",
                       description="Зерттеу еңбегі. " * 4)


class BenchPartner(ScriptedPartner):
    def select(self, start: str, until: str, set_spec: str):  # type: ignore[no-untyped-def]
        return self.items


def serve(size: int, page_size: int, ready) -> None:  # type: ignore[no-untyped-def]
    pin_to_core(-1)  # the partner on the last core, the clients on the first
    partner = BenchPartner(page_size=page_size)
    partner.items = GeneratedItems(size)  # type: ignore[assignment]
    partner.start()
    ready.put(partner.url)
    while True:
        time.sleep(3600)


def harvest(url: str, db: str, out) -> None:  # type: ignore[no-untyped-def]
    from harvester.partners import PartnerConfig, save_partner
    from harvester.run import harvest_partner
    from kazneb.cli import tune_garbage_collector
    from kazneb.config import load_settings
    from repository.db import migrate
    from repository.store import Store

    pin_to_core(0)
    store = Store.from_settings(load_settings(ROOT / "config" / "kazneb.toml",
                                              overrides={"database.url": f"sqlite:///{db}"}), writing=True)
    migrate(store.engine)
    config = PartnerConfig(id="bench", base_url=url, rate_limit=0, timeout=120)
    with store.session() as session:
        save_partner(store, session, config)
    tune_garbage_collector()  # as the `kazneb harvest` command does
    start, cpu = time.perf_counter(), time.process_time()
    [run] = harvest_partner(store, config)
    out.put({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "records": run.new,
             "pages": run.pages, "status": run.status, "quarantined": run.quarantined,
             "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def sickle_only(url: str, out) -> None:  # type: ignore[no-untyped-def]
    from sickle import Sickle

    pin_to_core(0)
    start, cpu = time.perf_counter(), time.process_time()
    count = sum(1 for _ in Sickle(url).ListRecords(metadataPrefix="oai_dc"))
    out.put({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "records": count,
             "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def in_child(target, *args):  # type: ignore[no-untyped-def]
    out = mp.Queue()
    process = mp.Process(target=target, args=(*args, out))
    process.start()
    while True:
        try:
            result = out.get(timeout=1)
            break
        except queue.Empty:
            if not process.is_alive():
                sys.exit(f"{target.__name__} failed (exit code {process.exitcode}); see its traceback above")
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--write", action="store_true", help="record the figures in bench/RESULTS.md")
    args = parser.parse_args()
    mp.set_start_method("spawn")
    ready = mp.Queue()
    server = mp.Process(target=serve, args=(args.size, args.page_size, ready), daemon=True)
    server.start()
    url = ready.get()
    before = in_child(sickle_only, url)  # sickle on both sides: this shared machine's speed drifts
    with tempfile.TemporaryDirectory() as scratch:
        ours = in_child(harvest, url, os.path.join(scratch, "bench.db"))
    after = in_child(sickle_only, url)
    server.terminate()
    rows = [("sickle, iterate only, before", before), ("kazneb harvest (crosswalk + store, SQLite)", ours),
            ("sickle, iterate only, after", after)]
    lines = [f"{args.size:,} records, pages of {args.page_size}, {platform.processor() or platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.1f}, "
             f"crosswalks {build_kind()}.", "",
             "| client | records | seconds | records/s | CPU s | records per CPU s | peak RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows:
        lines.append(f"| {name} | {r['records']:,} | {r['seconds']:.1f} | {r['records'] / r['seconds']:,.0f} "
                     f"| {r['cpu']:.1f} | {r['records'] / r['cpu']:,.0f} | {r['peak_mb']:.0f} |")
    lines += ["", f"Harvest to sickle, records per CPU second: {ratio_to_peer(ours, before, after):.2f} "
              "(against the mean of sickle's two runs)."]
    print("\n".join(lines))
    if ours["status"] != "succeeded" or ours["records"] != args.size:
        sys.exit(f"harvest incomplete: {ours}")
    if args.write:
        write_results(lines)


def ratio_to_peer(ours: dict, *peer_runs: dict) -> float:
    """The harvest's records per CPU second over the peer's (the mean of its runs)."""
    rate = ours["records"] / ours["cpu"]
    return rate / (sum(r["records"] / r["cpu"] for r in peer_runs) / len(peer_runs))


def write_results(lines: list[str]) -> None:
    """Replace (or add) the Harvester section of bench/RESULTS.md, leaving other sections alone."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    section = f"{HEADING}\n\n`python bench/harvest_bench.py` (machine-dependent).\n\n" + "\n".join(lines) + "\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
