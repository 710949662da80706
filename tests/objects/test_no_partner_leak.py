"""Issue 20 §5: a read-only or preview-24 record does not republish the partner's file links.

Not in oai_dc, MARC 856 or MODS (schemas still validate), not in the JSON API, not on the record
page, which offers the hub's enforced routes instead (never the partner's URL with
``?pages=1-24``).  An open record still carries the partner's link.
"""

from __future__ import annotations

import re

from crosswalks.model import DigitalObject
from repository.identifiers import local_id_for
from repository.publishing import record_page
from repository.store import IncomingRecord
from tests.oai_helpers import OAI, assert_valid, make_record

PARTNER_FILE = "https://library.example.kz/files/book-{n}.pdf"
LEVELS = {0: "open", 1: "read-only", 2: "preview-24"}


def with_partner_files(hub) -> None:  # type: ignore[no-untyped-def]
    """Records 0-2 of p1 again, each with a link to the partner's PDF, at open / read-only / preview-24."""
    with hub.store.session() as session:
        for n, level in LEVELS.items():
            record = make_record(n, objects=[DigitalObject(PARTNER_FILE.format(n=n), mimetype="application/pdf")])
            hub.store.write_record(session, IncomingRecord(
                partner_id="p1", source_key=f"oai:p1:{n}", record=record, raw=f"<raw>{n}</raw>",
                source_datestamp="2026-02-01T00:00:00Z", metadata_prefix="oai_dc",
                metadata_namespace="http://www.openarchives.org/OAI/2.0/oai_dc/", access=level))


def rendering(app, identifier: str, prefix: str) -> str:  # type: ignore[no-untyped-def]
    response = app.test_client().get("/oai", query_string={"verb": "GetRecord", "identifier": identifier,
                                                           "metadataPrefix": prefix})
    root = assert_valid(response.data)
    assert root.find(f".//{OAI}metadata") is not None
    return response.get_data(as_text=True)


def test_oai_renderings_carry_the_partners_file_only_for_an_open_record(hub, hub_app) -> None:  # type: ignore[no-untyped-def]
    with_partner_files(hub)
    for n, level in LEVELS.items():
        for prefix in ("oai_dc", "marcxml", "mods"):
            body = rendering(hub_app, hub.records[n], prefix)
            assert (PARTNER_FILE.format(n=n) in body) == (level == "open"), (level, prefix)
            assert "raw object" not in body or level == "open"


def test_a_deposited_copy_replaces_the_partners_file_by_the_record_page(hub, hub_app) -> None:  # type: ignore[no-untyped-def]
    with_partner_files(hub)
    hub.deposit([hub.pdf()], record="oai:p1:0", access="read-only")
    page = record_page(hub.store.base_url, local_id_for("p1", "oai:p1:0"))
    for prefix in ("oai_dc", "marcxml", "mods"):
        body = rendering(hub_app, hub.records[0], prefix)
        assert PARTNER_FILE.format(n=0) not in body and page in body, prefix
    api = hub_app.test_client().get(f"/api/records/{local_id_for('p1', 'oai:p1:0')}").get_data(as_text=True)
    assert PARTNER_FILE.format(n=0) not in api


def test_the_record_page_offers_the_hubs_routes_as_the_level_allows(hub, hub_app) -> None:  # type: ignore[no-untyped-def]
    with_partner_files(hub)
    copies = {level: hub.deposit([hub.pdf(f"{level}.pdf")], record=f"oai:p1:{n}", access=level).object_id
              for n, level in LEVELS.items()}
    expected = {"open": ["download", "read_online"], "read-only": ["read_online"],
                "preview-24": ["download_first_24_pages", "read_online"]}
    urls = {"download": "/objects/{id}/download", "download_first_24_pages": "/objects/{id}/excerpt",
            "read_online": "/objects/{id}/view"}
    for n, level in LEVELS.items():
        html = hub_app.test_client().get(record_page("", local_id_for("p1", f"oai:p1:{n}"))).get_data(as_text=True)
        actions = re.findall(r'class="action action-([a-z_0-9]+)" href="([^"]+)"', html)
        assert actions == [(a, urls[a].format(id=copies[level])) for a in expected[level]], level
        assert "library.example.kz" not in html and "pages=1-24" not in html


def test_a_record_without_a_copy_links_the_partner_only_when_open(hub, hub_app) -> None:  # type: ignore[no-untyped-def]
    with_partner_files(hub)
    for n, level in LEVELS.items():
        html = hub_app.test_client().get(record_page("", local_id_for("p1", f"oai:p1:{n}"))).get_data(as_text=True)
        assert (PARTNER_FILE.format(n=n) in html) == (level == "open"), level
        assert "pages=1-24" not in html


class OneResultPage:
    """A search engine that finds the three records (the page's offers come from the catalogue, not the index)."""

    def __init__(self, levels: dict[str, str]) -> None:
        self.levels = levels

    def search(self, request):  # type: ignore[no-untyped-def]
        from search.engine import SearchPage

        hits = [{"id": local_id, "title": local_id, "access": level, "creators": [], "languages": [],
                 "highlight": {}}
                for local_id, level in self.levels.items()]
        return SearchPage(len(hits), hits, {}, None)


def test_search_results_offer_the_hubs_routes_of_live_copies(hub, hub_app) -> None:  # type: ignore[no-untyped-def]
    with_partner_files(hub)
    copies = {level: hub.deposit([hub.pdf(f"{level}.pdf")], record=f"oai:p1:{n}", access=level).object_id
              for n, level in LEVELS.items() if level != "open"}
    hub_app.extensions["kazneb_search"] = OneResultPage(
        {local_id_for("p1", f"oai:p1:{n}"): level for n, level in LEVELS.items()})
    html = hub_app.test_client().get("/?q=x").get_data(as_text=True)
    actions = re.findall(r'class="action action-([a-z_0-9]+)" href="([^"]+)"', html)
    assert sorted(actions) == sorted([("read_online", f"/objects/{copies['read-only']}/view"),
                                   ("download_first_24_pages", f"/objects/{copies['preview-24']}/excerpt"),
                                   ("read_online", f"/objects/{copies['preview-24']}/view")])
    assert "library.example.kz" not in html
