"""Load benchmark: the hub under gunicorn while a harvest writes (issue 16).

    python bench/load_bench.py                       # SQLite and PostgreSQL, 90 s windows
    python bench/load_bench.py --db sqlite --seconds 30 --store 5000 --harvest 50000

Per database: a store of ``--store`` records (harvested first), served by gunicorn with 3
workers.  A threaded client process runs 10 full OAI harvesters (ListRecords), 2
incremental ones (ListIdentifiers ``from=<previous responseDate>``, checked record by
record) and 10 readers (record pages and the search API), each at a fixed rate, about 100
requests/s together.  Three windows:

* idle: the client load alone;
* loaded: the same load while ``kazneb harvest`` writes a ``--harvest``-record partner;
* solo: the same harvest with no client load (its rate is the reference).

Reported per endpoint: requests, errors, p50/p95/p99; records the incremental harvesters
lost (after the writer stopped, each makes a last run and is compared with the store); the
harvest's rate loaded and solo.  Targets: 0 errors, 0 lost, page and API p95 loaded at most
3x idle, the loaded harvest at least 0.5x solo.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harvest_bench import BenchPartner, GeneratedItems  # noqa: E402
from tests.services.gunicorn import gunicorn_hub, write_config  # noqa: E402

WORDS = ["әдебиетінің", "тарихы", "Әуезов", "зерттеу", "Ғылым", "том"]
TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>")
IDENTIFIER = re.compile(rb"<identifier>([^<]+)</identifier>")
RESPONSE_DATE = re.compile(rb"<responseDate>([^<]+)</responseDate>")


# -- the partner ---------------------------------------------------------------------------
def serve_partner(size: int, ready) -> None:  # type: ignore[no-untyped-def]
    partner = BenchPartner(page_size=500)
    partner.items = GeneratedItems(size)  # type: ignore[assignment]
    partner.start()
    ready.put(partner.url)
    while True:
        time.sleep(3600)


# -- clients ---------------------------------------------------------------------------
@dataclass
class Timings:
    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, endpoint: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.seconds.setdefault(endpoint, []).append(seconds)
            if not ok:
                self.errors[endpoint] = self.errors.get(endpoint, 0) + 1


def paced(rate: float, stop: threading.Event):  # type: ignore[no-untyped-def]
    """Yields at ``rate`` per second (at once when behind) until ``stop``."""
    due = time.monotonic()
    while not stop.is_set():
        delay = due - time.monotonic()
        if delay > 0 and stop.wait(delay):
            return
        yield
        due = max(due + 1 / rate, time.monotonic() - 1)


def timed(session: requests.Session, timings: Timings, endpoint: str, url: str, params=None):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        response = session.get(url, params=params, timeout=60)
        ok = response.status_code == 200
        body = response.content
    except requests.RequestException:
        ok, body = False, b""
    timings.add(endpoint, time.perf_counter() - start, ok)
    return body if ok else None


def full_harvester(url: str, rate: float, stop: threading.Event, timings: Timings) -> None:
    session, token = requests.Session(), None
    for _ in paced(rate, stop):
        params = {"verb": "ListRecords", "resumptionToken": token} if token else \
            {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
        body = timed(session, timings, "OAI ListRecords", f"{url}/oai", params)
        found = TOKEN.search(body or b"")
        token = found.group(1).decode() if found else None


@dataclass
class Incremental:
    """An aggregator harvesting ``from=<the responseDate of its previous run>``."""

    url: str
    held: set[bytes] = field(default_factory=set)
    since: str | None = None
    repeats: int = 0

    def run(self, session: requests.Session, timings: Timings, pace=None) -> None:  # type: ignore[no-untyped-def]
        params = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", **({"from": self.since} if self.since else {})}
        first_date, listed = None, []
        while True:
            body = timed(session, timings, "OAI ListIdentifiers", f"{self.url}/oai", params)
            if body is None:
                return  # an error: the run is repeated from the same date
            first_date = first_date or RESPONSE_DATE.search(body).group(1).decode()
            listed += IDENTIFIER.findall(body)
            found = TOKEN.search(body)
            if not found:
                break
            params = {"verb": "ListIdentifiers", "resumptionToken": found.group(1).decode()}
            if pace is not None:
                next(pace, None)
        self.repeats += len(listed) - len(set(listed))
        self.held.update(listed)
        self.since = first_date


def incremental_harvester(poller: Incremental, rate: float, stop: threading.Event, timings: Timings) -> None:
    session = requests.Session()
    pace = paced(rate, stop)
    for _ in pace:
        poller.run(session, timings, pace)


def reader(url: str, rate: float, stop: threading.Event, timings: Timings, store_size: int, n: int) -> None:
    session = requests.Session()
    for i, _ in enumerate(paced(rate, stop)):
        if i % 2:
            timed(session, timings, "search API", f"{url}/api/search", {"q": WORDS[(i + n) % len(WORDS)]})
        else:
            number = (i * 7919 + n * 104729) % store_size
            timed(session, timings, "record page", f"{url}/record/seed:oai:bench.kz:{number:08d}")


def client_load(url: str, seconds: float, store_size: int, out) -> None:  # type: ignore[no-untyped-def]
    """The whole client load for ``seconds``, in this (child) process; results go to ``out``."""
    stop, timings = threading.Event(), Timings()
    pollers = [Incremental(url) for _ in range(2)]
    threads = [threading.Thread(target=full_harvester, args=(url, 3.0, stop, timings)) for _ in range(10)]
    threads += [threading.Thread(target=incremental_harvester, args=(p, 2.0, stop, timings)) for p in pollers]
    threads += [threading.Thread(target=reader, args=(url, 6.6, stop, timings, store_size, n)) for n in range(10)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    out.put({"seconds": timings.seconds, "errors": timings.errors,
             "pollers": [(p.since, sorted(p.held), p.repeats) for p in pollers]})
    out.put("done")


# -- one database ----------------------------------------------------------------------
def kazneb(db_url: str, config: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "KAZNEB_DATABASE_URL": db_url, "KAZNEB_CONFIG": str(config)}
    return subprocess.Popen([sys.executable, "-c", "from kazneb.cli import main; main()", *args], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def count_records(store, partner_id: str) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from repository.models import HubRecord

    with store.reading() as session:
        return session.scalar(select(func.count()).select_from(HubRecord).where(HubRecord.partner_id == partner_id))


def harvest_window(store, db_url: str, config: Path, partner_id: str, seconds: float) -> dict:  # type: ignore[no-untyped-def]
    """``kazneb harvest PARTNER`` for ``seconds`` (or until it ends); its rate in records/s.

    The rate counts records committed until the last one was (the command's final index sync
    and start-up are not the harvest's)."""
    process = kazneb(db_url, config, "harvest", partner_id)
    start = time.perf_counter()
    stored, last_growth = 0, start
    while process.poll() is None and time.perf_counter() - start < seconds:
        time.sleep(0.25)
        now_stored = count_records(store, partner_id)
        if now_stored > stored:
            stored, last_growth = now_stored, time.perf_counter()
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait()
    final = count_records(store, partner_id)
    if final > stored:  # committed after the last look: count them at the latest moment they could have been
        stored, last_growth = final, time.perf_counter()
    elapsed = max(last_growth - start, 1e-3)
    return {"records": stored, "seconds": elapsed, "rate": stored / elapsed}


def catch_up_index(db_url: str, config: Path) -> None:
    """Index whatever the last harvest left in the change log (not timed)."""
    process = kazneb(db_url, config, "index", "sync")
    process.wait()


def run_clients(url: str, seconds: float, store_size: int) -> dict:
    out = mp.Queue()
    child = mp.Process(target=client_load, args=(url, seconds, store_size, out))
    child.start()
    result = out.get()
    out.get()
    child.join()
    return result


def published(store) -> set[bytes]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from repository.models import HubRecord

    with store.reading() as session:
        return {store.oai_identifier(x).encode() for x in session.scalars(select(HubRecord.local_id))}


def lost_by_pollers(url: str, store, pollers: list) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """After the writer stopped: each poller's last run, then (records lost, repeats) each."""
    time.sleep(1.1)
    expected, results = published(store), []
    for since, held, repeats in pollers:
        poller = Incremental(url, set(held), since, repeats)
        poller.run(requests.Session(), Timings())
        results.append((len(expected - poller.held), poller.repeats))
    return results


def one_database(kind: str, db_url: str, folder: Path, args) -> dict:  # type: ignore[no-untyped-def]
    from harvester.partners import PartnerConfig, save_partner
    from kazneb.config import load_settings
    from repository.db import migrate
    from repository.store import Store

    config = write_config(folder, search={"path": str(folder / "index")})
    store = Store.from_settings(load_settings(config, overrides={"database.url": db_url}))
    migrate(store.engine)
    partners, urls = [], {}
    for pid, size in (("seed", args.store), ("loaded", args.harvest), ("solo", args.harvest)):
        ready = mp.Queue()
        partners.append(mp.Process(target=serve_partner, args=(size, ready), daemon=True))
        partners[-1].start()
        urls[pid] = ready.get()
    with store.session() as session:
        for pid, partner_url in urls.items():
            save_partner(store, session, PartnerConfig(id=pid, base_url=partner_url, rate_limit=0, timeout=120))
    seed = harvest_window(store, db_url, config, "seed", 3600)
    print(f"{kind}: store of {seed['records']} records in {seed['seconds']:.0f} s", flush=True)
    result: dict = {"store": seed["records"]}
    catch_up_index(db_url, config)
    with gunicorn_hub(db_url, config, workers=3) as url:
        result["idle"] = run_clients(url, args.seconds, args.store)
        print(f"{kind}: idle window done", flush=True)
        box: dict = {}
        writer = threading.Thread(target=lambda: box.update(
            harvest_window(store, db_url, config, "loaded", args.seconds)))
        writer.start()
        result["loaded"] = run_clients(url, args.seconds, args.store)
        writer.join()
        result["loaded_harvest"] = box
        result["lost"] = lost_by_pollers(url, store, result["loaded"]["pollers"])
        print(f"{kind}: loaded window done", flush=True)
    catch_up_index(db_url, config)  # the solo harvest's follower starts with no backlog either
    result["solo_harvest"] = harvest_window(store, db_url, config, "solo", args.seconds)
    for partner in partners:
        partner.terminate()
    return result


# -- report ------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else 0.0


def report(kind: str, result: dict) -> list[str]:
    lines = [f"### {kind}: store {result['store']} records", "",
             "| endpoint | window | requests | errors | p50 ms | p95 ms | p99 ms |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for window in ("idle", "loaded"):
        for endpoint, values in sorted(result[window]["seconds"].items()):
            errors = result[window]["errors"].get(endpoint, 0)
            lines.append(f"| {endpoint} | {window} | {len(values)} | {errors} | {percentile(values, 50):.1f} | "
                         f"{percentile(values, 95):.1f} | {percentile(values, 99):.1f} |")
    lines.append("")
    for endpoint in ("record page", "search API", "OAI ListRecords", "OAI ListIdentifiers"):
        idle, loaded = (percentile(result[w]["seconds"].get(endpoint, []), 95) for w in ("idle", "loaded"))
        if idle:
            lines.append(f"- {endpoint}: p95 loaded / idle = {loaded:.1f} / {idle:.1f} ms = {loaded / idle:.2f}x")
    loaded, solo = result["loaded_harvest"], result["solo_harvest"]
    lines.append(f"- harvest: {loaded['rate']:.0f} records/s loaded ({loaded['records']} in "
                 f"{loaded['seconds']:.0f} s), {solo['rate']:.0f} solo: {loaded['rate'] / solo['rate']:.2f}x")
    lines.append(f"- incremental harvesters: lost {[lost for lost, _ in result['lost']]}, "
                 f"repeated within a list {[rep for _, rep in result['lost']]}")
    errors = sum(sum(result[w]['errors'].values()) for w in ('idle', 'loaded'))
    lines.append(f"- errors: {errors}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--store", type=int, default=50_000)
    parser.add_argument("--harvest", type=int, default=200_000)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    lines = [f"Load benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}, "
             f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; windows of {args.seconds:.0f} s", ""]
    print("\n".join(lines), flush=True)
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix="kazneb-load-", ignore_cleanup_errors=True) as tmp:
            folder = Path(tmp)
            if kind == "sqlite":
                db_url = f"sqlite:///{folder / 'kazneb.db'}"
            else:
                from tests.services import postgres

                db_url = postgres.create_database(postgres.ensure_postgres())
            print("\n".join(report(kind, one_database(kind, db_url, folder, args)) + [""]), flush=True)


if __name__ == "__main__":
    main()
