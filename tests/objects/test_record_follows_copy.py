"""The record follows its copy (issue 19, §4): a deposited copy's level is its record's level in
every rendering, set, the index and its page, through every path that writes a level; a
withdrawal falls back and a reinstatement comes back; a deleted record keeps its copy quietly;
a rebuild gives the same levels.  On both databases, with real OAI-PMH responses validated
against the schemas, real harvests and deliveries, and the commands as an operator runs them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select, text, update

from crosswalks.access import ACCESS_TERMS
from harvester.testing import dc_item
from kazneb.config import load_settings
from objects import copy_state, events
from objects.catalogue import clear
from objects.errors import DepositRefused
from objects.models import DigitalObject
from objects.publication import most_open
from repository.identifiers import local_id_for
from repository.levels import give_level
from repository.models import HubRecord
from repository.oai.xml import utc_datestamp
from repository.publishing import COPY_LINK_LABEL, record_page
from search.engine import SearchRequest
from search.factory import engine_from_settings
from tests.harvester.conftest import register
from tests.harvester.delivery_files import oai_response
from tests.oai_helpers import NS, OAI, add_records, assert_valid

NAMESPACES = {**NS, "mods": "http://www.loc.gov/mods/v3"}
DAY = datetime(2026, 12, 7).date()


def hub_record(hub, key: str = "oai:p1:1", partner: str = "p1") -> HubRecord:  # type: ignore[no-untyped-def]
    with hub.store.reading() as session:
        return session.execute(select(HubRecord).where(
            HubRecord.local_id == local_id_for(partner, key))).scalar_one()


def levels(hub, partner: str = "p1") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """local id → published level of the partner's records."""
    with hub.store.reading() as session:
        return dict(session.execute(select(HubRecord.local_id, HubRecord.access)
                                    .where(HubRecord.partner_id == partner)).all())


def oai(app, **params: str) -> etree._Element:  # type: ignore[no-untyped-def]
    response = app.test_client().get("/oai", query_string=params)
    assert response.status_code == 200
    return assert_valid(response.data)


def payload(app, identifier: str, prefix: str) -> etree._Element:  # type: ignore[no-untyped-def]
    root = oai(app, verb="GetRecord", identifier=identifier, metadataPrefix=prefix)
    return root.find(f".//{OAI}metadata")[0]


def copy_links(app, identifier: str) -> dict[str, list]:  # type: ignore[no-untyped-def]
    """Every rendering's links to copies: dc:identifier URLs, MARC 856 subfields, MODS location/url."""
    dc = payload(app, identifier, "oai_dc")
    marc = payload(app, identifier, "marcxml")
    mods = payload(app, identifier, "mods")
    return {
        "oai_dc": [t for t in dc.xpath("dc:identifier/text()", namespaces=NAMESPACES) if "/record/" in t],
        "marcxml": [{s.get("code"): s.text for s in field}
                    for field in marc.xpath("marc:datafield[@tag='856']", namespaces=NAMESPACES)],
        "mods": [dict(url.attrib, url=url.text) for url in mods.xpath("mods:location/mods:url", namespaces=NAMESPACES)],
    }


def expected_links(hub, level: str, key: str = "oai:p1:1") -> dict[str, list]:  # type: ignore[no-untyped-def]
    page = record_page(hub.store.base_url, local_id_for("p1", key))
    note = ACCESS_TERMS[level].link_note
    return {"oai_dc": [page], "marcxml": [{"3": COPY_LINK_LABEL, "u": page, "z": note}],
            "mods": [{"displayLabel": COPY_LINK_LABEL, "note": note, "access": "object in context",
                      "usage": "primary display", "url": page}]}


NO_LINKS: dict[str, list] = {"oai_dc": [], "marcxml": [], "mods": []}


def listed(app, prefix: str = "oai_dc", **params: str) -> list[str]:  # type: ignore[no-untyped-def]
    root = oai(app, verb="ListIdentifiers", metadataPrefix=prefix, **params)
    return [e.text for e in root.iter(f"{OAI}identifier") if e.getparent().tag == f"{OAI}header"]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the renderings say the record has a copy ------------------------------------------------------
def test_a_deposit_links_every_rendering_to_the_record_page_at_the_copys_level(hub, hub_app) -> None:  # type: ignore[no-untyped-def]
    before = hub_record(hub)
    assert (before.access, before.copy_access) == ("open", None)
    assert copy_links(hub_app, hub.records[1]) == NO_LINKS
    hub.store.clock = lambda: before.datestamp + 1  # the deposit is a second later, on any machine
    hub.deposit([hub.pdf()], access="read-only")
    after = hub_record(hub)
    assert (after.access, after.copy_access, after.datestamp) == ("read-only", "read-only", before.datestamp + 1)
    assert copy_links(hub_app, hub.records[1]) == expected_links(hub, "read-only")
    assert expected_links(hub, "read-only")["oai_dc"] == ["http://127.0.0.1:8080/record/p1:oai:p1:1"]
    rights = payload(hub_app, hub.records[1], "oai_dc").xpath("dc:rights/text()", namespaces=NAMESPACES)
    assert ACCESS_TERMS["read-only"].coar_uri in rights
    # incremental harvesters see it, in the set of its new level, and nothing else changed
    assert listed(hub_app, **{"from": utc_datestamp(before.datestamp + 1)}) == [hub.records[1]]
    assert hub.records[1] in listed(hub_app, set="access:read-only")
    assert hub.records[1] not in listed(hub_app, set="access:open")
    assert copy_links(hub_app, hub.records[0]) == NO_LINKS


def test_a_second_deposit_at_the_same_level_moves_nothing(hub) -> None:  # type: ignore[no-untyped-def]
    hub.deposit([hub.pdf()], access="read-only")
    first = hub_record(hub)
    hub.store.clock = lambda: first.datestamp + 5
    hub.deposit([hub.pdf("other.pdf", pages=2)], access="read-only")
    assert hub_record(hub).datestamp == first.datestamp


def test_several_copies_the_most_open_live_one_and_a_withdrawal_falls_back(hub, hub_app) -> None:  # type: ignore[no-untyped-def]
    read_only = hub.deposit([hub.pdf("a.pdf")], access="read-only").object_id
    preview = hub.deposit([hub.pdf("b.pdf", pages=2)], access="preview-24").object_id
    assert hub_record(hub).access == "preview-24"
    opened = hub.deposit([hub.pdf("c.pdf", pages=4)], access="open").object_id
    assert hub_record(hub).access == "open"
    steps = [(copy_state.withdraw, opened, "preview-24"), (copy_state.withdraw, preview, "read-only")]
    for change, object_id, level in steps:
        change(hub.store, hub.depository, object_id, "takedown notice 7/2026", "tester")
        assert (hub_record(hub).access, hub_record(hub).copy_access) == (level, level)
        assert copy_links(hub_app, hub.records[1]) == expected_links(hub, level)
    result = copy_state.withdraw(hub.store, hub.depository, read_only, "rights holder's request", "tester")
    assert (result.record.before, result.record.after, result.record.copy_level) == ("read-only", "open", None)
    assert (hub_record(hub).access, hub_record(hub).copy_access) == ("open", None)  # the partner's default
    assert copy_links(hub_app, hub.records[1]) == NO_LINKS
    with hub.store.reading() as session:  # still in depository storage, and catalogued as withdrawn
        assert session.execute(select(DigitalObject.withdrawn)).scalars().all() == [True] * 3
    for object_id in (read_only, preview, opened):
        assert hub.depository.exists(f"urn:kazneb:object:{object_id}")
    copy_state.reinstate(hub.store, hub.depository, preview, "tester")
    assert (hub_record(hub).access, hub_record(hub).copy_access) == ("preview-24", "preview-24")
    assert copy_links(hub_app, hub.records[1]) == expected_links(hub, "preview-24")
    assert [e["kind"] for e in events.read(hub.depository.root)][-4:] == ["withdraw"] * 3 + ["reinstate"]


def test_most_open_orders_the_levels() -> None:
    assert most_open(["read-only", "preview-24"]) == "preview-24"
    assert most_open(["read-only", "open", "preview-24"]) == "open"
    assert most_open(["read-only"]) == "read-only" and most_open([]) is None


def test_set_access_changes_the_record_everywhere_and_is_logged(hub, hub_app) -> None:  # type: ignore[no-untyped-def]
    object_id = hub.deposit([hub.pdf()], access="read-only").object_id
    stamp = hub_record(hub).datestamp
    hub.store.clock = lambda: stamp + 1
    change = copy_state.set_access(hub.store, hub.depository, object_id, "preview-24", "tester", DAY)
    assert (change.before, change.after, change.record.before, change.record.after) == (
        "read-only", "preview-24", "read-only", "preview-24")
    assert hub_record(hub).datestamp == stamp + 1
    assert copy_links(hub_app, hub.records[1]) == expected_links(hub, "preview-24")
    assert hub.records[1] in listed(hub_app, set="access:preview-24")
    assert hub.records[1] not in listed(hub_app, set="access:read-only")
    entry = list(events.read(hub.depository.root))[-1]
    assert {k: entry[k] for k in ("kind", "object", "access", "before", "record", "by")} == {
        "kind": "set-access", "object": object_id, "access": "preview-24", "before": "read-only",
        "record": "p1:oai:p1:1", "by": "tester"}
    same = copy_state.set_access(hub.store, hub.depository, object_id, "preview-24", "tester", DAY)
    assert same.before == same.after and list(events.read(hub.depository.root))[-1]["seq"] == entry["seq"]


def test_the_record_page_shows_the_copys_level(hub, hub_app) -> None:  # type: ignore[no-untyped-def]
    page = record_page("", "p1:oai:p1:1")

    def badge() -> str:
        html = hub_app.test_client().get(page, query_string={"lang": "en"}).get_data(as_text=True)
        return html.split('class="badge access-', 1)[1].split('"', 1)[0]

    assert badge() == "open"
    object_id = hub.deposit([hub.pdf()], access="read-only").object_id
    assert badge() == "read-only"
    copy_state.withdraw(hub.store, hub.depository, object_id, "takedown", "tester")
    assert badge() == "open"


# -- the copy's level wins on every path that writes a level ---------------------------------------
@pytest.fixture
def harvested(hub, scripted, kazneb):  # type: ignore[no-untyped-def]
    """p1 served by a real OAI-PMH partner: record 1 is in set ``rare`` (which partners.toml
    gives preview-24 once synced), and every record has been harvested once."""
    partner = scripted([dc_item("oai:p1:0", "Book 0"), dc_item("oai:p1:1", "Book 1"), dc_item("oai:p1:2", "Book 2")])
    partner.items[1].sets = ["rare"]
    register(hub.store, partner.url, "p1")
    assert kazneb("harvest", "p1").exit_code == 0
    return partner


def test_a_reharvest_keeps_the_copy_level_over_the_partners_default_and_rules(hub, harvested, kazneb,
                                                                               tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "partners.toml").write_text(
        f'[[partner]]\nid = "p1"\nurl = "{harvested.url}"\naccess = "read-only"\nrate_limit = 0.0\n'
        '[[partner.access_rules]]\nset = "rare"\naccess = "preview-24"\n', encoding="utf-8")
    assert kazneb("partner", "sync").exit_code == 0
    assert levels(hub) == {"p1:oai:p1:0": "read-only", "p1:oai:p1:1": "preview-24", "p1:oai:p1:2": "read-only"}
    hub.deposit([hub.pdf()], access="open")
    harvested.items[1] = dc_item("oai:p1:1", "Book 1, revised", now())
    harvested.items[1].sets = ["rare"]
    result = kazneb("harvest", "p1", "--full")
    assert result.exit_code == 0, result.output
    record = hub_record(hub)
    assert (record.access, record.copy_access, record.canonical["titles"][0]["value"]) == (
        "open", "open", "Book 1, revised")
    assert levels(hub)["p1:oai:p1:0"] == "read-only"


def test_a_partner_level_change_leaves_a_record_with_a_copy_alone(hub, harvested, kazneb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub.deposit([hub.pdf()], access="preview-24")
    changed = kazneb("partner", "set", "p1", "--access", "read-only")
    assert changed.exit_code == 0, changed.output
    assert "2 record(s) republished" in changed.output
    assert "1 record(s) with a deposited copy keep their copy's level" in changed.output
    assert levels(hub) == {"p1:oai:p1:0": "read-only", "p1:oai:p1:1": "preview-24", "p1:oai:p1:2": "read-only"}
    (tmp_path / "partners.toml").write_text(
        f'[[partner]]\nid = "p1"\nurl = "{harvested.url}"\naccess = "open"\n'
        '[[partner.access_rules]]\nset = "rare"\naccess = "read-only"\n', encoding="utf-8")
    synced = kazneb("partner", "sync")
    assert synced.exit_code == 0, synced.output
    assert levels(hub) == {"p1:oai:p1:0": "open", "p1:oai:p1:1": "preview-24", "p1:oai:p1:2": "open"}
    object_id = hub.deposit([hub.pdf("b.pdf")], access="preview-24").object_id  # a second copy
    with hub.store.reading() as session:
        first = session.execute(select(DigitalObject.id).where(DigitalObject.id != object_id)).scalar_one()
    copy_state.withdraw(hub.store, hub.depository, first, "takedown", "tester")
    copy_state.withdraw(hub.store, hub.depository, object_id, "takedown", "tester")
    assert hub_record(hub).access == "read-only"  # no live copy: the partner's rule for set rare


def test_a_reingest_and_a_records_own_level_do_not_override_the_copy(hub, kazneb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    delivery = tmp_path / "p1-1.xml"
    delivery.write_bytes(oai_response([("oai:p1:1", "2024-01-01T00:00:00Z", "Book 1, delivered")]))
    object_id = hub.deposit([hub.pdf()], access="preview-24").object_id
    plain = kazneb("ingest", "--partner", "p1", str(delivery))
    assert plain.exit_code == 0, plain.output
    assert (hub_record(hub).access, hub_record(hub).canonical["titles"][0]["value"]) == (
        "preview-24", "Book 1, delivered")
    given = kazneb("ingest", "--partner", "p1", "--access", "read-only", str(delivery))
    assert given.exit_code == 0, given.output
    assert hub_record(hub).access == "preview-24"
    with hub.store.session() as session:  # the other way a level is given to records (the sample data's)
        assert give_level(hub.store, session, "p1", ["oai:p1:1"], "open") == 0
    assert hub_record(hub).access == "preview-24"
    copy_state.withdraw(hub.store, hub.depository, object_id, "takedown", "tester")
    assert hub_record(hub).access == "open"  # its own level, given last, is what is left


# -- agreements hold the levels -------------------------------------------------------------------
@pytest.fixture
def p2(hub):  # type: ignore[no-untyped-def]
    """Partner p2, default open, with one record and no agreement yet."""
    add_records(hub.store, "p2", range(1))
    return hub.pdf("agreement-p2.pdf", pages=1, dpi=200)


def test_an_agreement_must_offer_the_partners_levels(hub, p2, kazneb) -> None:  # type: ignore[no-untyped-def]
    add = ("agreement", "add", "--partner", "p2", "--number", "7/2026", "--signed", "2026-01-15",
           "--levels", "read-only", "--file", str(p2))
    refused = kazneb(*add)
    assert refused.exit_code == 1
    assert ("refused: --levels: partner p2: its agreement 7/2026 in force offers read-only only, so its levels "
            "cannot be default open: change them first (kazneb partner set p2 --access LEVEL") in refused.output
    assert kazneb("partner", "set", "p2", "--access", "read-only").exit_code == 0
    added = kazneb(*add)
    assert added.exit_code == 0, added.output
    wider = kazneb("partner", "set", "p2", "--access", "open")
    assert wider.exit_code == 1
    assert "Error: partner p2: its agreement 7/2026 in force offers read-only only, so its levels cannot be " \
           "default open" in wider.output
    assert levels(hub, "p2") == {"p2:oai:p2:0": "read-only"}


def test_partners_toml_levels_must_be_offered_too(hub, p2, kazneb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    kazneb("partner", "set", "p2", "--access", "read-only")
    assert kazneb("agreement", "add", "--partner", "p2", "--number", "7/2026", "--signed", "2026-01-15",
                  "--levels", "read-only,preview-24", "--file", str(p2)).exit_code == 0
    toml = tmp_path / "partners.toml"
    toml.write_text('[[partner]]\nid = "p2"\naccess = "preview-24"\n'
                    '[[partner.access_rules]]\nrights = "public domain"\naccess = "open"\n', encoding="utf-8")
    synced = kazneb("partner", "sync")
    assert synced.exit_code == 1
    assert (f"{toml}: no level applied: partner p2: its agreement 7/2026 in force offers read-only, preview-24 "
            "only, so its levels cannot be rule for rights 'public domain' open") in synced.output
    assert levels(hub, "p2") == {"p2:oai:p2:0": "read-only"}
    toml.write_text('[[partner]]\nid = "p2"\naccess = "preview-24"\n', encoding="utf-8")
    assert kazneb("partner", "sync").exit_code == 0
    assert levels(hub, "p2") == {"p2:oai:p2:0": "preview-24"}


def test_set_access_only_to_a_level_the_agreement_offers(hub, p2, kazneb) -> None:  # type: ignore[no-untyped-def]
    kazneb("partner", "set", "p2", "--access", "read-only")
    kazneb("agreement", "add", "--partner", "p2", "--number", "7/2026", "--signed", "2026-01-15",
           "--levels", "read-only", "--file", str(p2))
    object_id = hub.deposit([hub.pdf()], record="oai:p2:0", access="read-only", partner_id="p2").object_id
    refused = kazneb("objects", "set-access", object_id, "open")
    assert refused.exit_code == 1
    assert refused.output.strip().endswith(
        "refused: LEVEL: partner p2's agreement 7/2026 offers read-only, not open")
    with pytest.raises(DepositRefused, match="offers read-only, not preview-24"):
        copy_state.set_access(hub.store, hub.depository, object_id, "preview-24", "tester", DAY)
    assert hub_record(hub, "oai:p2:0", "p2").access == "read-only"
    assert [e["kind"] for e in events.read(hub.depository.root)][-1] == "deposit"


# -- a record deleted at its partner keeps its copy ---------------------------------------------
def test_a_harvested_deletion_keeps_the_copy_quietly_and_never_resurrects_the_record(hub, harvested, kazneb,
                                                                                      hub_app) -> None:  # type: ignore[no-untyped-def]
    object_id = hub.deposit([hub.pdf()], record="oai:p1:2", access="read-only").object_id
    with hub.store.reading() as session:
        kept = session.get(DigitalObject, object_id)
    harvested.items[2].deleted, harvested.items[2].datestamp = True, now()
    assert kazneb("harvest", "p1", "--full").exit_code == 0
    tombstone = hub_record(hub, "oai:p1:2")
    assert tombstone.deleted and tombstone.copy_access == "read-only"
    with hub.store.reading() as session:
        row = session.get(DigitalObject, object_id)
        assert (row.access, row.withdrawn, row.head, row.updated_at) == (kept.access, False, 1, kept.updated_at)
    listing = kazneb("objects", "list").output
    assert f"{object_id}  p1  {hub.records[2]}  read-only  v1" in listing
    assert "(record deleted at partner)" in listing
    assert "(record deleted at partner)" in kazneb("objects", "show", object_id).output
    for prefix in ("oai_dc", "marcxml", "mods"):  # the public tombstone: a header, nothing about the copy
        response = hub_app.test_client().get("/oai", query_string={
            "verb": "GetRecord", "identifier": hub.records[2], "metadataPrefix": prefix})
        root = assert_valid(response.data)
        assert root.find(f".//{OAI}header").get("status") == "deleted"
        assert root.find(f".//{OAI}metadata") is None
        assert b"/record/" not in response.data and b"copy" not in response.data.lower()
    assert hub_app.test_client().get(record_page("", tombstone.local_id)).status_code == 404
    changed = kazneb("objects", "set-access", object_id, "open")
    assert changed.exit_code == 0, changed.output
    assert "deleted at its partner: nothing is published" in changed.output
    after = hub_record(hub, "oai:p1:2")
    assert (after.deleted, after.datestamp, after.copy_access) == (True, tombstone.datestamp, "open")
    kazneb("objects", "withdraw", object_id, "--reason", "takedown")
    kazneb("objects", "reinstate", object_id)
    assert hub_record(hub, "oai:p1:2").deleted
    harvested.items[2] = dc_item("oai:p1:2", "Book 2, back", now())  # the partner sends it again
    assert kazneb("harvest", "p1", "--full").exit_code == 0
    back = hub_record(hub, "oai:p1:2")
    assert (back.deleted, back.access) == (False, "open")
    assert copy_links(hub_app, hub.records[2]) == expected_links(hub, "open", "oai:p1:2")


# -- a rebuild of the catalogue gives the same levels ----------------------------------------------
def snapshot(hub) -> tuple[list, dict]:  # type: ignore[no-untyped-def]
    with hub.store.reading() as session:
        copies = session.execute(select(DigitalObject.id, DigitalObject.access, DigitalObject.withdrawn,
                                        DigitalObject.withdrawn_reason).order_by(DigitalObject.id)).all()
        records = {local_id: (access, copy) for local_id, access, copy in session.execute(
            select(HubRecord.local_id, HubRecord.access, HubRecord.copy_access))}
    return [tuple(row) for row in copies], records


def test_a_rebuild_after_dropping_the_catalogue_gives_the_same_levels(hub, kazneb, hub_app) -> None:  # type: ignore[no-untyped-def]
    first = hub.deposit([hub.pdf("a.pdf")], record="oai:p1:0", access="read-only").object_id
    second = hub.deposit([hub.pdf("b.pdf")], access="open").object_id
    hub.deposit([hub.pdf("c.pdf", pages=2)], access="read-only")
    copy_state.set_access(hub.store, hub.depository, first, "preview-24", "tester", DAY)
    copy_state.withdraw(hub.store, hub.depository, second, "takedown notice", "tester")
    before = snapshot(hub)
    assert before[1]["p1:oai:p1:0"] == ("preview-24", "preview-24")
    assert before[1]["p1:oai:p1:1"] == ("read-only", "read-only")
    with hub.store.session() as session:
        clear(session)
    rebuilt = kazneb("objects", "rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "published again" not in rebuilt.output  # the records were right all along
    assert snapshot(hub) == before
    # copies deposited before the store kept their level (migration 0012): the rebuild publishes them
    with hub.store.session() as session:
        session.execute(update(HubRecord).values(copy_access=None, access="open"))
    rebuilt = kazneb("objects", "rebuild")
    assert f"record {hub.records[0]} published again at preview-24 (was open, with a copy link)" in rebuilt.output
    assert f"record {hub.records[1]} published again at read-only (was open, with a copy link)" in rebuilt.output
    assert snapshot(hub) == before
    assert copy_links(hub_app, hub.records[0]) == expected_links(hub, "preview-24", "oai:p1:0")


# -- the commands --------------------------------------------------------------------------------
def test_the_commands_say_what_changed_and_refuse_with_status_1(hub, kazneb, tmp_path, db_url) -> None:  # type: ignore[no-untyped-def]
    object_id = hub.deposit([hub.pdf()], access="read-only").object_id
    identifier = hub.records[1]
    changed = kazneb("objects", "set-access", object_id, "open", "--by", "operator1")
    assert changed.exit_code == 0, changed.output
    assert changed.output.splitlines()[:2] == [
        f"object {object_id}: read-only -> open",
        f"record {identifier}: read-only -> open (the most open level of its live copies)"]
    assert search_access(tmp_path, db_url) == "open"  # the command brought the index along
    again = kazneb("objects", "set-access", object_id, "open")
    assert again.exit_code == 0 and f"object {object_id}: already open, nothing changed" in again.output
    withdrawn = kazneb("objects", "withdraw", object_id, "--reason", "takedown notice 7/2026")
    assert withdrawn.exit_code == 0, withdrawn.output
    assert withdrawn.output.splitlines()[:2] == [
        f"object {object_id}: open -> withdrawn (takedown notice 7/2026)",
        f"record {identifier}: stays open (no live copy: the level its own level or its partner's rules give it), "
        "published again without a copy link"]
    twice = kazneb("objects", "withdraw", object_id, "--reason", "again")
    assert twice.exit_code == 1 and "is withdrawn already (takedown notice 7/2026)" in twice.output
    reinstated = kazneb("objects", "reinstate", object_id, "--by", "operator2")
    assert reinstated.exit_code == 0, reinstated.output
    assert reinstated.output.splitlines()[:2] == [
        f"object {object_id}: withdrawn (takedown notice 7/2026) -> open",
        f"record {identifier}: stays open (the most open level of its live copies), published again with the "
        "link to its copy"]
    not_withdrawn = kazneb("objects", "reinstate", object_id)
    assert not_withdrawn.exit_code == 1
    assert f"refused: {object_id}: is not withdrawn: there is nothing to reinstate" in not_withdrawn.output
    assert kazneb("objects", "withdraw", object_id).exit_code == 2  # --reason is required
    blank = kazneb("objects", "withdraw", object_id, "--reason", "  ")
    assert blank.exit_code == 1 and "refused: --reason: say why" in blank.output
    assert kazneb("objects", "set-access", object_id, "closed").exit_code == 2
    unknown = kazneb("objects", "set-access", "nosuchobject", "open")
    assert unknown.exit_code == 1 and "refused: nosuchobject: no such object" in unknown.output
    logged = [e for e in events.read(hub.depository.root) if e["kind"] in ("set-access", "withdraw", "reinstate")]
    assert [(e["kind"], e["by"]) for e in logged] == [("set-access", "operator1"), ("withdraw", logged[1]["by"]),
                                                      ("reinstate", "operator2")]
    assert logged[1]["reason"] == "takedown notice 7/2026"
    verified = kazneb("events", "verify")
    assert verified.exit_code == 0 and "chain intact" in verified.output


def test_the_deposit_command_brings_the_index_along(hub, kazneb, tmp_path, db_url) -> None:  # type: ignore[no-untyped-def]
    result = kazneb("deposit", "--partner", "p1", "--record", "oai:p1:1", "--access", "preview-24",
                    "--consent", str(hub.consent), str(hub.pdf()))
    assert result.exit_code == 0, result.output
    assert "search index: 3 indexed" in result.output
    assert search_access(tmp_path, db_url) == "preview-24"


def search_access(tmp_path: Path, db_url: str) -> str:
    """The level the configured (embedded) index holds for record 1."""
    engine = engine_from_settings(load_settings(tmp_path / "kazneb.toml", overrides={"database.url": db_url}))
    try:
        hits = engine.search(SearchRequest(q='"Библиотеки Казахстана 1"')).hits
        return next(hit["access"] for hit in hits if hit["id"] == "p1:oai:p1:1")
    finally:
        getattr(engine, "close", lambda: None)()


def test_kazneb_help_does_not_load_ocfl() -> None:
    import subprocess
    import sys

    probe = ("import sys; from click.testing import CliRunner; from kazneb.cli import main; "
             "CliRunner().invoke(main, ['objects', '--help']); print('ocfl' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "False"


def test_records_without_copies_are_untouched_by_the_rebuild(hub) -> None:  # type: ignore[no-untyped-def]
    from objects.rebuild import rebuild

    stamps = {r.local_id: r.datestamp for r in (hub_record(hub, f"oai:p1:{i}") for i in range(3))}
    assert rebuild(hub.store, hub.depository).republished == []
    assert {r.local_id: r.datestamp for r in (hub_record(hub, f"oai:p1:{i}") for i in range(3))} == stamps
    with hub.store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM hub_records WHERE copy_access IS NOT NULL")).scalar() == 0
