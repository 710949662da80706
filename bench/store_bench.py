"""Store write-path benchmark: N synthetic records through ``Store.write_records``.

    python bench/store_bench.py                  # 20,000 records
    python bench/store_bench.py --size 100000
    python bench/store_bench.py --profile        # cProfile of the first pass (top 30)

Records come from ``tests/oai_helpers.make_record`` and are written in batches of 500
(one transaction each, as a harvest writes one OAI page) into a fresh SQLite file.
Three passes: ``new`` (empty store), ``unchanged`` (the same records again) and
``update`` (every record changed).  Speeds are records per CPU-second of this process
(``time.process_time``), since the machine is shared; the renderers alone are timed on
the same records, so the store's own cost is the total minus rendering.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crosswalks.model import Title  # noqa: E402
from repository.db import migrate  # noqa: E402
from repository.engine import make_engine  # noqa: E402
from repository.store import IncomingRecord, Store  # noqa: E402
from tests.oai_helpers import make_record  # noqa: E402

BATCH = 500
PARTNER = "bench"


def raw_xml(i: int) -> str:
    """A partner record as it arrives (about the size of a real oai_dc record)."""
    return ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>Қазақ әдебиетінің тарихы, том {i}</dc:title><dc:creator>Автор {i}</dc:creator>"
            "<dc:subject>Қазақ әдебиеті</dc:subject><dc:publisher>Фолиант</dc:publisher>"
            f"<dc:date>{1990 + i % 30}</dc:date><dc:language>kaz</dc:language>"
            f"<dc:identifier>local-{i}</dc:identifier><dc:description>Сипаттама {i}</dc:description>"
            "</oai_dc:dc>")


def incoming(i: int, edition: int) -> IncomingRecord:
    record = make_record(i)
    if edition:
        record.titles = [Title(f"{record.titles[0].value} (ed. {edition})", lang=record.titles[0].lang)]
    return IncomingRecord(partner_id=PARTNER, source_key=f"oai:bench.kz:{i:08d}", record=record,
                          raw=raw_xml(i), source_datestamp="2026-01-01T00:00:00Z", metadata_prefix="oai_dc",
                          metadata_namespace="http://www.openarchives.org/OAI/2.0/oai_dc/")


def write_pass(store: Store, size: int, edition: int) -> tuple[float, dict[str, int]]:
    """CPU seconds spent in ``write_records`` (record building excluded) and the outcomes."""
    outcomes: dict[str, int] = {}
    spent = 0.0
    for start in range(0, size, BATCH):
        batch = [incoming(i, edition) for i in range(start, min(size, start + BATCH))]
        began = time.process_time()
        with store.session() as session:
            statuses = store.write_records(session, batch)
        spent += time.process_time() - began
        for status in statuses:
            outcomes[status] = outcomes.get(status, 0) + 1
    return spent, outcomes


def render_only(store: Store, size: int) -> float:
    """CPU seconds the renderers alone need for the same records (all formats)."""
    spent = 0.0
    for start in range(0, size, BATCH):
        batch = [incoming(i, 0) for i in range(start, min(size, start + BATCH))]
        began = time.process_time()
        for item in batch:
            for _ in store.publisher.render("oai:x:y", 1_700_000_000, ["partner"], False, item.record, None):
                pass
        spent += time.process_time() - began
    return spent


def profiled(run: Callable[[], object]) -> None:
    profile = cProfile.Profile()
    profile.runcall(run)
    pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    size = args.size

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
        store = Store(engine, "bench.kazneb.kz")
        with store.session() as session:
            store.upsert_partner(session, PARTNER, names={"en": "Bench"}, base_url="http://127.0.0.1:9/oai")

        render = render_only(store, size)
        if args.profile:
            profiled(lambda: write_pass(store, size, 0))
            return
        print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}, "
              f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}")
        print(f"renderers alone: {size / render:,.0f} records/CPU-s ({render / size * 1e6:.0f} µs/record)")
        for name, edition in (("new", 0), ("unchanged", 0), ("update", 1)):
            spent, outcomes = write_pass(store, size, edition)
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            line = f"{name:>9}: {size / spent:8,.0f} records/CPU-s"
            if name != "unchanged":
                line += f", without rendering {size / max(spent - render, 1e-9):8,.0f} records/CPU-s"
            line += f", file {path.stat().st_size / size:,.0f} bytes/record  {outcomes}"
            print(line, flush=True)
        engine.dispose()


if __name__ == "__main__":
    main()
