"""Subfields of rewritten fields that the canonical record has no place for.

The crosswalk reads 245, 020, 041, 6XX and 856 into canonical parts and writes
them anew, so subfields it does not read (245 $h/$k, 020 $q/$c, 041 $h, 6XX $0/$1,
a partner's own 856 $z) would be lost.  The reader keeps them in ``marc_extra`` as
``{"245": {"kept_subfields": [[code, value, after], ...], "match": key}}``; the writer
puts them back into the field it writes whose :func:`match_key` equals ``key``,
each after the last subfield coded ``after`` (the code before it in the source).
"""

from __future__ import annotations

import re
from typing import Any

from crosswalks import access
from crosswalks.normalize.isbn import parse_isbn
from crosswalks.normalize.punctuation import trim_isbd

SUBJECT_KEPT = "01"
#: tag -> subfield codes kept through a round trip (6XX: every subject tag, see :func:`kept_codes`).
KEPT_CODES: dict[str, str] = {"245": "hkfgs", "020": "qc", "041": "behikmnpqrt", "856": "z"}
_MARK = re.compile(r"\s*(?: [:/;=]|[,.])$")

KeptSubfield = tuple[str, str, str]


def kept_codes(tag: str) -> str:
    return KEPT_CODES.get(tag, SUBJECT_KEPT if tag[:1] == "6" else "")


def _keep_value(tag: str, value: str) -> bool:
    """A partner's 856 $z is kept; the hub's own access note is written afresh."""
    return bool(value.strip()) and not (tag == "856" and access.level_of_statement(value))


def kept_subfields(tag: str, subfields: list[tuple[str, str]]) -> list[KeptSubfield]:
    """The subfields of a source field to keep, each with the code of the subfield before it."""
    codes = kept_codes(tag)
    kept: list[KeptSubfield] = []
    before = ""
    for code, value in subfields:
        if code in codes and _keep_value(tag, value):
            kept.append((code, value, before))
        before = code
    return kept


def match_key(tag: str, text: str | None) -> str:
    """What ties a written field to the source field: its title, ISBN, heading or URL."""
    text = (text or "").strip()
    if tag == "041":
        return ""
    if tag == "020":
        found = parse_isbn(text)
        return (found.isbn13 or text) if found else text
    if tag == "856":
        return text
    return trim_isbd(text).casefold()


def kept_entry(tag: str, subfields: list[tuple[str, str]], key_text: str | None) -> dict[str, Any] | None:
    """The ``marc_extra`` item keeping a field's unread subfields, or None when there are none."""
    kept = kept_subfields(tag, subfields)
    if not kept:
        return None
    return {tag: {"kept_subfields": [list(k) for k in kept], "match": match_key(tag, key_text)}}


def is_kept_entry(item: dict[str, Any]) -> bool:
    body = next(iter(item.values()), None) if len(item) == 1 else None
    return isinstance(body, dict) and "kept_subfields" in body


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _written_key(tag: str, subfields: list[tuple[str, str]]) -> str:
    main = "u" if tag == "856" else "az" if tag == "020" else "a"
    first = next((v for c, v in subfields if c in main), None)
    if tag[:1] == "6" and first:
        first = first.split(" -- ")[0]
    return match_key(tag, first)


class KeptSubfields:
    """The kept subfields of one record, handed out once each to the field they belong in."""

    def __init__(self, marc_extra: list[dict[str, Any]]) -> None:
        self.pending: dict[str, list[tuple[str, list[KeptSubfield]]]] = {}
        for item in marc_extra:
            if is_kept_entry(item):
                ((tag, body),) = item.items()
                kept = [(str(k[0]), str(k[1]), str(k[2])) for k in _as_list(body["kept_subfields"])
                        if isinstance(k, (list, tuple)) and len(k) == 3 and k[1]]  # a hand-edited entry may be off
                if kept:
                    self.pending.setdefault(tag, []).append((str(body.get("match", "")), kept))

    def has(self, tag: str) -> bool:
        return bool(self.pending.get(tag))

    def merge(self, tag: str, subfields: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """``subfields`` with the kept subfields of the matching source field put back."""
        entries = self.pending.get(tag)
        if not entries or not subfields:
            return subfields
        key = _written_key(tag, subfields)
        for index, (match, kept) in enumerate(entries):
            if match == key:
                del entries[index]
                return _insert(tag, list(subfields), kept)
        return subfields


def _insert(tag: str, subfields: list[tuple[str, str]], kept: list[KeptSubfield]) -> list[tuple[str, str]]:
    for code, value, after in kept:
        position = max((i + 1 for i, (c, _) in enumerate(subfields) if c == after), default=len(subfields))
        if tag == "245" and position > 0:
            value = _move_mark(subfields, position - 1, value)
        subfields.insert(position, (code, value))
    return subfields


def _move_mark(subfields: list[tuple[str, str]], index: int, value: str) -> str:
    """ISBD punctuation ends the run before the next element: it moves from the written
    subfield to the kept one inserted after it (unless that one brings its own)."""
    code, written = subfields[index]
    mark = _MARK.search(written)
    if not mark:
        return value
    subfields[index] = (code, written[:mark.start()])
    return value if _MARK.search(value) else value + mark.group(0)
