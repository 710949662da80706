"""Deposit bags in and out: real bags made with the ``bagit`` library (broken ones by hand) in tmp_path.

Each refusal the issue lists has its own test, and each asserts that the message names the
bag (and the file at fault) and that nothing is left in the work folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import unicodedata
import zipfile
from pathlib import Path

import bagit
import bagit_profile
import pytest

from crosswalks.model import ACCESS_LEVELS
from objects import bagzip
from objects.bags import (
    PROFILE_IDENTIFIER,
    PROFILE_PATH,
    BagWriteError,
    OpenedBag,
    bags_in,
    info_tags,
    opened_bag,
    write_bag,
)
from objects.errors import DepositRefused

LIMIT = 10 * 1024 * 1024
INFO = {
    "BagIt-Profile-Identifier": PROFILE_IDENTIFIER,
    "KazNEB-Partner": "nabrk",
    "KazNEB-Record": "oai:kazneb.kz:nabrk:000123",
    "KazNEB-Access-Level": "preview-24",
    "KazNEB-Copyright-Status": "in-copyright",
    "KazNEB-Rights-Holder": "«Фолиант» баспасы",
    "KazNEB-Deposited-By": "Ә. Сәрсенбаева",
}
PAGES = {"p1.tif": b"page one", "p2.tif": b"page two", "p10.tif": b"page ten"}


def make_bag(where: Path, name: str = "bag1", pages: dict[str, bytes] | None = None,
             consent: dict[str, bytes] | None = None, info: dict[str, str] | None = None,
             checksums: tuple[str, ...] = ("sha512",)) -> Path:
    """A bag made the way a partner would, with ``bagit.make_bag``."""
    folder = where / name
    consent = {"letter.pdf": b"%PDF consent"} if consent is None else consent
    files = {**(PAGES if pages is None else pages), **{f"consent/{n}": c for n, c in consent.items()}}
    for relative, content in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(content)
    folder.mkdir(parents=True, exist_ok=True)
    bagit.make_bag(str(folder), dict(INFO if info is None else info), checksums=list(checksums))
    return folder


def retag(bag: Path) -> None:
    """Recompute the tag manifests after a test edited a tag file, so only the intended fault remains."""
    for manifest in bag.glob("tagmanifest-*.txt"):
        algorithm = manifest.name[len("tagmanifest-"):-len(".txt")]
        names = [line.split(None, 1)[1] for line in manifest.read_text().splitlines() if line.strip()]
        manifest.write_text("".join(f"{hashlib.new(algorithm, (bag / n).read_bytes()).hexdigest()} {n}\n"
                                    for n in names if (bag / n).exists()))


def edit_info(bag: Path, **changes: str | None) -> Path:
    """Set (or, with None, remove) bag-info tags; tag names are given with '_' for '-'."""
    lines = (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    for key, value in changes.items():
        tag = key.replace("_", "-")
        lines = [line for line in lines if not line.startswith(f"{tag}:")]
        if value is not None:
            lines.append(f"{tag}: {value}")
    (bag / "bag-info.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    retag(bag)
    return bag


def zip_bag(bag: Path, archive: Path, top_folder: bool = True) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(bag.rglob("*")):
            if path.is_file():
                inside = path.relative_to(bag.parent if top_folder else bag)
                out.write(path, inside.as_posix())
    return archive


def refusal(path: Path, workdir: Path, limit: int = LIMIT) -> DepositRefused:
    """The refusal opening ``path`` raises; the work folder must be left empty."""
    with pytest.raises(DepositRefused) as caught:
        with opened_bag(path, workdir, limit):
            pass
    assert not workdir.exists() or list(workdir.iterdir()) == []
    return caught.value


def sha(path: Path, algorithm: str = "sha512") -> str:
    return hashlib.new(algorithm, path.read_bytes()).hexdigest()


# --- good bags -------------------------------------------------------------------------------


def test_a_good_folder_bag_opens_with_its_fields(tmp_path):
    bag = make_bag(tmp_path)
    with opened_bag(bag, tmp_path / "work", LIMIT) as opened:
        assert opened.source == bag
        assert [f.name for f in opened.files] == ["p1.tif", "p2.tif", "p10.tif"]
        assert [f.path for f in opened.files] == [bag / "data" / n for n in ("p1.tif", "p2.tif", "p10.tif")]
        assert opened.consent.name == "consent/letter.pdf"
        assert opened.consent.path.read_bytes() == b"%PDF consent"
        assert (opened.partner, opened.record, opened.access) == ("nabrk", "oai:kazneb.kz:nabrk:000123", "preview-24")
        assert (opened.copyright, opened.rights_holder, opened.licence) == ("in-copyright", "«Фолиант» баспасы", None)
        assert opened.deposited_by == "Ә. Сәрсенбаева"


@pytest.mark.parametrize("top_folder", [True, False], ids=["in-its-folder", "at-the-top"])
def test_a_good_zip_bag_opens_and_its_unpacked_folder_is_removed_on_exit(tmp_path, top_folder):
    archive = zip_bag(make_bag(tmp_path), tmp_path / "bag1.zip", top_folder)
    add_entry(archive, "__MACOSX/bag1/data/._p1.tif")  # Finder's resource forks are not part of the bag
    workdir = tmp_path / "work"
    with opened_bag(archive, workdir, LIMIT) as opened:
        assert opened.source == archive
        assert [f.name for f in opened.files] == ["p1.tif", "p2.tif", "p10.tif"]
        assert all(f.path.is_relative_to(workdir) and f.path.is_file() for f in opened.files)
        assert opened.record == "oai:kazneb.kz:nabrk:000123"
    assert list(workdir.iterdir()) == []


def test_digests_come_from_the_manifests_for_every_algorithm_given(tmp_path):
    bag = make_bag(tmp_path, checksums=("md5", "sha1", "sha256", "sha512"))
    with opened_bag(bag, tmp_path / "work", LIMIT) as opened:
        for file in [*opened.files, opened.consent]:
            assert file.digests == {a: sha(file.path, a) for a in ("md5", "sha1", "sha256", "sha512")}


def test_opening_hashes_no_payload_file_the_pipeline_compares_the_manifest_digest(tmp_path):
    """A payload file changed after bagging (same size) still opens: its digest is the manifest's,
    which the deposit pipeline's one streaming pass then finds mismatched."""
    bag = make_bag(tmp_path)
    (bag / "data" / "p2.tif").write_bytes(b"page 2!!")
    with opened_bag(bag, tmp_path / "work", LIMIT) as opened:
        p2 = next(f for f in opened.files if f.name == "p2.tif")
        assert p2.digests["sha512"] == hashlib.sha512(b"page two").hexdigest() != sha(p2.path)


def test_pages_follow_file_names_in_natural_order(tmp_path):
    pages = {"scan-10.jpg": b"10", "Scan-9.jpg": b"9", "scan-100.jpg": b"100", "scan-1.jpg": b"1",
             "vol2/p1.jpg": b"v2", "vol10/p1.jpg": b"v10"}
    bag = make_bag(tmp_path, pages=pages)
    with opened_bag(bag, tmp_path / "work", LIMIT) as opened:
        assert [f.name for f in opened.files] == ["scan-1.jpg", "Scan-9.jpg", "scan-10.jpg", "scan-100.jpg",
                                                  "vol2/p1.jpg", "vol10/p1.jpg"]


def test_pages_follow_the_manifest_when_the_bag_says_so(tmp_path):
    bag = make_bag(tmp_path, pages={"cover.jpg": b"c", "a.jpg": b"a", "z.jpg": b"z"}, checksums=("md5", "sha512"))
    order = ["data/z.jpg", "data/cover.jpg", "data/consent/letter.pdf", "data/a.jpg"]
    for algorithm in ("md5", "sha512"):
        manifest = bag / f"manifest-{algorithm}.txt"
        lines = {line.split()[1]: line for line in manifest.read_text().splitlines()}
        manifest.write_text("".join(lines[name] + "\n" for name in (order if algorithm == "sha512" else sorted(lines))))
    edit_info(bag, KazNEB_Page_Order="manifest")
    with opened_bag(bag, tmp_path / "work", LIMIT) as opened:
        assert [f.name for f in opened.files] == ["z.jpg", "cover.jpg", "a.jpg"]


# --- refusals: not a bag, invalid bag ---------------------------------------------------------


def test_a_folder_without_bagit_txt_is_not_a_bag(tmp_path):
    bag = make_bag(tmp_path)
    (bag / "bagit.txt").unlink()
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1" and "no bagit.txt" in error.reason


def test_a_bag_without_a_payload_manifest_is_refused(tmp_path):
    bag = make_bag(tmp_path)
    (bag / "manifest-sha512.txt").unlink()
    retag(bag)
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1" and "no payload manifest" in error.reason


def test_a_file_of_the_manifest_missing_from_the_payload_is_named(tmp_path):
    bag = make_bag(tmp_path)
    (bag / "data" / "p2.tif").unlink()
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1: data/p2.tif" and "missing" in error.reason


def test_a_payload_file_in_no_manifest_is_named(tmp_path):
    bag = make_bag(tmp_path)
    (bag / "data" / "p3.tif").write_bytes(b"page three")
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1: data/p3.tif" and error.reason == "not listed in any manifest"


def test_a_tag_file_that_differs_from_the_tag_manifest_is_a_checksum_mismatch(tmp_path):
    bag = make_bag(tmp_path)
    info = bag / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("preview-24", "open"), encoding="utf-8")
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1: bag-info.txt" and "checksum mismatch" in error.reason


def test_a_payload_manifest_that_misses_a_file_another_lists_is_refused(tmp_path):
    bag = make_bag(tmp_path, checksums=("md5", "sha512"))
    manifest = bag / "manifest-md5.txt"
    manifest.write_text("".join(line + "\n" for line in manifest.read_text().splitlines() if "p2.tif" not in line))
    retag(bag)
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1: data/p2.tif" and "manifest-md5.txt" in error.reason


def test_a_manifest_algorithm_outside_the_profile_is_refused(tmp_path):
    bag = make_bag(tmp_path, checksums=("sha384",))
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1: manifest-sha384.txt" and "not accepted" in error.reason


def test_fetch_txt_is_refused(tmp_path):
    bag = make_bag(tmp_path)
    (bag / "fetch.txt").write_text("https://example.org/p4.tif 4 data/p4.tif\n")
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1: fetch.txt"


def test_a_path_that_is_neither_a_folder_nor_a_zip_is_refused(tmp_path):
    (tmp_path / "copy.pdf").write_bytes(b"%PDF")
    assert "neither a bag folder nor a .zip" in refusal(tmp_path / "copy.pdf", tmp_path / "work").reason
    assert refusal(tmp_path / "absent", tmp_path / "work").subject == "absent"


def test_a_zip_that_is_not_a_zip_is_refused(tmp_path):
    (tmp_path / "bag1.zip").write_bytes(b"not a zip at all")
    error = refusal(tmp_path / "bag1.zip", tmp_path / "work")
    assert error.subject == "bag1.zip" and "not a readable zip" in error.reason


# --- refusals: the profile -------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "words"), [
    ({"KazNEB_Record": None}, "KazNEB-Record is missing"),
    ({"KazNEB_Partner": ""}, "KazNEB-Partner is missing or empty"),
    ({"KazNEB_Access_Level": "secret"}, "KazNEB-Access-Level 'secret' is not one of open, read-only, preview-24"),
    ({"KazNEB_Copyright_Status": "orphan"}, "KazNEB-Copyright-Status 'orphan' is not one of"),
    ({"KazNEB_Copyright_Status": "in-copyright-licensed"}, "KazNEB-Licence-URI is required"),
    ({"KazNEB_Copyright_Status": "in-copyright-licensed", "KazNEB_Licence_URI": "CC BY 4.0"}, "not an http or https"),
    ({"KazNEB_Rights_Holder": None}, "KazNEB-Rights-Holder is required when KazNEB-Copyright-Status is in-copyright"),
    ({"KazNEB_Page_Order": "date"}, "KazNEB-Page-Order 'date' is not one of name, manifest"),
    ({"BagIt_Profile_Identifier": None}, f"BagIt-Profile-Identifier must be {PROFILE_IDENTIFIER}"),
], ids=["no-record", "empty-partner", "access", "copyright", "no-licence", "licence-not-uri", "no-holder",
        "page-order", "no-profile"])
def test_bag_info_that_breaks_the_profile_is_refused_naming_the_tag(tmp_path, changes, words):
    bag = edit_info(make_bag(tmp_path), **changes)
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1: bag-info.txt" and words in error.reason


@pytest.mark.parametrize("label", ["KazNEB-Record", "Kazneb-Record"])
def test_a_tag_given_twice_is_refused_whatever_the_case_of_its_label(tmp_path, label):
    bag = make_bag(tmp_path)
    with (bag / "bag-info.txt").open("a", encoding="utf-8") as info:
        info.write(f"{label}: 978-601-7000-00-0\n")
    retag(bag)
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1: bag-info.txt" and "KazNEB-Record is given 2 times" in error.reason


def test_labels_match_whatever_their_case_as_the_bagit_command_writes_them(tmp_path):
    """``bagit.py --bagit-profile-identifier`` writes ``Bagit-Profile-Identifier``."""
    bag = edit_info(make_bag(tmp_path), BagIt_Profile_Identifier=None, KazNEB_Access_Level=None,
                    Bagit_Profile_Identifier=PROFILE_IDENTIFIER, kazneb_access_level="open")
    with opened_bag(bag, tmp_path / "work", LIMIT) as opened:
        assert opened.access == "open"


def test_a_licensed_copy_with_its_licence_and_a_public_domain_copy_without_holder_open(tmp_path):
    licensed = edit_info(make_bag(tmp_path, "licensed"), KazNEB_Copyright_Status="in-copyright-licensed",
                         KazNEB_Licence_URI="https://creativecommons.org/licenses/by/4.0/")
    free = edit_info(make_bag(tmp_path, "free"), KazNEB_Copyright_Status="public-domain", KazNEB_Rights_Holder=None,
                     KazNEB_Deposited_By=None)
    with opened_bag(licensed, tmp_path / "work", LIMIT) as opened:
        assert opened.licence == "https://creativecommons.org/licenses/by/4.0/"
    with opened_bag(free, tmp_path / "work", LIMIT) as opened:
        assert (opened.copyright, opened.rights_holder, opened.deposited_by) == ("public-domain", None, None)


# --- refusals: consent, empty payload --------------------------------------------------------


def test_a_bag_without_consent_is_refused(tmp_path):
    error = refusal(make_bag(tmp_path, consent={}), tmp_path / "work")
    assert error.subject == "bag1" and "has 0 files in data/consent/" in error.reason


def test_a_bag_with_two_consent_files_is_refused(tmp_path):
    bag = make_bag(tmp_path, consent={"letter.pdf": b"1", "contract.pdf": b"2"})
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1" and "has 2 files in data/consent/" in error.reason


def test_a_bag_with_only_its_consent_holds_no_copy(tmp_path):
    error = refusal(make_bag(tmp_path, pages={}), tmp_path / "work")
    assert error.subject == "bag1" and "holds no copy" in error.reason


# --- refusals: paths, links, names -----------------------------------------------------------


@pytest.mark.parametrize("path", ["../outside.txt", "data/../../outside.txt", "/etc/hostname", "~/outside.txt"])
def test_a_manifest_path_that_leaves_the_bag_is_refused_before_bagit_reads_it(tmp_path, path):
    bag = make_bag(tmp_path)
    (tmp_path / "outside.txt").write_text("secret")
    with (bag / "manifest-sha512.txt").open("a") as manifest:
        manifest.write(f"{'0' * 128}  {path}\n")
    retag(bag)
    error = refusal(bag, tmp_path / "work")
    assert error.subject == f"bag1: manifest-sha512.txt: {path}" and "leaves the bag" in error.reason


def test_a_symbolic_link_in_a_bag_folder_is_refused(tmp_path):
    bag = make_bag(tmp_path)
    (tmp_path / "elsewhere.tif").write_bytes(b"page two")
    (bag / "data" / "p2.tif").unlink()
    (bag / "data" / "p2.tif").symlink_to(tmp_path / "elsewhere.tif")
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1: data/p2.tif" and "symbolic link" in error.reason


def test_a_linked_folder_in_a_bag_is_refused(tmp_path):
    bag = make_bag(tmp_path)
    (bag / "data" / "more").symlink_to(tmp_path, target_is_directory=True)
    error = refusal(bag, tmp_path / "work")
    assert error.subject == "bag1: data/more" and "symbolic link" in error.reason


def test_two_payload_names_equal_after_unicode_normalisation_are_refused(tmp_path):
    composed, decomposed = unicodedata.normalize("NFC", "Абай.tif"), unicodedata.normalize("NFD", "Абай.tif")
    assert composed != decomposed
    bag = make_bag(tmp_path, pages={composed: b"one", decomposed: b"two"})
    error = refusal(bag, tmp_path / "work")
    assert error.subject.startswith("bag1: data/") and "Unicode normalisation" in error.reason


def test_two_payload_names_that_differ_only_in_case_are_refused(tmp_path):
    bag = make_bag(tmp_path, pages={"Page1.tif": b"one", "page1.tif": b"two"})
    error = refusal(bag, tmp_path / "work")
    assert error.subject in ("bag1: data/Page1.tif", "bag1: data/page1.tif") and "only in letter case" in error.reason


def test_a_decomposed_name_on_disk_matches_its_composed_manifest_line(tmp_path):
    """macOS stores names decomposed: the same file listed composed is one file, not two."""
    composed = unicodedata.normalize("NFC", "Жайық-1.tif")
    bag = make_bag(tmp_path, pages={composed: b"one"})
    (bag / "data" / composed).rename(bag / "data" / unicodedata.normalize("NFD", composed))
    with opened_bag(bag, tmp_path / "work", LIMIT) as opened:
        assert [f.name for f in opened.files] == [composed]
        assert opened.files[0].path.read_bytes() == b"one"


# --- refusals: zips --------------------------------------------------------------------------


def add_entry(archive: Path, name: str, content: bytes = b"x", mode: int | None = None) -> None:
    entry = zipfile.ZipInfo(name)
    if mode is not None:
        entry.create_system = 3
        entry.external_attr = mode << 16
    with zipfile.ZipFile(archive, "a") as out:
        out.writestr(entry, content)


@pytest.mark.parametrize("name", ["../evil.txt", "bag1/data/../../../evil.txt", "/tmp/evil.txt", "..\\evil.txt"])
def test_a_zip_entry_that_leaves_the_folder_is_refused_and_nothing_is_written(tmp_path, name):
    archive = zip_bag(make_bag(tmp_path), tmp_path / "bag1.zip")
    add_entry(archive, name)
    workdir = tmp_path / "deep" / "work"
    error = refusal(archive, workdir)
    assert error.subject.startswith("bag1.zip: ") and "leaves the bag" in error.reason
    assert not list(tmp_path.rglob("evil.txt"))


def test_a_symbolic_link_in_a_zip_is_refused(tmp_path):
    archive = zip_bag(make_bag(tmp_path), tmp_path / "bag1.zip")
    add_entry(archive, "bag1/data/p4.tif", b"/etc/passwd", mode=stat.S_IFLNK | 0o777)
    error = refusal(archive, tmp_path / "work")
    assert error.subject == "bag1.zip: bag1/data/p4.tif" and "symbolic link" in error.reason


def test_a_zip_that_declares_more_than_the_limit_is_refused_before_unpacking(tmp_path):
    archive = zip_bag(make_bag(tmp_path, pages={"big.tif": b"\0" * 200_000}), tmp_path / "bag1.zip")
    assert archive.stat().st_size < 100_000
    error = refusal(archive, tmp_path / "work", limit=100_000)
    assert error.subject == "bag1.zip" and "objects.max_unzipped_mb" in error.reason


def test_bytes_written_are_counted_against_the_limit_whatever_the_directory_says(tmp_path):
    """Python's zipfile stops at the declared size, so the count is a second guard: checked on its own."""
    archive = zip_bag(make_bag(tmp_path, pages={"big.tif": b"\0" * 200_000}), tmp_path / "bag1.zip")
    (tmp_path / "out").mkdir()
    with zipfile.ZipFile(archive) as opened, pytest.raises(DepositRefused) as caught:
        bagzip._extract(opened, opened.infolist(), tmp_path / "out", 100_000, "bag1.zip")
    assert "more than its directory declares" in caught.value.reason


def test_a_zip_holding_two_names_equal_after_normalisation_is_refused(tmp_path):
    archive = zip_bag(make_bag(tmp_path), tmp_path / "bag1.zip")
    add_entry(archive, "bag1/data/" + unicodedata.normalize("NFC", "Абай.tif"))
    add_entry(archive, "bag1/data/" + unicodedata.normalize("NFD", "Абай.tif"))
    error = refusal(archive, tmp_path / "work")
    assert error.subject.startswith("bag1.zip: data/") and "Unicode normalisation" in error.reason


def test_zip_names_without_the_utf8_flag_are_read_as_utf8_or_the_dos_cyrillic_code_page():
    for raw, expected in (("Әліппе.tif".encode(), "Әліппе.tif"), ("Книга.tif".encode("cp866"), "Книга.tif")):
        entry = zipfile.ZipInfo(raw.decode("cp437"))
        assert bagzip._name_of(entry) == expected


# --- a delivery ------------------------------------------------------------------------------


def test_bags_in_a_delivery_are_its_bag_folders_and_zips_in_natural_order(tmp_path):
    delivery = tmp_path / "flash"
    delivery.mkdir()
    for name in ("b1", "b10", "b2"):
        make_bag(delivery, name)
    zip_bag(make_bag(tmp_path, "b3"), delivery / "b3.ZIP")
    (delivery / "._b3.ZIP").write_bytes(b"AppleDouble")
    (delivery / "readme.txt").write_text("hello")
    (delivery / "photos").mkdir()
    (delivery / "b4-broken" / "data").mkdir(parents=True)
    assert [p.name for p in bags_in(delivery)] == ["b1", "b2", "b3.ZIP", "b4-broken", "b10"]
    assert bags_in(delivery / "b1") == [delivery / "b1"]


# --- restore: write_bag ----------------------------------------------------------------------


def test_write_bag_round_trip_is_valid_for_bagit_and_the_profile_and_byte_identical(tmp_path):
    sources = tmp_path / "stored"
    sources.mkdir()
    payload = []
    for name, content in (("p2.tif", b"two"), ("p10.tif", b"ten"), ("p1.tif", b"one"), ("Ә/п 1.jpg", b"kaz")):
        (sources / name.replace("/", "_")).write_bytes(content)
        payload.append((name, sources / name.replace("/", "_")))
    (sources / "consent.pdf").write_bytes(b"%PDF consent")
    info = info_tags(partner="nabrk", record="978-601-7000-00-0", access="open", copyright="in-copyright-licensed",
                     rights_holder="Автор", licence="https://creativecommons.org/licenses/by/4.0/")

    deposited = {name: sha(source) for name, source in payload} | {"letter.pdf": sha(sources / "consent.pdf")}
    bag = write_bag(tmp_path / "restored" / "bag1", payload, ("consent/letter.pdf", sources / "consent.pdf"), info,
                    algorithms=("sha512", "md5"), expected=deposited)

    assert bagit.Bag(str(bag)).validate()
    profile = bagit_profile.Profile(PROFILE_IDENTIFIER, profile=PROFILE_PATH.read_text(encoding="utf-8"))
    assert profile.validate(bagit.Bag(str(bag))), profile.report
    for name, source in payload:
        assert sha(bag / "data" / name) == sha(source)
    assert (bag / "data" / "consent" / "letter.pdf").read_bytes() == b"%PDF consent"
    assert [p.name for p in (tmp_path / "restored").iterdir()] == ["bag1"]

    with opened_bag(bag, tmp_path / "work", LIMIT) as opened:
        assert [f.name for f in opened.files] == [name for name, _ in payload]
        assert all(f.digests["sha512"] == sha(source) for f, (_, source) in zip(opened.files, payload, strict=True))
        assert opened.consent.name == "consent/letter.pdf"
        assert (opened.partner, opened.record, opened.access, opened.copyright, opened.rights_holder, opened.licence) \
            == ("nabrk", "978-601-7000-00-0", "open", "in-copyright-licensed", "Автор",
                "https://creativecommons.org/licenses/by/4.0/")


def test_a_deposited_bag_restored_opens_with_the_same_info(tmp_path):
    original = make_bag(tmp_path)
    with opened_bag(original, tmp_path / "work", LIMIT) as first:
        info = info_tags(first.partner, first.record, first.access, first.copyright, first.rights_holder,
                         first.licence, first.deposited_by)
        restored = write_bag(tmp_path / "restored", [(f.name, f.path) for f in first.files],
                             (first.consent.name, first.consent.path), info)
    with opened_bag(restored, tmp_path / "work", LIMIT) as again:
        def fields(bag: OpenedBag) -> tuple:
            return (bag.partner, bag.record, bag.access, bag.rights_holder, bag.copyright, bag.licence,
                    bag.deposited_by, [f.name for f in bag.files], bag.consent.name,
                    [f.digests["sha512"] for f in bag.files])
        assert fields(again) == fields(first)


def test_write_bag_refuses_a_copy_that_is_not_the_one_deposited(tmp_path):
    (tmp_path / "page.tif").write_bytes(b"rotted")
    info = info_tags("nabrk", "r1", "open", "public-domain")
    with pytest.raises(BagWriteError, match="p.tif: the SHA-512 written"):
        write_bag(tmp_path / "out" / "bag", [("p.tif", tmp_path / "page.tif")], ("c.pdf", tmp_path / "page.tif"), info,
                  expected={"p.tif": hashlib.sha512(b"as deposited").hexdigest()})
    assert list((tmp_path / "out").iterdir()) == []


def test_write_bag_refuses_an_existing_destination_and_leaves_nothing_when_invalid(tmp_path):
    (tmp_path / "page.tif").write_bytes(b"p")
    (tmp_path / "out").mkdir()
    with pytest.raises(FileExistsError):
        write_bag(tmp_path / "out", [("p.tif", tmp_path / "page.tif")], ("c.pdf", tmp_path / "page.tif"), {})
    bad = {**info_tags("nabrk", "r1", "open", "public-domain"), "KazNEB-Access-Level": "secret"}
    with pytest.raises(BagWriteError, match="KazNEB-Access-Level 'secret'"):
        write_bag(tmp_path / "out" / "bag", [("p.tif", tmp_path / "page.tif")], ("c.pdf", tmp_path / "page.tif"), bad)
    with pytest.raises(BagWriteError, match="cannot be a payload name"):
        write_bag(tmp_path / "out" / "bag", [("../p.tif", tmp_path / "page.tif")], ("c.pdf", tmp_path / "page.tif"),
                  info_tags("nabrk", "r1", "open", "public-domain"))
    assert list((tmp_path / "out").iterdir()) == []


# --- the profile file ------------------------------------------------------------------------


def test_the_profile_file_is_a_valid_bagit_profile_that_accepts_a_good_bag(tmp_path):
    text = PROFILE_PATH.read_text(encoding="utf-8")
    profile = bagit_profile.Profile(PROFILE_IDENTIFIER, profile=text)
    bag = make_bag(tmp_path)
    assert profile.validate_serialization(str(bag))
    assert profile.validate(bagit.Bag(str(bag))), profile.report
    assert profile.validate_serialization(str(zip_bag(bag, tmp_path / "bag1.zip")))
    assert json.loads(text)["BagIt-Profile-Info"]["BagIt-Profile-Identifier"] == PROFILE_IDENTIFIER


def test_the_profile_access_levels_are_the_hubs():
    profile = json.loads(PROFILE_PATH.read_text(encoding="utf-8"))
    assert tuple(profile["Bag-Info"]["KazNEB-Access-Level"]["values"]) == ACCESS_LEVELS


def test_the_profile_is_shipped_inside_a_package():
    assert (PROFILE_PATH.parent / "__init__.py").is_file() and PROFILE_PATH.parent.name == "profiles"
    assert os.fspath(PROFILE_PATH).endswith(os.path.join("objects", "profiles", "kazneb-deposit.json"))
