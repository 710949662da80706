"""Readers never wait for a writer (issue 16).

Another process opens a write transaction, writes a record as a harvest page does, and keeps
the transaction open until the record page, the search API, the OAI provider and
``kazneb stats`` have all answered.  On SQLite the writer holds the database's write lock; a
reader that took it (``BEGIN IMMEDIATE``) would wait 30 s for it, and the writer would still
be holding it when the test gives up after 10 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import requests

from crosswalks.model import CanonicalRecord, Title
from repository.store import IncomingRecord
from search import indexer
from search.factory import engine_from_settings
from tests.services.live_server import live_server

ROOT = Path(__file__).resolve().parents[2]
PATIENCE = 10  # seconds; far below SQLite's 30-second busy timeout

HOLDER = textwrap.dedent("""
    import sys
    from kazneb.config import load_settings
    from repository.store import IncomingRecord, Store
    from crosswalks.model import CanonicalRecord, Title
    store = Store.from_settings(load_settings())
    with store.session() as session:
        record = CanonicalRecord(titles=[Title("Written by the holder")])
        store.write_records(session, [IncomingRecord("p1", "held-1", record)])
        print("holding", flush=True)
        sys.stdin.readline()  # the test says when to commit
    print("committed", flush=True)
""")


def test_pages_api_oai_and_stats_answer_while_a_write_transaction_is_open(store, settings, hub_app, tmp_path):
    with store.session() as session:
        store.upsert_partner(session, "p1", names={"en": "Partner One"})
        store.write_records(session, [IncomingRecord("p1", "r1", CanonicalRecord(titles=[Title("Абай жолы")]))])
    settings.values["search.path"] = str(tmp_path / "index")
    engine = engine_from_settings(settings, store)
    indexer.sync(store, engine)
    hub_app.extensions["kazneb_search"] = engine
    env = {**os.environ, "KAZNEB_DATABASE_URL": settings.database_url, "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with live_server(hub_app) as url:
            answers = {
                "record page": requests.get(f"{url}/record/p1:r1", timeout=PATIENCE),
                "search API": requests.get(f"{url}/api/search", params={"q": "Абай"}, timeout=PATIENCE),
                "OAI ListRecords": requests.get(f"{url}/oai", params={"verb": "ListRecords",
                                                                     "metadataPrefix": "oai_dc"}, timeout=PATIENCE),
                "OAI GetRecord": requests.get(f"{url}/oai", params={
                    "verb": "GetRecord", "metadataPrefix": "marcxml", "identifier": "oai:kazneb.kz:p1:r1"},
                    timeout=PATIENCE),
            }
        started = time.monotonic()
        stats = subprocess.run([sys.executable, "-c", "from kazneb.cli import main; main()", "stats"], cwd=ROOT,
                               env=env, capture_output=True, text=True, timeout=PATIENCE)
        stats_seconds = time.monotonic() - started
        assert holder.poll() is None, "the writer ended before the readers answered"
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 200)
    assert "Абай жолы" in answers["record page"].text
    assert answers["search API"].json()["total"] == 1
    assert b"oai:kazneb.kz:p1:r1" in answers["OAI ListRecords"].content
    assert b"held-1" not in answers["OAI ListRecords"].content  # not committed: not visible
    assert b"<GetRecord>" in answers["OAI GetRecord"].content
    assert stats.returncode == 0 and "total hub records: 1" in stats.stdout and stats_seconds < PATIENCE
    assert holder.stdout.read().strip() == "committed"
