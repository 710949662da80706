"""ISO 2709 (MARC 21 transmission format): split a byte stream into records and decode them.

Records are split on the record terminator (0x1D) rather than trusting the leader's
length, so one bad leader costs one record, not the rest of the file.  The
character set is taken from ldr/09 when the bytes agree with it, and otherwise
guessed (UTF-8, MARC-8, Windows-1251): partners' flags are often wrong.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from pymarc.marc8 import MARC8ToUnicode

from crosswalks.errors import MarcDecodeError
from crosswalks.marc.record import MarcField, MarcRecord

RECORD_END = b"\x1d"
FIELD_END = b"\x1e"
SUBFIELD = b"\x1f"
_CYRILLIC_RUN = re.compile(rb"[\xc0-\xff]{3,}")
_READ_SIZE = 1 << 20


def split_records(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, bool]]:
    """(record bytes, complete) for each record; the last is incomplete when the file is truncated."""
    for data, complete, _end in split_record_spans(chunks):
        yield data, complete


def split_record_spans(chunks: Iterable[bytes], offset: int = 0) -> Iterator[tuple[bytes, bool, int | None]]:
    """(record bytes, complete, byte offset just after its terminator) for each record of a
    stream that starts at byte ``offset`` of its file; the offset is None for a truncated record."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        *records, pending = pending.split(RECORD_END)
        for data in records:
            offset += len(data) + 1
            data = data.lstrip(b"\r\n\t ")
            if data:
                yield data, True, offset
    pending = pending.strip(b"\r\n\t \x00\x1a")
    if pending:
        yield pending, False, None


def read_chunks(binary: BinaryIO, size: int = _READ_SIZE) -> Iterator[bytes]:
    while True:
        chunk = binary.read(size)
        if not chunk:
            return
        yield chunk


class _Decoder:
    """Decodes the data of one record in one character set."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._marc8 = MARC8ToUnicode(quiet=True) if encoding == "marc8" else None

    def __call__(self, data: bytes) -> str:
        if self._marc8 is not None:
            if data.isascii() and b"\x1b" not in data:
                return data.decode("ascii")
            with contextlib.redirect_stderr(io.StringIO()):  # pymarc reports bad EACC on stderr
                return self._marc8.translate(data)
        return data.decode(self.encoding)


def guess_encoding(data: bytes, leader_flag: str) -> str:
    """The character set of a record's bytes: ldr/09 when the bytes agree, else the best guess."""
    body = data[24:]
    if body.isascii() and b"\x1b" not in body:
        return "utf-8" if leader_flag == "a" else "marc8"
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x1b" in body:
        return "marc8"
    if _CYRILLIC_RUN.search(body):
        return "cp1251"
    if leader_flag == "a":
        raise MarcDecodeError("invalid UTF-8 although ldr/09 says UTF-8")
    return "marc8"


def _number(text: str, what: str) -> int:
    if not text.isdigit():
        raise MarcDecodeError(f"bad leader: {what} {text!r} is not a number")
    return int(text)


def decode_record(data: bytes, encoding: str | None = None) -> tuple[MarcRecord, str]:
    """(record, character set used) for one record's bytes; MarcDecodeError says what is wrong."""
    if len(data) < 25:
        raise MarcDecodeError(f"record of {len(data)} bytes is shorter than a leader")
    try:
        leader = data[:24].decode("ascii")
    except UnicodeDecodeError as exc:
        raise MarcDecodeError("bad leader: not ASCII") from exc
    _number(leader[:5], "record length")
    base = _number(leader[12:17], "base address of data")
    directory_end = data.find(FIELD_END)
    if directory_end < 24 or (directory_end - 24) % 12:
        raise MarcDecodeError("bad directory: its length is not a multiple of 12")
    if base != directory_end + 1:
        base = directory_end + 1  # base address wrong in the leader: the directory tells
    charset = encoding or guess_encoding(data, leader[9])
    decode = _Decoder(charset)
    fields: list[MarcField] = []
    directory = data[24:directory_end]
    for index in range(0, len(directory), 12):
        entry = directory[index:index + 12]
        fields.append(_field(entry, data, base, decode))
    if not fields:
        raise MarcDecodeError("record has no fields")
    leader = leader[:9] + ("a" if charset == "utf-8" else " ") + leader[10:]
    return MarcRecord(leader, fields), charset


def _field(entry: bytes, data: bytes, base: int, decode: _Decoder) -> MarcField:
    try:
        tag = entry[:3].decode("ascii")
        length, start = int(entry[3:7]), int(entry[7:12])
    except (UnicodeDecodeError, ValueError) as exc:
        raise MarcDecodeError(f"bad directory entry {entry!r}") from exc
    raw = data[base + start: base + start + length]
    if len(raw) < length:
        raise MarcDecodeError(f"truncated record: field {tag} runs past the end of the record")
    raw = raw.rstrip(FIELD_END)
    try:
        if tag < "010" and tag.isdigit():
            return MarcField(tag, value=decode(raw))
        parts = raw.split(SUBFIELD)
        indicators = decode(parts[0]).ljust(2)[:2]
        subfields = [(_code(tag, p[:1]), decode(p[1:])) for p in parts[1:] if p]
    except UnicodeDecodeError as exc:
        raise MarcDecodeError(f"field {tag}: bytes {exc.object[exc.start:exc.end]!r} "
                              f"are not valid {decode.encoding}") from exc
    return MarcField(tag, indicators[0], indicators[1], subfields)


def _code(tag: str, byte: bytes) -> str:
    if not byte.isascii():
        raise MarcDecodeError(f"field {tag}: subfield code {byte!r} is not an ASCII character")
    return byte.decode("ascii")
