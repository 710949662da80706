"""A merged record on the hub's pages, over real HTTP (issue 21, section 4): each holding with its own
level and its own reader actions, never a read-only holding's partner file; search gives one result
per work, with its holdings; the record JSON lists them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import requests
from lxml import html as lxml_html

from objects import agreements, generated
from objects.deposit import DepositRequest, IncomingFile, deposit
from objects.quality import QualityThresholds
from objects.storage import Depository
from repository.identifiers import local_id_for
from repository.publishing import record_path
from repository.store import Store
from search import indexer
from search.embedded import EmbeddedEngine
from tests.consolidation.records import ABAI_KK, ABAI_LATIN, book, write
from tests.consolidation.test_publishing import cluster_and_publish, two_partners

LIB_A_FILE = "http://lib-a.example/abai.pdf"  # the read-only holding's partner file
LIB_B_FILE = "http://lib-b.example/abai.pdf"  # the open holding's
LEVELS = ["open", "read-only", "preview-24"]


def page(url: str, path: str, lang: str = "en", **params: object) -> requests.Response:
    return requests.get(url + path, params={"lang": lang, **params}, timeout=30, allow_redirects=False)


def having(tag: str, *classes: str) -> str:
    """An XPath step: ``tag`` elements with every one of ``classes`` (cssselect is not installed)."""
    tests = "".join(f"[contains(concat(' ', normalize-space(@class), ' '), ' {c} ')]" for c in classes)
    return f"{tag}{tests}"


def holdings(body: str) -> dict[str, dict[str, object]]:
    """partner → what its entry in the Holdings section shows: name, level badge, actions (text, link)."""
    tree = lxml_html.fromstring(body)
    shown = {}
    for item in tree.xpath(f"//{having('section', 'holdings', 'merged')}//{having('li', 'merged-holding')}"):
        shown[item.get("data-partner")] = {
            "name": item.xpath(f".//{having('a', 'holding')}")[0].text_content().strip(),
            "level": item.xpath(f".//{having('*', 'badge')}")[0].text_content().strip(),
            "actions": [(a.text_content().strip(), a.get("href")) for a in item.xpath(f".//{having('*', 'action')}")],
        }
    return shown


def named_partners(store: Store) -> None:
    with store.session() as session:
        store.upsert_partner(session, "lib-a", names={"kk": "Ұлттық кітапхана", "ru": "Национальная библиотека"})
        store.upsert_partner(session, "lib-b", names={"kk": "Ғылыми кітапхана", "ru": "Научная библиотека"})


def test_the_merged_records_page_lists_each_holding_at_its_own_level(store: Store, hub_url: str) -> None:
    named_partners(store)
    survivor, _ = two_partners(store)
    cluster_and_publish(store)
    path = record_path(store.local_id_of(survivor))
    english = page(hub_url, path)
    assert english.status_code == 200
    assert holdings(english.text) == {
        "lib-a": {"name": "lib-a", "level": "Read online only", "actions": [("Read online", None)]},
        "lib-b": {"name": "lib-b", "level": "Open access",
                  "actions": [("Download", LIB_B_FILE), ("Read online", LIB_B_FILE)]},
    }
    assert "<h2>Holdings</h2>" in english.text
    # the read-only holding's file is nowhere on the page; no action stands for the whole record
    assert LIB_A_FILE not in english.text
    assert '<section class="actions"' not in english.text
    russian = page(hub_url, path, lang="ru")
    assert "<h2>Фонды</h2>" in russian.text
    assert {p: (h["name"], h["level"]) for p, h in holdings(russian.text).items()} == {
        "lib-a": ("Национальная библиотека", "Только чтение онлайн"),
        "lib-b": ("Научная библиотека", "Открытый доступ")}
    kazakh = page(hub_url, path, lang="kk")
    assert "<h2>Қорлар</h2>" in kazakh.text and "Ғылыми кітапхана" in kazakh.text


def test_a_holdings_partner_file_follows_its_own_level_not_the_clusters(store: Store, hub_url: str) -> None:
    """Both holdings read-only but for a preview-24 one: the cluster's level is preview-24, and still
    no partner file of any holding is shown (only an open holding's would be)."""
    write(store, "lib-a", "kk-1", book(**ABAI_KK, link=LIB_A_FILE), access="read-only")
    write(store, "lib-b", "lat-1", book(**ABAI_LATIN, link=LIB_B_FILE), access="preview-24")
    cluster_and_publish(store)
    path = record_path(local_id_for("lib-a", "kk-1"))
    body = page(hub_url, path).text
    assert {p: (h["level"], h["actions"]) for p, h in holdings(body).items()} == {
        "lib-a": ("Read online only", [("Read online", None)]),
        "lib-b": ("First 24 pages", [("Download the first 24 pages", None), ("Read online", None)])}
    assert LIB_A_FILE not in body and LIB_B_FILE not in body
    assert 'class="badge access-preview-24"' in body  # the cluster's level: the most open a holding offers


def deposit_copy(store: Store, depository: Depository, folder: Path, partner: str, key: str, level: str) -> str:
    """A three-page scan of ``partner``'s record ``key`` deposited at ``level`` (under a signed agreement)."""
    scan = generated.pdf(folder / f"{partner}-agreement.pdf", pages=1, dpi=200)
    agreements.add(store, depository, partner, f"1/{partner}", date(2024, 3, 1), LEVELS, scan, "tester",
                   date(2026, 12, 7))
    copy = generated.pdf(folder / f"{partner}.pdf", pages=3)
    request = DepositRequest(partner_id=partner, files=[IncomingFile(copy.name, copy)],
                             consent=IncomingFile("consent.pdf", scan), access=level, record=key, by="tester")
    return deposit(store, depository, request, QualityThresholds(page_count="ignore")).object_id


def test_each_holdings_deposited_copy_is_offered_at_that_copys_level(store: Store, hub_app, hub_url: str,
                                                                      tmp_path: Path) -> None:
    depository = Depository(tmp_path / "objects").open()
    hub_app.extensions["kazneb_depository"] = depository
    survivor, _ = two_partners(store)
    read_only = deposit_copy(store, depository, tmp_path, "lib-a", "kk-1", "read-only")
    open_copy = deposit_copy(store, depository, tmp_path, "lib-b", "lat-1", "open")
    cluster_and_publish(store)
    body = page(hub_url, record_path(store.local_id_of(survivor))).text
    assert {p: h["actions"] for p, h in holdings(body).items()} == {
        "lib-a": [("Read online", f"/objects/{read_only}/view")],
        "lib-b": [("Download", f"/objects/{open_copy}/download"), ("Read online", f"/objects/{open_copy}/view")]}
    assert f"/objects/{read_only}/download" not in body and LIB_A_FILE not in body
    # each copy keeps its own level at the delivery routes too
    assert requests.get(f"{hub_url}/objects/{read_only}/download", timeout=30).status_code == 403
    assert requests.get(f"{hub_url}/objects/{open_copy}/download", timeout=30).status_code == 200


def test_after_a_split_the_survivors_page_has_no_holdings_section(store: Store, hub_url: str) -> None:
    from consolidation.decisions import RecordRef, record

    survivor, absorbed = two_partners(store)
    cluster_and_publish(store)
    with store.engine.begin() as conn:
        record(conn, "forbid", RecordRef("lib-a", "kk-1"), RecordRef("lib-b", "lat-1"), "test")
    cluster_and_publish(store)
    body = page(hub_url, record_path(store.local_id_of(survivor))).text
    assert holdings(body) == {} and "<h2>Holdings</h2>" not in body
    assert "<h2>Held by</h2>" in body and "lib-b" not in body
    own = lxml_html.fromstring(body).xpath(f"//{having('section', 'actions')}//{having('*', 'action')}")
    assert [a.text_content() for a in own] == ["Read online"]  # its own read-only level again
    assert page(hub_url, record_path(store.local_id_of(absorbed))).status_code == 200


def test_the_record_json_lists_each_holding_with_its_own_level(store: Store, hub_url: str) -> None:
    survivor, absorbed = two_partners(store)
    alone = write_alone(store)
    cluster_and_publish(store)
    answer = requests.get(f"{hub_url}/api/records/{store.local_id_of(survivor)}", timeout=30).json()
    assert (answer["access"], answer["partners"]) == ("open", ["lib-a", "lib-b"])
    assert answer["holdings"] == [
        {"partner": "lib-a", "identifier": survivor, "access": "read-only", "actions": ["read_online"]},
        {"partner": "lib-b", "identifier": absorbed, "access": "open", "actions": ["download", "read_online"]}]
    assert LIB_A_FILE not in str(answer) and LIB_B_FILE in str(answer)
    single = requests.get(f"{hub_url}/api/records/{store.local_id_of(alone)}", timeout=30).json()
    assert single["holdings"] == [{"partner": "lib-c", "identifier": alone, "access": "preview-24",
                                   "actions": ["download_first_24_pages", "read_online"]}]


def write_alone(store: Store) -> str:
    """Another work, held by one partner only."""
    write(store, "lib-c", "other-1", book("Көшпенділер", "Есенберлин, Ілияс", "Жазушы", 1976, "kaz"),
          access="preview-24")
    return store.oai_identifier(local_id_for("lib-c", "other-1"))


@pytest.fixture
def index(hub_app, tmp_path: Path) -> EmbeddedEngine:
    """An embedded index the hub searches (filled by :func:`indexer.sync` from the store's change log)."""
    engine = EmbeddedEngine(tmp_path / "index", "kazneb-clusters")
    engine.create()
    hub_app.extensions["kazneb_search"] = engine
    yield engine
    engine.close()


def test_search_gives_one_result_per_work_with_its_holdings(store: Store, hub_url: str, index) -> None:
    survivor, absorbed = two_partners(store)
    alone = write_alone(store)
    indexer.sync(store, index)
    before = requests.get(f"{hub_url}/api/search", params={"q": "Абай жолы"}, timeout=30).json()
    assert before["total"] == 2  # each partner's record on its own, before consolidation
    cluster_and_publish(store)
    report = indexer.sync(store, index)
    assert report.deleted == 1  # the absorbed record leaves the index
    for q in ("Абай жолы", "Abai joly"):  # the merged record carries both titles
        answer = requests.get(f"{hub_url}/api/search", params={"q": q}, timeout=30).json()
        assert [r["id"] for r in answer["results"]] == [store.local_id_of(survivor)], q
        result = answer["results"][0]
        assert (result["access"], result["partners"]) == ("open", ["lib-a", "lib-b"])
        assert result["holdings"] == [{"partner": "lib-a", "identifier": survivor, "access": "read-only"},
                                      {"partner": "lib-b", "identifier": absorbed, "access": "open"}]
    everything = requests.get(f"{hub_url}/api/search", params={"q": "*"}, timeout=30).json()
    assert everything["total"] == 2
    assert {r["id"]: len(r["holdings"]) for r in everything["results"]} == {
        store.local_id_of(survivor): 2, store.local_id_of(alone): 1}
    # the page: one result, its holdings by name and level; a work held once shows none
    tree = lxml_html.fromstring(page(hub_url, "/", q="Abai joly").text)
    results = tree.xpath(f"//{having('li', 'result')}")
    assert len(results) == 1
    shown = {li.get("data-partner"): (li.text_content().split()[0], li.xpath(f".//{having('*', 'badge')}")[0].text)
             for li in results[0].xpath(f".//{having('li', 'holding')}")}
    assert shown == {"lib-a": ("lib-a", "Read online only"), "lib-b": ("lib-b", "Open access")}
    assert LIB_A_FILE not in page(hub_url, "/", q="Abai joly").text
    single = lxml_html.fromstring(page(hub_url, "/", q="Көшпенділер").text).xpath(f"//{having('li', 'result')}")
    assert len(single) == 1 and single[0].xpath(f".//{having('li', 'holding')}") == []
