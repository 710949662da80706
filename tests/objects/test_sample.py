"""The demo's copies: a 30-page PDF at each level, a multi-page TIFF and JPEG pages, deposited once."""

from __future__ import annotations

from sqlalchemy import func, select

from objects import events
from objects.models import Agreement, DigitalObject, ObjectFile, ObjectVersion
from objects.sample import deposit_sample_copies
from repository.sample import load_sample_collection


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
