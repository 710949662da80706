"""A record as stored: its canonical JSON (exactly the text hashed) and the content hash.

The hash says whether anything published about a record changed, so a re-harvest of the
same content leaves the record and its datestamp alone; the JSON it is taken of is the one
stored, written once for both.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from typing import Any

import orjson

from crosswalks.model import CanonicalRecord
from crosswalks.model_json import compact_json
from crosswalks.xmlchars import legal_xml


def content_hash(canonical_text: str | bytes, source_sets: list[str], *, deleted: bool) -> str:
    """A digest of everything published about a record, to detect real changes.

    ``canonical_text`` is the canonical record's JSON exactly as stored (``"null"`` for a
    tombstone), so the record is serialised once for both the digest and the row; as UTF-8
    bytes when the caller has them, which saves encoding it again.
    """
    digest = hashlib.sha256(canonical_text if isinstance(canonical_text, bytes) else canonical_text.encode("utf-8"))
    digest.update(f"\x1f{_sets_json(tuple(source_sets))}\x1f{int(deleted)}".encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1024)
def _sets_json(source_sets: tuple[str, ...]) -> str:
    """The source sets as the digest has always spelt them (a page's records share a few lists)."""
    return json.dumps(list(source_sets), ensure_ascii=False)


def canonical_json(record: CanonicalRecord) -> str:
    """The record's JSON as stored (``to_dict`` shape), every string legal in XML."""
    return canonical_json_bytes(record).decode("utf-8")


def canonical_json_bytes(record: CanonicalRecord) -> bytes:
    """:func:`canonical_json` in UTF-8, as :func:`~crosswalks.model_json.compact_json` writes it.

    JSON escapes C0 controls (as ``\\uXXXX``) and orjson refuses lone surrogates, so text
    with no backslash holds no character the hub drops but DEL, the C1 controls and the
    non-characters U+FFFE and U+FFFF (``crosswalks.xmlchars``), found in the UTF-8 by their
    lead bytes; only the rare rest is cleaned through ``to_dict``.
    """
    try:
        data = compact_json(record)
    except orjson.JSONEncodeError:
        data = b"\\"
    if b"\\" in data or ((b"\x7f" in data or b"\xc2" in data or b"\xef\xbf" in data) and _DROPPED_UTF8.search(data)):
        data = dumps(legal_text(record.to_dict())).encode("utf-8")
    return data


#: In UTF-8, the characters of ``crosswalks.xmlchars.DROPPED`` JSON leaves as they are.
_DROPPED_UTF8 = re.compile(rb"\x7f|\xc2[\x80-\x84\x86-\x9f]|\xef\xbf[\xbe\xbf]")


def dumps(value: Any) -> str:
    """Compact JSON, the same text whether orjson or (for what it refuses) the standard encoder writes it."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return _ENCODER.encode(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def legal_text(value: Any) -> Any:
    """``value`` with every string stripped of characters XML (and PostgreSQL) cannot hold."""
    if isinstance(value, str):
        return legal_xml(value)
    if isinstance(value, dict):
        return {k: legal_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [legal_text(v) for v in value]
    return value
