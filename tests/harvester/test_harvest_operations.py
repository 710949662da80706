"""Partner registry, locks, scheduler, file deliveries, quarantine and the CLI, against a real store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from harvester import locks
from harvester.errors import PartnerConfigError
from harvester.ingest import ingest_path
from harvester.models import HarvestLock, HarvestRun, QuarantinedRecord
from harvester.partners import PartnerConfig, load_partner, read_registry, sync_registry
from harvester.quarantine import retry_quarantined
from harvester.run import harvest_partner
from harvester.scheduler import due_partners, run_due
from harvester.testing import dc_item
from kazneb.cli import main
from repository.models import Partner
from tests.harvester.conftest import live, register, stored

ROOT = Path(__file__).resolve().parents[2]
PYMARC = ROOT / ".." / "shared" / "samples" / "pymarc"


def items(count: int = 8) -> list:
    return [dc_item(f"oai:op:{i}", f"Book {i}") for i in range(count)]


# -- registry ----------------------------------------------------------------------
def test_partners_toml_is_applied_once_and_disable_survives(store, tmp_path):
    toml = tmp_path / "partners.toml"
    toml.write_text('[[partner]]\nid = "lib"\nname_kk = "Кітапхана"\nname_ru = "Библиотека"\n'
                    'name_en = "Library"\nurl = "http://127.0.0.1:9/oai"\naccess = "preview-24"\n'
                    'sets = ["rare"]\nschedule = "0 3 * * *"\n', encoding="utf-8")
    assert sync_registry(store, toml) == ["lib"]
    with store.session() as session:
        session.get(Partner, "lib").enabled = False
    assert sync_registry(store, toml) == []
    with store.session() as session:
        config = load_partner(session, "lib")
    assert not config.enabled and config.names == {"kk": "Кітапхана", "ru": "Библиотека", "en": "Library"}
    assert config.access == "preview-24" and config.sets == ["rare"] and config.schedule == "0 3 * * *"
    toml.write_text(toml.read_text(encoding="utf-8").replace("0 3 * * *", "6h"), encoding="utf-8")
    assert sync_registry(store, toml) == ["lib"]


@pytest.mark.parametrize("entry, message", [
    ('id = "x"\nurl = "ftp://x"', "must start with http"),
    ('id = "x"\naccess = "secret"', "access level 'secret'"),
    ('id = "x"\nschedule = "every tuesday"', "neither a cron expression"),
    ('id = "x"\ncolour = "red"', "unknown key(s) ['colour']"),
    ('id = "Bad Id"', "id must be"),
    ('id = "x"\naccess_rules = [{access = "open"}]', "needs a 'set' or a 'rights'"),
])
def test_bad_partner_entries_are_named(tmp_path, entry, message):
    toml = tmp_path / "partners.toml"
    toml.write_text(f"[[partner]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(PartnerConfigError, match="partner") as caught:
        read_registry(toml)
    assert message in str(caught.value)


def test_project_partners_toml_is_valid():
    assert [p.id for p in read_registry(ROOT / "config" / "partners.toml")]


# -- locks -------------------------------------------------------------------------
def test_lock_refuses_a_second_holder_and_takes_over_dead_ones(store):
    with store.session() as session:
        store.upsert_partner(session, "p1")
    owner = locks.acquire(store, "p1")
    with pytest.raises(locks.PartnerBusy, match="being harvested"):
        locks.acquire(store, "p1", owner="otherhost:1")
    locks.release(store, "p1", owner)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    locks.acquire(store, "p1", owner=f"{locks.socket.gethostname()}:{dead.stdout.strip()}")
    assert locks.acquire(store, "p1", owner="me-now:2") == "me-now:2"  # dead pid on this host: taken over
    with store.session() as session:
        session.get(HarvestLock, "p1").owner = "far-away:3"
        session.get(HarvestLock, "p1").heartbeat_at = int(time.time()) - locks.STALE_AFTER - 1
    assert locks.acquire(store, "p1", owner="me-again:4") == "me-again:4"  # silent for too long


def test_a_heartbeat_refreshes_only_its_own_holders_lock(store):
    """What keeps a long harvest from being taken over: its heartbeat, and nobody else's."""
    with store.session() as session:
        store.upsert_partner(session, "p1")
    owner = locks.acquire(store, "p1")
    long_ago = int(time.time()) - locks.STALE_AFTER - 1
    with store.session() as session:
        session.get(HarvestLock, "p1").heartbeat_at = long_ago
    with store.session() as session:
        locks.heartbeat(session, "p1", "far-away:3")
    with store.session() as session:
        assert session.get(HarvestLock, "p1").heartbeat_at == long_ago
    with store.session() as session:
        locks.heartbeat(session, "p1", owner)
    with store.session() as session:
        assert session.get(HarvestLock, "p1").heartbeat_at >= int(time.time()) - 5
    with pytest.raises(locks.PartnerBusy, match="being harvested"):
        locks.acquire(store, "p1", owner="far-away:3")


def test_a_partner_is_never_harvested_twice_at_once(store, scripted):
    partner = scripted(items(20), page_size=2)
    partner.latency = 0.05
    config = register(store, partner.url)
    results: list = []
    worker = threading.Thread(target=lambda: results.append(harvest_partner(store, config)))
    worker.start()
    time.sleep(0.3)
    with pytest.raises(locks.PartnerBusy):
        harvest_partner(store, config)
    worker.join()
    assert results[0][0].status == "succeeded"
    assert live(store) == {f"oai:op:{i}": f"Book {i}" for i in range(20)}


# -- scheduler ---------------------------------------------------------------------
def test_due_partners_follow_schedule_enabled_and_held(store, scripted):
    from datetime import UTC, datetime, timedelta

    partner = scripted(items(), page_size=3)
    register(store, partner.url, partner_id="daily", schedule="1d")
    register(store, partner.url, partner_id="off", enabled=False)
    assert [p.id for p in due_partners(store)] == ["daily"]
    assert run_due(store).harvested == ["daily"]
    assert due_partners(store) == []
    later = datetime.now(UTC) + timedelta(days=1, minutes=1)
    assert [p.id for p in due_partners(store, later)] == ["daily"]
    with store.session() as session:
        session.scalars(select(HarvestRun)).one().status = "held"
    assert due_partners(store, later) == []


def test_two_scheduler_processes_harvest_each_partner_once(db_url, store, scripted, tmp_path):
    partner = scripted(items(30), page_size=3)
    partner.latency = 0.05
    register(store, partner.url, partner_id="shared")
    env = {**os.environ, "KAZNEB_DATABASE_URL": db_url}
    command = [sys.executable, "-c", "from kazneb.cli import main; main()", "scheduler", "--once"]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    with store.session() as session:
        runs = session.scalars(select(HarvestRun)).all()
    assert [(r.status, r.new, r.resumed) for r in runs] == [("succeeded", 30, 0)]
    # (the search follower may speak after the summary: on PostgreSQL no embedded index is configured)
    summaries = sorted(line.split(" ", 2)[2] for out, _ in outputs for line in out.splitlines()
                       if line.split(" ", 2)[2].startswith("scheduler pass:"))
    assert summaries in (["scheduler pass: nothing due", "scheduler pass: shared succeeded"],
                         ["scheduler pass: shared busy (harvested by another process)",
                          "scheduler pass: shared succeeded"]), outputs
    assert len(live(store, "shared")) == 30


# -- file deliveries ---------------------------------------------------------------
def test_ingest_folder_and_zip_with_quarantine_and_change_detection(store, tmp_path):
    with store.session() as session:
        store.upsert_partner(session, "files")
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    shutil.copy(PYMARC / "batch.xml", delivery / "batch.xml")
    with zipfile.ZipFile(delivery / "more.zip", "w") as archive:
        archive.write(PYMARC / "test.dat", "marc/test.dat")
        archive.write(PYMARC / "bad_records.mrc", "marc/bad_records.mrc")
    config = PartnerConfig(id="files")
    first = ingest_path(store, config, delivery, report=lambda m: None)
    from crosswalks.readers import read_file
    from harvester.delivery import content_key

    keys = [r.identifier or content_key(r.raw) for f in ("batch.xml", "test.dat", "bad_records.mrc")
            for r in read_file(PYMARC / f) if r.record is not None and not r.error]
    readable = len(set(keys))  # bad_records.mrc holds one record without an 001 twice: one record
    unreadable = sum(1 for r in read_file(PYMARC / "bad_records.mrc") if r.error)
    assert unreadable and first.quarantined == unreadable and first.new == readable
    assert first.unchanged == len(keys) - readable == 1
    assert len(stored(store, "files")) == readable
    with store.session() as session:
        errors = session.scalars(select(QuarantinedRecord.error)).all()
    assert all(e.startswith("more.zip!marc/bad_records.mrc: record ") for e in errors)
    again = ingest_path(store, config, delivery, report=lambda m: None)
    assert again.new == 0 and again.updated == 0 and again.unchanged == len(keys)


def test_ingest_missing_path_is_an_error(store, tmp_path):
    from harvester.errors import HarvestError

    with store.session() as session:
        store.upsert_partner(session, "files")
    with pytest.raises(HarvestError, match="no such file"):
        ingest_path(store, PartnerConfig(id="files"), tmp_path / "nope", report=lambda m: None)


# -- quarantine --------------------------------------------------------------------
def test_quarantine_retry_resolves_fixed_entries_and_keeps_broken_ones(store, scripted):
    partner = scripted(items(3), page_size=3)
    partner.items[1].metadata = partner.items[1].metadata.replace("</dc:title>", "</dc:titel>")
    config = register(store, partner.url)
    harvest_partner(store, config)
    with store.session() as session:
        [broken] = session.scalars(select(QuarantinedRecord)).all()
        # an entry whose record reads now (as after a crosswalk fix): the good record's raw XML
        fixed = QuarantinedRecord(partner_id="p1", run_id=None, source_key="oai:op:9", error="old crosswalk bug",
                                  raw=broken.raw.replace("oai:op:1", "oai:op:9").replace("</dc:titel>", "</dc:title>"),
                                  metadata_prefix="oai_dc", metadata_namespace="", created_at=0, status="open")
        session.add(fixed)
    outcomes = retry_quarantined(store, [], partner_id="p1")
    assert outcomes.counts["new"] == 1 and outcomes.counts["still unreadable"] == 1
    with store.session() as session:
        statuses = dict(session.execute(select(QuarantinedRecord.source_key, QuarantinedRecord.status)).all())
    assert statuses == {"oai:op:1": "open", "oai:op:9": "resolved"}
    assert live(store)["oai:op:9"] == "Book 1"


# -- command line ------------------------------------------------------------------
def test_command_line_end_to_end(db_url, store, scripted, tmp_path, monkeypatch):
    monkeypatch.setenv("KAZNEB_DATABASE_URL", db_url)
    config = tmp_path / "kazneb.toml"
    config.write_text((ROOT / "config" / "kazneb.toml").read_text(encoding="utf-8"), encoding="utf-8")
    partner = scripted(items(5), page_size=2)
    partner.items[3].metadata = partner.items[3].metadata.replace("</dc:title>", "</dc:titel>")
    runner = CliRunner()

    def kazneb(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(main, ["--config", str(config), *args], catch_exceptions=False)

    added = kazneb("partner", "add", "--id", "cli", "--name", "CLI library", "--name-kk", "Кітапхана",
                   "--url", partner.url, "--access", "read-only", "--schedule", "6h")
    assert added.exit_code == 0, added.output
    assert "cli" in kazneb("partner", "list").output
    shown = kazneb("partner", "show", "cli").output
    assert '"read-only"' in shown and '"6h"' in shown and "Кітапхана" in shown
    bad = kazneb("partner", "add", "--id", "x", "--name", "X", "--url", "ftp://x")
    assert bad.exit_code != 0 and "must start with http" in bad.output
    harvested = kazneb("harvest", "cli")
    assert harvested.exit_code == 0 and "new 4" in harvested.output and "quarantined 1" in harvested.output
    assert "page 3, 5/5 records" in harvested.output  # progress lines when not on a terminal
    status = kazneb("harvest", "status").output
    assert "cli" in status and "succeeded" in status
    log = kazneb("harvest", "log", "1").output
    assert "quarantined: 1" in log and "oai:op:3" in log
    listing = kazneb("quarantine", "list").output
    assert "oai:op:3" in listing
    entry = listing.split()[0]
    assert "</dc:titel>" in kazneb("quarantine", "show", entry).output
    assert "still unreadable" in kazneb("quarantine", "retry", entry).output
    assert kazneb("partner", "disable", "cli").exit_code == 0
    assert "scheduler pass: nothing due" in kazneb("scheduler", "--once").output
    assert kazneb("harvest", "--all").exit_code == 0
    missing = kazneb("harvest", "nobody")
    assert missing.exit_code != 0 and "no partner 'nobody'" in missing.output


def test_unreachable_partner_is_recorded_as_a_failed_run(store):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = register(store, f"http://127.0.0.1:{port}/oai", retry_attempts=2)
    with pytest.raises(Exception, match="ConnectionError"):
        harvest_partner(store, config)
    with store.session() as session:
        [run] = session.scalars(select(HarvestRun)).all()
    assert (run.kind, run.status, run.requests, run.retries) == ("identify", "failed", 2, 1)
    assert "ConnectionError" in run.message and live(store) == {}
