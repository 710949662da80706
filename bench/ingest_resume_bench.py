"""Resume of a killed file ingest: the time from restart to the end of the file, by byte offset
(now) and by counting records (what a checkpoint without an offset still does).

    python bench/ingest_resume_bench.py                  # 100,000 oai_dc records, killed at 90 %
    python bench/ingest_resume_bench.py --size 20000 --at 0.5

One Windows-1251 oai_dc file (so offsets are not character counts) is ingested into a fresh
SQLite store in batches of 500 and "killed" in-process after the batch holding record
``at * size`` commits (a BaseException, which leaves the run ``running`` as SIGKILL does).  The
store file is copied, and the ingest resumed twice from the same state: once as it is (offset)
and once with the checkpoint's offset removed (records counted).  Times are CPU seconds of this
process (``time.process_time``; the VM is shared) and wall seconds; the store after both resumes
must be the same.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from harvester.ingest import ingest_path  # noqa: E402
from harvester.models import HarvestRun  # noqa: E402
from harvester.partners import PartnerConfig, save_partner  # noqa: E402
from repository.db import migrate  # noqa: E402
from repository.engine import make_engine  # noqa: E402
from repository.models import SourceRecord  # noqa: E402
from repository.store import Store  # noqa: E402
from tests.harvester.delivery_files import dc_collection  # noqa: E402

BATCH = 500


class Killed(BaseException):
    """SIGKILL, in-process."""


def record(n: int) -> str:
    return (f"<oai_dc:dc><dc:identifier>local-{n}</dc:identifier><dc:title>Казахская литература, том {n}"
            f"</dc:title><dc:creator>Автор {n}</dc:creator><dc:subject>Литература</dc:subject>"
            f"<dc:date>{1990 + n % 30}</dc:date><dc:language>rus</dc:language></oai_dc:dc>")


def open_store(path: Path) -> Store:
    store = Store(make_engine(f"sqlite:///{path}"), "bench.kazneb.kz")
    migrate(store.engine)
    return store


def killed_ingest(folder: Path, size: int, at: int) -> Path:
    """The store file after an ingest killed once record ``at`` was committed."""
    store = open_store(folder / "killed.db")
    partner = PartnerConfig(id="bench", access="open")
    with store.session() as session:
        save_partner(store, session, partner)

    def report(line: str) -> None:
        if line.startswith(f"records.xml: record {at},"):
            raise Killed

    try:
        ingest_path(store, partner, folder / "records.xml", report=report, batch_size=BATCH)
    except Killed:
        pass
    store.engine.dispose()
    return folder / "killed.db"


def resume(folder: Path, killed: Path, name: str, drop_offset: bool) -> tuple[float, float, set[str]]:
    copy = folder / f"{name}.db"
    shutil.copy(killed, copy)
    assert not killed.with_name(killed.name + "-wal").exists()  # all of it in the file copied
    store = open_store(copy)
    if drop_offset:
        with store.session() as session:
            run = session.scalars(select(HarvestRun)).one()
            run.checkpoint = {k: v for k, v in run.checkpoint.items() if k not in ("offset", "prefix", "xml")}
    cpu, wall = time.process_time(), time.perf_counter()
    run = ingest_path(store, PartnerConfig(id="bench", access="open"), folder / "records.xml",
                      report=lambda line: None, batch_size=BATCH)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert run.status == "succeeded" and run.resumed == 1 and run.unchanged == 0
    with store.session() as session:
        keys = set(session.scalars(select(SourceRecord.source_key)))
    return cpu, wall, keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--at", type=float, default=0.9, help="fraction of the file committed before the kill")
    args = parser.parse_args()
    at = max(BATCH, int(args.size * args.at) // BATCH * BATCH)
    with tempfile.TemporaryDirectory(prefix="kazneb-resume-bench-") as scratch:
        folder = Path(scratch)
        data = dc_collection([record(n) for n in range(1, args.size + 1)], "windows-1251")
        (folder / "records.xml").write_bytes(data)
        killed = killed_ingest(folder, args.size, at)
        offset = resume(folder, killed, "offset", drop_offset=False)
        counted = resume(folder, killed, "counted", drop_offset=True)
    assert offset[2] == counted[2] and len(offset[2]) == args.size
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}")
    print(f"{args.size:,} records ({len(data) / 1e6:.1f} MB), killed after record {at:,}; "
          f"resume writes {args.size - at:,}")
    for name, (cpu, wall, _) in (("offset", offset), ("counted", counted)):
        print(f"  resume by {name:8} CPU {cpu:6.2f} s  wall {wall:6.2f} s")


if __name__ == "__main__":
    main()
