"""The depository's commands as an operator and a partner librarian run them: output and exit status."""

from __future__ import annotations

import zipfile
from pathlib import Path

import bagit

from objects import events, generated
from objects.bags import PROFILE_IDENTIFIER


def make_bag(hub, folder: Path, record: str, access: str = "open", md5: bool = True) -> Path:  # type: ignore[no-untyped-def]
    """A KazNEB deposit bag as a partner makes it with bagit: three JPEG pages and the consent."""
    generated.jpeg_pages(folder, pages=3, dpi=300)
    (folder / "consent").mkdir()
    (folder / "consent" / "letter.pdf").write_bytes(hub.consent.read_bytes())
    bagit.make_bag(str(folder), {"BagIt-Profile-Identifier": PROFILE_IDENTIFIER, "KazNEB-Partner": "p1",
                                 "KazNEB-Record": record, "KazNEB-Access-Level": access,
                                 "KazNEB-Copyright-Status": "public-domain"},
                   checksums=["sha512", "md5"] if md5 else ["sha256"])
    return folder


def test_agreements_are_added_listed_and_terminated(store, kazneb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.oai_helpers import add_records

    add_records(store, "p2", range(1))
    scan = generated.pdf(tmp_path / "scan.pdf", pages=1, dpi=200)
    listed = kazneb("agreement", "list")
    assert listed.exit_code == 0 and "no agreements on record" in listed.output
    added = kazneb("agreement", "add", "--partner", "p2", "--number", "№ 7/2021", "--signed", "2021-03-01",
                   "--levels", "open,read-only", "--file", str(scan))
    assert added.exit_code == 0, added.output
    assert "agreement p2-7-2021: partner p2, number № 7/2021, signed 2021-03-01, levels open, read-only" in added.output
    line = kazneb("agreement", "list").output
    assert "in force  term 2026-03-01..2031-03-01" in line and "notice between 2030-12-01 and 2031-03-01" in line
    again = kazneb("agreement", "add", "--partner", "p2", "--number", "8", "--signed", "2022-01-01",
                   "--levels", "open", "--file", str(scan))
    assert again.exit_code == 1 and "already has agreement № 7/2021 in force" in again.output
    bad = kazneb("agreement", "add", "--partner", "p2", "--number", "9", "--signed", "2022-01-01",
                 "--levels", "open,everything", "--file", str(scan))
    assert bad.exit_code == 1 and "refused: --levels" in bad.output
    ended = kazneb("agreement", "terminate", "--partner", "p2", "--notice", "2026-01-10")
    assert ended.exit_code == 0 and "it ends on 2026-03-01 (already ended)" in ended.output
    assert "terminated" in kazneb("agreement", "list").output
    twice = kazneb("agreement", "terminate", "--partner", "p2", "--notice", "2026-01-11")
    assert twice.exit_code == 1 and "already has a notice of 2026-01-10 on record" in twice.output


def test_an_agreement_in_its_last_three_months_is_flagged(store, kazneb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from objects.terms import add_months
    from tests.oai_helpers import add_records

    add_records(store, "p3", range(1))
    today = datetime.now(UTC).date()
    signed = add_months(today, 1 - 60)  # the term ends in a month
    scan = generated.pdf(tmp_path / "scan.pdf", pages=1, dpi=200)
    assert kazneb("agreement", "add", "--partner", "p3", "--number", "1", "--signed", signed.isoformat(),
                  "--levels", "open", "--file", str(scan)).exit_code == 0
    assert "IN ITS LAST THREE MONTHS" in kazneb("agreement", "list").output


def test_deposit_prints_a_receipt_and_a_refusal_exits_1(hub, kazneb) -> None:  # type: ignore[no-untyped-def]
    book = hub.pdf(pages=3)
    done = kazneb("deposit", "--partner", "p1", "--record", "oai:p1:1", "--access", "read-only",
                  "--consent", str(hub.consent), "--by", "Librarian", str(book))
    assert done.exit_code == 0, done.output
    object_id = done.output.split()[1]
    assert "version 1 (partner p1, record p1:oai:p1:1, read-only)" in done.output
    assert "book.pdf  application/pdf  3 pages" in done.output
    refused = kazneb("deposit", "--partner", "p1", "--record", "oai:p1:1", "--access", "open", str(book))
    assert refused.exit_code == 1 and "refused: --consent" in refused.output
    listing = kazneb("objects", "list", "--partner", "p1").output
    assert f"{object_id}  p1  oai:kazneb.kz:p1:oai:p1:1  read-only  v1  1 file(s)  3 page(s)" in listing
    shown = kazneb("objects", "show", object_id).output
    assert "by Librarian" in shown and "payload  files/book.pdf" in shown and "consent  consent/consent.pdf" in shown
    assert kazneb("objects", "show", "nosuchobj").exit_code == 1


def test_a_bag_and_a_delivery_of_bags_one_line_each(hub, kazneb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    delivery = tmp_path / "flash-drive"
    delivery.mkdir()
    good = make_bag(hub, delivery / "bag1", "oai:p1:0")
    zipped = make_bag(hub, tmp_path / "bag2", "oai:kazneb.kz:p1:oai:p1:2", access="preview-24", md5=False)
    with zipfile.ZipFile(delivery / "bag2.zip", "w") as archive:
        for path in sorted(zipped.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(zipped.parent).as_posix())
    broken = make_bag(hub, delivery / "bag3", "oai:p1:1")
    letter = broken / "data" / "consent" / "letter.pdf"
    changed = bytearray(letter.read_bytes())
    changed[-20] ^= 0xFF  # the same size (Payload-Oxum holds), other bytes
    letter.write_bytes(bytes(changed))
    single = kazneb("deposit", "--bag", str(good))
    assert single.exit_code == 0 and "bag1: object" in single.output and "3 file(s), 3 page(s), open" in single.output
    result = kazneb("deposit", "--bags", str(delivery))
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1, result.output
    assert lines[0].startswith("bag1: object") and "already deposited" in lines[0]
    assert lines[1].startswith("bag2.zip: object") and "preview-24" in lines[1]
    assert lines[2].startswith("bag3: refused: letter.pdf: ") and "checksum mismatch" in lines[2], lines[2]
    # bag2's record took its copy's level: the index follows it (the first deposit indexed the others)
    assert lines[3:] == ["search index: 1 indexed, 0 removed"]
    foreign = kazneb("deposit", "--partner", "p2", "--bag", str(good))
    assert foreign.exit_code == 1 and "bag1: refused: is partner p1's (KazNEB-Partner), not p2's" in foreign.output
    valid = kazneb("objects", "validate")
    assert valid.exit_code == 0 and "0 error(s), 0 warning(s)" in valid.output


def test_events_verify_finds_a_changed_entry(hub, kazneb) -> None:  # type: ignore[no-untyped-def]
    hub.deposit([hub.pdf()])
    intact = kazneb("events", "verify")
    assert intact.exit_code == 0 and "chain intact" in intact.output
    log = events.log_path(hub.depository.root)
    log.write_text(log.read_text(encoding="utf-8").replace('"access":"open"', '"access":"read-only"'),
                   encoding="utf-8")
    tampered = kazneb("events", "verify")
    assert tampered.exit_code == 1 and "was changed after it was written" in tampered.output
    assert '"kind": "deposit"' in kazneb("events", "list", "--kind", "deposit").output
