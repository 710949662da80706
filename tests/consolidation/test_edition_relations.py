"""A work's other-language editions in the OAI-PMH renderings, over real OAI-PMH on both databases.

Clustering relates a translation to its original (``related`` links, never merged).  Publishing
stores each live record's editions as its page lists them (``hub_records.editions``) and publishes
again the records whose list changed, so that harvesters see them: oai_dc ``dc:relation`` (the
other record's OAI identifier), MODS ``relatedItem type="otherVersion"``, MARC 775.  Every response
is validated against the OAI-PMH schema with its payloads (``assert_valid``)."""

from __future__ import annotations

from lxml import etree
from sqlalchemy import func, select

from consolidation.publish import publish_clusters
from repository.identifiers import local_id_for
from repository.models import HubRecord, RecordChange
from repository.store import Store
from tests.consolidation.records import ABAI_KK, ABAI_LATIN, book, delete, write
from tests.consolidation.test_cluster_commands import run
from tests.consolidation.test_publishing import DC, MARC, MODS, get, oai_id
from tests.consolidation.test_related_editions import ALONE, KK, LATIN, RU, original_and_translation, russian
from tests.oai_helpers import OAI


def versions(hub_url: str, identifier: str) -> dict[str, list[tuple[str, ...]]]:
    """The other versions a record's renderings list, per format: oai_dc's relations, MODS's
    otherVersion items (title, identifier), MARC's 775 fields (title, identifier)."""
    dc = get(hub_url, identifier, "oai_dc")
    mods = get(hub_url, identifier, "mods")
    marc = get(hub_url, identifier, "marcxml")
    return {
        "dc": [(e.text,) for e in dc.iter(f"{DC}relation")],
        "mods": [(item.findtext(f"{MODS}titleInfo/{MODS}title"), item.findtext(f"{MODS}identifier"))
                 for item in mods.iter(f"{MODS}relatedItem") if item.get("type") == "otherVersion"],
        "marc": [(field.findtext(f"{MARC}subfield[@code='t']"), field.findtext(f"{MARC}subfield[@code='o']"))
                 for field in marc.iter(f"{MARC}datafield") if field.get("tag") == "775"],
    }


def listing(title: str, other: str) -> dict[str, list[tuple[str, ...]]]:
    """What ``versions`` gives for a record listing one other edition."""
    return {"dc": [(other,)], "mods": [(title, other)], "marc": [(title, other)]}


def last_seq(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.max(RecordChange.seq), 0))).scalar_one()


def republished_since(store: Store, seq: int) -> set[str]:
    """The local ids of the records published anew since change-log position ``seq``."""
    with store.engine.connect() as conn:
        return set(conn.execute(select(HubRecord.local_id).join(RecordChange, RecordChange.record_id == HubRecord.id)
                                .where(RecordChange.seq > seq)).scalars())


def test_an_original_and_its_translation_list_each_other_in_every_format(store: Store, hub_url: str) -> None:
    original_and_translation(store)
    before = last_seq(store)
    output = run(store, "build")
    assert "2 with their other-language editions changed" in output, output
    kk, ru = oai_id(store, *KK), oai_id(store, *RU)
    assert versions(hub_url, kk) == listing("Путь Абая", ru)
    assert versions(hub_url, ru) == listing("Абай жолы", kk)
    assert versions(hub_url, oai_id(store, *ALONE)) == {"dc": [], "mods": [], "marc": []}
    assert republished_since(store, before) == {local_id_for(*KK), local_id_for(*RU)}  # new datestamps


def test_building_again_publishes_nothing_anew(store: Store, hub_url: str) -> None:
    original_and_translation(store)
    run(store, "build")
    stamps = {r: get(hub_url, oai_id(store, *r)).findtext(f".//{OAI}datestamp") for r in (KK, RU)}
    before = last_seq(store)
    assert "editions changed" not in run(store, "build", "--full")
    assert publish_clusters(store).editions == 0
    assert republished_since(store, before) == set()
    assert {r: get(hub_url, oai_id(store, *r)).findtext(f".//{OAI}datestamp") for r in (KK, RU)} == stamps


def test_a_deleted_translation_leaves_the_originals_renderings_at_the_next_build(store: Store, hub_url: str) -> None:
    original_and_translation(store)
    run(store, "build")
    delete(store, *RU)
    before = last_seq(store)
    assert "1 with their other-language editions changed" in run(store, "build")
    assert versions(hub_url, oai_id(store, *KK)) == {"dc": [], "mods": [], "marc": []}
    assert local_id_for(*KK) in republished_since(store, before)
    with store.engine.connect() as conn:
        assert conn.execute(select(HubRecord.editions).where(HubRecord.local_id == local_id_for(*KK))).scalar() is None


def test_a_translation_of_a_merged_work_lists_the_record_the_work_is_published_as(
        store: Store, hub_url: str) -> None:
    """Both partners' records of the original are merged (kk-1 survives): the translation lists the
    cluster's record once, the cluster's record lists the translation, the absorbed record is a
    tombstone (its header alone)."""
    write(store, *KK, book(**ABAI_KK))
    write(store, *LATIN, book(**ABAI_LATIN))
    write(store, *RU, russian())
    run(store, "build")
    kk, ru = oai_id(store, *KK), oai_id(store, *RU)
    assert versions(hub_url, ru) == listing("Абай жолы", kk)  # the cluster's record's title
    survivor = versions(hub_url, kk)
    assert survivor["mods"] == survivor["marc"] == [("Путь Абая", ru)]
    assert sorted(survivor["dc"]) == sorted([(oai_id(store, *LATIN),), (ru,)])  # the absorbed identifier, the edition
    absorbed = get(hub_url, oai_id(store, *LATIN)).find(f".//{OAI}header")
    assert absorbed.get("status") == "deleted"


def test_a_split_moves_the_translation_from_the_cluster_to_both_records(store: Store, hub_url: str) -> None:
    from consolidation.decisions import RecordRef, record

    write(store, *KK, book(**ABAI_KK))
    write(store, *LATIN, book(**ABAI_LATIN))
    write(store, *RU, russian())
    run(store, "build")
    with store.engine.begin() as conn:
        record(conn, "forbid", RecordRef(*KK), RecordRef(*LATIN), "test")
    run(store, "build")
    kk, latin, ru = oai_id(store, *KK), oai_id(store, *LATIN), oai_id(store, *RU)
    assert sorted(versions(hub_url, ru)["dc"]) == sorted([(kk,), (latin,)])
    assert versions(hub_url, latin) == listing("Путь Абая", ru)
    assert versions(hub_url, kk) == listing("Путь Абая", ru)


def test_a_reharvested_record_keeps_its_editions_and_its_new_title_reaches_the_other(
        store: Store, hub_url: str) -> None:
    """The store renders a re-harvested record with the editions publishing stored; the other side
    takes its new title at the next build."""
    original_and_translation(store)
    run(store, "build")
    renamed = russian()
    renamed.titles[0].value = "Путь Абая: роман"
    write(store, *RU, renamed)
    kk, ru = oai_id(store, *KK), oai_id(store, *RU)
    assert versions(hub_url, ru) == listing("Абай жолы", kk)  # at once, before any build
    run(store, "build")
    assert versions(hub_url, kk) == listing("Путь Абая: роман", ru)


def test_the_renderings_with_editions_are_valid_marcxml_mods_and_oai_dc(store: Store, hub_url: str) -> None:
    """``get`` validates each response with its payload; this names the check for the three formats
    and asserts the MODS item is one a MODS reader takes as another version."""
    original_and_translation(store)
    run(store, "build")
    mods = get(hub_url, oai_id(store, *KK), "mods")
    items = [e for e in mods.iter(f"{MODS}relatedItem") if e.get("type") == "otherVersion"]
    assert len(items) == 1
    assert etree.QName(items[0].getparent()).localname == "mods"


def test_after_migration_0017_the_next_build_lists_the_editions_once(store: Store, hub_url: str) -> None:
    """A store clustered before 0017 (here: taken back to 0016 and up again) has no editions stored:
    the next build stores and publishes them (new datestamps for those two records only), the one
    after it nothing."""
    from sqlalchemy import inspect

    from tests.conftest import migrate_to

    original_and_translation(store)
    run(store, "build")
    migrate_to(store.engine, "0016_published_null", down=True)
    assert "editions" not in {column["name"] for column in inspect(store.engine).get_columns("hub_records")}
    migrate_to(store.engine, "heads")
    before = last_seq(store)
    assert "2 with their other-language editions changed" in run(store, "build")
    assert republished_since(store, before) == {local_id_for(*KK), local_id_for(*RU)}
    assert versions(hub_url, oai_id(store, *KK)) == listing("Путь Абая", oai_id(store, *RU))
    assert "editions changed" not in run(store, "build")
