"""A cluster published as one record, over real OAI-PMH: holdings, absorbed identifiers, stable
identifiers through splits and deletions, levels, sets, provenance, datestamps."""

from __future__ import annotations

import requests
from lxml import etree

from consolidation.build import full_run, incremental_run
from consolidation.decisions import RecordRef, record
from consolidation.publish import publish_clusters
from repository.identifiers import local_id_for
from repository.store import Store
from tests.consolidation.records import ABAI_KK, ABAI_LATIN, book, delete, write
from tests.oai_helpers import NS, OAI, assert_valid

MODS = "{http://www.loc.gov/mods/v3}"
MARC = "{http://www.loc.gov/MARC21/slim}"
DC = "{http://purl.org/dc/elements/1.1/}"


def cluster_and_publish(store: Store):  # type: ignore[no-untyped-def]
    full_run(store.engine)
    return publish_clusters(store)


def oai_id(store: Store, partner: str, key: str) -> str:
    return store.oai_identifier(local_id_for(partner, key))


def get(url: str, identifier: str, prefix: str = "oai_dc") -> etree._Element:
    response = requests.get(f"{url}/oai", params={"verb": "GetRecord", "identifier": identifier,
                                                  "metadataPrefix": prefix}, timeout=30)
    assert response.status_code == 200
    return assert_valid(response.content)


def two_partners(store: Store) -> tuple[str, str]:
    """The same book from two partners: first a read-only record in Cyrillic, then an open one in Latin."""
    write(store, "lib-a", "kk-1", book(**ABAI_KK, link="http://lib-a.example/abai.pdf"), access="read-only")
    write(store, "lib-b", "lat-1", book(**ABAI_LATIN, link="http://lib-b.example/abai.pdf"), access="open")
    return oai_id(store, "lib-a", "kk-1"), oai_id(store, "lib-b", "lat-1")


def test_a_cluster_is_one_record_with_its_holdings_and_the_other_is_retired(store: Store, hub_url: str) -> None:
    survivor, absorbed = two_partners(store)
    report = cluster_and_publish(store)
    assert (report.clusters, report.published, report.absorbed) == (1, 1, 1)
    root = get(hub_url, survivor)
    header = root.find(f".//{OAI}header")
    assert header.get("status") is None
    assert {e.text for e in header.iter(f"{OAI}setSpec")} >= {"partner:lib-a", "partner:lib-b", "access:open"}
    relations = [e.text for e in root.iter(f"{DC}relation")]
    assert absorbed in relations
    titles = [e.text for e in root.iter(f"{DC}title")]
    assert "Абай жолы" in titles and "Abai joly" in titles
    assert len(root.findall(f".//{OAI}about")) == 2
    links = [e.text for e in root.iter(f"{DC}identifier")]
    assert "http://lib-b.example/abai.pdf" in links  # the open holding's file
    assert "http://lib-a.example/abai.pdf" not in links  # the read-only holding's is never republished
    gone = get(hub_url, absorbed).find(f".//{OAI}header")
    assert gone.get("status") == "deleted"


def test_holdings_name_each_partner_and_its_own_level_in_mods_and_marc(store: Store, hub_url: str) -> None:
    survivor, absorbed = two_partners(store)
    cluster_and_publish(store)
    mods = get(hub_url, survivor, "mods")
    holdings = {loc.findtext(f"{MODS}physicalLocation"): loc.findtext(f".//{MODS}note")
                for loc in mods.iter(f"{MODS}location") if loc.find(f"{MODS}physicalLocation") is not None}
    assert holdings == {"lib-a": "access: read-only", "lib-b": "access: open"}
    marc = get(hub_url, survivor, "marcxml")
    fields = [f for f in marc.iter(f"{MARC}datafield") if f.get("tag") == "852"]
    assert {f.findtext(f"{MARC}subfield[@code='a']") for f in fields} == {"lib-a", "lib-b"}
    assert any(f.get("tag") == "787" and absorbed in "".join(f.itertext()) for f in marc.iter(f"{MARC}datafield"))


def test_the_absorbed_records_page_sends_readers_to_the_survivor(store: Store, hub_url: str) -> None:
    survivor, absorbed = two_partners(store)
    cluster_and_publish(store)
    response = requests.get(f"{hub_url}/record/{absorbed.split(':', 2)[2]}", allow_redirects=False, timeout=30)
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith("/record/" + survivor.split(":", 2)[2])


def test_publishing_again_changes_no_datestamp(store: Store, hub_url: str) -> None:
    survivor, absorbed = two_partners(store)
    cluster_and_publish(store)
    stamps = {i: get(hub_url, i).findtext(f".//{OAI}datestamp") for i in (survivor, absorbed)}
    again = cluster_and_publish(store)
    assert (again.published, again.absorbed, again.released) == (0, 0, 0)
    assert {i: get(hub_url, i).findtext(f".//{OAI}datestamp") for i in (survivor, absorbed)} == stamps


def test_a_split_gives_the_record_its_own_identifier_back(store: Store, hub_url: str) -> None:
    survivor, absorbed = two_partners(store)
    cluster_and_publish(store)
    with store.engine.begin() as conn:
        record(conn, "forbid", RecordRef("lib-a", "kk-1"), RecordRef("lib-b", "lat-1"), "test")
    report = cluster_and_publish(store)
    assert report.released == 2
    for identifier in (survivor, absorbed):
        header = get(hub_url, identifier).find(f".//{OAI}header")
        assert header.get("status") is None
    assert get(hub_url, absorbed).find(f".//{DC}relation") is None


def test_a_record_split_off_and_then_deleted_by_its_partner_is_published_as_deleted(store: Store,
                                                                                   hub_url: str) -> None:
    """A released record is the store's to publish again: "no cluster" is SQL NULL in
    ``hub_records.published`` (it was JSON null, which counted as a cluster's record)."""
    from sqlalchemy import text

    survivor, absorbed = two_partners(store)
    cluster_and_publish(store)
    with store.engine.begin() as conn:
        record(conn, "forbid", RecordRef("lib-a", "kk-1"), RecordRef("lib-b", "lat-1"), "test")
    assert cluster_and_publish(store).released == 2
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM hub_records WHERE published IS NOT NULL")).scalar() == 0
    delete(store, "lib-b", "lat-1")
    assert get(hub_url, absorbed).find(f".//{OAI}header").get("status") == "deleted"
    assert get(hub_url, survivor).find(f".//{OAI}header").get("status") is None
    assert cluster_and_publish(store).released == 0


def test_a_record_left_live_after_its_partner_deleted_it_is_published_as_deleted(store: Store,
                                                                                    hub_url: str) -> None:
    """What the code before migration 0016 left of a record split off and then deleted: its
    partner's deletion stored, the record still published live.  The next publishing mends it."""
    from sqlalchemy import text

    survivor, absorbed = two_partners(store)
    cluster_and_publish(store)
    with store.engine.begin() as conn:
        record(conn, "forbid", RecordRef("lib-a", "kk-1"), RecordRef("lib-b", "lat-1"), "test")
    assert cluster_and_publish(store).released == 2
    with store.engine.begin() as conn:  # the partner's deletion as that code stored it: no keys, no blocks
        conn.execute(text("UPDATE source_records SET deleted = :yes WHERE partner_id = 'lib-b'"), {"yes": True})
        gone = "SELECT hub_record_id FROM source_records WHERE partner_id = 'lib-b'"
        conn.execute(text(f"DELETE FROM record_keys WHERE record_id IN ({gone})"))
        conn.execute(text(f"DELETE FROM record_blocks WHERE record_id IN ({gone})"))
    assert get(hub_url, absorbed).find(f".//{OAI}header").get("status") is None  # the state left behind
    assert cluster_and_publish(store).released == 1
    assert get(hub_url, absorbed).find(f".//{OAI}header").get("status") == "deleted"
    assert get(hub_url, survivor).find(f".//{OAI}header").get("status") is None
    assert cluster_and_publish(store).released == 0


def test_0016_turns_json_null_into_sql_null(store: Store) -> None:
    from sqlalchemy import text

    from tests.conftest import migrate_to

    two_partners(store)
    cluster_and_publish(store)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE hub_records SET published = 'null' WHERE published IS NULL"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0015_block_index'"))
        publishing = conn.execute(text("SELECT id FROM hub_records WHERE CAST(published AS TEXT) <> 'null'")).all()
    migrate_to(store.engine, "0016_published_null")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM hub_records WHERE published IS NOT NULL")).all() == publishing
        assert len(publishing) == 1


def test_the_cluster_keeps_its_identifier_when_its_first_record_is_deleted(store: Store, hub_url: str) -> None:
    survivor, absorbed = two_partners(store)
    write(store, "lib-c", "kk-2", book(**{**ABAI_KK, "publisher": "Жазушы баспасы"}), access="preview-24")
    cluster_and_publish(store)
    delete(store, "lib-a", "kk-1")
    cluster_and_publish(store)
    root = get(hub_url, survivor)
    assert root.find(f".//{OAI}header").get("status") is None
    assert "partner:lib-a" not in {e.text for e in root.iter(f"{OAI}setSpec")}
    assert get(hub_url, absorbed).find(f".//{OAI}header").get("status") == "deleted"


def test_a_reharvested_member_is_not_published_around_its_cluster(store: Store, hub_url: str) -> None:
    survivor, absorbed = two_partners(store)
    cluster_and_publish(store)
    changed = book(**{**ABAI_LATIN, "publisher": "Jazuşy baspasy"}, link="http://lib-b.example/abai.pdf")
    write(store, "lib-b", "lat-1", changed, access="open")
    assert get(hub_url, absorbed).find(f".//{OAI}header").get("status") == "deleted"
    report = cluster_and_publish(store)
    assert report.published == 1
    publishers = [e.text for e in get(hub_url, survivor).iter(f"{DC}publisher")]
    assert "Jazuşy baspasy" in publishers


def test_the_cluster_level_is_the_most_open_a_holding_offers(store: Store) -> None:
    survivor, _ = two_partners(store)
    cluster_and_publish(store)
    view = store.find_hub_record(survivor)
    assert view is not None and view.access == "open"
    assert sorted((h.partner, h.access) for h in view.canonical.holdings) == [("lib-a", "read-only"),
                                                                             ("lib-b", "open")]
    assert view.partner_ids == ["lib-a", "lib-b"]
    _ = NS


def test_a_copy_level_change_on_a_merged_record_says_it_waits_for_the_next_build(store: Store, hub_url: str) -> None:
    """The store keeps a holding's new level for consolidation; the command's line says so, naming
    the holding's own level, not the merged record's."""
    from objects.copy_state import CopyChange
    from objects.publication import follow

    survivor, absorbed = two_partners(store)
    cluster_and_publish(store)
    local_id = absorbed.split(":", 2)[2]
    with store.session() as session:
        result = follow(store, session, local_id)  # no copy: its own level, open, stays
    line = CopyChange("x", absorbed, "open", "open", result).lines()[1]
    assert result.clustered and (result.before, result.after) == ("open", "open")
    assert "one holding of a merged record" in line
    with store.session() as session:  # a copy deposited at read-only, as objects/publication.py does it
        assert store.set_copy_level(session, local_id, "read-only")
    assert get(hub_url, absorbed).find(f".//{OAI}header").get("status") == "deleted"
    publish_clusters(store)
    view = store.find_hub_record(survivor)
    assert view is not None
    assert ("lib-b", "read-only") in {(h.partner, h.access) for h in view.canonical.holdings}


def test_the_next_run_does_not_place_again_what_publishing_logged(store: Store) -> None:
    two_partners(store)
    cluster_and_publish(store)
    assert incremental_run(store.engine).records == 0  # publishing changed no record
    write(store, "lib-c", "cyr-2", book("Абай жолы", "Мұхтар Әуезов", "Жазушы баспасы", 1991, "kaz"))
    report = incremental_run(store.engine)
    assert report.records == 3 and report.clusters == 1


def test_a_change_logged_between_the_run_and_publishing_is_placed_by_the_next_run(store: Store) -> None:
    two_partners(store)
    full_run(store.engine)
    write(store, "lib-c", "cyr-2", book("Абай жолы", "Мұхтар Әуезов", "Жазушы баспасы", 1991, "kaz"))
    publish_clusters(store)
    report = incremental_run(store.engine)
    assert report.records == 3 and report.clusters == 1 and report.clustered_records == 3
