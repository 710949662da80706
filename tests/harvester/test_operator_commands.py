"""Operator commands as the README has an operator run them: partner settings and levels, held
runs, the scheduler's output, file-only partners — each against a real store and partner."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from harvester.models import HarvestRun
from harvester.testing import dc_item
from kazneb.cli import main
from kazneb.config import load_settings
from repository.models import HubRecord, Partner, SourceRecord
from search.factory import engine_from_settings
from tests.harvester.conftest import live, register
from tests.harvester.delivery_files import oai_response

ROOT = Path(__file__).resolve().parents[2]



def levels(store, partner_id: str = "fp") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """source key → the level its hub record is published at."""
    with store.session() as session:
        return dict(session.execute(select(SourceRecord.source_key, HubRecord.access).join(
            HubRecord, HubRecord.id == SourceRecord.hub_record_id).where(SourceRecord.partner_id == partner_id)).all())


def partner_access(store, partner_id: str = "fp") -> str:  # type: ignore[no-untyped-def]
    with store.session() as session:
        return session.get(Partner, partner_id).default_access


def books(count: int = 6) -> list:
    return [dc_item(f"oai:fp:{i}", f"Book {i}") for i in range(count)]


def search_count(tmp_path: Path, db_url: str) -> int:
    engine = engine_from_settings(load_settings(tmp_path / "kazneb.toml", overrides={"database.url": db_url}))
    try:
        return engine.count()
    finally:
        getattr(engine, "close", lambda: None)()


# -- partner settings and levels --------------------------------------------------------
@pytest.mark.parametrize("option", [
    ("--schedule", "1m"), ("--name", "Renamed"), ("--name-kk", "Кітапхана"), ("--contact", "a@b.kz"),
    ("--rate-limit", "5"), ("--timeout", "9"), ("--format", "oai_dc"), ("--set", "books"), ("--all-sets",),
    ("--url", "http://127.0.0.1:9/other"),
])
def test_changing_any_other_setting_never_changes_a_level(kazneb, store, scripted, option):
    partner = scripted(books(), page_size=3)
    added = kazneb("partner", "add", "--id", "fp", "--name", "FP", "--url", partner.url, "--access", "read-only")
    assert added.exit_code == 0, added.output
    assert kazneb("harvest", "fp").exit_code == 0
    changed = kazneb("partner", "set", "fp", *option)
    assert changed.exit_code == 0, changed.output
    assert "levels changed" not in changed.output
    kazneb("harvest", "fp", "--full")
    assert partner_access(store) == "read-only"
    assert set(levels(store).values()) == {"read-only"}


def test_partner_add_refuses_an_existing_partner_and_points_to_set(kazneb, store, scripted):
    partner = scripted(books(), page_size=3)
    kazneb("partner", "add", "--id", "fp", "--name", "FP", "--url", partner.url, "--access", "read-only")
    again = kazneb("partner", "add", "--id", "fp", "--name", "FP", "--url", partner.url, "--schedule", "1m")
    assert again.exit_code != 0 and "kazneb partner set fp" in again.output
    assert partner_access(store) == "read-only"


def test_a_level_change_is_explicit_republished_at_once_and_recorded(kazneb, store, scripted, tmp_path, db_url):
    partner = scripted(books(), page_size=3)
    kazneb("partner", "add", "--id", "fp", "--name", "FP", "--url", partner.url, "--access", "read-only")
    kazneb("harvest", "fp")
    changed = kazneb("partner", "set", "fp", "--access", "open")
    assert changed.exit_code == 0, changed.output
    assert "before: default read-only" in changed.output and "after:  default open" in changed.output
    assert "6 record(s) republished" in changed.output
    assert set(levels(store).values()) == {"open"}
    shown = kazneb("partner", "show", "fp").output
    assert "level change" in shown and "read-only -> open, 6 record(s) republished" in shown
    assert search_count(tmp_path, db_url) == 6


def test_a_partner_of_partners_toml_is_changed_in_the_file_and_its_level_only_by_sync(kazneb, store, scripted,
                                                                                        tmp_path):
    partner = scripted(books(), page_size=3)
    toml = tmp_path / "partners.toml"
    entry = f'[[partner]]\nid = "fp"\nname_en = "FP"\nurl = "{partner.url}"\naccess = "read-only"\n'
    toml.write_text(entry, encoding="utf-8")
    assert kazneb("harvest", "fp").exit_code == 0
    refused = kazneb("partner", "set", "fp", "--schedule", "1m")
    assert refused.exit_code != 0 and str(toml) in refused.output and "partner sync" in refused.output
    toml.write_text(entry.replace("read-only", "open") + 'schedule = "6h"\n', encoding="utf-8")
    started = kazneb("harvest", "fp", "--full")  # another command's start-up applies the schedule, not the level
    assert "not applied until `kazneb partner sync`" in started.output
    assert partner_access(store) == "read-only" and set(levels(store).values()) == {"read-only"}
    assert '"6h"' in kazneb("partner", "show", "fp").output
    synced = kazneb("partner", "sync")
    assert synced.exit_code == 0 and "after:  default open" in synced.output and "6 record(s)" in synced.output
    assert partner_access(store) == "open" and set(levels(store).values()) == {"open"}
    assert "levels changed" not in kazneb("partner", "sync").output


# -- a record's own level --------------------------------------------------------------------
def test_a_records_own_level_wins_over_rules_and_default_through_reharvests(kazneb, store, scripted, tmp_path):
    partner = scripted(books(3), page_size=3)
    kazneb("partner", "add", "--id", "fp", "--name", "FP", "--url", partner.url, "--access", "open")
    kazneb("harvest", "fp")
    delivery = tmp_path / "fp-1.xml"
    delivery.write_bytes(oai_response([("oai:fp:1", "2024-01-01T00:00:00Z", "Book 1")]))
    given = kazneb("ingest", "--partner", "fp", "--access", "read-only", str(delivery))
    assert given.exit_code == 0, given.output
    assert levels(store) == {"oai:fp:0": "open", "oai:fp:1": "read-only", "oai:fp:2": "open"}
    partner.items[1] = dc_item("oai:fp:1", "Book 1, revised", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert kazneb("harvest", "fp", "--full").exit_code == 0
    assert kazneb("ingest", "--partner", "fp", str(delivery)).exit_code == 0  # no level given: its own stays
    kazneb("partner", "set", "fp", "--access", "preview-24")
    assert levels(store) == {"oai:fp:0": "preview-24", "oai:fp:1": "read-only", "oai:fp:2": "preview-24"}
    assert live(store, "fp")["oai:fp:1"] == "Book 1"  # the delivery, ingested last
    assert kazneb("ingest", "--partner", "fp", "--access", "open", str(delivery)).exit_code == 0
    assert levels(store)["oai:fp:1"] == "open"


# -- held runs -----------------------------------------------------------------------------
def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_confirm_reaches_search_and_old_tombstones_do_not_count_as_deletions(kazneb, store, scripted, tmp_path,
                                                                             db_url):
    partner = scripted(books(10), page_size=4, deleted_record="persistent")
    register(store, partner.url, partner_id="fp", mass_delete_share=0.3, mass_delete_min=2)
    assert kazneb("harvest", "fp").exit_code == 0
    for item in partner.items[:6]:
        item.deleted, item.datestamp = True, _now()
    held = kazneb("harvest", "fp")
    assert "held" in held.output and search_count(tmp_path, db_url) == 10
    with store.session() as session:
        run_id = session.scalars(select(HarvestRun.id).where(HarvestRun.status == "held")).one()
    status = kazneb("harvest", "status").output
    assert f"fp: HELD by run {run_id}" in status
    scheduler = kazneb("scheduler", "--once").output
    assert f"fp held (run {run_id}" in scheduler
    confirmed = kazneb("harvest", "confirm", str(run_id))
    assert confirmed.exit_code == 0 and "search index" in confirmed.output
    assert search_count(tmp_path, db_url) == 4
    full = kazneb("harvest", "fp", "--full")  # lists the six tombstones again: nothing new disappears
    assert full.exit_code == 0 and "held" not in full.output, full.output
    assert len(live(store, "fp")) == 4


# -- the scheduler -------------------------------------------------------------------------
def _dead_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/oai"


def test_the_scheduler_says_what_each_run_did_and_a_true_summary(kazneb, store, scripted):
    partner = scripted(books(4), page_size=3)
    register(store, partner.url, partner_id="fp")
    register(store, _dead_url(), partner_id="gone", retry_attempts=1)
    result = kazneb("scheduler", "--once")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.endswith("harvest of fp started") for line in lines)
    assert any("run 1 fp [full] succeeded" in line and "new 4" in line for line in lines), lines
    assert any("harvest of gone failed" in line and "ConnectionError" in line for line in lines)
    assert lines[-1].endswith("scheduler pass: fp succeeded; gone failed")


# -- file-only partners ------------------------------------------------------------------
def test_a_file_only_partner_needs_no_url_and_is_not_harvested(kazneb, store, tmp_path):
    added = kazneb("partner", "add", "--id", "disk", "--name", "On disk")
    assert added.exit_code == 0, added.output
    harvested = kazneb("harvest", "disk")
    assert harvested.exit_code == 1 and "delivers files only" in harvested.output
    assert "kazneb ingest --partner disk" in harvested.output
    assert "disk" not in kazneb("scheduler", "--once").output.splitlines()[-1]


# -- quarantine ----------------------------------------------------------------------------
def test_a_record_quarantined_again_keeps_its_one_open_entry(store, scripted):
    from harvester.models import QuarantinedRecord
    from harvester.quarantine import retry_quarantined
    from harvester.run import harvest_partner

    partner = scripted(books(5), page_size=2)
    for item in partner.items[1:3]:
        item.metadata = item.metadata.replace("</dc:title>", "</dc:titel>")
    config = register(store, partner.url, partner_id="fp")

    def open_entries() -> list[tuple[int, str, str]]:
        with store.session() as session:
            return list(session.execute(select(QuarantinedRecord.id, QuarantinedRecord.source_key,
                                               QuarantinedRecord.status).order_by(QuarantinedRecord.id)).all())

    harvest_partner(store, config)
    first = open_entries()
    assert [(key, status) for _, key, status in first] == [("oai:fp:1", "open"), ("oai:fp:2", "open")]
    for _ in range(2):
        harvest_partner(store, config, full=True)
    assert retry_quarantined(store, [], partner_id="fp").counts["still unreadable"] == 2
    assert open_entries() == first


# -- kazneb crosswalk ----------------------------------------------------------------------
def test_crosswalk_renders_what_the_hub_publishes_with_a_partners_rules(kazneb, store, tmp_path):
    from lxml import etree

    from harvester.partners import AccessRule, PartnerConfig, save_partner
    from repository.models import RecordRendering
    from tests.harvester.delivery_files import dc_collection, dc_record

    with store.session() as session:
        save_partner(store, session, PartnerConfig(id="fp", access="open", access_rules=[
            AccessRule(access="read-only", rights="restricted")]))
    path = tmp_path / "books.xml"
    path.write_bytes(dc_collection([dc_record(1), dc_record(2, rights="Restricted by the donor"),
                                    "<oai_dc:dc><dc:title>No identifier</dc:title></oai_dc:dc>"]))
    shown = kazneb("crosswalk", "--partner", "fp", "--to", "oai_dc", str(path))
    assert shown.exit_code == 0, shown.output
    assert "record 3: warning: no identifier" in shown.output
    assert kazneb("ingest", "--partner", "fp", str(path)).exit_code == 0
    with store.session() as session:
        published = [bytes(x) for x in session.scalars(select(RecordRendering.record_xml).where(
            RecordRendering.prefix == "oai_dc").order_by(RecordRendering.record_id))]

    def c14n(element) -> bytes:  # type: ignore[no-untyped-def]
        return etree.tostring(element, method="c14n")

    hub = [c14n(etree.fromstring(x).find("{*}metadata")[0]) for x in published]
    start = shown.output.index("<?xml")
    output = shown.output[start:shown.output.index("</collection>", start) + len("</collection>")]
    converted = [c14n(e) for e in etree.fromstring(output.encode())]
    assert converted == hub and len(hub) == 3
    assert b"Restricted access" in hub[1] and b"Open access" in hub[0]


def test_crosswalk_with_a_level_needs_no_store(tmp_path, monkeypatch):
    from tests.harvester.delivery_files import dc_collection, dc_record

    monkeypatch.setenv("KAZNEB_DATABASE_URL", f"sqlite:///{tmp_path / 'absent' / 'no.db'}")
    path = tmp_path / "books.xml"
    path.write_bytes(dc_collection([dc_record(1)]))
    result = CliRunner().invoke(main, ["crosswalk", "--access", "read-only", "--to", "oai_dc", str(path)])
    assert result.exit_code == 0, result.output
    assert "Restricted access: may only be read online" in result.output


def test_quarantine_retry_reaches_search(kazneb, store, scripted, tmp_path, db_url):
    from harvester.models import QuarantinedRecord

    partner = scripted(books(2), page_size=2)
    partner.items[1].metadata = partner.items[1].metadata.replace("</dc:title>", "</dc:titel>")
    register(store, partner.url, partner_id="fp")
    assert "quarantined 1" in kazneb("harvest", "fp").output
    assert search_count(tmp_path, db_url) == 1
    with store.session() as session:  # the crosswalk "fixed": the entry's record now reads
        entry = session.scalars(select(QuarantinedRecord)).one()
        entry.raw = entry.raw.replace("</dc:titel>", "</dc:title>")
        entry_id = entry.id
    retried = kazneb("quarantine", "retry", str(entry_id))
    assert "1 new" in retried.output and "search index: 1 indexed" in retried.output, retried.output
    assert search_count(tmp_path, db_url) == 2
