"""Benchmark: harvesting a whole ListRecords list from the hub, against pyoai's server.

Builds (or reuses) a synthetic collection in SQLite through the store, serves it with
one gunicorn worker, and harvests every page of ``ListRecords&metadataPrefix=oai_dc``
with a minimal keep-alive HTTP client.  In the same run it serves the same records
with pyoai's ``BatchingServer`` paging with OFFSET (as MOAI does) and harvests that
too, for a ratio.  Prints records/s, first and last page times, the worker's peak
memory.  Run by hand:  python bench/oai_bench.py [--size 1000000]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]*)</resumptionToken>")
RECORD = re.compile(rb"<record>")


def build_collection(db: Path, size: int) -> None:
    """Write ``size`` synthetic records through the store (skipped when already built)."""
    from kazneb.config import load_settings
    from repository.db import migrate
    from repository.store import IncomingRecord, Store
    from tests.oai_helpers import make_record

    settings = load_settings(overrides={"database.url": f"sqlite:///{db}"})
    store = Store.from_settings(settings)
    migrate(store.engine)
    with store.engine.connect() as conn:
        have = conn.exec_driver_sql("SELECT COUNT(*) FROM hub_records").scalar_one()
    if have >= size:
        print(f"collection: reusing {have} records in {db}")
        return
    started = time.perf_counter()
    partners = ["nabrk", "kaznu", "enu", "kazgazeta"]
    with store.session() as session:
        for partner in partners:
            store.upsert_partner(session, partner, names={"en": partner}, base_url=f"https://{partner}.kz/oai")
    batch = 2000
    for start in range(have, size, batch):
        with store.session() as session:
            store.write_records(session, [
                IncomingRecord(partners[i % 4], f"oai:{partners[i % 4]}.kz:{i}", make_record(i),
                               raw=f"<record>{i}</record>", metadata_prefix="oai_dc")
                for i in range(start, min(start + batch, size))])
        done = min(start + batch, size)
        if done % 50000 == 0 or done == size:
            rate = (done - have) / (time.perf_counter() - started)
            print(f"collection: {done} records written ({rate:,.0f} records/s through the store)", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "600",
         "--log-level", "warning", app],
        cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app} did not start on port {port}")


def worker_pid(master: subprocess.Popen) -> int:
    return int(Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()[0])


def worker_memory_mb(pid: int) -> tuple[float, float]:
    """(peak RSS, current anonymous RSS) of the worker in MB.

    The peak includes pages of the SQLite file mapped with mmap (shared page cache); the
    anonymous figure is the worker's own heap.
    """
    status = Path(f"/proc/{pid}/status").read_text()
    hwm = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    anon = int(re.search(r"RssAnon:\s+(\d+) kB", status).group(1))
    return hwm / 1024, anon / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (the machine is shared: wall time is noisy)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def harvest(port: int, max_seconds: float) -> dict[str, float]:
    """Fetch ListRecords pages until the list ends (or time runs out)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    query = "/oai?verb=ListRecords&metadataPrefix=oai_dc"
    records, pages, times = 0, 0, []
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        conn.request("GET", query)
        body = conn.getresponse().read()
        times.append(time.perf_counter() - t0)
        records += len(RECORD.findall(body))
        pages += 1
        match = TOKEN.search(body)
        token = match.group(1).decode() if match else ""
        if not token or time.perf_counter() - started > max_seconds:
            break
        query = "/oai?verb=ListRecords&resumptionToken=" + quote(token, safe="")
    elapsed = time.perf_counter() - started
    ordered = sorted(times)
    return {"records": records, "pages": pages, "seconds": elapsed, "rate": records / elapsed,
            "first_page_ms": times[0] * 1000, "second_page_ms": times[min(1, len(times) - 1)] * 1000,
            "median_page_ms": ordered[len(ordered) // 2] * 1000,
            "p95_page_ms": ordered[int(len(ordered) * 0.95)] * 1000,
            "last_page_ms": times[-1] * 1000, "first10_ms": sum(times[1:11]) / max(1, len(times[1:11])) * 1000,
            "last10_ms": sum(times[-10:]) / len(times[-10:]) * 1000, "complete": float(not token)}


def report(name: str, result: dict[str, float], memory: tuple[float, float], cpu: float) -> str:
    partial = "" if result["complete"] else " (stopped at the time limit)"
    return (f"{name}: {result['records']:,.0f} records in {result['pages']:,.0f} pages, {result['seconds']:.1f} s, "
            f"{result['rate']:,.0f} records/s wall, {result['records'] / cpu:,.0f} records per worker CPU-second; "
            f"page times: first (with completeListSize count) {result['first_page_ms']:.1f} ms, "
            f"second {result['second_page_ms']:.1f} ms, median {result['median_page_ms']:.1f} ms, "
            f"p95 {result['p95_page_ms']:.1f} ms, last {result['last_page_ms']:.1f} ms; "
            f"mean of pages 2-11 {result['first10_ms']:.1f} ms vs last 10 {result['last10_ms']:.1f} ms "
            f"(ratio {result['last10_ms'] / result['first10_ms']:.2f}); "
            f"worker peak RSS {memory[0]:.0f} MB (heap {memory[1]:.0f} MB){partial}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / ".data")
    parser.add_argument("--peer-max-seconds", type=float, default=300.0,
                        help="stop harvesting pyoai's server after this long")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    db = args.data / f"oai-{args.size}.db"
    build_collection(db, args.size)
    env = {"KAZNEB_DATABASE_URL": f"sqlite:///{db}"}
    results = []
    for name, app, limit in (("kazneb hub", "kazneb.wsgi:app", 3600.0),
                             ("pyoai BatchingServer (OFFSET)", "bench.pyoai_peer:app", args.peer_max_seconds)):
        port = free_port()
        server = start_gunicorn(app, port, env)
        try:
            pid = worker_pid(server)
            cpu_before = cpu_seconds(pid)
            result = harvest(port, limit)
            cpu = cpu_seconds(pid) - cpu_before
            memory = worker_memory_mb(pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        line = report(name, result, memory, cpu)
        result["cpu"] = cpu
        print(line, flush=True)
        results.append(result)
    ratio = results[0]["rate"] / results[1]["rate"]
    cpu_ratio = (results[0]["records"] / results[0]["cpu"]) / (results[1]["records"] / results[1]["cpu"])
    print(f"ratio hub/pyoai: {ratio:.1f}x records/s wall, {cpu_ratio:.1f}x records per CPU-second "
          f"(size {args.size:,}, page size 100; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
