"""The streamed zip: its length is known from names and sizes before a byte is read, and a file that is
not the size its entry says stops the stream rather than break the announced length.

The lengths are checked against what ``zipfile`` actually writes, ZIP64 included: a sparse file
just over ``zipfile.ZIP64_LIMIT`` (2 GiB) takes no disk, and is read through (about ten seconds
on two cores) so that every ZIP64 rule is met for real: sizes in the local header, descriptor and
central directory, a member whose offset is past the limit, and the ZIP64 end records.
"""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest

from objects.zipstream import SizeMismatch, ZipEntry, zip_length, zip_stream

STAMP = 1_717_000_000


def entry(folder: Path, name: str, data: bytes) -> ZipEntry:
    path = folder / f"{len(list(folder.iterdir()))}.bin"
    path.write_bytes(data)
    return ZipEntry(name, path, len(data))


def streamed_length(entries: list[ZipEntry]) -> int:
    return sum(len(part) for part in zip_stream(entries, STAMP))


@pytest.mark.parametrize("names", [
    ["book.pdf"],
    ["Абай жолы.pdf", unicodedata.normalize("NFC", "Том 2.pdf"), "plates.tif"],
    ["empty.txt", "a" * 200 + ".pdf", "日本語.jpg", "pages/p1.jpg", "with\x00nul.pdf"],
])
def test_the_length_is_known_before_and_is_what_is_sent(tmp_path: Path, names: list[str]) -> None:
    entries = [entry(tmp_path, name, os.urandom(number * 70_001 % 3_000_000) if name != "empty.txt" else b"")
               for number, name in enumerate(names, 1)]
    body = b"".join(zip_stream(entries, STAMP))
    assert zip_length(entries) == len(body)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        assert [info.file_size for info in archive.infolist()] == [e.size for e in entries]


def test_many_members_need_the_zip64_end_records_and_are_counted(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    entries = [ZipEntry(f"p{number}.jpg", empty, 0) for number in range(zipfile.ZIP_FILECOUNT_LIMIT + 2)]
    assert zip_length(entries) == streamed_length(entries)
    assert zip_length(entries[:10]) == streamed_length(entries[:10])


def test_zip64_sizes_and_offsets_are_counted_as_zipfile_writes_them(tmp_path: Path) -> None:
    huge = tmp_path / "huge.tif"
    with huge.open("wb") as sparse:
        sparse.truncate(zipfile.ZIP64_LIMIT + 4096)
    small = entry(tmp_path, "после.pdf", b"%PDF-1.7 " * 1000)
    entries = [small, ZipEntry("scan.tif", huge, huge.stat().st_size), ZipEntry("index.pdf", small.path, small.size)]
    length = zip_length(entries)
    assert length == streamed_length(entries)
    assert length > zipfile.ZIP64_LIMIT + 2 * small.size


@pytest.mark.parametrize("actual", [0, 999, 1001, 5000])
def test_a_file_of_another_size_stops_the_stream_within_the_announced_length(tmp_path: Path, actual: int) -> None:
    first = entry(tmp_path, "first.pdf", b"x" * 100)
    wrong = tmp_path / "wrong.bin"
    wrong.write_bytes(b"y" * actual)
    entries = [first, ZipEntry("second.pdf", wrong, 1000)]
    sent = 0
    with pytest.raises(SizeMismatch, match="not 1000 bytes long"):
        for part in zip_stream(entries, STAMP):
            sent += len(part)
    assert sent < zip_length(entries)
