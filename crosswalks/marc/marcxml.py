"""MARCXML (MARC21slim): lxml element -> :class:`MarcRecord`, and record -> XML string."""

from __future__ import annotations

from typing import Final

from lxml import etree

from crosswalks.errors import MarcXmlError
from crosswalks.marc.record import MarcField, MarcRecord
from crosswalks.namespaces import MARC_NS, MARC_SCHEMA, XSI_NS
from crosswalks.xmltext import escape, known_escape

_LEADER: Final = f"{{{MARC_NS}}}leader"
_CONTROL: Final = f"{{{MARC_NS}}}controlfield"
_DATA: Final = f"{{{MARC_NS}}}datafield"
# comments and processing instructions have a function as tag: hashable, never a member
_DATA_TAGS: Final = frozenset((_DATA, "datafield"))
_CONTROL_TAGS: Final = frozenset((_CONTROL, "controlfield"))
_LEADER_TAGS: Final = frozenset((_LEADER, "leader"))
#: A datafield's element children are its subfields (MARC21slim allows nothing else there): testing
#: the proxy's type skips comments and processing instructions without building each child's tag.
_ELEMENT: Final = etree._Element


def _indicator(value: str | None) -> str:
    return value[:1] if value and value != " " and value[:1].strip() else " "


#: _indicator's answer for the usual values, looked up instead of computed.
_INDICATORS: Final = {value: _indicator(value) for value in [None, "", *map(chr, range(32, 127))]}


def indicator(value: str | None) -> str:
    """An indicator as read from MARCXML: its first character, blank when there is none."""
    return _INDICATORS.get(value) or _indicator(value)


def parse_marcxml(element: etree._Element) -> MarcRecord:
    """A ``marc:record`` element as a :class:`MarcRecord` (leader repaired when merely short or blank).

    Elements without a namespace (seen in the wild) are read as MARC21slim too, and every
    element inside a datafield as one of its subfields, whatever its name.
    """
    leader = ""
    fields: list[MarcField] = []
    for child in element:  # one pass over the children; set lookups are cheaper than lxml's tag filter
        tag = child.tag
        if tag in _DATA_TAGS:
            ind1, ind2 = child.get("ind1"), child.get("ind2")
            subs = [(s.get("code") or " ", s.text or "") for s in child if type(s) is _ELEMENT]
            fields.append(MarcField(child.get("tag") or "", indicator(ind1), indicator(ind2), subs))
        elif tag in _CONTROL_TAGS:
            fields.append(MarcField(child.get("tag") or "", value=child.text or ""))
        elif tag in _LEADER_TAGS:
            leader = child.text or ""
    if not fields:
        raise MarcXmlError("MARCXML record has no fields")
    return MarcRecord(repair_leader(leader), fields)


def repair_leader(leader: str) -> str:
    """A 24-character leader; collapsed or short leaders get their fixed positions back."""
    leader = leader.replace("\t", " ")
    if len(leader) == 24:
        return leader
    leader = (leader + " " * 24)[:24] if len(leader) < 24 else leader[:24]
    return leader[:20] + "4500"


_SUBFIELD_OPEN: Final[dict[str, str]] = {}


def _subfield_open(code: str) -> str:
    opening = _SUBFIELD_OPEN.get(code)
    if opening is None:
        opening = _SUBFIELD_OPEN[code] = f'<marc:subfield code="{escape(code)}">'
    return opening


def data_field_xml(tag: str, ind1: str, ind2: str, subfields: list[tuple[str, str]]) -> str:
    """``<marc:datafield>`` markup (the MARC writer builds this directly, without a field object).

    Subfields with an empty value are left out, and the field too ("") when that leaves none.
    Written with plain calls, no bound-method shortcuts: the compiled build calls them directly.
    """
    parts = [f'<marc:datafield tag="{tag}" ind1="{known_escape(ind1) or escape(ind1)}" '
             f'ind2="{known_escape(ind2) or escape(ind2)}">']
    for code, value in subfields:
        if value:
            parts.append(_SUBFIELD_OPEN.get(code) or _subfield_open(code))
            parts.append(known_escape(value) or escape(value))
            parts.append("</marc:subfield>")
    if len(parts) == 1:
        return ""
    parts.append("</marc:datafield>")
    return "".join(parts)


def control_field_xml(tag: str, value: str) -> str:
    return f'<marc:controlfield tag="{tag}">{known_escape(value) or escape(value)}</marc:controlfield>'


def field_xml(marc_field: MarcField) -> str:
    """A field's markup; "" for a data field without subfields (left out)."""
    if marc_field.value is not None:
        return control_field_xml(marc_field.tag, marc_field.value)
    if not marc_field.subfields:
        return ""
    subfields = "".join([f"{_SUBFIELD_OPEN.get(code) or _subfield_open(code)}"
                         f"{known_escape(value) or escape(value)}</marc:subfield>"
                         for code, value in marc_field.subfields])  # empty values kept: the field as it is
    return (f'<marc:datafield tag="{marc_field.tag}" ind1="{escape(marc_field.ind1)}" '
            f'ind2="{escape(marc_field.ind2)}">{subfields}</marc:datafield>')


def record_xml(leader: str, fields_xml: list[str]) -> str:
    """``<marc:record>`` with namespace and schema location around the fields' markup."""
    return "".join(record_parts(leader, fields_xml))


def record_parts(leader: str, fields_xml: list[str]) -> list[str]:
    """:func:`record_xml` in the parts it joins."""
    return [f"{_RECORD_OPEN}<marc:leader>{escape(leader)}</marc:leader>", *fields_xml, "</marc:record>"]


def render_marcxml(record: MarcRecord) -> str:
    """``<marc:record>`` with namespace and schema location; empty data fields are left out."""
    return record_xml(record.leader, [field_xml(f) for f in record.fields])


_RECORD_OPEN: Final = (f'<marc:record xmlns:marc="{MARC_NS}" xmlns:xsi="{XSI_NS}" '
                f'xsi:schemaLocation="{MARC_NS} {MARC_SCHEMA}">')
