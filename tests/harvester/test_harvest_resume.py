"""Crash and resume: ``kazneb harvest`` killed with SIGKILL at random moments, then run again,
ends with exactly the store an uninterrupted harvest builds."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from harvester.models import HarvestRun
from harvester.run import harvest_partner
from harvester.testing import dc_item
from repository.db import migrate
from repository.integrity import dangling_references
from repository.models import HubRecord, SourceRecord
from repository.store import Store
from tests.conftest import make_settings
from tests.harvester.conftest import register

ROOT = Path(__file__).resolve().parents[2]


def snapshot(store: Store) -> dict[str, tuple]:
    """Everything published about every record, minus the wall-clock datestamps."""
    with store.session() as session:
        rows = session.execute(select(SourceRecord, HubRecord).join(
            HubRecord, HubRecord.id == SourceRecord.hub_record_id))
        return {s.source_key: (s.content_hash, s.deleted, s.raw, h.local_id, h.content_hash, h.deleted, h.access)
                for s, h in rows}


def partner_items() -> list:
    items = [dc_item(f"oai:crash:{i}", f"Record {i}", f"2024-02-{i % 28 + 1:02d}T08:00:00Z") for i in range(120)]
    items.insert(60, dc_item("oai:crash:7", "Record 7", items[7].datestamp))  # a duplicate across pages
    return items


def pages_stored(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(HarvestRun.pages).order_by(HarvestRun.id.desc()).limit(1)) or 0


def harvest_in_subprocess(store: Store, db_url: str, extra: float | None) -> int | None:
    """Run ``kazneb harvest p1``; SIGKILL it ``extra`` seconds after it stored a new page.

    Returns its exit code, or None when it was killed."""
    env = {**os.environ, "KAZNEB_DATABASE_URL": db_url}
    process = subprocess.Popen([sys.executable, "-c", "from kazneb.cli import main; main()", "harvest", "p1"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if extra is not None:
        before = pages_stored(store)
        while process.poll() is None and pages_stored(store) <= before:
            time.sleep(0.01)
        time.sleep(extra)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return None
    return process.wait(timeout=120)


def test_killed_harvest_resumes_to_the_same_store(db_url, tmp_path, scripted):
    rng = random.Random(int(os.environ.get("KAZNEB_CRASH_SEED", time.time())))
    partner = scripted(partner_items(), page_size=5)
    partner.latency = 0.02
    store = Store.from_settings(make_settings(db_url))
    migrate(store.engine)
    register(store, partner.url)

    kills = 0
    while True:
        code = harvest_in_subprocess(store, db_url, rng.uniform(0, 0.3) if kills < 4 else None)
        if code is None:
            kills += 1
            continue
        assert code == 0
        break

    reference = Store.from_settings(make_settings(f"sqlite:///{tmp_path / 'reference.db'}"))
    migrate(reference.engine)
    config = register(reference, partner.url)
    harvest_partner(reference, config)
    assert kills >= 1
    assert snapshot(store) == snapshot(reference)
    assert len(snapshot(store)) == 120
    assert dangling_references(store.engine) == []  # no half-written record left by a kill
    with store.session() as session:
        runs = session.scalars(select(HarvestRun)).all()
        assert [r.status for r in runs] == ["succeeded"]
        assert runs[0].resumed == kills
