"""Unpacking a zipped bag without trusting the zip.

A zip says what it holds in its central directory, and every field there can lie: a name
can climb out of the folder it is unpacked into (``../../etc``, ``/etc``: "zip slip"), an
entry can be a symbolic link to anywhere, and the sizes can be small while the data expands
to fill the disk (a zip bomb).  So names and entry types are checked before anything is
written, the declared sizes are added up against the limit before anything is written, and
the bytes actually written are counted against the same limit while unpacking.
"""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

from objects.errors import DepositRefused

_CHUNK = 1024 * 1024
#: Entries macOS's Finder adds to a zip (resource forks), not part of the bag.
_MAC_METADATA = "__MACOSX/"
_UTF8_NAMES = 0x800
_ENCRYPTED = 0x1


def unzip_bag(archive_path: Path, dest: Path, max_bytes: int, subject: str) -> Path:
    """Unpack the zip into the empty folder ``dest``; the bag's folder inside it.

    The bag is either at the top of the zip or in its one top-level folder (RFC 8493 §4.2:
    a serialised bag unpacks into a single folder).
    """
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = [member for member in archive.infolist() if not member.filename.startswith(_MAC_METADATA)]
            for member in members:
                _check_member(member, subject)
            _check_declared_size(members, max_bytes, subject)
            _extract(archive, members, dest, max_bytes, subject)
    except zipfile.BadZipFile as exc:
        raise DepositRefused(subject, f"is not a readable zip file ({exc})") from None
    top = list(dest.iterdir())
    if not (dest / "bagit.txt").exists() and len(top) == 1 and top[0].is_dir():
        return top[0]
    return dest


def _check_member(member: zipfile.ZipInfo, subject: str) -> None:
    where = f"{subject}: {_name_of(member)}"
    parts = re.split(r"[\\/]", _name_of(member))
    if _name_of(member).startswith(("/", "\\")) or ":" in parts[0] or ".." in parts:
        raise DepositRefused(where, "the zip entry's path leaves the bag (absolute, or with '..')")
    kind = stat.S_IFMT(member.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise DepositRefused(where, "the zip entry is a symbolic link; a bag must hold the files themselves")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise DepositRefused(where, "the zip entry is not a regular file or folder")
    if member.flag_bits & _ENCRYPTED:
        raise DepositRefused(where, "the zip entry is encrypted; send the bag unencrypted")


def _check_declared_size(members: list[zipfile.ZipInfo], max_bytes: int, subject: str) -> None:
    declared = sum(member.file_size for member in members)
    if declared > max_bytes:
        raise DepositRefused(subject, f"the zip would expand to {_megabytes(declared)}, more than the "
                             f"{_megabytes(max_bytes)} allowed (objects.max_unzipped_mb)")


def _extract(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path, max_bytes: int,
             subject: str) -> None:
    """Write each entry, counting the bytes: a directory's sizes may understate what the data expands to."""
    written = 0
    for member in members:
        where = f"{subject}: {_name_of(member)}"
        target = dest.joinpath(*(part for part in re.split(r"[\\/]", _name_of(member)) if part not in ("", ".")))
        try:
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("xb") as out:
                while chunk := source.read(_CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        raise DepositRefused(subject, f"the zip expands to more than the {_megabytes(max_bytes)} "
                                             "allowed (objects.max_unzipped_mb), more than its directory declares")
                    out.write(chunk)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            raise DepositRefused(where, "the zip holds this path twice, or as both a file and a folder") from None
        except (zipfile.BadZipFile, NotImplementedError) as exc:
            raise DepositRefused(where, f"the zip entry cannot be unpacked ({exc})") from None


def _name_of(member: zipfile.ZipInfo) -> str:
    """The entry's name: UTF-8 when the zip says so or the bytes are UTF-8, else the DOS Cyrillic code page.

    Zips made without the UTF-8 flag (older Windows tools) store names in the computer's DOS
    code page, cp866 on Kazakh and Russian Windows; Python reads them as cp437.
    """
    if member.flag_bits & _UTF8_NAMES or member.filename.isascii():
        return member.filename
    raw = member.filename.encode("cp437")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp866")


def _megabytes(count: int) -> str:
    return f"{count / 1_048_576:,.1f} MB"
