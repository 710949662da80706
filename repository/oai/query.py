"""Fetching one page of a list: an indexed keyset range scan, never an OFFSET.

Each page starts strictly after the (datestamp, id) of the last record sent and
stops at the list's fixed upper bound, so page N costs what page 1 costs.  One row
more than the page size is read to know, without an extra empty page, whether
another page follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from repository.models import HEADER_START
from repository.oai.tokens import ListState
from repository.sets import EVERY_RECORD_SETS

# Pages start from the keyset position alone: with a separate ``datestamp >= :start`` term
# SQLite starts the index range there and walks up to the position, which makes deep pages
# slow.  A first page starts just before ``from`` instead (see ``first_position``).
_FROM_ALL = """
FROM record_renderings r
WHERE r.prefix = :prefix AND r.datestamp <= :until
"""
_FROM_SET = """
FROM record_sets s JOIN record_renderings r ON r.record_id = s.record_id AND r.prefix = :prefix
WHERE s.set_spec = :set_spec AND s.datestamp <= :until
"""
_COUNT_ALL = "FROM record_renderings r WHERE r.prefix = :prefix AND r.datestamp >= :start AND r.datestamp <= :until"
_COUNT_SET = "FROM record_sets s WHERE s.set_spec = :set_spec AND s.datestamp >= :start AND s.datestamp <= :until"

#: Greater than any record id, so (from - 1, LAST_ID) sorts just before the first record of ``from``.
LAST_ID = 2**62


def first_position(start: int) -> tuple[int, int]:
    """The keyset position a list from ``start`` begins after."""
    return start - 1, LAST_ID
_AFTER_ALL = " AND (r.datestamp, r.record_id) > (:after_ds, :after_id) ORDER BY r.datestamp, r.record_id"
_AFTER_SET = " AND (s.datestamp, s.record_id) > (:after_ds, :after_id) ORDER BY s.datestamp, s.record_id"


@dataclass(frozen=True)
class Item:
    record_id: int
    datestamp: int
    xml: bytes  # UTF-8, pre-rendered


def _params(state: ListState) -> dict[str, object]:
    return {
        "prefix": state.prefix,
        "set_spec": state.set_spec,
        "start": state.start or 0,
        "until": state.until,
        "after_ds": state.after_datestamp,
        "after_id": state.after_id,
    }


def _by_set(state: ListState) -> bool:
    """Whether the list is read through the set index (a set every record is in is the whole list)."""
    return bool(state.set_spec) and state.set_spec not in EVERY_RECORD_SETS


def count(conn: Connection, state: ListState) -> int:
    """How many items the whole list holds (its completeListSize)."""
    source = _COUNT_SET if _by_set(state) else _COUNT_ALL
    return conn.execute(text("SELECT COUNT(*) " + source), _params(state)).scalar_one()


#: What a list page reads: whole records, or the ``<header>`` that starts each one (as
#: ``RecordRendering.header_xml`` cuts it).
_SELECTED = {"record_xml": "r.record_xml", "header_xml": f"substr(r.record_xml, {HEADER_START}, r.header_length)"}


def page(conn: Connection, state: ListState, size: int, column: str) -> tuple[list[Item], bool]:
    """Up to ``size`` items after the state's position, and whether more follow.

    ``column`` is ``record_xml`` for ListRecords and ``header_xml`` for ListIdentifiers.
    """
    source = _FROM_SET + _AFTER_SET if _by_set(state) else _FROM_ALL + _AFTER_ALL
    sql = f"SELECT r.record_id, r.datestamp, {_SELECTED[column]} " + source + " LIMIT :limit"
    rows = conn.execute(text(sql), {**_params(state), "limit": size + 1}).all()
    items = [Item(rid, ds, bytes(xml)) for rid, ds, xml in rows[:size]]
    return items, len(rows) > size


def earliest_datestamp(conn: Connection) -> int | None:
    """The oldest datestamp (every record has an oai_dc rendering; the list index answers)."""
    return conn.execute(text("SELECT MIN(datestamp) FROM record_renderings WHERE prefix = 'oai_dc'")).scalar_one()


def set_exists(conn: Connection, spec: str) -> bool:
    return conn.execute(text("SELECT 1 FROM oai_sets WHERE spec = :s"), {"s": spec}).first() is not None


def sets_page(conn: Connection, after_spec: str, size: int) -> tuple[list[tuple[str, str, dict]], bool]:
    rows = conn.execute(
        text("SELECT spec, name, names FROM oai_sets WHERE spec > :after ORDER BY spec LIMIT :limit"),
        {"after": after_spec, "limit": size + 1},
    ).all()
    return [(spec, name, _json(names)) for spec, name, names in rows[:size]], len(rows) > size


def count_sets(conn: Connection) -> int:
    return conn.execute(text("SELECT COUNT(*) FROM oai_sets")).scalar_one()


def record_by_local_id(conn: Connection, local_id: str, prefix: str | None) -> tuple[int, bytes | None] | None:
    """(record id, rendering in ``prefix`` or None) for a local id; None if unknown."""
    row = conn.execute(text("SELECT id FROM hub_records WHERE local_id = :l"), {"l": local_id}).first()
    if row is None:
        return None
    if prefix is None:
        return row[0], None
    xml = conn.execute(
        text("SELECT record_xml FROM record_renderings WHERE record_id = :r AND prefix = :p"),
        {"r": row[0], "p": prefix},
    ).scalar()
    return row[0], bytes(xml) if xml is not None else None


def prefixes_of(conn: Connection, record_id: int) -> list[str]:
    rows = conn.execute(
        text("SELECT prefix FROM record_renderings WHERE record_id = :r ORDER BY prefix"), {"r": record_id}
    )
    return [p for (p,) in rows]


def partner_endpoints(conn: Connection) -> list[str]:
    """Base URLs for Identify's friends list: enabled partners' public OAI endpoints only.

    A disabled partner is not one the hub vouches for, and a loopback, private or
    reserved-name address (a test or sample partner) means nothing to a harvester elsewhere."""
    rows = conn.execute(text("SELECT base_url FROM partners WHERE enabled = :on AND base_url IS NOT NULL "
                             "AND base_url != '' ORDER BY id"), {"on": True})
    return [url for (url,) in rows if is_public_endpoint(url)]


#: Top-level names reserved by RFC 2606 / RFC 6761 (and mDNS's .local): never a public endpoint.
_RESERVED_NAMES = ("example", "test", "invalid", "localhost", "local")


def is_public_endpoint(url: str) -> bool:
    """Whether ``url`` is an http(s) URL a harvester elsewhere could reach."""
    import ipaddress
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and host.rsplit(".", 1)[1] not in _RESERVED_NAMES and host != "localhost"
    return address.is_global


def _json(value: object) -> dict:
    if isinstance(value, str):
        import json

        return json.loads(value)
    return dict(value or {})
