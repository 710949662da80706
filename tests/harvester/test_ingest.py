"""File deliveries (``kazneb ingest``) and the quarantine of their records, against a real store.

Each test writes a delivery the way a partner might send it and checks the records in the
store, the quarantine entries (with their exact bytes) and the run afterwards."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from harvester.delivery import content_key, seek_past_records
from harvester.ingest import ingest_path
from harvester.models import HarvestRun, QuarantinedRecord
from harvester.partners import AccessRule, PartnerConfig, save_partner
from harvester.quarantine import retry_quarantined
from repository.models import HubRecord, SourceRecord
from tests.harvester.conftest import live
from tests.harvester.delivery_files import (
    broken_leader,
    dc_collection,
    dc_record,
    marc_record,
    marcxml_collection,
    oai_response,
    sample_records,
)

ROOT = Path(__file__).resolve().parents[2]
QUIET = {"report": lambda message: None}


@pytest.fixture
def partner(store) -> PartnerConfig:  # type: ignore[no-untyped-def]
    config = PartnerConfig(id="files", access="open",
                           access_rules=[AccessRule(access="read-only", rights="restricted")])
    with store.session() as session:
        save_partner(store, session, config)
    return config



def entries(store) -> list[QuarantinedRecord]:  # type: ignore[no-untyped-def]
    with store.session() as session:
        return list(session.scalars(select(QuarantinedRecord).order_by(QuarantinedRecord.id)))


def runs(store) -> list[HarvestRun]:  # type: ignore[no-untyped-def]
    with store.session() as session:
        return list(session.scalars(select(HarvestRun).order_by(HarvestRun.id)))


# -- exact bytes in quarantine -------------------------------------------------------
def test_binary_records_keep_their_exact_bytes_in_quarantine(store, partner, tmp_path, kazneb):
    cyrillic = sample_records("1251.dat")  # Windows-1251, ldr/09 blank
    marc8 = sample_records("marc8.dat")[0]
    bad_cp1251, bad_marc8 = broken_leader(cyrillic[2]), broken_leader(marc8)
    delivery = tmp_path / "old-catalogue.mrc"
    delivery.write_bytes(b"".join([*cyrillic[:2], bad_cp1251, *cyrillic[3:], bad_marc8]))

    run = ingest_path(store, partner, delivery, **QUIET)

    assert (run.status, run.new, run.quarantined) == ("succeeded", 5, 2)
    first, second = entries(store)
    assert (first.raw_bytes, first.file_format, first.file_name, first.file_position) == \
        (bad_cp1251, "marc21", "old-catalogue.mrc", 3)
    assert (second.raw_bytes, second.file_position) == (bad_marc8, 7)
    assert first.source_key == "old-catalogue.mrc#3"
    assert "base address of data 'f0037'" in first.error and first.error.startswith("old-catalogue.mrc: record 3:")
    assert "\ufffd" not in bad_cp1251.decode("cp1251")  # what was kept reads as the partner wrote it

    shown = kazneb("quarantine", "show", str(first.id), "--save", str(tmp_path / "saved.mrc"))
    assert shown.exit_code == 0, shown.output
    assert "file: old-catalogue.mrc, record 3, marc21" in shown.output
    assert "shown as cp1251" in shown.output
    title = [line for line in shown.output.splitlines() if line.startswith("245 ")]
    assert title and any("\u0400" <= c <= "\u04ff" for c in title[0]) and "$a" in title[0]
    assert (tmp_path / "saved.mrc").read_bytes() == bad_cp1251
    marc8_shown = kazneb("quarantine", "show", str(second.id)).output
    assert "shown as marc8" in marc8_shown and "LDR " in marc8_shown and "\\x1e" not in marc8_shown


def test_xml_records_keep_their_bytes_in_the_declared_encoding(store, partner, tmp_path):
    records = [dc_record(1, title="Словарь"), dc_record(2, title="Сломанная").replace("</dc:title>", "</dc:titel>"),
               dc_record(3, title="Русская книга")]
    delivery = tmp_path / "dc.xml"
    delivery.write_bytes(dc_collection(records, "windows-1251"))
    run = ingest_path(store, partner, delivery, **QUIET)
    assert (run.new, run.quarantined) == (2, 1)
    [entry] = entries(store)
    assert entry.raw_bytes == records[1].encode("windows-1251")
    assert (entry.file_format, entry.file_encoding, entry.file_position) == ("xml", "windows-1251", 2)
    assert 'xmlns:dc="http://purl.org/dc/elements/1.1/"' in entry.file_context
    assert live(store, "files")["dc:3"] == "Русская книга"


# -- store refusals and retry ----------------------------------------------------------
def test_a_store_refusal_quarantines_only_that_record_and_retry_stores_it(store, partner, tmp_path):
    records = [dc_record(n, rights="restricted" if n in (2, 4) else "") for n in range(1, 6)]
    delivery = tmp_path / "dc.xml"
    delivery.write_bytes(dc_collection(records))
    # a configuration whose rule names a level the store does not know (set after validation)
    broken = PartnerConfig(id="files", access_rules=[AccessRule(access="read-only", rights="restricted")])
    broken.access_rules[0].access = "secret"

    run = ingest_path(store, broken, delivery, **QUIET)

    assert (run.new, run.quarantined, run.status) == (3, 2, "succeeded")
    assert set(live(store, "files")) == {"dc:1", "dc:3", "dc:5"}
    refused = entries(store)
    assert [e.source_key for e in refused] == ["dc:2", "dc:4"]
    assert all("access level 'secret'" in e.error and e.error.startswith("dc.xml: ") for e in refused)
    assert [e.raw_bytes for e in refused] == [records[1].encode(), records[3].encode()]

    outcomes = retry_quarantined(store, [], partner_id="files")  # with the partner's stored, valid rules

    assert outcomes.counts["new"] == 2 and outcomes.counts["quarantined"] == 0
    assert [e.status for e in entries(store)] == ["resolved", "resolved"]
    assert set(live(store, "files")) == {f"dc:{n}" for n in range(1, 6)}
    with store.session() as session:
        access = dict(session.execute(select(SourceRecord.source_key, HubRecord.access).join(
            HubRecord, HubRecord.id == SourceRecord.hub_record_id)).all())
    assert access == {"dc:1": "open", "dc:2": "read-only", "dc:3": "open", "dc:4": "read-only", "dc:5": "open"}


def test_retry_of_file_records_keeps_unreadable_open_and_supersedes_partial_failures(store, partner, tmp_path):
    bad = broken_leader(marc_record(2))
    delivery = tmp_path / "books.mrc"
    delivery.write_bytes(marc_record(1) + bad)
    ingest_path(store, partner, delivery, **QUIET)
    [unreadable] = entries(store)
    # an entry about a whole file (position 0) holding a readable record and the broken one
    with store.session() as session:
        whole = QuarantinedRecord(partner_id="files", run_id=None, source_key="later.mrc#0", error="file: ...",
                                  raw=None, created_at=0, status="open", raw_bytes=marc_record(7) + bad,
                                  file_format="marc21", file_name="later.mrc", file_position=0)
        session.add(whole)
        session.flush()
        whole_id = whole.id

    outcomes = retry_quarantined(store, [unreadable.id, whole_id])

    assert outcomes.counts["still unreadable"] == 1 and outcomes.counts["new"] == 1
    assert outcomes.counts["quarantined"] == 1
    after = {e.id: e for e in entries(store)}
    assert after[unreadable.id].status == "open"
    assert after[whole_id].status == "superseded"
    [new] = [e for e in after.values() if e.id not in (unreadable.id, whole_id)]
    assert (new.raw_bytes, new.file_name, new.file_position, new.status) == (bad, "later.mrc", 2, "open")
    assert set(live(store, "files")) == {"m00001", "m00007"}


# -- what a delivery may hold ------------------------------------------------------------
def test_a_zip_member_that_is_not_a_record_file_is_skipped_and_named(store, partner, tmp_path, kazneb):
    delivery = tmp_path / "delivery.zip"
    with zipfile.ZipFile(delivery, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", "Records of March, see the list.\n")
        archive.writestr("cover.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        archive.writestr("records/marc.xml", marcxml_collection(range(1, 4)))
        archive.writestr("records/books.mrc", marc_record(1) + marc_record(2))
        archive.writestr("__MACOSX/.DS_Store", b"\x00\x00")

    result = kazneb("ingest", "--partner", "files", str(delivery))

    assert result.exit_code == 0, result.output
    [run] = runs(store)
    assert (run.status, run.new, run.quarantined) == ("succeeded", 5, 0)
    skipped = run.errors["skipped-files"]
    assert skipped["count"] == 2
    assert any(e.startswith("delivery.zip!README.txt: not a record file") for e in skipped["examples"])
    assert any(e.startswith("delivery.zip!cover.pdf: not a record file") for e in skipped["examples"])
    assert "skipped-files: delivery.zip!README.txt" in result.output
    log = kazneb("harvest", "log", str(run.id)).output
    assert "skipped-files: 2" in log and 'checkpoint    {"file": 4, "record": 0}' in log
    assert set(live(store, "files")) == {"x00001", "x00002", "x00003", "m00001", "m00002"}


def test_an_unreadable_file_fails_the_run_but_not_the_other_files(store, partner, tmp_path, kazneb):
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    (delivery / "a.xml").write_bytes(dc_collection([dc_record(1), dc_record(2)]))
    with zipfile.ZipFile(delivery / "b.zip", "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("inside.mrc", marc_record(1))
    data = (delivery / "b.zip").read_bytes()
    start = data.index("Кітап".encode())
    (delivery / "b.zip").write_bytes(data[:start] + b"X" + data[start + 1:])  # a bad CRC-32
    (delivery / "c.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    os.symlink(tmp_path / "gone.mrc", delivery / "d.mrc")
    (delivery / "e.mrc").write_bytes(marc_record(5))

    result = kazneb("ingest", "--partner", "files", str(delivery))

    assert result.exit_code == 1
    [run] = runs(store)
    assert run.status == "failed" and "3 file(s) could not be read" in run.message
    failed = run.errors["failed-files"]
    assert failed["count"] == 3
    assert any(e.startswith("b.zip!inside.mrc: cannot be read") and "CRC" in e for e in failed["examples"])
    assert any(e.startswith("c.zip: not a readable zip") for e in failed["examples"])
    assert any(e.startswith("d.mrc: a link to nothing") for e in failed["examples"])
    assert set(live(store, "files")) == {"dc:1", "dc:2", "m00005"}
    assert run.new == 3 and "failed" in result.output


def test_a_delivery_path_that_does_not_exist_is_a_usage_error(store, partner, tmp_path, kazneb):
    missing = tmp_path / "nowhere" / "delivery.zip"
    result = kazneb("ingest", "--partner", "files", str(missing))
    assert result.exit_code == 2
    assert f"{missing}: no such file or folder" in result.output
    assert runs(store) == []
    unknown = kazneb("ingest", "--partner", "nobody", str(tmp_path))
    assert unknown.exit_code == 1 and "no partner 'nobody'" in unknown.output


def test_a_file_that_cannot_be_split_is_kept_whole_and_nothing_else_is_lost(store, partner, tmp_path, kazneb):
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    broken = b'<?xml version="1.0" encoding="x-unknown-charset"?><collection>' + b"<!-- padding -->" * 5000 + \
        b"</collection>"
    (delivery / "a.xml").write_bytes(broken)
    (delivery / "b.mrc").write_bytes(marc_record(1))
    run = ingest_path(store, partner, delivery, **QUIET)
    [entry] = entries(store)
    assert (entry.file_name, entry.file_position, entry.raw_bytes) == ("a.xml", 0, broken)
    assert "x-unknown-charset" in entry.error
    assert (run.new, run.quarantined, run.status) == (1, 1, "succeeded")
    shown = kazneb("quarantine", "show", str(entry.id), "--save", str(tmp_path / "a.xml")).output
    assert f"file: a.xml, record 0, xml utf-8, {len(broken)} bytes" in shown
    assert f"(... {len(broken) - 65536} more bytes;" in shown
    assert (tmp_path / "a.xml").read_bytes() == broken


def test_ingest_again_is_a_new_run_with_nothing_changed_or_quarantined_twice(store, partner, tmp_path):
    delivery = tmp_path / "books.mrc"
    delivery.write_bytes(b"".join(broken_leader(marc_record(n)) if n == 4 else marc_record(n) for n in range(1, 9)))
    first = ingest_path(store, partner, delivery, batch_size=3, **QUIET)
    again = ingest_path(store, partner, delivery, batch_size=3, **QUIET)
    assert (first.new, first.quarantined, first.pages, first.checkpoint) == (7, 1, 3, {"file": 1, "record": 0})
    assert (again.id, again.new, again.unchanged, again.quarantined, again.resumed) == (first.id + 1, 0, 7, 1, 0)
    [entry] = entries(store)  # one open entry, updated in place by the second delivery
    assert (entry.run_id, entry.status, entry.source_key) == (again.id, "open", "books.mrc#4")


def test_a_partner_being_harvested_is_not_ingested_at_the_same_time(store, partner, tmp_path):
    from harvester import locks

    delivery = tmp_path / "books.mrc"
    delivery.write_bytes(marc_record(1))
    with locks.partner_lock(store, "files"), pytest.raises(locks.PartnerBusy, match="'files' is being harvested"):
        ingest_path(store, partner, delivery, **QUIET)
    assert runs(store) == [] and live(store, "files") == {}
    assert ingest_path(store, partner, delivery, **QUIET).new == 1  # the lock was released


@pytest.mark.parametrize("chunk_size", [1, 7, 1 << 20])
def test_seek_past_records_lands_where_the_reader_would_be(chunk_size):
    from crosswalks.marc.iso2709 import read_chunks, split_records

    records = [marc_record(n) for n in range(1, 6)]
    data = b"\n" + records[0] + b"\r\n" + records[1] + b"\x1d\x1d  " + b"".join(records[2:]) + b"\n"
    for count in range(7):
        handle = io.BytesIO(data)
        passed = seek_past_records(handle, count, chunk_size)
        rest = [part + b"\x1d" for part, _ in split_records(read_chunks(handle))]
        assert passed == min(count, 5) and rest == records[count:]


# -- records without an identifier -------------------------------------------------------
def untitled_ids(titles: list[str]) -> bytes:
    """oai_dc records with a title and no identifier."""
    return dc_collection([f"<oai_dc:dc><dc:title>{t}</dc:title></oai_dc:dc>" for t in titles])


def keyed(store) -> dict[str, tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    """source key → (title, local id, hub datestamp) of every stored record."""
    with store.session() as session:
        rows = session.execute(select(SourceRecord.source_key, SourceRecord.canonical, HubRecord.local_id,
                                      HubRecord.datestamp).join(HubRecord, HubRecord.id == SourceRecord.hub_record_id))
        return {key: (canonical["titles"][0]["value"], local_id, stamp) for key, canonical, local_id, stamp in rows}


def content_keys(data: bytes) -> list[str]:
    from crosswalks.readers import read_bytes

    return [content_key(r.raw) for r in read_bytes(data)]


def test_same_named_files_keep_their_own_records_without_identifiers(store, partner, tmp_path, kazneb):
    first, second = untitled_ids(["Алғы сөз", "Кіріспе", "Сөздік"]), untitled_ids(["Алғы сөз, 2-басылым", "Карта"])
    delivery = tmp_path / "delivery.zip"
    with zipfile.ZipFile(delivery, "w") as archive:
        archive.writestr("a/records.xml", first)
        archive.writestr("b/records.xml", second)
        archive.writestr("c.mrc", marc_record(1))

    result = kazneb("ingest", "--partner", "files", str(delivery))

    assert result.exit_code == 0, result.output
    keys = content_keys(first) + content_keys(second)
    titles = ["Алғы сөз", "Кіріспе", "Сөздік", "Алғы сөз, 2-басылым", "Карта"]
    assert {k: v[0] for k, v in keyed(store).items()} == {**dict(zip(keys, titles, strict=True)), "m00001": "Кітап 1"}
    assert all(k.startswith("#") and len(k) == 33 for k in keys)
    [run] = runs(store)
    assert (run.new, run.unchanged) == (6, 0)
    assert run.errors["no-identifier"]["count"] == 5
    assert run.errors["no-identifier"]["examples"][:4] == [
        "delivery.zip!a/records.xml: record 1", "delivery.zip!a/records.xml: record 2",
        "delivery.zip!a/records.xml: record 3", "delivery.zip!b/records.xml: record 1"]
    assert ("warning: delivery.zip!a/records.xml: 3 record(s) without an identifier, stored under a digest of "
            "their content (a corrected one will be a new record): record(s) 1, 2, 3") in result.output
    assert "delivery.zip!b/records.xml: 2 record(s) without an identifier" in result.output
    assert "warning: 5 record(s) without an identifier" in result.output

    before = keyed(store)
    store.clock = lambda: 2_000_000_000  # a record written again would get this datestamp
    again = ingest_path(store, partner, delivery, **QUIET)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 6)
    assert keyed(store) == before


def test_a_later_delivery_of_another_file_with_the_same_name_adds_its_records(store, partner, tmp_path):
    march, april = tmp_path / "march" / "records.xml", tmp_path / "april" / "records.xml"
    march.parent.mkdir()
    april.parent.mkdir()
    march.write_bytes(untitled_ids(["Наурыз 1", "Наурыз 2"]))
    april.write_bytes(untitled_ids(["Сәуір 1", "Сәуір 2", "Наурыз 2"]))  # one record delivered again

    assert ingest_path(store, partner, march, **QUIET).new == 2
    later = ingest_path(store, partner, april, **QUIET)
    assert (later.new, later.unchanged, later.updated) == (2, 1, 0)
    keys = content_keys(march.read_bytes()) + content_keys(april.read_bytes())[:2]
    assert {k: v[0] for k, v in keyed(store).items()} == dict(
        zip(keys, ["Наурыз 1", "Наурыз 2", "Сәуір 1", "Сәуір 2"], strict=True))
    assert content_keys(april.read_bytes())[2] == keys[1]


def test_the_key_ignores_the_layout_of_the_source_text_but_not_its_content():
    one = "<oai_dc:dc>\n  <dc:title>Кітап   1</dc:title>\n</oai_dc:dc>"
    assert content_key(one) == content_key("<oai_dc:dc><dc:title>Кітап 1</dc:title></oai_dc:dc>")
    assert content_key(one) != content_key("<oai_dc:dc><dc:title>Кітап 2</dc:title></oai_dc:dc>")
    assert content_key(one) != content_key("<oai_dc:dc><dc:title>Кітап1</dc:title></oai_dc:dc>")


def test_a_deletion_without_an_identifier_is_quarantined(store, partner, tmp_path):
    data = oai_response([("oai:p:1", "2024-01-01T00:00:00Z", "Item 1")]).replace(
        b"</ListRecords>", b'<record><header status="deleted"><datestamp>2024-02-01</datestamp></header></record>'
        b"</ListRecords>")
    delivery = tmp_path / "response.xml"
    delivery.write_bytes(data)
    run = ingest_path(store, partner, delivery, **QUIET)
    assert (run.new, run.deleted, run.quarantined) == (1, 0, 1)
    [entry] = entries(store)
    assert (entry.source_key, entry.file_position) == ("response.xml#2", 2)
    assert entry.error == "response.xml: record 2: a deletion without an identifier deletes nothing"
    assert set(live(store, "files")) == {"oai:p:1"}


def local_ids(store, partner_id: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The partner's source keys and the local ids of their hub records."""
    with store.session() as session:
        return dict(session.execute(select(SourceRecord.source_key, HubRecord.local_id).join(
            HubRecord, HubRecord.id == SourceRecord.hub_record_id)
            .where(SourceRecord.partner_id == partner_id)).all())


def no_whole_file() -> bytes | None:
    """A FileSource's ``whole`` for records written straight to the store (no file to read again)."""
    return None


#: Keys ingest gave file records before content keys (<file name>#<position>) -> index of the
#: record in ``records.xml``; copy.xml#1 is records.xml#1 delivered again under another name.
OLD_KEYS = {"records.xml#1": 0, "records.xml#2": 1, "records.xml#3": 2, "copy.xml#1": 0}


def new_store(db_url, partners):  # type: ignore[no-untyped-def]
    """A store at the newest schema, with these partners saved."""
    from repository.db import migrate
    from repository.store import Store
    from tests.conftest import make_settings

    store = Store.from_settings(make_settings(db_url))
    migrate(store.engine)
    with store.session() as session:
        for partner in partners:
            save_partner(store, session, partner)
    return store


def back_to_migration_0003(store) -> None:  # type: ignore[no-untyped-def]
    """Downgrade to 0003 (before content keys), keeping the rows: what the test wrote under the
    old keys then stands as a store from before 0004.  The rows are written at the newest
    schema because the store's code writes only that one."""
    from tests.conftest import migrate_to

    migrate_to(store.engine, "0003_file_deliveries", down=True)


def write_under_old_keys(store, owners, results) -> None:  # type: ignore[no-untyped-def]
    """The records of ``results`` stored for each owner under OLD_KEYS, as ingest wrote them before."""
    from harvester.ingest import FileSource, _incoming

    with store.session() as session:
        for key, index in OLD_KEYS.items():
            for owner in owners:
                incoming = _incoming(owner, FileSource("records.xml", "xml", "utf-8", None, no_whole_file),
                                     results[index])
                incoming.source_key = key
                store.write_record(session, incoming)


def quarantine_under_old_keys(store, zip_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Quarantine entries as ingest wrote them before, for a bad record in a zip."""
    bad = broken_leader(marc_record(2))
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("in/bad.mrc", marc_record(1) + bad)
    with store.session() as session:
        for key, position in (("bad.mrc#2", 2), ("m00009", 3)):
            session.add(QuarantinedRecord(partner_id="files", run_id=None, source_key=key, error="...", raw=None,
                                          created_at=0, status="open", raw_bytes=bad, file_format="marc21",
                                          file_name="old.zip!in/bad.mrc", file_position=position))


def test_records_stored_under_the_old_keys_are_re_keyed_by_migration_0004(db_url, tmp_path):
    """A store written before content keys: the next delivery of the same file leaves its records unchanged."""
    from crosswalks.readers import read_bytes
    from repository.db import migrate

    partner = PartnerConfig(id="files", access="open")
    harvested = PartnerConfig(id="oai", access="open")  # no file delivery: 0004 leaves it, 0008 does not
    store = new_store(db_url, [partner, harvested])
    data = untitled_ids(["Бір", "Екі", "Үш"])
    (tmp_path / "records.xml").write_bytes(data)
    (tmp_path / "other.mrc").write_bytes(marc_record(1))
    ingest_path(store, partner, tmp_path / "other.mrc", **QUIET)  # the partner's earlier file delivery
    results = list(read_bytes(data))
    write_under_old_keys(store, (partner, harvested), results)
    quarantine_under_old_keys(store, tmp_path / "old.zip")
    before, harvested_before = local_ids(store, "files"), local_ids(store, "oai")
    back_to_migration_0003(store)

    migrate(store.engine)

    new = [content_key(r.raw) for r in results]
    rows = local_ids(store, "files")
    assert rows == {"m00001": before["m00001"], new[0]: before["records.xml#1"],
                    new[1]: before["records.xml#2"], new[2]: before["records.xml#3"],
                    "copy.xml#1": before["copy.xml#1"]}  # the same record twice: the second keeps its key
    # 0008 then re-keys the other partner's records the same way (written without a source datestamp,
    # as `kazneb import` wrote them), and makes each second copy a tombstone (see tests/repository)
    assert local_ids(store, "oai") == {new[0]: harvested_before["records.xml#1"],
                                       new[1]: harvested_before["records.xml#2"],
                                       new[2]: harvested_before["records.xml#3"],
                                       "copy.xml#1": harvested_before["copy.xml#1"]}
    with store.session() as session:
        copies = session.scalars(select(SourceRecord.deleted).where(SourceRecord.source_key == "copy.xml#1")).all()
    assert copies == [True, True]

    again = ingest_path(store, partner, tmp_path / "records.xml", **QUIET)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    assert [(e.source_key, e.status) for e in entries(store)] == [
        ("old.zip!in/bad.mrc#2", "open"), ("m00009", "open")]
    ingest_path(store, partner, tmp_path / "old.zip", **QUIET)  # the same bad record again: its entry updated
    assert [(e.source_key, e.status) for e in entries(store)] == [("old.zip!in/bad.mrc#2", "open"), ("m00009", "open")]
