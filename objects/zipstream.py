"""A zip of a copy's files streamed as it is written: no temporary copy, memory of one block.

Why stored and not deflated: scans are already compressed (JPEG, CCITT, Flate inside a PDF), so
deflating them again costs a core and saves almost nothing.  Python's ``zipfile`` writes to any
object with ``write``; given one that cannot seek, it puts each file's CRC and sizes in a data
descriptor after the file's bytes, which is what lets the archive go out while it is being made.
Files from about 1.9 GiB up get ZIP64 records (each file's size is known before it is written).

Why the length is known before a byte is read: a stored member is as long as its file, and
its CRC, the only thing learnt by reading it, sits in fixed-width fields.  So
:func:`zip_length` adds up the records ``zipfile`` will write from the names and sizes alone,
and the response can carry ``Content-Length`` (a browser shows progress and the time left, and
a cut download is told from a finished one).  A file whose size is not the one catalogued would
break that promise: :func:`zip_stream` stops with :class:`SizeMismatch` instead of sending more
or other bytes than announced.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BLOCK = 1024 * 1024
#: Fixed sizes of the records zipfile writes (PKWARE APPNOTE 4.3): a local file header, a data
#: descriptor (plain, ZIP64), a central directory header, the ZIP64 end record and its locator,
#: the end of central directory record.
LOCAL_HEADER, DESCRIPTOR, DESCRIPTOR64, CENTRAL_HEADER = 30, 16, 24, 46
END64, END = 56 + 20, 22
#: A local header's ZIP64 extra field: a 4-byte header and two 8-byte sizes.
LOCAL_ZIP64_EXTRA = 4 + 16


@dataclass(frozen=True)
class ZipEntry:
    """One file of the archive: its name inside the zip, where it is, its size in bytes."""

    name: str
    path: Path
    size: int


class SizeMismatch(OSError):
    """A file to be zipped is not as long as its entry says: the announced length cannot be kept."""


class _Outbox:
    """What ``zipfile`` writes, kept until the generator hands it on (a file that cannot seek)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> Iterator[bytes]:
        parts, self._parts = self._parts, []
        yield from parts


def zip_stream(entries: Iterable[ZipEntry], modified: float) -> Iterator[bytes]:
    """The bytes of a zip of ``entries`` in order, each stamped ``modified`` (seconds since the epoch).

    Raises :class:`SizeMismatch` (having sent at most the entry's size of that file) when a file is
    shorter or longer than its entry."""
    outbox = _Outbox()
    stamp = datetime.fromtimestamp(max(modified, 315532800), UTC).timetuple()[:6]  # zip dates start in 1980
    with zipfile.ZipFile(outbox, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:  # type: ignore[arg-type]
        for entry in entries:
            info = _info(entry, stamp)
            with archive.open(info, "w") as member, open(entry.path, "rb") as source:
                left = entry.size
                while left > 0 and (block := source.read(min(BLOCK, left))):
                    member.write(block)
                    left -= len(block)
                    yield from outbox.take()
                if left or source.read(1):
                    raise SizeMismatch(f"{entry.path}: not {entry.size} bytes long, as its entry {entry.name!r} says")
            yield from outbox.take()
    yield from outbox.take()


def zip_length(entries: Iterable[ZipEntry]) -> int:
    """How many bytes :func:`zip_stream` gives for ``entries``, from their names and sizes alone.

    The rules are ``zipfile``'s (CPython 3.11, checked by the tests against what it writes): a
    member gets ZIP64 sizes in its local header and descriptor when ``size * 1.05`` exceeds
    ``ZIP64_LIMIT``; its central directory header gets a ZIP64 extra field holding both sizes
    when the size exceeds the limit, and the header's offset when that does; the ZIP64 end
    records are written for more than 65,535 members or a central directory that starts or
    extends beyond the limit."""
    limit = zipfile.ZIP64_LIMIT
    offset = central = count = 0
    for entry in entries:
        name = len(_stored_name(entry.name))
        zip64 = entry.size * 1.05 > limit
        words = 2 * (entry.size > limit) + (offset > limit)  # 8-byte values in the central ZIP64 extra
        central += CENTRAL_HEADER + name + (4 + 8 * words if words else 0)
        offset += LOCAL_HEADER + name + (LOCAL_ZIP64_EXTRA if zip64 else 0) + entry.size
        offset += DESCRIPTOR64 if zip64 else DESCRIPTOR
        count += 1
    zip64_end = count > zipfile.ZIP_FILECOUNT_LIMIT or offset > limit or central > limit
    return offset + central + (END64 if zip64_end else 0) + END


def _info(entry: ZipEntry, stamp: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(entry.name, date_time=stamp)
    info.file_size = entry.size
    info.external_attr = 0o644 << 16
    return info


def _stored_name(name: str) -> bytes:
    """The name as zipfile stores it: cut at a NUL as ``ZipInfo`` cuts it, then ASCII, or UTF-8
    (with the UTF-8 flag) when it is not."""
    filename = zipfile.ZipInfo(name).filename
    try:
        return filename.encode("ascii")
    except UnicodeEncodeError:
        return filename.encode("utf-8")
