"""The store's commands through click's runner: init, import, stats, demo; bad configuration.

That every setting is documented is checked on the generated docs page (tests/docs/test_docs_site.py).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from lxml import etree
from sqlalchemy import select

from kazneb.cli import main
from kazneb.commands.serve import advertised_at
from kazneb.config import ConfigError, load_settings
from repository.models import HubRecord, SourceRecord
from repository.store import Store

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "repository" / "sample_data"


def run(db_url: str, *args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, list(args), env={"KAZNEB_DATABASE_URL": db_url}, catch_exceptions=False)
    return result


def test_init_import_stats(db_url: str) -> None:
    assert run(db_url, "init").exit_code == 0
    store = Store.from_settings(load_settings(overrides={"database.url": db_url}))
    with store.session() as session:
        store.upsert_partner(session, "kaznu", names={"en": "KazNU"}, default_access="open")
    result = run(db_url, "import", "--partner", "kaznu", "--access", "read-only", str(SAMPLES / "kaznu.oai_dc.xml"))
    assert result.exit_code == 0, result.output
    assert "new 6" in result.output and "quarantined 0" in result.output
    again = run(db_url, "import", "--partner", "kaznu", "--access", "read-only", str(SAMPLES / "kaznu.oai_dc.xml"))
    assert "new 0" in again.output and "unchanged 6" in again.output
    with store.session() as session:
        keys = set(session.scalars(select(SourceRecord.source_key)))
        assert "oai:repository.kaznu.kz:123456789/2001" in keys
        assert set(session.scalars(select(HubRecord.access))) == {"read-only"}
    stats = run(db_url, "stats")
    assert re.search(r"read-only\s+6", stats.output)
    assert "total hub records: 6" in stats.output


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_import_reports_bad_records_and_keeps_the_rest(db_url: str, tmp_path: Path) -> None:
    run(db_url, "init")
    store = Store.from_settings(load_settings(overrides={"database.url": db_url}))
    with store.session() as session:
        store.upsert_partner(session, "lib", names={"en": "Library"})
    bad = tmp_path / "mixed.xml"
    bad.write_text(
        '<collection xmlns="http://www.loc.gov/MARC21/slim">'
        '<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">ok-1</controlfield>'
        '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Good record</subfield></datafield></record>'
        '<record><leader>00000nam a2200000 a 4500</leader></record>'
        '<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">ok-2</controlfield>'
        '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Another</subfield></datafield></record>'
        "</collection>", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "--partner", "lib", str(bad)],
                                env={"KAZNEB_DATABASE_URL": db_url})
    assert result.exit_code == 1
    assert "mixed.xml: record 2" in result.output
    assert "new 2" in result.output and "quarantined 1" in result.output


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_import_refuses_unknown_partner(db_url: str) -> None:
    result = run(db_url, "import", "--partner", "nobody", str(SAMPLES / "kaznu.oai_dc.xml"))
    assert result.exit_code != 0
    assert "no partner 'nobody'" in result.output


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_demo_loads_three_languages_two_partners_three_levels(db_url: str) -> None:
    result = run(db_url, "demo", "--no-serve")
    assert result.exit_code == 0, result.output
    store = Store.from_settings(load_settings(overrides={"database.url": db_url}))
    with store.session() as session:
        hubs = session.scalars(select(HubRecord)).all()
    assert {h.partner_id for h in hubs} == {"nabrk", "kaznu"}
    assert {h.access for h in hubs} == {"open", "read-only", "preview-24"}
    languages = {code for h in hubs for code in h.canonical.get("languages", [])}
    assert {"kaz", "rus", "eng"} <= languages


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_demo_shows_copies_behind_records_and_adds_none_the_second_time(db_url: str, tmp_path: Path) -> None:
    from objects.storage import Depository

    first = run(db_url, "demo", "--no-serve")
    assert first.exit_code == 0, first.output
    assert f"sample copies, in {tmp_path / 'kazneb-objects'}:" in first.output  # beside the database
    copies = [line for line in first.output.splitlines() if line.startswith("  copy ")]
    assert [line.split(", ")[1] for line in copies] == ["open", "read-only", "preview-24", "read-only", "open"]
    again = run(db_url, "demo", "--no-serve")
    assert again.exit_code == 0, again.output
    assert [line for line in again.output.splitlines() if line.startswith("  copy ")] == [
        f"{line.split(', 1 warning')[0]}, already deposited" for line in copies]
    assert Depository(tmp_path / "kazneb-objects").validate() == ([], [])


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_demo_publishes_each_work_both_partners_hold_as_one_record(db_url: str) -> None:
    first = run(db_url, "demo", "--no-serve")
    assert first.exit_code == 0, first.output
    assert "  full build: 11 records, 2 pairs compared (2 match), 2 clusters of 4 records (largest 2)" in first.output
    assert "  published: 2 cluster records anew, 2 records absorbed, 0 published on their own again" in first.output
    assert "search index: 9 indexed, 2 removed" in first.output  # the absorbed records leave search
    shown = run(db_url, "cluster", "show", "kaznu:oai:repository.kaznu.kz:123456789/2005").output
    assert shown.startswith("cluster of 2 records, published as oai:kazneb.kz:nabrk:NABRK-000101\n")
    assert re.search(r"  nabrk:NABRK-000101  preview-24  2019  Абай жолы\n", shown)
    assert re.search(r"  kaznu:oai:repository.kaznu.kz:123456789/2005  open  2019  Abai joly", shown)
    again = run(db_url, "demo", "--no-serve")
    assert "  published: 0 cluster records anew, 0 records absorbed, 0 published on their own again" in again.output


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_demo_never_reaches_the_internet_nor_re_enables_a_partner(db_url: str) -> None:
    from repository.models import Partner

    assert run(db_url, "demo", "--no-serve").exit_code == 0
    assert run(db_url, "partner", "disable", "kaznu").exit_code == 0
    again = run(db_url, "demo", "--no-serve")
    assert again.exit_code == 0, again.output
    store = Store.from_settings(load_settings(overrides={"database.url": db_url}))
    with store.session() as session:
        partners = {p.id: (p.base_url or "", p.enabled) for p in session.scalars(select(Partner))}
    assert partners["kaznu"] == ("", False) and partners["nabrk"] == ("", True)  # files only
    assert run(db_url, "scheduler", "--once").output.endswith("scheduler pass: nothing due\n")
    harvest = run(db_url, "harvest", "--all")
    assert harvest.exit_code == 0 and "run " not in harvest.output



def test_bad_configuration_names_the_file_and_setting(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[oai]\npage_size = 0\n[hub]\nnamespace = "kazneb.kz"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="oai.page_size"):
        load_settings(config)
    result = CliRunner().invoke(main, ["--config", str(config), "stats"])
    assert result.exit_code != 0 and "oai.page_size" in result.output
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml")


def test_kazneb_commands_collect_garbage_less_often(tmp_path: Path) -> None:
    """Every ``kazneb`` job raises the collector's young threshold (bulk jobs make many objects)."""
    probe = ("import gc, sys\nfrom click.testing import CliRunner\nfrom kazneb.cli import main, GC_YOUNG_THRESHOLD\n"
             "before = gc.get_threshold()[0]\n"
             "result = CliRunner().invoke(main, ['crosswalk', '--help'])\n"
             "print(before, gc.get_threshold()[0], GC_YOUNG_THRESHOLD, result.exit_code)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.split()
    before, after, wanted, exit_code = map(int, out)
    assert before == 700 and after == wanted > before and exit_code == 0


def test_served_port_is_the_advertised_one_unless_the_base_url_is_public() -> None:
    local = load_settings(ROOT / "config" / "kazneb.toml")
    assert advertised_at(local, 8097)["hub.base_url"] == "http://127.0.0.1:8097"
    assert advertised_at(local, 8080) is local
    public = load_settings(ROOT / "config" / "kazneb.toml", overrides={"hub.base_url": "https://oai.kazneb.kz/hub"})
    assert advertised_at(public, 8097)["hub.base_url"] == "https://oai.kazneb.kz/hub"


def test_kazneb_serve_on_another_port_names_that_port_to_harvesters(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "KAZNEB_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    server = subprocess.Popen([sys.executable, "-c", "from kazneb.cli import main; main()", "serve", "--port",
                               str(port)], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, body = time.monotonic() + 60, None
        while body is None and time.monotonic() < deadline:
            try:
                body = requests.get(f"http://127.0.0.1:{port}/oai", params={"verb": "Identify"}, timeout=5).content
            except requests.ConnectionError:
                time.sleep(0.2)
        assert body is not None, "kazneb serve did not answer"
        identify = etree.fromstring(body)
        oai = "{http://www.openarchives.org/OAI/2.0/}"
        assert identify.findtext(f"{oai}Identify/{oai}baseURL") == f"http://127.0.0.1:{port}/oai"
        assert identify.findtext(f"{oai}request") == f"http://127.0.0.1:{port}/oai"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_check_finds_rows_whose_parent_is_missing(sqlite_url: str) -> None:
    assert run(sqlite_url, "demo", "--no-serve").exit_code == 0
    clean = run(sqlite_url, "check")
    assert clean.exit_code == 0 and "every reference points at an existing row" in clean.output
    store = Store.from_settings(load_settings(overrides={"database.url": sqlite_url}))
    with store.engine.begin() as conn:  # what enforcement would have refused: SQLite's is off
        conn.exec_driver_sql("INSERT INTO record_changes (record_id, changed_at) VALUES (999999, 0)")
        conn.exec_driver_sql("INSERT INTO record_sets (set_spec, datestamp, record_id) VALUES ('lang:kaz', 0, 888888)")
    broken = CliRunner().invoke(main, ["check"], env={"KAZNEB_DATABASE_URL": sqlite_url})
    assert broken.exit_code == 1
    assert "record_changes.record_id -> hub_records.id: 1 row(s) name a missing row (999999)" in broken.stderr
    assert "record_sets.record_id -> hub_records.id: 1 row(s) name a missing row (888888)" in broken.stderr


def test_sqlite_enforces_foreign_keys_when_the_setting_asks(sqlite_url: str) -> None:
    from sqlalchemy.exc import IntegrityError

    assert run(sqlite_url, "init").exit_code == 0
    store = Store.from_settings(load_settings(overrides={"database.url": sqlite_url,
                                                         "database.sqlite_foreign_keys": True}))
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), store.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO record_changes (record_id, changed_at) VALUES (999999, 0)")
