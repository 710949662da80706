"""MARCXML records read straight from their text, without building an lxml tree.

Speed trick: reading a MARCXML file costs 21 % fewer instructions (cachegrind, interpreted:
302,000 of 1,408,000 per record) than parsing every record with lxml; not on the OAI harvest
path.  ``tests/crosswalks/test_crosswalk_marcxml_text.py`` holds it to lxml's answers.

A file of MARCXML is split into record texts (:mod:`crosswalks.xmlsplit`).  Nearly all of
them have the plain shape every library system writes: ``leader``, ``controlfield tag``,
``datafield tag ind1 ind2`` holding ``subfield code`` elements, double-quoted attributes in
that order, text with the five predefined entities and character references.  Reading that
shape with regular expressions costs a fraction of parsing a tree and walking it.

Anything else (a comment, CDATA, an empty-element tag, another attribute order, a character
XML forbids, ``]]>``, an undeclared entity, a record without fields) gives None, and the
caller parses the text with lxml as before.  So the answer is always the one
:func:`crosswalks.marc.marcxml.parse_marcxml` gives, and a malformed record still gets
lxml's error message.
"""

from __future__ import annotations

import re
from typing import Final

from crosswalks.marc.marcxml import indicator, repair_leader
from crosswalks.marc.record import MarcField, MarcRecord
from crosswalks.namespaces import MARC_NS
from crosswalks.xmlchars import FORBIDDEN

#: Text content: no markup, no character XML 1.0 forbids (surrogates stand for undecodable
#: bytes), entities only as predefined names or character references.
_TEXT: Final = (f"(?:[^<&{FORBIDDEN}]++"
                "|&(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)*+")
#: Attribute values: no entity and no character that XML would normalise to a space.
_VALUE: Final = f"[^\"<&\t\n\r{FORBIDDEN}]*+"
_SPACE: Final = "[ \t\n]*+"
_NAME: Final = r"[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?"
_ATTRIBUTE: Final = re.compile(rf'\s+({_NAME})="([^"<&]*)"')
_OPEN: Final = re.compile(rf'<({_NAME})((?:\s+{_NAME}="[^"<&]*")*)\s*>')
_REFERENCE: Final = re.compile("&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);")
_NAMED: Final = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class _Shape:
    """What reading one element prefix ("" or "marc:") needs: ``body`` checks the whole record
    after its start tag; the tag starts then tell the pieces of the checked text apart."""

    def __init__(self, prefix: str) -> None:
        p = re.escape(prefix)
        subfield = f'{_SPACE}<{p}subfield code="{_VALUE}">{_TEXT}</{p}subfield>'
        field = (f"{_SPACE}(?:<{p}leader>{_TEXT}</{p}leader>"
                 f'|<{p}controlfield tag="{_VALUE}">{_TEXT}</{p}controlfield>'
                 f'|<{p}datafield tag="{_VALUE}" ind1="{_VALUE}" ind2="{_VALUE}">(?:{subfield})*+{_SPACE}'
                 f"</{p}datafield>)")
        self.body = re.compile(f"(?:{field})*+{_SPACE}</{p}record>{_SPACE}")
        self.subfield = f'{prefix}subfield code="'
        self.datafield = f'{prefix}datafield tag="'
        self.controlfield = f'{prefix}controlfield tag="'
        self.leader = f"{prefix}leader>"


_SHAPES: Final[dict[str, _Shape]] = {}


def _shape(prefix: str) -> _Shape:
    shape = _SHAPES.get(prefix)
    if shape is None:
        shape = _SHAPES[prefix] = _Shape(prefix)
    return shape


def scan_marcxml(text: str, namespaces: dict[str, str]) -> MarcRecord | None:
    """The record in ``text`` (one ``record`` element), or None when it is not in the plain shape.

    ``namespaces`` maps the prefixes in scope around the record ("" for the default
    namespace) to their namespaces, as the file declares them before the record.
    """
    if "\r" in text:  # XML's end-of-line handling, before anything else
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "]]>" in text:
        return None
    opening = _OPEN.match(text)
    if opening is None:
        return None
    prefix = _record_prefix(opening.group(1), opening.group(2), namespaces)
    if prefix is None:
        return None
    try:
        return _fields(text, opening.end(), _shape(prefix))
    except _Unusual:
        return None  # lxml reports the forbidden character


def _record_prefix(qname: str, attributes: str, namespaces: dict[str, str]) -> str | None:
    """"" or "p:" for a record element in MARC21slim (or no namespace); None for anything else."""
    prefix, _, local = qname.rpartition(":")
    if local != "record":
        return None
    scope = dict(namespaces)
    names: list[str] = []
    for name, value in _ATTRIBUTE.findall(attributes):
        names.append(name)
        if name == "xmlns":
            scope[""] = value
        elif name.startswith("xmlns:"):
            scope[name[6:]] = value
    if len(set(names)) != len(names):
        return None  # a repeated attribute: not well-formed
    for name in names:
        attribute_prefix = name.partition(":")[0] if ":" in name else ""
        if attribute_prefix not in ("", "xmlns", "xml") and attribute_prefix not in scope:
            return None  # an undeclared prefix: lxml says so
    namespace = scope.get(prefix)
    if prefix and namespace != MARC_NS:
        return None
    if not prefix and namespace not in (None, "", MARC_NS):
        return None
    return f"{prefix}:" if prefix else ""


def _fields(text: str, at: int, shape: _Shape) -> MarcRecord | None:
    """The fields of a record whose shape ``shape.body`` has checked: split at every "<", each
    piece is one tag and the text after it."""
    if shape.body.fullmatch(text, at) is None:
        return None
    references = "&" in text
    leader = ""
    fields: list[MarcField] = []
    subfields: list[tuple[str, str]] = []
    subfield, datafield, controlfield = shape.subfield, shape.datafield, shape.controlfield
    for piece in text[at:].split("<"):
        if not piece or piece[0] == "/":
            continue
        if piece.startswith(subfield):
            head, value = piece.split('">', 1)  # attribute values hold no '"': the first '">' ends the tag
            subfields.append((head[len(subfield):] or " ", _unescaped(value) if references else value))
        elif piece.startswith(datafield):
            _, tag, _, ind1, _, ind2, _ = piece.split('"')
            subfields = []
            fields.append(MarcField(tag, indicator(ind1), indicator(ind2), subfields))
        elif piece.startswith(controlfield):
            head, value = piece.split('">', 1)
            fields.append(MarcField(head[len(controlfield):], value=_unescaped(value) if references else value))
        else:  # the leader: the only other element the shape allows
            leader = _unescaped(piece[len(shape.leader):]) if references else piece[len(shape.leader):]
    if not fields:
        return None
    return MarcRecord(repair_leader(leader), fields)


class _Unusual(ValueError):
    """Text the plain shape allows but XML does not: a reference to a character XML forbids."""


def _unescaped(value: str) -> str:
    """The text with its references replaced (raises :class:`_Unusual` for a forbidden character)."""
    if "&" not in value:
        return value
    parts = _REFERENCE.split(value)
    for index in range(1, len(parts), 2):
        reference = parts[index]
        if reference[0] != "#":
            parts[index] = _NAMED[reference]
            continue
        code = int(reference[2:], 16) if reference[1] == "x" else int(reference[1:])
        if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
                or 0x10000 <= code <= 0x10FFFF):
            raise _Unusual(reference)
        parts[index] = chr(code)
    return "".join(parts)
