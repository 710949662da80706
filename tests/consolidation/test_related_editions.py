"""A work's other-language editions on the hub's pages and in the record JSON, over real HTTP, on
both databases: clustering relates a translation to its original (``related`` links, never merged),
and each record's page lists the other as the hub publishes it.

The records are written through the store as a harvest writes them and clustered by
``kazneb cluster build``; each test first checks the links the build stored, so that what the pages
show is known to come from following them (to a survivor, from a cluster's member)."""

from __future__ import annotations

import requests
from lxml import html as lxml_html
from sqlalchemy import select

from consolidation.build import full_run
from consolidation.models import ClusterLink
from consolidation.publish import publish_clusters
from consolidation.related import editions_of, other_language_editions, records_a_link_reaches
from crosswalks.model import CanonicalRecord, Title
from repository.identifiers import local_id_for
from repository.models import HubRecord
from repository.publishing import record_path
from repository.store import IncomingRecord, Store
from tests.consolidation.labelled import labelled_set
from tests.consolidation.records import ABAI_KK, ABAI_LATIN, book, delete, write
from tests.consolidation.test_cluster_commands import run
from tests.consolidation.test_cluster_pages import having, page

KK = ("lib-a", "kk-1")  # the Kazakh original, in Cyrillic
LATIN = ("lib-b", "lat-1")  # the same edition from another partner, in Latin script
RU = ("lib-c", "ru-1")  # its Russian translation
ALONE = ("lib-c", "other-1")  # another work, never translated


def russian(uniform: bool = True) -> CanonicalRecord:
    """The Russian translation of ``ABAI_KK``, by the same author in his Russian form; with the
    original's title as its uniform title, as catalogues give it (which is what makes the two meet)."""
    record = book("Путь Абая", "Ауэзов, Мухтар", "Художественная литература", 1961, "rus")
    if uniform:
        record.titles.append(Title("Абай жолы", kind="uniform", lang="kaz"))
    return record


def local(record: tuple[str, str]) -> str:
    return local_id_for(*record)


def related_links(store: Store) -> set[frozenset[str]]:
    """The pairs the last build stored as related, by local id."""
    with store.engine.connect() as conn:
        ids = dict(conn.execute(select(HubRecord.id, HubRecord.local_id)).all())
        pairs = conn.execute(select(ClusterLink.a_id, ClusterLink.b_id).where(ClusterLink.outcome == "related"))
        return {frozenset((ids[a], ids[b])) for a, b in pairs}


def editions(body: str) -> list[tuple[str, str, str, str]]:
    """What the "Other language editions" section lists: (link, title, languages, year) per edition."""
    tree = lxml_html.fromstring(body)
    shown = []
    for item in tree.xpath(f"//{having('section', 'related')}//{having('li', 'edition')}"):
        link = item.xpath(".//a")[0]
        texts = [item.xpath(f".//{having('span', name)}") for name in ("edition-languages", "edition-year")]
        shown.append((link.get("href"), link.text_content().strip(),
                      *(found[0].text_content().strip() if found else "" for found in texts)))
    return shown


def record_json(hub_url: str, record: tuple[str, str]) -> dict:  # type: ignore[type-arg]
    response = requests.get(f"{hub_url}/api/records/{local(record)}", timeout=30)
    assert response.status_code == 200
    return response.json()


def original_and_translation(store: Store) -> None:
    write(store, *KK, book(**ABAI_KK))
    write(store, *RU, russian())
    write(store, *ALONE, book("Көшпенділер", "Есенберлин, Ілияс", "Жазушы", 1976, "kaz"))


def test_an_original_and_its_translation_are_not_merged_and_each_page_lists_the_other(
        store: Store, hub_url: str) -> None:
    original_and_translation(store)
    output = run(store, "build")
    assert "0 clusters" in output and "1 related" in output, output
    assert related_links(store) == {frozenset((local(KK), local(RU)))}
    kk_page, ru_page = page(hub_url, record_path(local(KK))), page(hub_url, record_path(local(RU)))
    assert (kk_page.status_code, ru_page.status_code) == (200, 200)  # both published: nothing merged
    assert editions(kk_page.text) == [(record_path(local(RU)), "Путь Абая", "Russian", "1961")]
    assert editions(ru_page.text) == [(record_path(local(KK)), "Абай жолы", "Kazakh", "1990")]
    assert "<h2>Other language editions</h2>" in kk_page.text
    assert "<h2>Басқа тілдегі басылымдары</h2>" in page(hub_url, record_path(local(KK)), lang="kk").text
    in_russian = page(hub_url, record_path(local(KK)), lang="ru").text
    assert "<h2>Издания на других языках</h2>" in in_russian
    assert editions(in_russian) == [(record_path(local(RU)), "Путь Абая", "Русский", "1961")]


def test_the_record_json_lists_the_other_language_editions(store: Store, hub_url: str) -> None:
    original_and_translation(store)
    run(store, "build")
    answer = record_json(hub_url, KK)
    assert answer["deleted"] is False
    assert answer["related"] == [{"id": local(RU), "title": "Путь Абая", "languages": ["rus"], "year": 1961,
                                  "url": hub_url + record_path(local(RU))}]
    assert [e["id"] for e in record_json(hub_url, RU)["related"]] == [local(KK)]


def test_a_record_without_translations_has_no_section_and_an_empty_list(store: Store, hub_url: str) -> None:
    original_and_translation(store)
    run(store, "build")
    body = page(hub_url, record_path(local(ALONE))).text
    assert editions(body) == [] and "Other language editions" not in body
    assert 'class="related"' not in body
    assert record_json(hub_url, ALONE)["related"] == []


def test_a_deleted_translation_leaves_the_list(store: Store, hub_url: str) -> None:
    original_and_translation(store)
    run(store, "build")
    assert [e["id"] for e in record_json(hub_url, KK)["related"]] == [local(RU)]
    delete(store, *RU)
    # at once: the link is still stored until the next build, the record it leads to is gone
    assert related_links(store) == {frozenset((local(KK), local(RU)))}
    body = page(hub_url, record_path(local(KK))).text
    assert editions(body) == [] and "Other language editions" not in body
    assert record_json(hub_url, KK)["related"] == []
    run(store, "build")
    assert record_json(hub_url, KK)["related"] == []


def test_a_deleted_member_of_a_translations_cluster_leaves_the_list(store: Store, hub_url: str) -> None:
    """Two partners' copies of the translation are merged; only the absorbed one meets the original
    (it gives the original's title). Its partner deletes it: its link goes at once, though the
    cluster it was in is still published (the next build drops the link with its keys)."""
    write(store, *KK, book(**ABAI_KK))
    write(store, *RU, russian(uniform=False))
    write(store, "lib-d", "ru-2", russian())
    run(store, "build")
    assert related_links(store) == {frozenset((local(KK), local_id_for("lib-d", "ru-2")))}
    assert [e["id"] for e in record_json(hub_url, KK)["related"]] == [local(RU)]  # the cluster's record
    delete(store, "lib-d", "ru-2")
    assert page(hub_url, record_path(local(RU))).status_code == 200
    assert editions(page(hub_url, record_path(local(KK))).text) == []
    assert record_json(hub_url, KK)["related"] == []


def test_a_translation_of_a_merged_work_links_to_the_record_the_work_is_published_as(
        store: Store, hub_url: str) -> None:
    """The translation is related to both partners' records of the original, which are merged: its
    page lists the cluster's record once, never the absorbed one (whose page only redirects)."""
    write(store, *KK, book(**ABAI_KK))
    write(store, *LATIN, book(**ABAI_LATIN))
    write(store, *RU, russian())
    run(store, "build")
    assert page(hub_url, record_path(local(LATIN))).status_code in (301, 308)  # absorbed into kk-1
    assert related_links(store) == {frozenset((local(KK), local(RU))), frozenset((local(LATIN), local(RU)))}
    assert editions(page(hub_url, record_path(local(RU))).text) == [
        (record_path(local(KK)), "Абай жолы", "Kazakh", "1990")]
    assert [e["id"] for e in record_json(hub_url, RU)["related"]] == [local(KK)]
    assert [e["id"] for e in record_json(hub_url, KK)["related"]] == [local(RU)]
    assert record_json(hub_url, LATIN)["related"] == []  # absorbed: published as deleted, nothing of its own


def test_a_merged_record_lists_the_translations_of_any_of_its_members(store: Store, hub_url: str) -> None:
    """Only the absorbed member meets the translation (its catalogue gives the Russian title too):
    the survivor's page still lists the translation, whose page links to the survivor."""
    write(store, *KK, book(**ABAI_KK))
    latin = book(**ABAI_LATIN)
    latin.titles.append(Title("Путь Абая", kind="alternative", lang="rus"))
    write(store, *LATIN, latin)
    write(store, *RU, russian(uniform=False))
    run(store, "build")
    assert page(hub_url, record_path(local(LATIN))).status_code in (301, 308)  # absorbed into kk-1
    assert related_links(store) == {frozenset((local(LATIN), local(RU)))}
    assert editions(page(hub_url, record_path(local(KK))).text) == [
        (record_path(local(RU)), "Путь Абая", "Russian", "1961")]
    # the cluster's record as published: its base is the fuller Latin record, so its title is that one's
    assert editions(page(hub_url, record_path(local(RU))).text) == [
        (record_path(local(KK)), "Abai joly", "Kazakh", "1990")]


def test_a_cluster_keeps_its_translations_when_the_partner_of_its_record_deletes_it(
        store: Store, hub_url: str) -> None:
    """The cluster is published as kk-1, whose partner then deletes it: the cluster keeps kk-1's
    identifier without it being a member any more, and its page still lists the translation (through
    the records absorbed into it), whose page still links to it."""
    write(store, *KK, book(**ABAI_KK))
    write(store, *LATIN, book(**ABAI_LATIN))
    write(store, "lib-d", "kk-2", book(**ABAI_KK))
    write(store, *RU, russian())
    run(store, "build")
    delete(store, *KK)
    # before the next build: kk-1's own partner record is gone, it still publishes the cluster
    assert [e["id"] for e in record_json(hub_url, RU)["related"]] == [local(KK)]
    run(store, "build")
    assert page(hub_url, record_path(local(KK))).status_code == 200
    assert local(KK) not in {record for pair in related_links(store) for record in pair}
    assert editions(page(hub_url, record_path(local(KK))).text) == [
        (record_path(local(RU)), "Путь Абая", "Russian", "1961")]
    assert [e["id"] for e in record_json(hub_url, RU)["related"]] == [local(KK)]


def test_the_editions_publishing_lists_for_many_records_are_those_each_page_lists(store: Store) -> None:
    """Publishing asks :func:`editions_of` for every record a link can reach at once; a page asks for
    its one record.  On a labelled collection (its translations among merged works) both give every
    record the same list."""
    _, records, _ = labelled_set(seed=5, size=1200)
    with store.session() as session:
        for partner in sorted({r.source.partner for r in records}):
            store.upsert_partner(session, partner, names={"en": partner})
        store.write_records(session, [IncomingRecord(r.source.partner, r.source.identifier, r, raw="<raw/>",
                                                     metadata_prefix="marcxml") for r in records])
    full_run(store.engine)
    publish_clusters(store)
    with store.engine.connect() as conn:
        reachable = records_a_link_reaches(conn)
        together = editions_of(conn, reachable)
        one_by_one = {hub_id: other_language_editions(conn, hub_id) for hub_id in reachable}
    assert together == one_by_one
    assert sum(1 for editions in together.values() if editions) >= 10
