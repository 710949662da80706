"""Aggregators follow consolidation incrementally: after scripted merges and splits, harvesting
only what changed since an earlier harvest, with sickle and with pyoai, rebuilds exactly what a
full harvest of the hub gives now (which records are live, their titles, their relations)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from consolidation.build import full_run, incremental_run
from consolidation.decisions import RecordRef, record, withdraw
from consolidation.publish import publish_clusters
from repository.identifiers import local_id_for
from repository.store import Store
from tests.consolidation.records import ABAI_KK, ABAI_LATIN, book, delete, write
from tests.consolidation.test_related_editions import russian

#: identifier -> None for a deleted record, else (sorted titles, sorted relations)
State = dict[str, tuple[tuple[str, ...], tuple[str, ...]] | None]
Harvest = Callable[[str, str | None], tuple[State, str]]


def sickle_harvest(url: str, since: str | None) -> tuple[State, str]:
    """What sickle harvests (from ``since`` when given), and the newest datestamp seen."""
    from sickle import Sickle
    from sickle.oaiexceptions import NoRecordsMatch

    params = {"metadataPrefix": "oai_dc", "ignore_deleted": False}
    if since:
        params["from"] = since
    state: State = {}
    newest = since or ""
    try:
        for found in Sickle(f"{url}/oai").ListRecords(**params):
            header = found.header
            newest = max(newest, header.datestamp)
            state[header.identifier] = None if header.deleted else (
                tuple(sorted(found.metadata.get("title", []))), tuple(sorted(found.metadata.get("relation", []))))
    except NoRecordsMatch:
        pass
    return state, newest


def pyoai_harvest(url: str, since: str | None) -> tuple[State, str]:
    """The same with pyoai's client."""
    from oaipmh.client import Client
    from oaipmh.error import NoRecordsMatchError
    from oaipmh.metadata import MetadataRegistry, oai_dc_reader

    registry = MetadataRegistry()
    registry.registerReader("oai_dc", oai_dc_reader)
    client = Client(f"{url}/oai", registry)
    client.updateGranularity()
    kwargs = {"metadataPrefix": "oai_dc"}
    if since:
        kwargs["from_"] = datetime.strptime(since, "%Y-%m-%dT%H:%M:%SZ")
    state: State = {}
    newest = since or ""
    try:
        for header, metadata, _about in client.listRecords(**kwargs):
            stamp = header.datestamp().replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            newest = max(newest, stamp)
            state[header.identifier()] = None if header.isDeleted() else (
                tuple(sorted(metadata.getField("title"))), tuple(sorted(metadata.getField("relation"))))
    except NoRecordsMatchError:
        pass
    return state, newest


def build(store: Store, full: bool = False) -> None:
    (full_run if full else incremental_run)(store.engine)
    publish_clusters(store)


def collection(store: Store) -> None:
    write(store, "lib-a", "kk-1", book(**ABAI_KK), access="read-only")
    write(store, "lib-b", "lat-1", book(**ABAI_LATIN), access="open")
    write(store, "lib-c", "kk-2", book(**{**ABAI_KK, "publisher": "Жазушы баспасы"}), access="preview-24")
    write(store, "lib-a", "other", book("Қан мен тер", "Нұрпейісов, Әбдіжәміл", "Жазушы", 1985, "kaz"))
    write(store, "lib-b", "other-lat", book("Qan men ter", "Nurpeiısov, Äbdıjämıl", "Jazuşy", 1985, "kaz"))
    write(store, "lib-c", "ru-1", russian())  # a translation of the first work: related, never merged


def steps(store: Store) -> list[Callable[[], None]]:
    """Merges, splits, re-harvests and deletions, each followed by a clustering run."""
    a, b, c = RecordRef("lib-a", "kk-1"), RecordRef("lib-b", "lat-1"), RecordRef("lib-c", "kk-2")

    def decide(action: str, first: RecordRef, second: RecordRef, undo: bool = False) -> None:
        with store.engine.begin() as conn:
            (withdraw if undo else record)(conn, action, first, second, *([] if undo else ["test"]))
        build(store)

    return [
        lambda: build(store, full=True),  # the first merges
        lambda: decide("forbid", a, b),  # a split
        lambda: decide("forbid", a, b, undo=True),
        lambda: (write(store, "lib-b", "lat-1", book(**{**ABAI_LATIN, "publisher": "Jazuşy baspasy"}),
                       access="open"), build(store)),  # a member re-harvested with a change
        lambda: (delete(store, "lib-a", "kk-1"), build(store)),  # the cluster's first record deleted
        lambda: decide("forbid", b, c),
        lambda: (delete(store, "lib-c", "ru-1"), build(store)),  # the translation leaves every record
    ]


@pytest.mark.parametrize("harvest", [sickle_harvest, pyoai_harvest], ids=["sickle", "pyoai"])
def test_incremental_harvests_rebuild_exactly_the_hubs_records(store: Store, hub_url: str, harvest: Harvest) -> None:
    collection(store)
    copy, since = harvest(hub_url, None)
    translation = store.oai_identifier(local_id_for("lib-c", "ru-1"))
    for number, step in enumerate(steps(store)):
        step()
        changed, since = harvest(hub_url, since)
        copy.update(changed)
        fresh, _ = harvest(hub_url, None)
        assert copy == fresh
        if number == 0:  # the merged work and its translation list each other
            assert any(translation in state[1] for state in copy.values() if state is not None)
    assert not any(translation in state[1] for state in copy.values() if state is not None)
    live = [identifier for identifier, state in copy.items() if state is not None]
    assert 2 <= len(live) < len(copy)  # merged works are fewer records than partners' records
