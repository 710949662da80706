"""A deposit: what is stored, what the receipt says, and every refusal leaving nothing behind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from objects import events, generated
from objects.deposit import IncomingFile
from objects.errors import DepositRefused
from objects.models import DigitalObject, ObjectFile, StoredFile


def sha512(path: Path) -> str:
    return hashlib.sha512(path.read_bytes()).hexdigest()


def catalogued_objects(hub) -> int:  # type: ignore[no-untyped-def]
    with hub.store.reading() as session:
        return session.execute(select(func.count()).select_from(DigitalObject)).scalar_one()


def test_a_pdf_is_stored_unaltered_and_catalogued(hub) -> None:  # type: ignore[no-untyped-def]
    book = hub.pdf(pages=4)
    receipt = hub.deposit([book], record=hub.records[1])  # the hub's OAI identifier
    assert (receipt.version, receipt.access, receipt.record) == (1, "open", "p1:oai:p1:1")
    assert receipt.files == [{"name": "book.pdf", "media_type": "application/pdf", "pages": 4,
                              "size": book.stat().st_size, "sha512": sha512(book)}]
    urn = f"urn:kazneb:object:{receipt.object_id}"
    stored = hub.depository.file_path(urn, hub.depository.logical_files(urn)["files/book.pdf"])
    assert stored.read_bytes() == book.read_bytes()
    with hub.store.reading() as session:
        row = session.get(DigitalObject, receipt.object_id)
        assert (row.partner_id, row.source_key, row.access, row.head) == ("p1", "oai:p1:1", "open", 1)
        roles = dict(session.execute(select(ObjectFile.logical_path, ObjectFile.role).where(
            ObjectFile.object_id == receipt.object_id)).all())
        assert roles == {"files/book.pdf": "payload", "consent/consent.pdf": "consent", "kazneb.json": "metadata"}
        checked = session.execute(select(StoredFile.status).where(StoredFile.ocfl_id == urn)).scalars().all()
        assert checked == ["ok"] * 3
    assert [e["kind"] for e in events.read(hub.depository.root)][-1] == "deposit"


def test_the_command_puts_pages_in_the_natural_order_of_their_names(hub, kazneb) -> None:  # type: ignore[no-untyped-def]
    pages = generated.jpeg_pages(hub.folder / "pages", pages=11, dpi=300)
    result = kazneb("deposit", "--partner", "p1", "--record", "oai:p1:2", "--access", "read-only",
                    "--consent", str(hub.consent), *map(str, sorted(pages)))
    assert result.exit_code == 0, result.output
    listed = [line.split()[0] for line in result.output.splitlines()[1:] if ".jpg" in line]
    assert listed == [f"p{i}.jpg" for i in range(1, 12)]
    with hub.store.reading() as session:
        order = session.execute(select(ObjectFile.logical_path).where(ObjectFile.role == "payload")
                                .order_by(ObjectFile.position)).scalars().all()
    assert order == [f"files/p{i}.jpg" for i in range(1, 12)]


def test_a_record_named_by_its_isbn_or_the_partners_own_identifier(hub) -> None:  # type: ignore[no-untyped-def]
    local_id = _record_with_isbn(hub)
    assert hub.deposit([hub.pdf()], record="978-601-7151-37-4").record == local_id
    assert hub.deposit([hub.pdf("b.pdf", seed=4)], record="oai:p1:0").record == "p1:oai:p1:0"
    with pytest.raises(DepositRefused, match="names no record"):
        hub.deposit([hub.pdf()], record="9785170908526")  # a valid ISBN no record of p1 has


def _record_with_isbn(hub) -> str:  # type: ignore[no-untyped-def]
    from crosswalks.model import Identifier
    from repository.store import IncomingRecord
    from tests.oai_helpers import make_record

    record = make_record(9)
    record.identifiers.append(Identifier("978-601-7151-37-4", "isbn"))
    with hub.store.session() as session:
        hub.store.write_record(session, IncomingRecord(
            partner_id="p1", source_key="oai:p1:9", record=record, raw="<raw/>",
            source_datestamp="2026-01-01T00:00:00Z", metadata_prefix="oai_dc",
            metadata_namespace="http://www.openarchives.org/OAI/2.0/oai_dc/"))
    return "p1:oai:p1:9"


def test_a_corrected_copy_is_a_new_version_and_the_old_one_stays(hub) -> None:  # type: ignore[no-untyped-def]
    first = hub.deposit([hub.pdf(pages=3)])
    corrected = hub.pdf("book.pdf", pages=5, seed=2)
    second = hub.deposit([corrected], record=None, access=None, object_id=first.object_id)
    assert (second.object_id, second.version, second.access) == (first.object_id, 2, "open")
    urn = f"urn:kazneb:object:{first.object_id}"
    assert hub.depository.logical_files(urn, 1)["files/book.pdf"] == "v1/content/files/book.pdf"
    assert hub.depository.logical_files(urn, 2)["files/book.pdf"] == "v2/content/files/book.pdf"


def test_the_same_deposit_again_changes_nothing(hub) -> None:  # type: ignore[no-untyped-def]
    book = hub.pdf()
    first = hub.deposit([book])
    again = hub.deposit([book])
    assert (again.object_id, again.version, again.unchanged) == (first.object_id, 1, True)
    assert catalogued_objects(hub) == 1
    locks = [p.stem for p in (hub.depository.staging / "locks").iterdir()]
    assert sorted(locks) == sorted([first.object_id, "p1-15-2024"])  # the rerun's new id left no lock


def assert_nothing_left(hub, before_objects: int = 0) -> None:  # type: ignore[no-untyped-def]
    assert catalogued_objects(hub) == before_objects
    assert [p for p in (hub.depository.staging / "work").iterdir()] == []
    assert hub.depository.pending() == []
    stored = [urn for urn in hub.depository.urns() if ":object:" in urn]
    assert len(stored) == before_objects
    assert list(events.read(hub.depository.root))[-1]["kind"] == "refused"


REFUSALS = {
    "unknown partner": (dict(partner_id="nobody"), "--partner", "unknown partner"),
    "unknown record": (dict(record="oai:p1:99"), "--record", "names no record of partner p1"),
    "level not offered": (dict(access="forbidden-level"), "--access", "is not one of"),
    "licence missing": (dict(copyright="in-copyright-licensed", rights_holder="X"), "--licence", "licence"),
    "rights holder missing": (dict(copyright="in-copyright"), "--rights-holder", "rights holder"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refused_request_names_the_parameter_and_leaves_nothing(hub, case: str) -> None:  # type: ignore[no-untyped-def]
    options, subject, reason = REFUSALS[case]
    with pytest.raises(DepositRefused) as refusal:
        hub.deposit([hub.pdf()], **options)
    assert refusal.value.subject == subject and reason in refusal.value.reason
    assert_nothing_left(hub)


def test_missing_consent_is_refused(hub) -> None:  # type: ignore[no-untyped-def]
    request = hub.request([hub.pdf()])
    empty = hub.folder / "empty.pdf"
    empty.write_bytes(b"")
    from dataclasses import replace

    from objects.deposit import deposit
    from objects.quality import QualityThresholds

    for consent in (None, IncomingFile("empty.pdf", empty)):
        with pytest.raises(DepositRefused, match="consent is missing"):
            deposit(hub.store, hub.depository, replace(request, consent=consent), QualityThresholds())
    assert_nothing_left(hub)


def test_a_checksum_mismatch_names_the_file_and_stores_nothing(hub) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from objects.deposit import deposit
    from objects.quality import QualityThresholds

    book, other = hub.pdf(), hub.pdf("other.pdf", seed=3)
    request = hub.request([book, other])
    wrong = IncomingFile("other.pdf", other, {"md5": hashlib.md5(b"not it").hexdigest()})
    with pytest.raises(DepositRefused) as refusal:
        deposit(hub.store, hub.depository, replace(request, files=[request.files[0], wrong]), QualityThresholds())
    assert refusal.value.subject == "other.pdf" and "MD5 checksum mismatch" in refusal.value.reason
    assert_nothing_left(hub)


@pytest.mark.parametrize("kind", ["encrypted", "truncated", "unknown type"])
def test_a_bad_file_is_refused_by_name(hub, kind: str) -> None:  # type: ignore[no-untyped-def]
    if kind == "encrypted":
        bad = generated.encrypted_pdf(hub.folder / "locked.pdf", pages=2)
    elif kind == "truncated":
        bad = generated.truncated(hub.pdf("cut.pdf"), 0.6)
    else:
        bad = hub.folder / "notes.pdf"
        bad.write_text("not a scan", encoding="utf-8")
    with pytest.raises(DepositRefused) as refusal:
        hub.deposit([hub.pdf(), bad])
    assert refusal.value.subject == bad.name
    assert_nothing_left(hub)


def test_two_names_equal_once_normalised_are_refused(hub) -> None:  # type: ignore[no-untyped-def]
    import unicodedata

    composed = hub.pdf(unicodedata.normalize("NFC", "Абай.pdf"))
    decomposed_dir = hub.folder / "other"
    decomposed_dir.mkdir()
    decomposed = generated.pdf(decomposed_dir / unicodedata.normalize("NFD", "Абай.pdf"), pages=2, seed=5)
    with pytest.raises(DepositRefused, match="same name"):
        hub.deposit([composed, decomposed])
    assert_nothing_left(hub)


def test_a_scan_below_the_refusal_threshold_is_refused_and_a_weak_one_warns(hub) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DepositRefused, match="dpi"):
        hub.deposit([hub.pdf("poor.pdf", dpi=100)])
    assert_nothing_left(hub)
    receipt = hub.deposit([hub.pdf("weak.pdf", dpi=200)])
    assert receipt.warnings and all("dpi" in warning for warning in receipt.warnings)


def test_no_agreement_terminated_agreement_and_foreign_object_are_refused(hub) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from objects import agreements
    from tests.oai_helpers import add_records

    add_records(hub.store, "p2", range(1))
    with pytest.raises(DepositRefused, match="no cooperation agreement"):
        hub.deposit([hub.pdf()], record="oai:p2:0", partner_id="p2")
    first = hub.deposit([hub.pdf()])
    with pytest.raises(DepositRefused, match="not partner p2's"):
        hub.deposit([hub.pdf()], record=None, object_id=first.object_id, partner_id="p2")
    agreements.terminate(hub.store, hub.depository, "p1", date(2028, 12, 15), "tester")
    with hub.store.reading() as session:
        assert agreements.in_force(session, "p1", date(2029, 3, 1)) is None
        assert agreements.in_force(session, "p1", date(2029, 2, 28)) is not None
    assert list(events.read(hub.depository.root))[-1]["kind"] == "agreement-terminate"
    with pytest.raises(DepositRefused, match="already has a notice of 2028-12-15"):
        agreements.terminate(hub.store, hub.depository, "p1", date(2028, 12, 20), "tester")
