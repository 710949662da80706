"""A light MARC record: leader plus an ordered list of fields.

Lighter than pymarc's objects, which matters at thousands of records a second;
:func:`field_to_json` / :func:`field_from_json` give the MARC-in-JSON shape kept in
``CanonicalRecord.marc_extra``.
"""

from __future__ import annotations

from typing import Any, Final

DEFAULT_LEADER: Final = "00000nam a2200000 i 4500"


class MarcField:
    """A control field (``value`` set) or a data field (indicators and subfields).

    A plain class rather than a dataclass: the compiled build makes its ``__init__`` native,
    where a dataclass's generated one stays interpreted (records make many fields)."""

    __slots__ = ("tag", "ind1", "ind2", "subfields", "value")

    def __init__(self, tag: str, ind1: str = " ", ind2: str = " ",
                 subfields: list[tuple[str, str]] | None = None, value: str | None = None) -> None:
        self.tag = tag
        self.ind1 = ind1
        self.ind2 = ind2
        self.subfields: list[tuple[str, str]] = subfields if subfields is not None else []
        self.value = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MarcField):
            return NotImplemented
        return (self.tag, self.ind1, self.ind2, self.subfields, self.value) == \
            (other.tag, other.ind1, other.ind2, other.subfields, other.value)

    def __repr__(self) -> str:
        return (f"MarcField(tag={self.tag!r}, ind1={self.ind1!r}, ind2={self.ind2!r}, "
                f"subfields={self.subfields!r}, value={self.value!r})")

    @property
    def is_control(self) -> bool:
        return self.value is not None

    def get(self, code: str) -> str | None:
        """The first value of subfield ``code``."""
        for sub_code, value in self.subfields:
            if sub_code == code:
                return value
        return None

    def values(self, *codes: str) -> list[str]:
        """Values of the given subfield codes (all codes when none given), in field order."""
        return [v for c, v in self.subfields if not codes or c in codes]


class MarcRecord:
    """A leader and the fields in record order (a plain class, as :class:`MarcField`)."""

    __slots__ = ("leader", "fields")

    def __init__(self, leader: str = DEFAULT_LEADER, fields: list[MarcField] | None = None) -> None:
        self.leader = leader
        self.fields: list[MarcField] = fields if fields is not None else []

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MarcRecord):
            return NotImplemented
        return self.leader == other.leader and self.fields == other.fields

    def __repr__(self) -> str:
        return f"MarcRecord(leader={self.leader!r}, fields={self.fields!r})"

    def get_fields(self, *tags: str) -> list[MarcField]:
        return [f for f in self.fields if f.tag in tags]

    def first(self, tag: str) -> MarcField | None:
        for f in self.fields:
            if f.tag == tag:
                return f
        return None

    def control(self, tag: str) -> str | None:
        found = self.first(tag)
        return found.value if found is not None else None


def field_to_json(marc_field: MarcField) -> dict[str, Any]:
    """MARC-in-JSON: {"001": "x"} or {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "..."}]}}."""
    if marc_field.is_control:
        return {marc_field.tag: marc_field.value}
    return {marc_field.tag: {"ind1": marc_field.ind1, "ind2": marc_field.ind2,
                             "subfields": [{c: v} for c, v in marc_field.subfields]}}


def field_from_json(data: dict[str, Any]) -> MarcField:
    """Inverse of :func:`field_to_json`."""
    ((tag, body),) = data.items()
    if isinstance(body, str):
        return MarcField(tag, value=body)
    subfields = [next(iter(item.items())) for item in body.get("subfields", [])]
    return MarcField(tag, body.get("ind1", " ") or " ", body.get("ind2", " ") or " ", subfields)
