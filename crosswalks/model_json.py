"""A canonical record's compact JSON, written by orjson straight from the dataclasses.

The store keeps every record as this JSON and hashes it to notice real changes, so it
is on every write.  orjson walks the dataclasses itself, ten times faster than building
:meth:`CanonicalRecord.to_dict` and encoding that, and asks :func:`present_fields` for
each dataclass's fields.  The text equals ``to_dict``'s, compactly encoded (a test holds
the two equal); this module is one of those compiled for harvest workers.
"""

from __future__ import annotations

from typing import Any

import orjson

from crosswalks.model import CanonicalRecord, prune_empty


def compact_json(record: CanonicalRecord) -> bytes:
    """The record's JSON in UTF-8, empty values left out as :meth:`CanonicalRecord.to_dict` does.

    Raises ``orjson.JSONEncodeError`` for what orjson refuses (lone surrogates).
    """
    return orjson.dumps(record, option=orjson.OPT_PASSTHROUGH_DATACLASS, default=present_fields)


def present_fields(value: Any) -> dict[str, Any]:
    """A dataclass's fields without the empty ones (None, "", [], {}); 0 and False are values."""
    if not hasattr(value, "__dataclass_fields__"):
        raise TypeError(f"cannot store a {type(value).__name__} in a canonical record")
    fields: dict[str, Any] = value.__dict__
    present = {k: v for k, v in fields.items() if v or (v is not None and isinstance(v, (int, float)))}
    source = present.get("source")  # the one nested part that is not in a list: left out when empty
    if source is not None and not present_fields(source):
        del present["source"]
    extra = present.get("marc_extra")
    if extra is not None and _has_empty(extra):  # plain MARC-in-JSON dicts, pruned the same way
        present["marc_extra"] = prune_empty(extra)
    return present


def _has_empty(value: Any) -> bool:
    """Whether plain JSON data holds an empty value under a key (what prune_empty removes).

    Read off orjson's text: a quote inside a JSON string is escaped, so ``:""`` or
    ``:null`` there can only be a key's value.  Cheaper than walking the dicts.
    """
    text = orjson.dumps(value)
    return b':""' in text or b":null" in text or b":[]" in text or b":{}" in text
