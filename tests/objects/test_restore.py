"""Restore: a partner's copy comes back as a valid bag, byte for byte, and only to that partner."""

from __future__ import annotations

import hashlib
from pathlib import Path

import bagit
import bagit_profile
import pytest

from objects import events, generated
from objects.bagprofile import PROFILE_IDENTIFIER, PROFILE_PATH
from objects.bags import BagWriteError, opened_bag
from objects.catalogue import remembered_head
from objects.deposit import DepositRequest, IncomingFile, deposit
from objects.errors import RestoreRefused
from objects.quality import QualityThresholds
from objects.restore import RestoreRequest, restore
from tests.oai_helpers import add_records
from tests.objects.conftest import Hub

LIMIT = 1 << 30


def sha512(path: Path) -> str:
    return hashlib.sha512(path.read_bytes()).hexdigest()


def restored(hub: Hub, dest: Path, **options: object):  # type: ignore[no-untyped-def]
    return restore(hub.store, hub.depository, RestoreRequest(partner_id=str(options.pop("partner_id", "p1")),
                                                             dest=dest, by="tester", **options))  # type: ignore[arg-type]


def payload_manifest(bag: Path) -> list[tuple[str, str]]:
    """(name under data/, SHA-512) in the order of the manifest's lines."""
    lines = (bag / "manifest-sha512.txt").read_text(encoding="utf-8").splitlines()
    return [(name.removeprefix("data/"), digest) for digest, name in (line.split("  ", 1) for line in lines)]


def assert_valid_kazneb_bag(bag: Path) -> None:
    assert bagit.Bag(str(bag)).validate()  # every digest recomputed
    profile = bagit_profile.Profile(PROFILE_IDENTIFIER, profile=PROFILE_PATH.read_text(encoding="utf-8"))
    assert profile.validate(bagit.Bag(str(bag))), profile.report


def test_a_pdf_a_tiff_and_jpeg_pages_come_back_byte_identical_in_page_order(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pdf = hub.pdf("book.pdf", pages=4)
    tiff = generated.tiff(hub.folder / "scan.tif", pages=3)
    pages = generated.jpeg_pages(hub.folder / "pages", pages=11)  # p10.jpg, p11.jpg after p9.jpg
    receipts = [hub.deposit([pdf], record=hub.records[0]), hub.deposit([tiff], record="oai:p1:1", access="read-only"),
                hub.deposit(pages, record="oai:p1:2", access="preview-24")]
    for receipt in receipts:
        bag = tmp_path / "restored" / receipt.object_id
        result = restored(hub, bag, object_id=receipt.object_id)
        assert (result.object_id, result.version, result.record) == (receipt.object_id, 1, hub.store.oai_identifier(
            receipt.record))
        assert_valid_kazneb_bag(bag)
        assert payload_manifest(bag)[:-1] == [(f["name"], f["sha512"]) for f in receipt.files]  # page order
        assert payload_manifest(bag)[-1] == ("consent/consent.pdf", sha512(hub.consent))
        for file in receipt.files:
            assert sha512(bag / "data" / file["name"]) == file["sha512"]
        info = bagit.Bag(str(bag)).info
        assert (info["KazNEB-Partner"], info["KazNEB-Record"], info["KazNEB-Access-Level"],
                info["KazNEB-Page-Order"], info["KazNEB-Deposited-By"]) == (
            "p1", hub.store.oai_identifier(receipt.record), receipt.access, "manifest", "tester")
        assert info["External-Identifier"] == f"urn:kazneb:object:{receipt.object_id} v1"
    assert [f.name for f in restored(hub, tmp_path / "again", object_id=receipts[2].object_id).files] == [
        f"p{i}.jpg" for i in range(1, 12)]


def test_the_rights_come_back_as_the_version_recorded_them(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    licence = "https://creativecommons.org/licenses/by/4.0/"
    receipt = hub.deposit([hub.pdf()], copyright="in-copyright-licensed", rights_holder="«Фолиант» баспасы",
                          licence=licence)
    restored(hub, tmp_path / "bag", record="oai:p1:1")  # the partner's own identifier of the record
    info = bagit.Bag(str(tmp_path / "bag")).info
    assert (info["KazNEB-Copyright-Status"], info["KazNEB-Rights-Holder"], info["KazNEB-Licence-URI"]) == (
        "in-copyright-licensed", "«Фолиант» баспасы", licence)
    assert receipt.object_id in info["External-Identifier"]


def test_an_older_version_is_restored_as_it_was(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = hub.deposit([hub.pdf("v1.pdf", pages=2, seed=1)])
    second = hub.deposit([hub.pdf("v2.pdf", pages=3, seed=2)], record=None, access=None, object_id=first.object_id)
    assert second.version == 2
    old = restored(hub, tmp_path / "v1", object_id=first.object_id, version=1)
    assert (old.version, old.head, [f.name for f in old.files]) == (1, 2, ["v1.pdf"])
    assert sha512(tmp_path / "v1" / "data" / "v1.pdf") == first.files[0]["sha512"]
    latest = restored(hub, tmp_path / "latest", object_id=first.object_id)
    assert (latest.version, [f.name for f in latest.files]) == (2, ["v2.pdf"])
    assert not (tmp_path / "latest" / "data" / "v1.pdf").exists()


def test_another_partners_object_is_refused_and_nothing_is_written(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    receipt = hub.deposit([hub.pdf()])
    add_records(hub.store, "p2", range(1))
    out = tmp_path / "out"
    with pytest.raises(RestoreRefused, match=f"object {receipt.object_id} is partner p1's, not partner p2's"):
        restored(hub, out / "bag", partner_id="p2", object_id=receipt.object_id)
    with pytest.raises(RestoreRefused, match="names no record of partner p2"):
        restored(hub, out / "bag", partner_id="p2", record=hub.records[1])
    assert not out.exists()
    assert "restore" not in [e["kind"] for e in events.read(hub.depository.root)]


@pytest.mark.parametrize(("options", "message"), [
    ({"object_id": "nosuchobj9"}, "--object: no object nosuchobj9"),
    ({"object_id": "Not An Id"}, "--object: 'Not An Id' is not an id"),
    ({"version": 3}, "--version: object .* has versions 1 to 1; there is no version 3"),
    ({"partner_id": "nobody"}, "--partner: unknown partner 'nobody'"),
    ({"record": "oai:p1:2", "object_id": None}, "record .*p1:oai:p1:2 has no copy deposited by partner p1"),
])
def test_what_does_not_exist_is_refused_plainly(hub, tmp_path, options, message) -> None:  # type: ignore[no-untyped-def]
    receipt = hub.deposit([hub.pdf()])
    options = {"object_id": receipt.object_id, **options}
    with pytest.raises(RestoreRefused, match=message):
        restored(hub, tmp_path / "out" / "bag", **options)
    assert not (tmp_path / "out").exists()


def test_an_existing_destination_is_refused_untouched(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    receipt = hub.deposit([hub.pdf()])
    dest = tmp_path / "bag"
    dest.mkdir()
    (dest / "mine.txt").write_text("keep me")
    with pytest.raises(RestoreRefused, match="DEST: .* already exists"):
        restored(hub, dest, object_id=receipt.object_id)
    assert [p.name for p in dest.iterdir()] == ["mine.txt"]


def test_a_record_with_two_copies_asks_for_the_object(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    one = hub.deposit([hub.pdf("a.pdf", seed=1)])
    two = hub.deposit([hub.pdf("b.pdf", seed=2)], access="read-only")
    assert one.object_id != two.object_id
    with pytest.raises(RestoreRefused, match="has 2 copies: .*; name one with --object") as refusal:
        restored(hub, tmp_path / "bag", record=hub.records[1])
    assert f"{one.object_id} (open, version 1)" in refusal.value.reason
    assert f"{two.object_id} (read-only, version 1)" in refusal.value.reason
    assert not (tmp_path / "bag").exists()
    assert restored(hub, tmp_path / "bag", object_id=two.object_id).files[0].name == "b.pdf"


def test_a_restored_bag_deposited_again_is_already_there(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pages = generated.jpeg_pages(hub.folder / "pages", pages=3)
    receipt = hub.deposit(pages, access="read-only")
    restored(hub, tmp_path / "bag", object_id=receipt.object_id)
    deposits = [e for e in events.read(hub.depository.root) if e["kind"] == "deposit"]
    with opened_bag(tmp_path / "bag", tmp_path / "work", LIMIT) as bag:
        again = deposit(hub.store, hub.depository, DepositRequest(
            partner_id=bag.partner, files=[IncomingFile(f.name, f.path, f.digests) for f in bag.files],
            consent=IncomingFile(bag.consent.name.rsplit("/", 1)[-1], bag.consent.path, bag.consent.digests),
            access=bag.access, record=bag.record, rights_holder=bag.rights_holder, copyright=bag.copyright,
            licence=bag.licence, by=bag.deposited_by or "tester", source="bag"), QualityThresholds())
    assert (again.object_id, again.version, again.unchanged) == (receipt.object_id, 1, True)
    assert [f["sha512"] for f in again.files] == [f["sha512"] for f in receipt.files]
    assert [e for e in events.read(hub.depository.root) if e["kind"] == "deposit"] == deposits


def test_the_restore_is_logged_and_the_log_anchored(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    receipt = hub.deposit([hub.pdf()])
    restored(hub, tmp_path / "bag", object_id=receipt.object_id)
    entry = list(events.read(hub.depository.root))[-1]
    assert {k: entry[k] for k in ("kind", "object", "version", "partner", "record", "files", "dest", "by")} == {
        "kind": "restore", "object": receipt.object_id, "version": 1, "partner": "p1", "record": receipt.record,
        "files": 1, "dest": str((tmp_path / "bag").resolve()), "by": "tester"}
    with hub.store.reading() as session:
        anchor = remembered_head(session)
    assert anchor is not None and anchor.seq == entry["seq"]
    assert events.verify(hub.depository.root, anchor) == []


def test_a_copy_damaged_in_storage_is_never_handed_over(damaged_hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub = damaged_hub
    receipt = hub.deposit([hub.pdf()])
    urn = f"urn:kazneb:object:{receipt.object_id}"
    stored = hub.depository.file_path(urn, hub.depository.logical_files(urn)["files/book.pdf"])
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one bit flipped: same size, different bytes
    stored.chmod(0o644)
    stored.write_bytes(bytes(data))
    with pytest.raises(BagWriteError, match="book.pdf: the SHA-512 written .* is not the one deposited"):
        restored(hub, tmp_path / "out" / "bag", object_id=receipt.object_id)
    assert list((tmp_path / "out").iterdir()) == []
    assert "restore" not in [e["kind"] for e in events.read(hub.depository.root)]


# --- the command -------------------------------------------------------------------------------


def test_the_command_restores_and_says_what_it_wrote(hub, kazneb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    receipt = hub.deposit([hub.pdf(pages=2)])
    result = kazneb("restore", "--partner", "p1", "--object", receipt.object_id, str(tmp_path / "bag"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"restored object {receipt.object_id} version 1 of 1 (partner p1, record "
                               f"{hub.records[1]}) to ")
    assert f"  data/book.pdf  2 pages  {receipt.files[0]['size']} bytes  sha512:{receipt.files[0]['sha512']}" in lines
    assert any(line.startswith("  data/consent/consent.pdf") for line in lines)
    bagit.Bag(str(tmp_path / "bag")).validate()
    by_record = kazneb("restore", "--partner", "p1", "--record", hub.records[1], "--by", "operator",
                       str(tmp_path / "bag2"))
    assert by_record.exit_code == 0, by_record.output
    assert list(events.read(hub.depository.root))[-1]["by"] == "operator"


def test_the_command_exit_statuses(hub, kazneb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    receipt = hub.deposit([hub.pdf()])
    add_records(hub.store, "p2", range(1))
    theirs = kazneb("restore", "--partner", "p2", "--object", receipt.object_id, str(tmp_path / "bag"))
    assert theirs.exit_code == 1 and "refused: --object: object" in theirs.output
    no_version = kazneb("restore", "--partner", "p1", "--object", receipt.object_id, "--version", "2",
                        str(tmp_path / "bag"))
    assert no_version.exit_code == 1 and "there is no version 2" in no_version.output
    both = kazneb("restore", "--partner", "p1", "--object", receipt.object_id, "--record", "oai:p1:1",
                  str(tmp_path / "bag"))
    neither = kazneb("restore", "--partner", "p1", str(tmp_path / "bag"))
    assert both.exit_code == neither.exit_code == 2 and "--object or with --record" in neither.output
    (tmp_path / "taken").mkdir()
    taken = kazneb("restore", "--partner", "p1", "--object", receipt.object_id, str(tmp_path / "taken"))
    assert taken.exit_code == 1 and "already exists" in taken.output
    assert not (tmp_path / "bag").exists()
