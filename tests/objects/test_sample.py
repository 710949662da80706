"""The demo's copies: a 30-page PDF at each level, a multi-page TIFF and JPEG pages, deposited once; and
the works both sample partners hold, one in Cyrillic and one in Latin script, published as one record each."""

from __future__ import annotations

import requests
from click.testing import CliRunner
from lxml import etree
from sqlalchemy import func, select

from consolidation.build import full_run
from consolidation.publish import publish_clusters
from kazneb.cli import main
from objects import events
from objects.models import Agreement, DigitalObject, ObjectFile, ObjectVersion
from objects.sample import deposit_sample_copies
from repository.sample import load_sample_collection
from tests.oai_helpers import OAI, assert_valid


def copies(store) -> set[tuple[str, str, str, int, int]]:  # type: ignore[no-untyped-def]
    """(record, level, media type, files, pages) of each object's head."""
    with store.reading() as session:
        rows = session.execute(select(DigitalObject.local_id, DigitalObject.access, ObjectFile.media_type,
                                      func.count(), func.sum(ObjectFile.pages))
            .join(ObjectFile, (ObjectFile.object_id == DigitalObject.id) & (ObjectFile.version == DigitalObject.head))
            .where(ObjectFile.role == "payload")
            .group_by(DigitalObject.id, DigitalObject.local_id, DigitalObject.access, ObjectFile.media_type)).all()
    return {tuple(row) for row in rows}  # type: ignore[misc]


def test_the_sample_records_get_copies_at_each_level_and_a_second_run_adds_nothing(store, depository) -> None:  # type: ignore[no-untyped-def]
    load_sample_collection(store)
    lines: list[str] = []
    first = deposit_sample_copies(store, depository, lines.append)
    assert copies(store) == {
        ("kaznu:oai:repository.kaznu.kz:123456789/2001", "open", "application/pdf", 1, 30),
        ("nabrk:NABRK-000103", "read-only", "application/pdf", 1, 30),
        ("nabrk:NABRK-000101", "preview-24", "application/pdf", 1, 30),
        ("nabrk:NABRK-000104", "read-only", "image/tiff", 1, 8),
        ("kaznu:oai:repository.kaznu.kz:123456789/2002", "open", "image/jpeg", 6, 6),
    }
    assert [line.split(":")[0] for line in lines] == [f"copy {receipt.object_id}" for receipt in first]
    assert "oai:kazneb.kz:nabrk:NABRK-000101, preview-24, 30 pages (PDF)" in lines[2]
    with store.reading() as session:
        assert sorted(session.execute(select(Agreement.partner_id, Agreement.levels)).all()) == [
            ("kaznu", ["open"]), ("nabrk", ["read-only", "preview-24"])]
    logged = list(events.read(depository.root))

    again: list[str] = []
    second = deposit_sample_copies(store, depository, again.append)
    assert [r.object_id for r in second] == [r.object_id for r in first] and all(r.unchanged for r in second)
    assert all(line.endswith(", already deposited") for line in again)
    assert list(events.read(depository.root)) == logged
    with store.reading() as session:
        assert session.execute(select(func.count()).select_from(ObjectVersion)).scalar_one() == 5


#: The works both partners hold: (survivor, absorbed, their holdings' levels)
MERGED = (
    ("nabrk:NABRK-000101", "kaznu:oai:repository.kaznu.kz:123456789/2005", {"nabrk": "preview-24", "kaznu": "open"}),
    ("nabrk:NABRK-000103", "kaznu:oai:repository.kaznu.kz:123456789/2006", {"nabrk": "read-only", "kaznu": "open"}),
)


def test_the_works_both_sample_partners_hold_are_published_as_one_record_each(  # type: ignore[no-untyped-def]
        store, depository, hub_url: str) -> None:
    """What ``kazneb demo`` does after loading: cluster (as ``kazneb cluster build --full``) and publish."""
    load_sample_collection(store)
    deposit_sample_copies(store, depository, lambda line: None)
    built = full_run(store.engine)
    assert (built.clusters, built.clustered_records, dict(built.outcomes)) == (2, 4, {"match": 2})
    published = publish_clusters(store)
    assert (published.clusters, published.published, published.absorbed) == (2, 2, 2)
    for survivor, absorbed, levels in MERGED:
        view = store.find_hub_record(survivor)
        assert view is not None and not view.deleted and view.access == "open"  # its most open holding
        assert {h.partner: h.access for h in view.canonical.holdings} == levels
        assert view.partner_ids == ["kaznu", "nabrk"]
        gone = store.find_hub_record(absorbed)
        assert gone is not None and gone.deleted and gone.successor == survivor
    abai, absorbed, _ = MERGED[0]
    titles = {t.value for t in store.find_hub_record(abai).canonical.titles}
    assert {"Абай жолы", "Abai joly : roman-epopeia"} <= titles  # found by either script

    answer = requests.get(f"{hub_url}/oai", params={"verb": "GetRecord", "metadataPrefix": "oai_dc",
                                                    "identifier": store.oai_identifier(absorbed)}, timeout=30)
    assert assert_valid(answer.content).find(f".//{OAI}header").get("status") == "deleted"
    page = requests.get(f"{hub_url}/record/{absorbed}", allow_redirects=False, timeout=30)
    assert page.status_code == 301 and page.headers["Location"].endswith(f"/record/{abai}")
    mods = etree.fromstring(requests.get(f"{hub_url}/oai", params={
        "verb": "GetRecord", "metadataPrefix": "mods", "identifier": store.oai_identifier(abai)}, timeout=30).content)
    notes = {loc.findtext("{http://www.loc.gov/mods/v3}physicalLocation"):
             loc.findtext(".//{http://www.loc.gov/mods/v3}note")
             for loc in mods.iter("{http://www.loc.gov/mods/v3}location")
             if loc.find("{http://www.loc.gov/mods/v3}physicalLocation") is not None}
    assert notes == {"nabrk": "access: preview-24", "kaznu": "access: open"}

    url = store.engine.url.render_as_string(hide_password=False)
    shown = CliRunner().invoke(main, ["cluster", "show", absorbed], env={"KAZNEB_DATABASE_URL": url},
                               catch_exceptions=False).output
    assert f"published as {store.oai_identifier(abai)}" in shown
    assert f"  {abai}  preview-24  " in shown and f"  {absorbed}  open  " in shown
