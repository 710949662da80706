"""Real OAI-PMH clients harvest the hub over real HTTP and get exactly the store's records.

sickle, oaipmh-scythe and pyoai's maintained fork (PyPI ``oaipmh``) each harvest a
collection of several pages, with sets, from/until and deleted records.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from repository.models import HubRecord
from tests.oai_helpers import add_records


@pytest.fixture
def collection(store):  # type: ignore[no-untyped-def]
    """37 records over 4 pages of 10; two deleted; two partners."""
    alpha = add_records(store, "alpha", range(30))
    beta = add_records(store, "beta", range(200, 207), access="preview-24")
    with store.session() as session:
        store.delete_record(session, "alpha", "oai:alpha:5")
        store.delete_record(session, "beta", "oai:beta:201")
    return {"alpha": alpha, "beta": beta}


def store_state(store, set_spec: str | None = None) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """identifier -> deleted, straight from the store."""
    with store.session() as session:
        hubs = session.scalars(select(HubRecord)).all()
        partner = set_spec.split(":")[1] if set_spec else None
        return {store.oai_identifier(h.local_id): h.deleted for h in hubs if partner in (None, h.partner_id)}


def test_sickle_harvests_everything_once(store, hub_url, collection):  # type: ignore[no-untyped-def]
    from sickle import Sickle

    client = Sickle(f"{hub_url}/oai")
    records = list(client.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    harvested = {r.header.identifier: r.header.deleted for r in records}
    assert len(records) == len(harvested) == 37
    assert harvested == store_state(store)
    live = [r for r in records if not r.deleted]
    assert all(r.metadata["title"] for r in live)
    headers = list(client.ListIdentifiers(metadataPrefix="marcxml", set="partner:beta"))
    assert {h.identifier: h.deleted for h in headers} == store_state(store, "partner:beta")


def test_oaipmh_scythe_harvests_everything_once(store, hub_url, collection):  # type: ignore[no-untyped-def]
    from oaipmh_scythe import Scythe

    with Scythe(f"{hub_url}/oai") as scythe:
        records = list(scythe.list_records(metadata_prefix="oai_dc"))
        harvested = {r.header.identifier: r.header.deleted for r in records}
        assert len(records) == len(harvested) == 37
        assert harvested == store_state(store)
        headers = list(scythe.list_identifiers(metadata_prefix="oai_dc", set_="partner:alpha"))
        assert {h.identifier: h.deleted for h in headers} == store_state(store, "partner:alpha")
        stamp = headers[0].datestamp
        ranged = list(scythe.list_identifiers(metadata_prefix="oai_dc", from_=stamp, until=stamp))
        assert {h.identifier for h in ranged} == {
            h.identifier for h in records_with_stamp(records, stamp)
        }
        sets = {s.setSpec for s in scythe.list_sets()}
        assert {"partner:alpha", "partner:beta", "access:preview-24"} <= sets


def records_with_stamp(records, stamp: str):  # type: ignore[no-untyped-def]
    return [r.header for r in records if r.header.datestamp == stamp]


def test_pyoai_client_harvests_everything_once(store, hub_url, collection):  # type: ignore[no-untyped-def]
    from oaipmh.client import Client
    from oaipmh.metadata import MetadataRegistry, oai_dc_reader

    registry = MetadataRegistry()
    registry.registerReader("oai_dc", oai_dc_reader)
    client = Client(f"{hub_url}/oai", registry)
    client.updateGranularity()
    identify = client.identify()
    assert identify.deletedRecord() == "persistent"
    records = list(client.listRecords(metadataPrefix="oai_dc"))
    harvested = {header.identifier(): header.isDeleted() for header, _metadata, _about in records}
    assert len(records) == len(harvested) == 37
    assert harvested == store_state(store)
    for header, metadata, _about in records:
        assert (metadata is None) == header.isDeleted()
        if metadata is not None:
            assert metadata.getField("title")
    beta = list(client.listIdentifiers(metadataPrefix="oai_dc", set="partner:beta"))
    assert {h.identifier(): h.isDeleted() for h in beta} == store_state(store, "partner:beta")
    future = datetime(2999, 1, 1)
    from oaipmh.error import NoRecordsMatchError

    with pytest.raises(NoRecordsMatchError):
        list(client.listIdentifiers(metadataPrefix="oai_dc", from_=future))
    first = records[0][0].datestamp()
    ranged = list(client.listIdentifiers(metadataPrefix="oai_dc", from_=first, until=first))
    assert {h.identifier() for h in ranged} == {h.identifier() for h, _m, _a in records if h.datestamp() == first}
