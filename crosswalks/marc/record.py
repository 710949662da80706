"""A light MARC record: leader plus an ordered list of fields.

Lighter than pymarc's objects, which matters at thousands of records a second;
:func:`field_to_json` / :func:`field_from_json` give the MARC-in-JSON shape kept in
``CanonicalRecord.marc_extra``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

DEFAULT_LEADER: Final = "00000nam a2200000 i 4500"


@dataclass(slots=True)
class MarcField:
    """A control field (``value`` set) or a data field (indicators and subfields)."""

    tag: str
    ind1: str = " "
    ind2: str = " "
    subfields: list[tuple[str, str]] = field(default_factory=list)
    value: str | None = None

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


@dataclass(slots=True)
class MarcRecord:
    leader: str = DEFAULT_LEADER
    fields: list[MarcField] = field(default_factory=list)

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
