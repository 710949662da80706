"""Reading files of records (MARC 21 ISO 2709, MARCXML, oai_dc, MODS, saved OAI-PMH responses).

:func:`read_file` streams: one :class:`ReadResult` per record, in file order, with
the record or the reason it could not be read.  A bad record never stops the
rest of the file.  A non-empty file always gives at least one result: one in which
no record is found gives a file-level error (position 0, "file: no records found:
..."; an empty file too), so imports never silently do nothing.  Only a complete
OAI-PMH ``noRecordsMatch`` or empty ``ListRecords`` response, or an empty MARCXML or
MODS collection, reads as no records and no error.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from lxml import etree

from crosswalks.errors import CrosswalkError, MarcDecodeError, MarcXmlError
from crosswalks.marc.iso2709 import decode_record, read_chunks, split_record_spans
from crosswalks.marc.marcxml import render_marcxml
from crosswalks.marc.marcxml_text import scan_marcxml
from crosswalks.marc.to_canonical import marc_to_canonical
from crosswalks.metadata import marcxml_record, read_metadata
from crosswalks.model import CanonicalRecord
from crosswalks.namespaces import DC_NS, MARC_NS, MODS_NS, OAI_DC_NS, OAI_NS
from crosswalks.xmlsplit import (
    Piece,
    SplitContext,
    XmlSplitError,
    safe_parser,
    split_xml,
)

BINARY_FORMATS = {"marc21", "iso2709", "marc", "mrc"}
_DC_NS = f"{{{DC_NS}}}"


@dataclass
class ReadResult:
    """One record of a file: the canonical record, or the error that names why it is missing."""

    position: int
    identifier: str | None
    record: CanonicalRecord | None
    raw: str
    #: Why the record is missing, without its position (callers say "record N: ..."; see
    #: :meth:`describe`).  Errors about the whole file come with position 0.
    error: str | None = None
    deleted: bool = False
    datestamp: str | None = None
    sets: list[str] = field(default_factory=list)
    #: The byte offset just after the record in the file and, for XML, the splitter's context:
    #: with them, a :class:`ResumeAt` goes on reading after this record without reading it again.
    end: int | None = None
    context: SplitContext | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        """"record N: <error>" for messages ("file: ..." errors of position 0 as they are)."""
        what = self.error or "no record"
        return f"record {self.position}: {what}" if self.position else what


@dataclass(frozen=True)
class ResumeAt:
    """Where to go on reading a file after one of its records, as that record's result gave it:
    the byte offset just after it, how many records came before, and for XML the splitter's
    context (an ISO 2709 file has none)."""

    offset: int
    records: int
    context: SplitContext | None = None


def read_file(source: str | os.PathLike[str] | BinaryIO, format: str | None = None,
              encoding: str | None = None, resume: ResumeAt | None = None) -> Iterator[ReadResult]:
    """The records of a file, streamed.  ``format`` forces ISO 2709 ("marc21") or XML;
    ``encoding`` forces the character set of ISO 2709 records (e.g. "cp1251").  With ``resume``,
    only the records after that point are read (the rest of the file is not read at all)."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as binary:
            yield from _read_from(binary, format, encoding, resume)
    else:
        yield from _read_from(source, format, encoding, resume)


def _read_from(binary: BinaryIO, format: str | None, encoding: str | None,
               resume: ResumeAt | None) -> Iterator[ReadResult]:
    if resume is None:
        yield from _read_binary(binary, format, encoding)
        return
    binary.seek(resume.offset)
    chunks = read_chunks(binary)
    if resume.context is None:
        yield from _read_iso2709(chunks, encoding, resume.offset, resume.records)
    else:
        yield from _read_xml(chunks, (resume.context, resume.offset, resume.records))


def _read_binary(binary: BinaryIO, format: str | None, encoding: str | None) -> Iterator[ReadResult]:
    head = binary.read(4096)
    chunks = _chain(head, read_chunks(binary))
    if not head:
        yield _no_records(head, "the file is empty")
    elif (format or "").lower() in BINARY_FORMATS:
        yield from _read_iso2709_file(head, chunks, encoding)
    elif format or _looks_xml(head):
        yield from _read_xml(chunks)
    elif head.lstrip(b"\r\n\t ")[:5].isdigit():
        yield from _read_iso2709_file(head, chunks, encoding)
    else:
        yield _no_records(head, f"it is neither XML nor ISO 2709 MARC (it starts with {head[:20]!r})")


def _read_iso2709_file(head: bytes, chunks: Iterator[bytes], encoding: str | None) -> Iterator[ReadResult]:
    found = 0
    for found, result in enumerate(_read_iso2709(chunks, encoding), start=1):  # noqa: B007
        yield result
    if not found:
        yield _no_records(head, "no ISO 2709 record in the file")


def _no_records(head: bytes, why: str) -> ReadResult:
    """The one result of a non-empty file in which no record was found: a file-level error."""
    return ReadResult(0, None, None, head[:200].decode("utf-8", "backslashreplace"),
                      error=f"file: no records found: {why}")


def _looks_xml(head: bytes) -> bool:
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe\r\n\t ")
    return stripped.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _chain(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    yield from rest


# -- ISO 2709 --------------------------------------------------------------------------
def _read_iso2709(chunks: Iterator[bytes], encoding: str | None, offset: int = 0,
                  before: int = 0) -> Iterator[ReadResult]:
    for position, (data, complete, end) in enumerate(split_record_spans(chunks, offset), start=before + 1):
        result = _iso2709_record(position, data, complete, encoding)
        result.end = end
        yield result


def _iso2709_record(position: int, data: bytes, complete: bool, encoding: str | None) -> ReadResult:
    raw = data.decode("utf-8", "backslashreplace")
    if not complete:
        return ReadResult(position, None, None, raw, error="truncated, no record terminator at the end of the file")
    try:
        marc, _charset = decode_record(data, encoding)
        record = marc_to_canonical(marc)
    except (MarcDecodeError, ValueError, LookupError) as exc:
        return ReadResult(position, None, None, raw, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a crosswalk fault costs this record, not the file
        return ReadResult(position, None, None, raw, error=f"{type(exc).__name__}: {exc}")
    record.source.format = "marc21" if record.source.format != "unimarc" else "unimarc"
    identifier = marc.control("001")
    return ReadResult(position, identifier.strip() if identifier else None, record, render_marcxml(marc))


# -- XML ---------------------------------------------------------------------------------
def _read_xml(chunks: Iterator[bytes], resume: tuple[SplitContext, int, int] | None = None) -> Iterator[ReadResult]:
    parser = safe_parser()
    try:
        for piece in split_xml(chunks, resume):
            if piece.error:
                result = ReadResult(piece.position, None, None, piece.text, error=piece.error)
            else:
                result = _marcxml_text(piece) or _xml_record(piece.position, piece.text,
                                                             lambda p=piece: p.parse(parser))
            result.end, result.context = piece.end, piece.context
            yield result
    except (XmlSplitError, UnicodeError) as exc:
        yield ReadResult(0, None, None, "", error=f"file: {exc}")


def _marcxml_text(piece: Piece) -> ReadResult | None:
    """A plain MARCXML record read from its text, without a tree; None to parse it with lxml
    (any other record, an unusual shape, or a record the reader refuses: lxml's path says why)."""
    if piece.context is None or not piece.context.qname.endswith("record"):
        return None
    marc = scan_marcxml(piece.text, piece.context.namespaces)
    if marc is None:
        return None
    try:
        record = marcxml_record(marc)
    except Exception:  # noqa: BLE001 - the tree path reads it again and reports the error
        return None
    identifier = marc.control("001")
    return ReadResult(piece.position, (identifier.strip() or None) if identifier else None, record, piece.text)


def _xml_record(position: int, raw: str, parse) -> ReadResult:
    try:
        element = parse()
    except etree.XMLSyntaxError as exc:
        return ReadResult(position, None, None, raw, error=f"malformed XML: {exc}")
    try:
        return _read_element(position, raw, element)
    except Exception as exc:  # noqa: BLE001 - a crosswalk fault costs this record, not the file
        return ReadResult(position, None, None, raw, error=f"{type(exc).__name__}: {exc}")


def _read_element(position: int, raw: str, element: etree._Element) -> ReadResult:
    if element.tag == f"{{{OAI_NS}}}record":
        return _oai_record(position, raw, element)
    try:
        record = read_metadata(element, "marcxml" if element.tag == "record" else None)
    except (CrosswalkError, MarcXmlError) as exc:
        return ReadResult(position, _identifier(element), None, raw, error=str(exc))
    return ReadResult(position, _identifier(element), record, raw)


def _oai_record(position: int, raw: str, element: etree._Element) -> ReadResult:
    header = element.find(f"{{{OAI_NS}}}header")
    if header is None:
        return ReadResult(position, None, None, raw, error="OAI record without a header")
    identifier = (header.findtext(f"{{{OAI_NS}}}identifier") or "").strip() or None
    datestamp = (header.findtext(f"{{{OAI_NS}}}datestamp") or "").strip() or None
    sets = [(s.text or "").strip() for s in header.iterfind(f"{{{OAI_NS}}}setSpec")]
    result = ReadResult(position, identifier, None, raw, datestamp=datestamp, sets=sets)
    if header.get("status") == "deleted":
        result.deleted = True
        return result
    metadata = element.find(f"{{{OAI_NS}}}metadata")
    payload = next((c for c in metadata if isinstance(c.tag, str)), None) if metadata is not None else None
    if payload is None:
        result.error = f"OAI record {identifier or '(no identifier)'} without metadata"
        return result
    try:
        record = read_metadata(payload)
    except (CrosswalkError, MarcXmlError) as exc:
        result.error = f"OAI record {identifier or '(no identifier)'}: {exc}"
        return result
    record.source.identifier = identifier
    record.source.datestamp = datestamp
    result.record = record
    return result


def _identifier(element: etree._Element) -> str | None:
    tag = element.tag
    if tag in (f"{{{MARC_NS}}}record", "record"):
        for child in element:
            if child.get("tag") == "001":
                return (child.text or "").strip() or None
    elif tag == f"{{{OAI_DC_NS}}}dc":
        found = element.findtext(f"{_DC_NS}identifier")
        return found.strip() if found else None
    elif tag == f"{{{MODS_NS}}}mods":
        found = element.findtext(f"{{{MODS_NS}}}recordInfo/{{{MODS_NS}}}recordIdentifier") \
            or element.findtext(f"{{{MODS_NS}}}identifier")
        return found.strip() if found else None
    return None


def read_bytes(data: bytes, format: str | None = None, encoding: str | None = None) -> Iterator[ReadResult]:
    """:func:`read_file` for data already in memory."""
    return read_file(io.BytesIO(data), format, encoding)
