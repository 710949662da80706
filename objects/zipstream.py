"""A zip of a copy's files streamed as it is written: no temporary copy, memory of one block.

Why stored and not deflated: scans are already compressed (JPEG, CCITT, Flate inside a PDF), so
deflating them again costs a core and saves almost nothing.  Python's ``zipfile`` writes to any
object with ``write``; given one that cannot seek, it puts each file's CRC and sizes in a data
descriptor after the file's bytes, which is what lets the archive go out while it is being made.
Files over 4 GB get ZIP64 records (each file's size is known before it is written).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BLOCK = 1024 * 1024


@dataclass(frozen=True)
class ZipEntry:
    """One file of the archive: its name inside the zip, where it is, its size in bytes."""

    name: str
    path: Path
    size: int


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
    """The bytes of a zip of ``entries`` in order, each stamped ``modified`` (seconds since the epoch)."""
    outbox = _Outbox()
    stamp = datetime.fromtimestamp(max(modified, 315532800), UTC).timetuple()[:6]  # zip dates start in 1980
    with zipfile.ZipFile(outbox, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:  # type: ignore[arg-type]
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=stamp)
            info.file_size = entry.size
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as member, open(entry.path, "rb") as source:
                while block := source.read(BLOCK):
                    member.write(block)
                    yield from outbox.take()
            yield from outbox.take()
    yield from outbox.take()
