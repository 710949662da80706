"""BagIt bags in and out: a partner's deposit bag opened and checked, a restored copy written as one.

A deposit bag (RFC 8493, as a folder or a .zip) follows the KazNEB deposit profile
(:mod:`objects.bagprofile`, ``docs/partners/bags.md``): the copy's files under ``data/``, the
rights holder's consent as the one file under ``data/consent/``, and bag-info tags for the
partner, the record, the access level and the rights.  Opening a bag checks its structure and
completeness but hashes no payload file: the deposit pipeline recomputes every digest in one
pass over each file and compares them with the manifests' digests this hands it.

Every refusal is :class:`~objects.errors.DepositRefused` naming the bag (and the file at
fault); a zipped bag is unpacked into a fresh folder that is removed whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import bagit

from objects.bagmanifests import Manifests, check_tag_manifests, read_manifests
from objects.bagprofile import PAGE_ORDER, PROFILE_IDENTIFIER, PROFILE_PATH, PROFILE_TAG, deposit_info, info_tags
from objects.bagwriter import BagWriteError, write_bag_files
from objects.bagzip import unzip_bag
from objects.errors import DepositRefused

__all__ = ["BagFile", "OpenedBag", "BagWriteError", "opened_bag", "bags_in", "write_bag", "info_tags",
           "PROFILE_PATH", "PROFILE_IDENTIFIER"]

CONSENT_FOLDER = "consent/"


@dataclass(frozen=True)
class BagFile:
    """One payload file: its name inside ``data/`` (NFC), where it is on disk, the bag's own digests."""

    name: str
    path: Path
    digests: dict[str, str]


@dataclass(frozen=True)
class OpenedBag:
    """A deposit bag that passed every check but the digests, which the deposit pipeline recomputes."""

    source: Path
    files: list[BagFile]
    consent: BagFile
    partner: str
    record: str
    access: str
    rights_holder: str | None
    copyright: str
    licence: str | None
    deposited_by: str | None


@contextlib.contextmanager
def opened_bag(path: Path, workdir: Path, max_unzipped_bytes: int) -> Iterator[OpenedBag]:
    """The bag at ``path`` (a folder or a .zip), checked; a zip is unpacked under ``workdir`` until exit."""
    subject = path.name
    if path.is_dir():
        yield _opened_folder(path, path, subject)
    elif path.is_file() and path.suffix.lower() == ".zip":
        workdir.mkdir(parents=True, exist_ok=True)
        unpacked = Path(tempfile.mkdtemp(prefix="bag-", dir=workdir))
        try:
            yield _opened_folder(unzip_bag(path, unpacked, max_unzipped_bytes, subject), path, subject)
        finally:
            shutil.rmtree(unpacked, ignore_errors=True)
    elif path.exists():
        raise DepositRefused(subject, "is neither a bag folder nor a .zip file")
    else:
        raise DepositRefused(subject, "no such file or folder")


def bags_in(folder: Path) -> list[Path]:
    """The bags of a delivery (a flash drive): each bag folder or .zip directly in ``folder``, in natural order.

    A folder counts as a bag when it has ``bagit.txt``, ``data/`` or a manifest, so that a bag
    missing its ``bagit.txt`` is reported as refused rather than passed over in silence.  Hidden
    entries (``.Trashes``, macOS's ``._name.zip``) are not bags.
    """
    if (folder / "bagit.txt").is_file():
        return [folder]
    found = [entry for entry in folder.iterdir() if not entry.name.startswith(".") and _looks_like_bag(entry)]
    return sorted(found, key=lambda entry: _natural_key(entry.name))


def write_bag(dest: Path, payload: Sequence[tuple[str, Path]], consent: tuple[str, Path], info: Mapping[str, str],
              algorithms: Sequence[str] = ("sha512",), *, expected: Mapping[str, str] | None = None) -> Path:
    """A new KazNEB bag at ``dest`` (which must not exist) holding copies of these files, validated.

    ``payload`` names are paths inside ``data/`` in page order, which the manifest keeps
    (``KazNEB-Page-Order: manifest`` unless ``info`` says otherwise); the consent file goes
    into ``data/consent/``.  The bag is built beside ``dest`` and moved there only after
    bagit has validated it in full (every digest recomputed) and it has been opened as a
    deposit would be, so a restored bag can be deposited again as it is.  ``expected``
    (name → SHA-512 recorded at deposit) proves the copy byte-identical to what was deposited.
    """
    if dest.exists():
        raise FileExistsError(f"{dest} already exists")
    consent_name = consent[0].removeprefix(CONSENT_FOLDER)
    files = [*payload, (CONSENT_FOLDER + consent_name, consent[1])]
    tags = {PROFILE_TAG: PROFILE_IDENTIFIER, PAGE_ORDER: "manifest", **info}
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        write_bag_files(staging, files, tags, algorithms)
        bagit.Bag(str(staging)).validate()
        _check_expected(_opened_folder(staging, staging, dest.name), expected or {})
        staging.rename(dest)
    except (bagit.BagError, DepositRefused) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BagWriteError(f"the bag written for {dest} is not valid: {exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dest


def _check_expected(bag: OpenedBag, expected: Mapping[str, str]) -> None:
    written = {file.name: file.digests.get("sha512") for file in [*bag.files, bag.consent]}
    for name, digest in expected.items():
        found = written.get(unicodedata.normalize("NFC", name)) or written.get(CONSENT_FOLDER + name)
        if found != digest.lower():
            raise BagWriteError(f"{name}: the SHA-512 written ({found}) is not the one deposited ({digest})")


def _opened_folder(root: Path, source: Path, subject: str) -> OpenedBag:
    """Every check of a bag folder, in the order that lets none be fooled by what it has not yet checked."""
    on_disk = _payload_on_disk(root, subject)
    _check_distinct_names(list(on_disk), subject)
    if (root / "fetch.txt").exists():
        raise DepositRefused(f"{subject}: fetch.txt", "files to fetch are not accepted; every file must be in the bag")
    manifests = read_manifests(root, subject)
    _check_distinct_names(manifests.in_manifest_order(), subject)
    on_disk = {unicodedata.normalize("NFC", name): path for name, path in on_disk.items()}
    _check_complete(on_disk, manifests, subject)
    bag = _validated_bagit(root, subject)
    check_tag_manifests(root, manifests, subject)
    info = deposit_info(bag, source, subject)
    files = [_bag_file(name, on_disk, manifests) for name in _page_order(manifests, info.page_order)]
    consents = [file for file in files if file.name.startswith(CONSENT_FOLDER)]
    pages = [file for file in files if not file.name.startswith(CONSENT_FOLDER)]
    if len(consents) != 1:
        raise DepositRefused(subject, f"has {len(consents)} files in data/consent/; exactly one, the rights "
                             "holder's consent, is required")
    if not pages:
        raise DepositRefused(subject, "holds no copy: data/ has no file outside data/consent/")
    return OpenedBag(source=source, files=pages, consent=consents[0], partner=info.partner, record=info.record,
                     access=info.access, rights_holder=info.rights_holder, copyright=info.copyright,
                     licence=info.licence, deposited_by=info.deposited_by)


def _payload_on_disk(root: Path, subject: str) -> dict[str, Path]:
    """Name inside the bag (``data/p1.tif``) → file; no symbolic link or special file anywhere in the bag."""
    found = {}
    for folder, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = Path(folder, name)
            inside = path.relative_to(root).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                raise DepositRefused(f"{subject}: {inside}", "is a symbolic link; a bag must hold the files themselves")
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise DepositRefused(f"{subject}: {inside}", "is not a regular file or folder")
            if stat.S_ISREG(mode) and inside.startswith("data/"):
                found[inside] = path
    return found


def _check_distinct_names(names: list[str], subject: str) -> None:
    """No two payload names may be one file on another system: equal after NFC, or after case folding.

    Two names equal after Unicode normalisation ("Й" precomposed, or И and a combining breve) are one file on
    macOS; two that differ only in case are one file on Windows and macOS, where a restored
    bag is unpacked.  Both are refused, so every copy comes back as it went in.
    """
    seen: dict[str, str] = {}
    for name in names:
        nfc = unicodedata.normalize("NFC", name)
        key = unicodedata.normalize("NFC", nfc.casefold())
        other = seen.setdefault(key, name)
        if other == name:
            continue
        if unicodedata.normalize("NFC", other) == nfc:
            raise DepositRefused(f"{subject}: {name}", f"equal to {other!r} after Unicode normalisation (NFC); "
                                 "every payload name must be distinct")
        raise DepositRefused(f"{subject}: {name}", f"differs from {other!r} only in letter case; every payload "
                             "name must be distinct regardless of case")


def _check_complete(on_disk: dict[str, Path], manifests: Manifests, subject: str) -> None:
    """Every file listed is there and every file there is listed (bagit checks again, less plainly)."""
    listed = {unicodedata.normalize("NFC", name) for name in manifests.in_manifest_order()}
    for name in sorted(listed - on_disk.keys()):
        raise DepositRefused(f"{subject}: {name}", "listed in the manifest but missing from the bag")
    for name in sorted(on_disk.keys() - listed):
        raise DepositRefused(f"{subject}: {name}", "not listed in any manifest")


def _validated_bagit(root: Path, subject: str) -> bagit.Bag:
    """The bag, after bagit's check of structure, Payload-Oxum and completeness (no payload digest is computed)."""
    try:
        bag = bagit.Bag(str(root))
        bag.validate(completeness_only=True)
    except (bagit.BagError, UnicodeDecodeError) as exc:
        raise DepositRefused(subject, f"is not a valid bag: {exc}") from None
    return bag


def _page_order(manifests: Manifests, order: str) -> list[str]:
    names = manifests.in_manifest_order()
    if order == "manifest":
        return names
    return sorted(names, key=lambda name: [_natural_key(part) for part in name.split("/")])


def _bag_file(name: str, on_disk: dict[str, Path], manifests: Manifests) -> BagFile:
    nfc = unicodedata.normalize("NFC", name)
    return BagFile(name=nfc.removeprefix("data/"), path=on_disk[nfc], digests=manifests.digests_of(name))


def _natural_key(text: str) -> list:
    """p2 before p10: runs of digits (the odd places of the split) compare as numbers, text without case."""
    return [int(run) if index % 2 else run.casefold() for index, run in enumerate(re.split(r"(\d+)", text))]


def _looks_like_bag(entry: Path) -> bool:
    if entry.is_file():
        return entry.suffix.lower() == ".zip"
    return entry.is_dir() and ((entry / "bagit.txt").exists() or (entry / "data").is_dir()
                               or any(entry.glob("manifest-*.txt")))
