"""Split a large XML file into record-sized pieces without building the whole tree.

The file is decoded incrementally and scanned for the record element (found from
the first tags: OAI ``record``, ``marc:record``, ``mods:mods`` or ``oai_dc:dc``).
Each record's text is parsed on its own inside a wrapper that re-declares the
namespaces in scope, so memory stays flat and a broken record (bad bytes, an
undeclared entity) costs only itself.  A DOCTYPE is skipped, never loaded:
entities are not resolved and nothing is fetched.

A file in which no record element is found gives one piece of position 0 whose error
says why ("no records found: ..."), unless it is a complete, empty container: an
OAI-PMH ``noRecordsMatch`` response or an empty ``ListRecords``, or an empty MARCXML
or MODS collection.  Nothing that is not empty is ever read as silently nothing.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from lxml import etree

from crosswalks.errors import XmlSplitError
from crosswalks.namespaces import MARC_NS, MODS_NS, OAI_DC_NS, OAI_NS

#: Elements that are records, in (namespace, local name) form.
RECORD_ELEMENTS = {(OAI_NS, "record"), (MARC_NS, "record"), (MODS_NS, "mods"), (OAI_DC_NS, "dc")}

_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_TAG = re.compile(r"<(/?)([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>")
_XMLNS = re.compile(r"""\sxmlns(?::([^\s=]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_CODE = re.compile(r"""\scode\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_WRAP = "kazneb-wrap"
#: Complete root elements that may hold no record at all without that being an error.
EMPTY_CONTAINERS = {(MARC_NS, "collection"), ("", "collection"), (MODS_NS, "modsCollection")}

PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": True,
                  "dtd_validation": False}


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never loads a DTD, resolves an entity or touches the network."""
    return etree.XMLParser(**PARSER_OPTIONS)


@dataclass(frozen=True)
class SplitContext:
    """What the splitter learns from a file's prologue, so that it can restart after any record
    without reading the file again: the record element's name, the wrapper re-declaring the
    namespaces in scope, and the codec of the text after the prologue (no BOM, no state)."""

    qname: str
    wrapper: str
    codec: str

    @cached_property
    def namespaces(self) -> dict[str, str]:
        """The prefixes in scope around a record ("" for the default namespace) and their namespaces."""
        return {prefix: _unattr(uri) for prefix, uri in _declared_namespaces(self.wrapper).items()}


@dataclass
class Piece:
    """One record's text, its namespace (root wrapper) context, or why it is unusable.

    ``end`` is the byte offset just after the record in the file (None when it cannot be
    known: a truncated record, a stateful codec), where a resumed read restarts."""

    position: int
    text: str
    wrapper_open: str
    error: str | None = None
    end: int | None = None
    context: SplitContext | None = None

    def parse(self, parser: etree.XMLParser) -> etree._Element:
        """The record element; raises etree.XMLSyntaxError for a malformed record."""
        data = (self.wrapper_open + self.text + f"</{_WRAP}>").encode("utf-8")
        return etree.fromstring(data, parser)[0]


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    found = _DECLARATION.match(head)
    return found.group(1).decode("ascii").lower() if found else "utf-8"


def counting_codec(head: bytes) -> tuple[str | None, int]:
    """(codec whose encoded length of a text is its length in the file, byte length of the BOM).

    None for a codec with state (UTF-7, ISO-2022, a BOM-less "UTF-16" declaration): its
    offsets are not known, and a resumed read of such a file starts again from its start."""
    encoding = detect_encoding(head[:1024])
    if encoding == "utf-8-sig":
        return "utf-8", len(codecs.BOM_UTF8)
    if encoding == "utf-16":
        return ("utf-16-be" if head.startswith(codecs.BOM_UTF16_BE) else "utf-16-le"), 2
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None, 0
    stateful = name in ("utf-16", "utf-32", "utf-7", "hz") or name.startswith("iso2022")
    return (None if stateful else name), 0


class _Offsets:
    """Byte offsets of places in the decoded text: the text before them is encoded once, in order."""

    def __init__(self, codec: str | None, start: int) -> None:
        self.codec, self.bytes, self.chars = codec, start, 0

    def at(self, buffer: str, index: int) -> int | None:
        """The offset of ``buffer[index]`` (``index`` not before the last place asked for)."""
        return self.at_checked(buffer, index)[0]

    def at_checked(self, buffer: str, index: int) -> tuple[int | None, bool]:
        """(:meth:`at`, whether the text since the last place holds no undecodable byte):
        the one encode that counts the bytes also tells whether they all decoded."""
        if self.codec is None:
            return None, False
        segment = buffer[self.chars:index]
        try:
            self.bytes += len(segment.encode(self.codec))
            clean = True
        except UnicodeEncodeError:
            try:
                self.bytes += len(segment.encode(self.codec, "surrogateescape"))
            except UnicodeEncodeError:  # text the codec cannot give back: offsets unknown from here
                self.codec = None
                return None, False
            clean = False
        self.chars = index
        return self.bytes, clean

    def drop(self, buffer: str, count: int) -> None:
        """The buffer is about to lose its first ``count`` characters."""
        if count > self.chars:
            self.at(buffer, count)
        self.chars -= count


def _decoded(chunks: Iterable[bytes], encoding: str) -> Iterator[str]:
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
    except LookupError as exc:
        raise XmlSplitError(f"unknown declared encoding {encoding!r}") from exc
    for chunk in chunks:
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


class _Scanner:
    """Finds the record element and the namespaces in scope before the first record."""

    def __init__(self) -> None:
        self.scopes: list[dict[str, str]] = []
        self.names: list[str] = []  # qualified names of the open elements (the prologue only)
        self.root: tuple[str, str] | None = None
        self.closed = False  # the root element has ended
        #: local names of the root's children, OAI error codes, and the first element found
        #: in a ListRecords that is not a record: what :meth:`why_empty` reports on.
        self.children: list[str] = []
        self.oai_errors: list[str] = []
        self.stray: str | None = None
        self.mismatch: str | None = None  # the first end tag that closes another element

    def namespace(self, prefix: str) -> str:
        for scope in reversed(self.scopes):
            if prefix in scope:
                return scope[prefix]
        return ""

    def wanted(self, ns: str, local: str) -> bool:
        if (ns, local) == ("", "record") and self.root in (("", "collection"), ("", "record")):
            return True  # MARCXML written without its namespace
        if (ns, local) not in RECORD_ELEMENTS:
            return False
        if self.root == (OAI_NS, "OAI-PMH"):
            return (ns, local) == (OAI_NS, "record")
        return True

    def start_tag(self, match: re.Match[str]) -> tuple[str, bool]:
        """(qualified name, is record) for a start tag, pushing its namespace scope."""
        qname, attrs, empty = match.group(2), match.group(3), match.group(4)
        self.scopes.append(_declared_namespaces(attrs))
        prefix, _, local = qname.rpartition(":")
        ns = self.namespace(prefix)
        if self.root is None:
            self.root = (ns, local)
        is_record = self.wanted(ns, local)
        if not is_record:
            self._note(ns, local, attrs)
        if empty or is_record:
            self.scopes.pop()
            self.closed = not self.scopes
        else:
            self.names.append(qname)
        return qname, is_record

    def end_tag(self, qname: str) -> None:
        if self.scopes:
            self.scopes.pop()
            opened = self.names.pop()
            if opened != qname and self.mismatch is None:
                self.mismatch = f"</{qname}> closes <{opened}>"
            self.closed = not self.scopes

    def _note(self, ns: str, local: str, attrs: str) -> None:
        """Remember what a file without records holds, to say why it has none."""
        depth = len(self.scopes) - 1
        if depth == 1:
            self.children.append(local)
        elif depth == 2 and self.children[-1:] == ["ListRecords"] and local != "resumptionToken":
            self.stray = self.stray or local
        if ns == OAI_NS and local == "error":
            code = _CODE.search(attrs)
            self.oai_errors.append(code.group(1) or code.group(2) if code else "(no code)")

    def why_empty(self) -> str | None:
        """Why no record was found; None for a complete, empty OAI-PMH response or collection."""
        if self.root is None:
            return "the file holds no XML element"
        if self.mismatch:
            return f"not well-formed XML: {self.mismatch}"
        if not self.closed:
            return f"the file ends inside <{self.names[-1]}> before the first record"
        ns, local = self.root
        if (ns, local) == (OAI_NS, "OAI-PMH"):
            return self._why_oai_empty()
        if (ns, local) in EMPTY_CONTAINERS:
            return None
        return f"the root element <{local}> is not OAI-PMH, MARCXML, MODS or oai_dc"

    def _why_oai_empty(self) -> str | None:
        if "noRecordsMatch" in self.oai_errors:
            return None
        if self.oai_errors:
            return f"the OAI-PMH response is an error ({', '.join(self.oai_errors)})"
        if self.stray:
            return f"the OAI-PMH ListRecords holds <{self.stray}>, not <record>"
        verb = next((c for c in self.children if c not in ("responseDate", "request")), None)
        if verb == "ListRecords":
            return None
        return f"the OAI-PMH response is {verb or 'without a verb element'}, which holds no records"

    def wrapper(self) -> str:
        merged: dict[str, str] = {}
        for scope in self.scopes:
            merged.update(scope)
        attrs = "".join(f' xmlns{":" + p if p else ""}="{_attr(u)}"' for p, u in merged.items())
        return f"<{_WRAP}{attrs}>"


def _declared_namespaces(attrs: str) -> dict[str, str]:
    """The ``xmlns`` declarations among a tag's attributes: prefix ("" for the default) to
    namespace, as written (entities not expanded)."""
    return {m.group(1) or "": m.group(2) if m.group(2) is not None else m.group(3) for m in _XMLNS.finditer(attrs)}


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _unattr(value: str) -> str:
    return value.replace("&lt;", "<").replace("&quot;", '"').replace("&amp;", "&")


def _skip_markup(buffer: str, at: int) -> int | None:
    """End of the comment, PI, CDATA or DOCTYPE starting at ``at``; None if not one, -1 if incomplete."""
    for opener, closer in (("<!--", "-->"), ("<?", "?>"), ("<![CDATA[", "]]>")):
        if buffer.startswith(opener, at):
            end = buffer.find(closer, at)
            return -1 if end < 0 else end + len(closer)
    if buffer.startswith("<!", at):  # DOCTYPE, with an optional internal subset
        subset = buffer.find("[", at)
        close = buffer.find(">", at)
        if close < 0:
            return -1
        if 0 <= subset < close:
            end = buffer.find("]", subset)
            close = buffer.find(">", end) if end >= 0 else -1
            return -1 if close < 0 else close + 1
        return close + 1
    return None


def split_xml(chunks: Iterable[bytes], resume: tuple[SplitContext, int, int] | None = None) -> Iterator[Piece]:
    """Record pieces of an XML byte stream, numbered from 1.

    ``resume`` is (context, byte offset, records before it) for a stream that starts just
    after a record of a file whose first pieces gave that context: the prologue is not read
    again, positions and offsets go on from there."""
    if resume is not None:
        context, offset, before = resume
        yield from _records("", _decoded(chunks, context.codec), context, _Offsets(context.codec, offset), before)
        return
    chunk_iter = iter(chunks)
    head = next(chunk_iter, b"")
    text_chunks = _decoded(_chain(head, chunk_iter), detect_encoding(head[:1024]))
    offsets = _Offsets(*counting_codec(head))
    buffer = ""
    scanner = _Scanner()
    pos = 0
    record_qname: str | None = None
    eof = False

    def more() -> bool:
        nonlocal buffer, eof
        piece = next(text_chunks, None)
        if piece is None:
            eof = True
            return False
        buffer += piece
        return True

    # 1. the prologue: scan tags up to the first record element
    while record_qname is None:
        at = buffer.find("<", pos)
        if at < 0:
            if scanner.root is None:  # text before the root element: nothing to keep
                offsets.drop(buffer, len(buffer))
                buffer, pos = "", 0
            else:
                pos = len(buffer)
            if not more():
                yield from _no_records(scanner, buffer)
                return
            continue
        skipped = _skip_markup(buffer, at)
        if skipped == -1:
            if not more():
                yield from _no_records(scanner, buffer)
                return
            continue
        if skipped is not None:
            pos = skipped
            continue
        match = _TAG.match(buffer, at)
        if match is None:
            if buffer.find(">", at) >= 0:
                raise XmlSplitError(f"not well-formed XML near {buffer[at:at + 40]!r}")
            if not more():
                yield from _no_records(scanner, buffer, f"the file ends inside the tag {buffer[at:at + 40]!r}")
                return
            continue
        if match.group(1):
            scanner.end_tag(match.group(2))
            pos = match.end()
            continue
        qname, is_record = scanner.start_tag(match)
        if is_record:
            record_qname = qname
            pos = at
        else:
            pos = match.end()
    context = SplitContext(record_qname, scanner.wrapper(), offsets.codec or "")
    offsets.drop(buffer, pos)
    yield from _records(buffer[pos:], text_chunks, context, offsets, 0)


def _no_records(scanner: _Scanner, text: str, why: str | None = None) -> list[Piece]:
    """The file-level piece for a file without records, or none for a complete, empty container.

    ``text`` is the whole document: the scanner is lenient, so a file it takes for an empty
    container is read as nothing only when lxml finds it well-formed too."""
    why = why or scanner.why_empty() or _not_well_formed(text)
    return [] if why is None else [Piece(0, "", "", error=f"file: no records found: {why}")]


def _not_well_formed(text: str) -> str | None:
    try:
        data = _XML_DECLARATION.sub("", text, count=1).encode("utf-8")
    except UnicodeEncodeError:
        return "bytes that are not valid in the file's declared encoding"
    try:
        etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        return f"not well-formed XML: {exc}"
    return None


def _records(buffer: str, more_text: Iterator[str], context: SplitContext, offsets: _Offsets,
             position: int) -> Iterator[Piece]:
    tags = _TagFinder(context.qname)
    start = 0
    while True:
        found, closing = tags.next(buffer, start)
        while found < 0 or closing:
            if found >= 0:  # the end tag of an enclosing element of the same name
                start = found + 1
                found, closing = tags.next(buffer, start)
                continue
            extra = next(more_text, None)
            if extra is None:
                return
            keep = max(0, len(buffer) - len(tags.closing) - 1)  # a tag cut at the end is found next time
            offsets.drop(buffer, keep)
            buffer = buffer[keep:] + extra
            start = 0
            found, closing = tags.next(buffer, start)
        position += 1
        end, buffer, begin = _record_end(buffer, found, tags, more_text, offsets)
        if end < 0:
            yield Piece(position, buffer[begin:], context.wrapper,
                        error="truncated, the file ends inside the record", context=context)
            return
        text = buffer[begin:end]
        end_offset, clean = offsets.at_checked(buffer, end)
        yield Piece(position, text, context.wrapper, None if clean else _undecodable(text), end_offset, context)
        start = end  # no copy: the buffer is compacted only when more text is read


def _undecodable(text: str) -> str | None:
    try:
        text.encode("utf-8")  # fails only on the surrogates that stand for undecodable bytes
    except UnicodeEncodeError:
        return "bytes that are not valid in the file's declared encoding"
    return None


class _TagFinder:
    """Finds the record element's start and end tags with ``str.find``, much cheaper here than
    a regular expression, which would stop at every ``<`` of the record."""

    def __init__(self, qname: str) -> None:
        self.opening, self.closing = f"<{qname}", f"</{qname}"

    def next(self, buffer: str, at: int) -> tuple[int, bool]:
        """(index, is an end tag) of the first start or end tag from ``at``; (-1, False) for none."""
        opening = self._find(buffer, self.opening, at)
        closing = self._find(buffer, self.closing, at, opening)
        if closing >= 0 and (opening < 0 or closing < opening):
            return closing, True
        return opening, False

    @staticmethod
    def _find(buffer: str, name: str, at: int, before: int = -1) -> int:
        """The next ``name`` followed by a space, "/" or ">" (not a longer name); -1 when none
        is found (before ``before`` when that is not -1) or the buffer ends right after it."""
        while True:
            index = buffer.find(name, at, before + len(name) if before >= 0 else len(buffer))
            if index < 0:
                return -1
            after = index + len(name)
            if after < len(buffer) and buffer[after] in _AFTER_NAME:
                return index
            at = index + 1


_AFTER_NAME = frozenset(" \t\n\r/>")


def _record_end(buffer: str, begin: int, tags: _TagFinder, more_text: Iterator[str],
                offsets: _Offsets) -> tuple[int, str, int]:
    """(end offset, buffer, begin) of the record starting at ``begin``; end -1 when the file ends first."""
    depth = 0
    at = begin
    while True:
        found, closing = tags.next(buffer, at)
        close = buffer.find(">", found) if found >= 0 else -1
        if close < 0:
            extra = next(more_text, None)
            if extra is None:
                return -1, buffer, begin
            offsets.drop(buffer, begin)
            buffer = buffer[begin:] + extra
            at -= begin
            begin = 0
            continue
        if closing:
            depth -= 1
        elif buffer[close - 1] != "/":
            depth += 1
        at = close + 1
        if depth <= 0:
            return at, buffer, begin


def _chain(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield head
    yield from rest
