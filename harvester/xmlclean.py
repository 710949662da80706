"""XML hygiene for partner responses: decode, repair and parse without trusting the partner.

Fast path: the body parses as it is, in the encoding it declares.  Otherwise the body is
repaired step by step (encoding, XML declarations inside records, characters XML forbids)
and, when one record is still broken, the page is split so that only that record is lost
to quarantine.  External entities and DTDs are never loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from crosswalks.namespaces import OAI_NS
from crosswalks.xmlchars import FORBIDDEN_REFERENCES, forbidden_pattern

_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_ANY_PROLOG = re.compile(r"<\?xml[^>]*\?>")
#: What a parser refuses (``crosswalks.xmlchars.FORBIDDEN``); the store drops the rest of the hub's rule.
_ILLEGAL_CHARS = forbidden_pattern()
_ILLEGAL_REFS = FORBIDDEN_REFERENCES
_HTML_SNIFF = re.compile(rb"<\s*(?:!doctype\s+html|html[\s>])", re.IGNORECASE)
_RECORD_SPAN = re.compile(r"<(?:[\w.-]+:)?record[\s>].*?</(?:[\w.-]+:)?record\s*>", re.DOTALL)
_ROOT_TAG = re.compile(r"<(?:[\w.-]+:)?OAI-PMH\b[^>]*>", re.DOTALL)
_XMLNS = re.compile(r"""\sxmlns(?::[\w.-]+)?\s*=\s*(["']).*?\1""", re.DOTALL)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def safe_parser() -> etree.XMLParser:
    """A strict parser that never fetches DTDs or expands external entities."""
    return etree.XMLParser(**_PARSER_OPTIONS)


_STRICT = safe_parser()


@dataclass
class CleanDocument:
    """A parsed response, the repairs it needed, and records that could not be saved."""

    root: etree._Element
    repairs: list[str] = field(default_factory=list)
    broken_records: list[tuple[str, str]] = field(default_factory=list)  # (raw XML, error)


def looks_like_html(body: bytes) -> bool:
    """An HTML error page (often sent with status 200) rather than an OAI-PMH document."""
    return bool(_HTML_SNIFF.search(body[:2048])) and b"OAI-PMH" not in body[:4096]


def declared_encoding(body: bytes) -> str | None:
    """The encoding named in the XML declaration, lower-cased."""
    found = _DECLARATION.match(body[:400])
    return found.group(1).decode("ascii").lower() if found else None


def parse_document(body: bytes, header_charset: str | None = None) -> CleanDocument:
    """Parse ``body`` into an OAI-PMH document, repairing what can be repaired.

    Raises ``ValueError`` naming the problem when the envelope itself is unreadable
    (HTML page, truncated or empty document); callers treat that as a transient fault.
    """
    if not body.strip():
        raise ValueError("empty response body")
    if looks_like_html(body):
        raise ValueError("HTML page instead of an OAI-PMH document")
    declared = declared_encoding(body)
    if not _misdeclared(body, declared or header_charset):
        try:
            return CleanDocument(_check_root(etree.fromstring(body, _STRICT)))
        except etree.XMLSyntaxError:
            pass
    return _repair(body, declared or header_charset)


def _check_root(root: etree._Element) -> etree._Element:
    if etree.QName(root).localname != "OAI-PMH":
        raise ValueError(f"root element is <{etree.QName(root).localname}>, not <OAI-PMH>")
    return root


def _misdeclared(body: bytes, encoding: str | None) -> bool:
    """True when a single-byte encoding is declared but the bytes are clearly UTF-8."""
    if encoding in (None, "utf-8", "utf8") or body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _UTF8_MULTIBYTE.search(body) is not None


def decode_body(body: bytes, encoding: str | None) -> tuple[str, list[str]]:
    """Text of ``body``: the declared encoding when it fits, else the evident one."""
    repairs: list[str] = []
    encoding = encoding or "utf-8"
    if _misdeclared(body, encoding):
        repairs.append(f"declared encoding {encoding} but the bytes are UTF-8")
        return body.decode("utf-8"), repairs
    try:
        return body.decode(encoding), repairs
    except LookupError:
        repairs.append(f"unknown declared encoding {encoding!r}, read as UTF-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        pass
    if encoding.replace("-", "") == "utf8" and _UTF8_MULTIBYTE.search(body) is None:
        repairs.append("declared UTF-8 but no UTF-8 sequence found: read as windows-1251")
        return body.decode("cp1251", errors="replace"), repairs
    text = body.decode(encoding, errors="replace")
    repairs.append(f"{text.count(chr(0xFFFD))} byte sequence(s) invalid in {encoding} replaced by U+FFFD")
    return text, repairs


def clean_text(text: str) -> tuple[str, list[str]]:
    """Drop XML declarations after the start and characters XML 1.0 forbids."""
    repairs: list[str] = []
    head = _ANY_PROLOG.match(text.lstrip())
    if head:
        text = text.lstrip()[head.end():]
    inner = len(_ANY_PROLOG.findall(text))
    if inner:
        text = _ANY_PROLOG.sub("", text)
        repairs.append(f"{inner} XML declaration(s) inside the document removed")
    illegal = len(_ILLEGAL_CHARS.findall(text)) + len(_ILLEGAL_REFS.findall(text))
    if illegal:
        text = _ILLEGAL_REFS.sub("", _ILLEGAL_CHARS.sub("", text))
        repairs.append(f"{illegal} character(s) illegal in XML removed")
    return text, repairs


def _repair(body: bytes, encoding: str | None) -> CleanDocument:
    text, repairs = decode_body(body, encoding)
    text, more = clean_text(text)
    repairs += more
    try:
        root = etree.fromstring(text.encode("utf-8"), _STRICT)
        return CleanDocument(_check_root(root), repairs)
    except etree.XMLSyntaxError:
        return _salvage(text, repairs)


def _declare(chunk: str, namespaces: str) -> str:
    """The record with the envelope's namespace declarations, so its raw text stands alone."""
    end = chunk.find(">")
    start_tag = chunk[:end]
    declared = [m.group(0) for m in _XMLNS.finditer(namespaces)]
    missing = "".join(d for d in declared if d.split("=")[0].strip() + "=" not in start_tag.replace(" =", "="))
    return start_tag + missing + chunk[end:]


def _salvage(text: str, repairs: list[str]) -> CleanDocument:
    """Parse the envelope and each record apart, so one broken record costs only itself."""
    chunks = _RECORD_SPAN.findall(text)
    envelope_text = _RECORD_SPAN.sub("", text)
    try:
        root = _check_root(etree.fromstring(envelope_text.encode("utf-8"), _STRICT))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"malformed or truncated document: {exc}") from exc
    root_tag = _ROOT_TAG.search(text)
    namespaces = "".join(m.group(0) for m in _XMLNS.finditer(root_tag.group(0))) if root_tag else ""
    if f'"{OAI_NS}"' not in namespaces:
        namespaces += f' xmlns="{OAI_NS}"'
    container = root.find(f"{{{OAI_NS}}}ListRecords")
    if container is None:
        container = root.find(f"{{{OAI_NS}}}GetRecord")
    broken: list[tuple[str, str]] = []
    good: list[etree._Element] = []
    for chunk in chunks:
        try:
            wrapper = etree.fromstring(f"<w{namespaces}>{chunk}</w>".encode(), _STRICT)
            good.append(wrapper[0])
        except etree.XMLSyntaxError as exc:
            broken.append((_declare(chunk, namespaces), f"XML syntax error: {exc}"))
    if container is not None:
        token = container.find(f"{{{OAI_NS}}}resumptionToken")
        for element in good:
            if token is not None:
                token.addprevious(element)
            else:
                container.append(element)
    repairs.append(f"page split record by record: {len(broken)} of {len(chunks)} record(s) unreadable")
    return CleanDocument(root, repairs, broken)
