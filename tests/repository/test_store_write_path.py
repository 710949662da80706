"""The store's fast write path keeps what it stores identical to the plain way of making it."""

from __future__ import annotations

import json
import re
import threading
import time
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from crosswalks.model import Agent, CanonicalRecord, Identifier, SourceInfo, Title
from crosswalks.readers import read_file
from crosswalks.xmlchars import legal_xml
from repository.digests import canonical_json, legal_text
from repository.identifiers import local_id_for
from repository.models import HubRecord, Partner, RecordRendering, SourceRecord
from repository.store import IncomingRecord
from tests.oai_helpers import SHARED, add_records, make_record


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_canonical_json_is_to_dict_as_compact_json() -> None:
    """The fast serialiser stores exactly ``to_dict``: same keys, same order, empty values left out."""
    records = [make_record(i) for i in range(5)] + [
        CanonicalRecord(),
        CanonicalRecord(titles=[Title("", lang=None)], agents=[Agent("A", role=None)], extent="", pages=0,
                        source=SourceInfo(partner="p", identifier="")),
        CanonicalRecord(identifiers=[Identifier("123", "isbn", valid=False)], marc_extra=[
            {"500": {"ind1": " ", "ind2": " ", "subfields": [{"a": ""}, {"b": "kept"}]}},
            {"590": {"ind1": "", "ind2": " ", "subfields": []}}, {"001": ""}]),
    ]
    records += [result.record for result in read_file(SHARED / "samples" / "pymarc" / "test.dat")]
    assert len(records) > 8 and any(record.marc_extra for record in records)
    for record in records:
        assert canonical_json(record) == _compact(record.to_dict())
    assert json.loads(canonical_json(records[6]))["pages"] == 0  # zero is a value, not an empty one
    kept = json.loads(canonical_json(records[7]))  # empty MARC values pruned, False kept
    assert kept["identifiers"] == [{"value": "123", "scheme": "isbn", "valid": False}]
    assert kept["marc_extra"] == [{"500": {"ind1": " ", "ind2": " ", "subfields": [{}, {"b": "kept"}]}},
                                  {"590": {"ind2": " "}}, {}]


def test_canonical_json_strips_what_xml_cannot_hold() -> None:
    dirty = make_record(1, titles=[Title("Абай\x01 жолы\ufffe \\ back\x0cslash \ud800", lang="kaz")])
    assert json.loads(canonical_json(dirty)) == legal_text(dirty.to_dict())
    assert json.loads(canonical_json(dirty))["titles"][0]["value"] == "Абай жолы \\ backslash "
    quoted = make_record(2, titles=[Title('"Абай жолы"', lang="kaz")])
    assert canonical_json(quoted) == _compact(quoted.to_dict())


@pytest.mark.parametrize("value", ["Абай\uffff жолы", "Абай\ufffe жолы", "Абай\x0b жолы", "Абай\ud800 жолы"])
def test_canonical_json_strips_each_forbidden_character_alone(value: str) -> None:
    """Each kind on its own, without a backslash elsewhere: a non-character (which JSON keeps
    as it is), a control character (which JSON escapes) and a lone surrogate (which orjson refuses)."""
    stored = json.loads(canonical_json(make_record(4, titles=[Title(value, lang="kaz")])))
    assert stored["titles"][0]["value"] == "Абай жолы"


def test_canonical_json_refuses_what_is_not_a_record_value() -> None:
    odd = make_record(3)
    odd.titles.append(object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="object"):
        canonical_json(odd)


#: XML 1.0's ``Char`` production, and the C1 controls (and DEL) the hub drops besides, NEL excepted.
_XML_CHAR = re.compile("[\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MOJIBAKE = re.compile("[\u007f-\u0084\u0086-\u009f]")


@settings(max_examples=500, deadline=None)
@given(text=st.text(st.characters(codec=None, exclude_categories=[]), max_size=40)
       | st.sampled_from(["Абай жолы", "Абай\tжолы\n", "\u00a0\u200bАбай", "\ufffe", "a\ud800b", "\x00\x1f",
                          "Ð\x90Ð±Ð°Ð¹", "a\x85b\x7f"]))
def test_legal_xml_keeps_exactly_the_characters_of_the_rule(text: str) -> None:
    """The printable fast path and the pattern agree: every XML Char kept but DEL and C1 (NEL kept)."""
    assert legal_xml(text) == "".join(c for c in text if _XML_CHAR.fullmatch(c) and not _MOJIBAKE.fullmatch(c))


def test_the_stored_header_length_cuts_the_header_out_of_the_record(store) -> None:  # type: ignore[no-untyped-def]
    add_records(store, "p1", range(3))
    with store.session() as session:
        rows = session.execute(select(RecordRendering.header_xml, RecordRendering.record_xml)).all()
    assert len(rows) == 9
    for header, record in rows:
        header, record = bytes(header), bytes(record)
        assert header.startswith(b"<header><identifier>oai:") and header.endswith(b"</header>")
        assert record.startswith(b"<record>" + header)


def test_source_record_reads_its_hub_records_canonical(store) -> None:  # type: ignore[no-untyped-def]
    add_records(store, "p1", range(2))
    with store.session() as session:
        pairs = session.execute(select(SourceRecord, HubRecord).join(
            HubRecord, HubRecord.id == SourceRecord.hub_record_id)).all()
        assert len(pairs) == 2
        for source, hub in pairs:
            assert source.canonical == hub.canonical
            assert source.canonical["titles"][0]["value"].endswith(source.source_key.rsplit(":", 1)[1])


def test_access_change_then_same_harvest_is_unchanged(store) -> None:  # type: ignore[no-untyped-def]
    """set_access hashes the stored JSON the way a write does: the same record again is unchanged."""
    add_records(store, "p1", range(1))
    with store.session() as session:
        local_id = session.scalars(select(HubRecord.local_id)).one()
        assert store.set_access(session, local_id, "read-only")
    with store.session() as session:
        status = store.write_record(session, IncomingRecord(
            partner_id="p1", source_key="oai:p1:0", record=make_record(0), raw="<raw>0</raw>",
            source_datestamp="2026-01-01T00:00:00Z", metadata_prefix="oai_dc",
            metadata_namespace="http://www.openarchives.org/OAI/2.0/oai_dc/", access="read-only"))
    assert status == "unchanged"


def test_a_copy_level_wins_over_every_write_and_links_the_renderings(store) -> None:  # type: ignore[no-untyped-def]
    """The store alone (no depository): a record given a copy level keeps it through writes at
    other levels and set_access, renders a link to its page, and falls back when it is cleared."""
    from repository.publishing import record_page

    add_records(store, "p1", range(2), access="read-only")
    local_id = local_id_for("p1", "oai:p1:0")
    page = record_page(store.base_url, local_id).encode()

    def published() -> tuple[str, bool]:
        with store.reading() as session:
            hub = session.scalars(select(HubRecord).where(HubRecord.local_id == local_id)).one()
            xml = [bytes(r.record_xml) for r in session.scalars(select(RecordRendering).where(
                RecordRendering.record_id == hub.id))]
        assert len(xml) == 3 and len({page in x for x in xml}) == 1
        return hub.access, page in xml[0]

    with store.session() as session:
        assert store.set_copy_level(session, local_id, "open")
        assert not store.set_copy_level(session, local_id, "open")
        assert not store.set_access(session, local_id, "preview-24")
    assert published() == ("open", True)
    for access, title in (("read-only", "Абай жолы 0"), ("preview-24", "changed")):
        with store.session() as session:
            store.write_record(session, IncomingRecord(
                partner_id="p1", source_key="oai:p1:0", record=make_record(0, titles=[Title(title)]),
                access=access))
        assert published() == ("open", True)
    with store.session() as session:
        assert store.set_copy_level(session, local_id, None, "read-only")
    assert published() == ("read-only", False)


def _write_batch(store, partner_id: str, numbers: range) -> None:  # type: ignore[no-untyped-def]
    """Records ``numbers`` written in one ``write_records`` call, as a harvested page is."""
    with store.session() as session:
        store.upsert_partner(session, partner_id, names={"en": partner_id.upper()})
        statuses = store.write_records(session, [IncomingRecord(
            partner_id=partner_id, source_key=f"oai:{partner_id}:{i}", record=make_record(i), raw=f"<raw>{i}</raw>",
            source_datestamp="2026-01-01T00:00:00Z", metadata_prefix="oai_dc") for i in numbers])
    assert statuses == ["new"] * len(numbers)


def _assert_every_row_belongs_to_its_hub_record(store, count: int) -> None:  # type: ignore[no-untyped-def]
    with store.session() as session:
        hubs = {hub.id: hub for hub in session.scalars(select(HubRecord))}
        sources = session.scalars(select(SourceRecord)).all()
        renderings = session.scalars(select(RecordRendering)).all()
    assert len(sources) == count and len(renderings) == 3 * count
    for source in sources:
        hub = hubs[source.hub_record_id]
        assert hub.local_id == local_id_for(source.partner_id, source.source_key)
        assert hub.canonical["identifiers"][0]["value"] == "local-" + source.source_key.rsplit(":", 1)[1]
    for rendering in renderings:
        identifier = store.oai_identifier(hubs[rendering.record_id].local_id).encode()
        assert bytes(rendering.record_xml).startswith(b"<record><header><identifier>" + identifier + b"<")


def test_a_batch_of_new_records_gets_each_its_own_hub_id(store) -> None:  # type: ignore[no-untyped-def]
    """Sources and renderings of a batch point at the hub record of their own key, and the
    canonical JSON is stored as text."""
    _write_batch(store, "p1", range(0, 7))
    _write_batch(store, "p2", range(0, 5))
    _assert_every_row_belongs_to_its_hub_record(store, 12)
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:
            kinds = conn.exec_driver_sql("SELECT DISTINCT typeof(canonical) FROM hub_records").scalars().all()
        assert kinds == ["text"]


def test_rows_point_at_their_hub_records_when_sqlite_numbers_new_ids_at_random(sqlite_url: str) -> None:
    """Once the largest id is taken, SQLite picks new ids at random: every row still points at its own hub record."""
    from repository.db import migrate
    from repository.engine import make_engine
    from repository.store import Store

    store = Store(make_engine(sqlite_url), "kazneb.kz")
    migrate(store.engine)
    with store.session() as session:
        store.upsert_partner(session, "p1")
        session.connection().exec_driver_sql(
            "INSERT INTO hub_records (id, local_id, datestamp, deleted, access, partner_id, canonical, content_hash)"
            " VALUES (9223372036854775807, 'p1:last', 0, 0, 'open', 'p1', '{}', '')")
    _write_batch(store, "p1", range(0, 20))
    with store.session() as session:
        session.connection().exec_driver_sql("DELETE FROM hub_records WHERE local_id = 'p1:last'")
    _assert_every_row_belongs_to_its_hub_record(store, 20)


def test_raw_text_loses_what_the_hub_drops_whoever_wrote_it(store) -> None:  # type: ignore[no-untyped-def]
    """The raw text is cleaned by the one rule (``crosswalks.xmlchars``): lxml itself writes C1 controls."""
    from lxml import etree

    serialised = etree.tostring(etree.fromstring("<raw>\n\tтекст\u0096</raw>"), encoding="unicode")
    assert "\u0096" in serialised
    raws = {"typed": "\x01<raw>\n\tтекст\x0b</raw>\ud800\x9c", "serialised": serialised}
    with store.session() as session:
        store.upsert_partner(session, "p1")
        for key, raw in raws.items():
            store.write_record(session, IncomingRecord(partner_id="p1", source_key=key, record=make_record(1), raw=raw))
    with store.session() as session:
        kept = dict(session.execute(select(SourceRecord.source_key, SourceRecord.raw)).all())
    assert kept == {"typed": "<raw>\n\tтекст</raw>", "serialised": "<raw>\n\tтекст</raw>"}


def test_two_writers_creating_the_same_partner_at_once(store) -> None:  # type: ignore[no-untyped-def]
    """Two schedulers applying partners.toml at once: neither fails, and the later one wins."""
    first_open, outcome = threading.Event(), []

    def second_writer() -> None:
        first_open.wait(10)
        try:
            with store.session() as session:
                store.upsert_partner(session, "race", names={"en": "Second"})
            outcome.append("stored")
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcome.append(repr(exc))

    thread = threading.Thread(target=second_writer)
    thread.start()
    with store.session() as session:
        store.upsert_partner(session, "race", names={"en": "First"})
        first_open.set()
        time.sleep(0.5)  # the second writer's insert now waits for this transaction
    thread.join(30)
    assert outcome == ["stored"]
    with store.session() as session:
        assert session.get(Partner, "race").name_en == "Second"


#: The oai-identifier scheme's local-identifier characters (OAI-PMH 2.0 guidelines).
OAI_LOCAL_ID = re.compile(r"[a-zA-Z0-9\-_.!~*'();/?:@&=+$,%]+")


@settings(max_examples=300, deadline=None)
@given(key=st.text(min_size=1, max_size=15))  # short enough to stay readable escaped
def test_a_local_id_is_the_partner_and_its_key_escaped_as_the_oai_identifier_scheme_allows(key: str) -> None:
    local_id = local_id_for("nabrk", key)
    assert OAI_LOCAL_ID.fullmatch(local_id), local_id
    partner, _, escaped = local_id.partition(":")
    assert partner == "nabrk" and unquote(escaped) == key  # one id per key, and the key readable from it


def test_a_plain_key_stays_readable_and_keeps_the_partners_order() -> None:
    keys = [f"oai:nabrk.kz:{n:08d}" for n in (1, 2, 10, 300)]
    ids = [local_id_for("nabrk", key) for key in keys]
    assert ids[0] == "nabrk:oai:nabrk.kz:00000001"
    assert ids == sorted(ids)


def test_a_key_too_long_to_read_gets_a_hash_that_no_readable_id_can_equal() -> None:
    long_key = "oai:nabrk.kz:" + "ж" * 100  # 1,200 characters once escaped
    local_id = local_id_for("nabrk", long_key)
    assert re.fullmatch(r"nabrk\.[0-9a-f]{16}", local_id)
    assert ":" not in local_id and local_id_for("nabrk", long_key) == local_id
    assert local_id_for("nabrk", long_key + "x") != local_id
    assert len(local_id_for("nabrk", "k" * 194)) == 200  # the longest readable id fills the column
    assert "." in local_id_for("nabrk", "k" * 195) and ":" not in local_id_for("nabrk", "k" * 195)


def test_a_record_published_under_a_hashed_id_keeps_it(store) -> None:  # type: ignore[no-untyped-def]
    """Hub records stored before ids became readable are found by their source key, not by id."""
    add_records(store, "p1", range(1))
    with store.session() as session:
        hub = session.scalars(select(HubRecord)).one()
        hub.local_id = "p1.23a5ac28c29e4362"  # as an older version named it
    with store.session() as session:
        status = store.write_record(session, IncomingRecord(
            partner_id="p1", source_key="oai:p1:0", record=make_record(0, publishers=["Жазушы"]),
            raw="<raw>0</raw>", metadata_prefix="oai_dc"))
        assert status == "updated"
        assert session.scalars(select(HubRecord.local_id)).all() == ["p1.23a5ac28c29e4362"]
        headers = session.scalars(select(RecordRendering.header_xml)).all()
    assert len(headers) == 3
    assert all(b"<identifier>oai:kazneb.kz:p1.23a5ac28c29e4362</identifier>" in bytes(h) for h in headers)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_harvested_write_waits_for_a_copy_level_being_set_and_then_keeps_it(store) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL runs writers side by side (SQLite has one at a time): a harvested page that
    holds a record while a deposit gives it a copy level reads that level only once the deposit
    has committed, instead of writing over it with the level it read before."""
    assert store.engine.dialect.name == "postgresql"  # SQLite's writers take turns: nothing to interleave
    from repository.publishing import record_page

    add_records(store, "p1", range(1))
    local_id = local_id_for("p1", "oai:p1:0")
    outcome: list[str] = []

    def harvest() -> None:
        with store.session() as session:
            outcome.append(store.write_record(session, IncomingRecord(
                partner_id="p1", source_key="oai:p1:0", record=make_record(0, titles=[Title("Revised")]),
                access="open")))

    with store.session() as session:
        store.set_copy_level(session, local_id, "read-only")
        writer = threading.Thread(target=harvest)
        writer.start()
        writer.join(timeout=1.0)
        assert writer.is_alive()  # the harvest waits for the record
    writer.join(timeout=30)
    assert outcome == ["updated"]
    with store.reading() as session:
        hub = session.scalars(select(HubRecord).where(HubRecord.local_id == local_id)).one()
        xml = bytes(session.scalars(select(RecordRendering.record_xml).where(
            RecordRendering.record_id == hub.id, RecordRendering.prefix == "oai_dc")).one())
    assert (hub.access, hub.copy_access, hub.canonical["titles"][0]["value"]) == ("read-only", "read-only", "Revised")
    assert record_page(store.base_url, local_id).encode() in xml


def test_writing_processes_read_through_a_smaller_memory_map(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Harvests and ingests map at most database.sqlite_writer_mmap_mb of the file, serving
    processes database.sqlite_mmap_mb: what a writer reads through the map counts in its RSS."""
    from sqlalchemy import text

    from repository.store import Store
    from tests.conftest import make_settings

    settings = make_settings(f"sqlite:///{tmp_path}/hub.db", **{"database.sqlite_writer_mmap_mb": 48})
    for writing, expected in ((False, 1024 << 20), (True, 48 << 20)):
        with Store.from_settings(settings, writing).engine.connect() as conn:
            assert conn.execute(text("PRAGMA mmap_size")).scalar() == expected
