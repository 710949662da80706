"""End to end: harvest the hub's own OAI-PMH provider, pyoai's server, and real recorded responses."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from oaipmh import common
from oaipmh.metadata import MetadataRegistry
from oaipmh.server import BatchingServer, oai_dc_writer
from sqlalchemy import select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from harvester.run import harvest_partner
from harvester.testing import FilePartner, dc_item
from repository.db import migrate
from repository.models import HubRecord
from repository.store import Store
from tests.conftest import make_settings
from tests.harvester.conftest import live, register

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"
NS = {"oai": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}


def test_harvest_the_hubs_own_provider(store, hub_url, scripted, tmp_path):
    books = [dc_item(f"oai:src:{i}", f"Кітап {i} туралы", creator=f"Автор {i}") for i in range(23)]
    source = scripted(books, page_size=7)
    harvest_partner(store, register(store, source.url, partner_id="src"))
    with store.session() as session:
        published = {store.oai_identifier(local_id): title for local_id, title in (
            (h.local_id, h.canonical["titles"][0]["value"]) for h in session.scalars(select(HubRecord)))}
    assert len(published) == 23

    target = Store.from_settings(make_settings(f"sqlite:///{tmp_path / 'target.db'}"))
    migrate(target.engine)
    [run] = harvest_partner(target, register(target, hub_url + "/oai", partner_id="hub"))
    assert run.status == "succeeded" and run.new == 23 and run.pages >= 3
    assert run.metadata_prefix == "marcxml"  # preferred where offered
    assert live(target, "hub") == published


class PyoaiRepository:
    """pyoai's IBatchingOAIPMH over a list of (identifier, datestamp, title)."""

    def __init__(self, rows: list[tuple[str, datetime, str]]) -> None:
        self.rows = rows

    def identify(self):  # type: ignore[no-untyped-def]
        return common.Identify("pyoai test", "http://127.0.0.1/oai", "2.0", ["a@example.org"],
                               datetime(2000, 1, 1), "persistent", "YYYY-MM-DDThh:mm:ssZ", ["identity"])

    def listMetadataFormats(self, identifier=None):  # type: ignore[no-untyped-def]  # noqa: N802
        return [("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
                 "http://www.openarchives.org/OAI/2.0/oai_dc/")]

    def listRecords(self, metadataPrefix, set=None, from_=None, until=None, cursor=0, batch_size=10):  # type: ignore[no-untyped-def]  # noqa: N802, N803, A002
        chosen = [r for r in self.rows if (from_ is None or r[1] >= from_) and (until is None or r[1] <= until)]
        return [(common.Header(None, ident, stamp, [], False), common.Metadata(None, {"title": [title]}), None)
                for ident, stamp, title in chosen[cursor:cursor + batch_size]]


@pytest.fixture
def pyoai_url() -> Iterator[tuple[str, list]]:
    rows = [(f"oai:pyoai:{i}", datetime(2023, 5, 1 + i % 20, 12, 0, 0), f"Pyoai record {i}") for i in range(27)]
    registry = MetadataRegistry()
    registry.registerWriter("oai_dc", oai_dc_writer)
    server = BatchingServer(PyoaiRepository(rows), metadata_registry=registry, resumption_batch_size=10)

    @Request.application
    def app(request: Request) -> Response:
        return Response(server.handleRequest(request.args.to_dict()), content_type="text/xml; charset=utf-8")

    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_port}/oai", rows
    http.shutdown()


def test_harvest_pyoai_server(store, pyoai_url):
    url, rows = pyoai_url
    [run] = harvest_partner(store, register(store, url, partner_id="pyoai"))
    assert run.status == "succeeded" and run.pages == 3 and run.new == 27
    assert live(store, "pyoai") == {ident: title for ident, _, title in rows}
    [again] = harvest_partner(store, register(store, url, partner_id="pyoai"))
    assert again.kind == "incremental" and again.new == 0


def headers(path: Path) -> list[tuple[str, bool, str | None]]:
    """(identifier, deleted?, first dc:title) of every record in a recorded response."""
    root = etree.parse(str(path)).getroot()
    return [(r.findtext("oai:header/oai:identifier", namespaces=NS),
             r.find("oai:header", NS).get("status") == "deleted",
             r.findtext(".//dc:title", namespaces=NS)) for r in root.iterfind(".//oai:record", NS)]


def test_harvest_recorded_zenodo_responses(store):
    scythe = SAMPLES / "oaipmh-scythe"
    pages = [scythe / "list_records__5__ListRecords_oai_dc_page1_resumptionToken.xml",
             scythe / "list_records__9__ListRecords_resumed_deleted.xml",
             scythe / "list_records__8__ListRecords_resumed_noTokenElement.xml"]
    tokens = [etree.parse(str(p)).getroot().findtext(".//oai:resumptionToken", namespaces=NS) for p in pages[:2]]
    routes = {("Identify", ""): scythe / "identify__2__Identify_zenodo.xml",
              ("ListMetadataFormats", ""): scythe / "list_metadata_formats__0__ListMetadataFormats.xml",
              ("ListRecords", ""): pages[0], ("ListRecords", tokens[0]): pages[1],
              ("ListRecords", tokens[1]): pages[2]}
    with FilePartner(routes) as partner:
        [run] = harvest_partner(store, register(store, partner.url, partner_id="zenodo", format="oai_dc"))
    records = [h for page in pages for h in headers(page)]
    deleted = {ident for ident, gone, _ in records if gone}
    assert deleted and run.status == "succeeded" and run.pages == 3
    assert live(store, "zenodo") == {ident: title for ident, gone, title in records if not gone}
    assert not deleted & set(live(store, "zenodo"))


def test_harvest_recorded_sickle_page_then_no_records_match(store):
    routes = {("Identify", ""): SAMPLES / "sickle" / "Identify.xml",
              ("ListMetadataFormats", ""): SAMPLES / "sickle" / "ListMetadataFormats.xml",
              ("ListRecords", ""): SAMPLES / "sickle" / "ListRecords.xml",
              ("ListRecords", "ListRecords2.xml"):
                  SAMPLES / "oaipmh-scythe" / "list_records__2__ListRecords_noRecordsMatch_http422.xml"}
    with FilePartner(routes) as partner:
        [run] = harvest_partner(store, register(store, partner.url, partner_id="sickle", format="oai_dc"))
    records = headers(routes[("ListRecords", "")])
    assert run.status == "succeeded" and run.granularity == "YYYY-MM-DD"
    assert live(store, "sickle") == {ident: title for ident, gone, title in records if not gone}



