"""What a file delivery holds: its files (zip members included), its identity, and each
record's exact bytes.

A delivery is listed before anything is read, so that it can be recognised again (same
partner, path, file sizes and modification times) when a crashed ingest is run a second
time.  The exact bytes of a record are found only for the few records that go to
quarantine, by a second, read-only pass over the file: the crosswalks' reader keeps
text, and ISO 2709 in MARC-8 or Windows-1251 is not text.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from crosswalks.marc.iso2709 import RECORD_END, read_chunks, split_records
from crosswalks.xmlchars import legal_xml
from crosswalks.xmlsplit import detect_encoding, split_xml
from harvester.errors import HarvestError

MAX_UNZIPPED = 4 * 1024**3  # refuse zip bombs
_BLANK = b"\r\n\t "
_WRAP_OPEN = "<kazneb-wrap"
_BETWEEN_TAGS = re.compile(r">\s+<")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class DeliveryFile:
    """One file of a delivery: on disk, or a member of a zip on disk; ``problem`` when unusable."""

    name: str  # as reported: path inside the folder, "archive.zip!member"
    source: Path
    member: str | None = None
    size: int = 0
    stamp: int = 0  # modification time (ns) of the file, or of the zip holding it
    problem: str | None = None


def list_delivery(path: Path) -> list[DeliveryFile]:
    """Every file of a file, folder or zip, in a stable order; HarvestError when ``path`` is missing."""
    if path.is_dir():
        found: list[DeliveryFile] = []
        for file in sorted(path.rglob("*")):
            relative = file.relative_to(path)
            if any(part.startswith(".") for part in relative.parts) or file.is_dir():
                continue
            found.extend(_one(file, str(relative)))
        return found
    if path.exists():
        return _one(path, path.name)
    if path.is_symlink():
        raise HarvestError(f"{path}: a link to nothing ({path.readlink()})")
    raise HarvestError(f"{path}: no such file or folder")


def _one(file: Path, name: str) -> list[DeliveryFile]:
    if not file.exists():
        return [DeliveryFile(name, file, problem="a link to nothing")]
    if not file.is_file():
        return [DeliveryFile(name, file, problem="not a regular file")]
    stat = file.stat()
    if file.suffix.lower() == ".zip" or zipfile.is_zipfile(file):
        return _members(file, name, stat.st_mtime_ns)
    return [DeliveryFile(name, file, None, stat.st_size, stat.st_mtime_ns)]


def _members(file: Path, name: str, stamp: int) -> list[DeliveryFile]:
    try:
        with zipfile.ZipFile(file) as archive:
            members = [m for m in archive.infolist()
                       if not m.is_dir() and not any(p.startswith(".") for p in Path(m.filename).parts)]
    except (zipfile.BadZipFile, OSError) as exc:
        return [DeliveryFile(name, file, problem=f"not a readable zip: {exc}")]
    if sum(m.file_size for m in members) > MAX_UNZIPPED:
        return [DeliveryFile(name, file, problem=f"unpacks to more than {MAX_UNZIPPED} bytes")]
    return [DeliveryFile(f"{name}!{m.filename}", file, m.filename, m.file_size, stamp)
            for m in sorted(members, key=lambda m: m.filename)]


def delivery_digest(partner_id: str, path: Path, files: list[DeliveryFile]) -> str:
    """The delivery's identity: partner, absolute path, and each file's name, size and time."""
    listing = [partner_id, str(path.resolve()), [(f.name, f.size, f.stamp, f.problem) for f in files]]
    return hashlib.sha256(json.dumps(listing).encode()).hexdigest()


@contextmanager
def local_copy(file: DeliveryFile, scratch: Path) -> Iterator[Path]:
    """The file on disk (a zip member unpacked into ``scratch``, streamed, removed afterwards)."""
    if file.member is None:
        yield file.source
        return
    target = scratch / Path(file.member).name
    try:
        with zipfile.ZipFile(file.source) as archive, archive.open(file.member) as packed, \
                open(target, "wb") as unpacked:
            shutil.copyfileobj(packed, unpacked, 1 << 20)
        yield target
    finally:
        target.unlink(missing_ok=True)


def content_key(raw: str) -> str:
    """The source key of a record without an identifier: ``#`` and a digest of its source text.

    The text is the one the store keeps as the record's ``raw`` (ISO 2709 as its MARCXML, the
    same whatever the character set of the bytes; XML as written), with the whitespace between
    tags left out and other runs of whitespace made one space: the same record delivered again,
    in any file, at any position, keeps its key, and two different records never share one.
    Migration 0004 computes it from stored ``raw`` the same way; change both or neither."""
    text = _SPACES.sub(" ", _BETWEEN_TAGS.sub("><", legal_xml(raw))).strip()
    return "#" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def sniff_format(head: bytes) -> str | None:
    """``xml`` or ``marc21`` (ISO 2709) from a file's first bytes; None for anything else."""
    stripped = head.lstrip(b"\xef\xbb\xbf" + _BLANK)
    if stripped.startswith(b"<") or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "xml"
    if stripped[:5].isdigit():
        return "marc21"
    return None


def xml_encoding(head: bytes) -> str:
    """The codec that gives back an XML file's exact bytes from its decoded text."""
    encoding = detect_encoding(head[:1024])
    if encoding == "utf-8-sig":
        return "utf-8"
    if encoding in ("utf-16", "utf16"):
        return "utf-16-be" if head.startswith(codecs.BOM_UTF16_BE) else "utf-16-le"
    try:
        codecs.lookup(encoding)
        return encoding
    except LookupError:  # the reader reports the file; its bytes are kept whole
        return "utf-8"


@dataclass(frozen=True)
class RawRecord:
    """A record's exact bytes, and for XML the namespace declarations in scope (``context``)."""

    data: bytes
    context: str | None = None


class RawRecords:
    """The exact bytes of a file's records by position (from 1), read on demand in file order."""

    def __init__(self, opener: Callable[[], BinaryIO], file_format: str, encoding: str | None) -> None:
        self._opener = opener
        self._format = file_format
        self._encoding = encoding
        self._handle: BinaryIO | None = None
        self._records: Iterator[tuple[int, RawRecord]] | None = None
        self._at = 0

    def get(self, position: int) -> RawRecord | None:
        """The record at ``position``; None when the file has fewer records."""
        if self._records is None or position <= self._at:
            self.close()
            self._handle = self._opener()
            self._records = self._scan(self._handle)
            self._at = 0
        for at, raw in self._records:
            self._at = at
            if at == position:
                return raw
        return None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle, self._records = None, None

    def _scan(self, handle: BinaryIO) -> Iterator[tuple[int, RawRecord]]:
        if self._format == "marc21":
            for position, (data, complete) in enumerate(split_records(read_chunks(handle)), start=1):
                yield position, RawRecord(data + RECORD_END if complete else data)
            return
        encoding = self._encoding or "utf-8"
        for piece in split_xml(read_chunks(handle)):
            if piece.position > 0:
                context = piece.wrapper_open[len(_WRAP_OPEN):-1] if piece.wrapper_open else None
                yield piece.position, RawRecord(_encoded(piece.text, encoding), context)


def _encoded(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding, "surrogateescape")
    except UnicodeEncodeError:  # not expected: the text was decoded from these bytes
        return text.encode("utf-8", "surrogateescape")


def xml_document(raw: RawRecord, encoding: str | None) -> bytes:
    """A quarantined XML record as a document the crosswalks' reader reads on its own (UTF-8)."""
    text = raw.data.decode(encoding or "utf-8", "surrogateescape")
    # "collection" as the root keeps MARCXML written without its namespace recognisable
    document = f"<collection{raw.context or ''}>{text}</collection>"
    return document.encode("utf-8", "surrogateescape")


def seek_past_records(handle: BinaryIO, count: int, chunk_size: int = 1 << 20) -> int:
    """Move ``handle`` past its first ``count`` ISO 2709 records (as split_records counts them),
    without decoding them; the number of records actually passed."""
    passed, offset, nonblank = 0, 0, False
    while passed < count:
        chunk = handle.read(chunk_size)
        if not chunk:
            break
        start = 0
        while passed < count:
            end = chunk.find(RECORD_END, start)
            if end < 0:
                nonblank = nonblank or bool(chunk[start:].strip(_BLANK))
                break
            if nonblank or chunk[start:end].strip(_BLANK):
                passed += 1
            nonblank, start = False, end + 1
        offset += start if passed == count else len(chunk)
    handle.seek(offset)
    return passed


def iso2709_lines(data: bytes) -> list[str]:
    """An ISO 2709 record's bytes for a person: the leader, then one field a line ($ before
    each subfield code), in the character set the bytes are in."""
    from crosswalks.errors import MarcDecodeError
    from crosswalks.marc.iso2709 import FIELD_END, guess_encoding

    body = data.rstrip(RECORD_END)
    try:
        charset = guess_encoding(body, chr(body[9]) if len(body) > 9 else " ")
    except MarcDecodeError:
        charset = "utf-8"
    lines = [f"(ISO 2709 record, {len(data)} bytes, shown as {charset}; $ = subfield delimiter)",
             f"LDR {_shown(body[:24], charset)}"]
    directory_end = body.find(FIELD_END)
    if directory_end < 24:
        return [*lines, f"??? {_shown(body[24:], charset)}"]
    directory = body[24:directory_end]
    tags = [directory[i:i + 3].decode("ascii", "backslashreplace") for i in range(0, len(directory), 12)]
    fields = body[directory_end + 1:].split(FIELD_END)
    if fields and not fields[-1]:
        fields.pop()
    for index, field in enumerate(fields):
        tag = tags[index] if index < len(tags) else "???"
        lines.append(f"{tag} {_shown(field, charset)}")
    return lines


def _shown(data: bytes, charset: str) -> str:
    """Bytes as text in ``charset``; bytes that are not, and control characters, as \\xNN."""
    if charset == "marc8":
        from pymarc.marc8 import MARC8ToUnicode

        try:
            with contextlib.redirect_stderr(io.StringIO()):  # pymarc reports bad bytes on stderr
                text = MARC8ToUnicode(quiet=True).translate(data)
        except Exception:  # noqa: BLE001 - pymarc fails in many ways on bad MARC-8; show the bytes instead
            text = data.decode("ascii", "backslashreplace")
    else:
        text = data.decode(charset, "backslashreplace")
    return "".join("$" if c == "\x1f" else f"\\x{ord(c):02x}" if ord(c) < 32 else c for c in text)
