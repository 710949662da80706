"""The database is a catalogue of the storage root: dropped, it is rebuilt with the same answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from objects import agreements
from objects.catalogue import remembered_head
from objects.models import Agreement, DigitalObject, ObjectFile, ObjectVersion, StoredFile
from objects.rebuild import rebuild

TABLES = (Agreement, DigitalObject, ObjectVersion, ObjectFile, StoredFile)


def snapshot(hub) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def,type-arg]
    """Every catalogue row as plain values, in a stable order."""
    found = {}
    with hub.store.reading() as session:
        for table in TABLES:
            columns = [c for c in table.__table__.columns]
            rows = session.execute(select(*columns).order_by(*table.__table__.primary_key.columns)).all()
            found[table.__tablename__] = [tuple(row) for row in rows]
        found["head"] = [(remembered_head(session),)]
    return found


def test_dropping_the_catalogue_and_rebuilding_gives_the_same_answers(hub) -> None:  # type: ignore[no-untyped-def]
    first = hub.deposit([hub.pdf(pages=3)])
    hub.deposit([hub.pdf("v2.pdf", pages=4, seed=9)], record=None, access=None, object_id=first.object_id)
    hub.deposit([hub.pdf("other.pdf", pages=2, seed=4)], record="oai:p1:2", access="preview-24",
                rights_holder="Әуезов М.", copyright="in-copyright")
    agreements.terminate(hub.store, hub.depository, "p1", date(2028, 12, 20), "tester")
    before = snapshot(hub)
    assert len(before["digital_objects"]) == 2 and before["agreements"][0][6] == "2028-12-20"
    with hub.store.session() as session:  # drop the catalogue's rows, as a lost database would
        for table in reversed(TABLES):
            session.query(table).delete()
    assert snapshot(hub)["digital_objects"] == []
    report = rebuild(hub.store, hub.depository)
    assert (report.objects, report.versions, report.agreements, report.unlogged) == (2, 3, 1, [])
    assert snapshot(hub) == before


def test_a_version_missing_from_the_log_is_still_catalogued_and_reported(hub) -> None:  # type: ignore[no-untyped-def]
    from objects import events

    receipt = hub.deposit([hub.pdf()])
    before = snapshot(hub)
    kept = [e for e in events.read(hub.depository.root) if e["kind"] != "deposit"]
    events.log_path(hub.depository.root).unlink()
    for entry in kept:
        events.append(hub.depository.root, entry["kind"], **{k: v for k, v in entry.items()
                                                              if k not in ("seq", "at", "kind", "prev", "hash")})
    report = rebuild(hub.store, hub.depository)
    assert report.unlogged == [f"urn:kazneb:object:{receipt.object_id} v1"]
    after = snapshot(hub)
    assert after["digital_objects"] == before["digital_objects"]
    assert after["object_files"] == before["object_files"]
