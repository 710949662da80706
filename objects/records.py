"""Which partner record a copy belongs to: found by the hub's OAI identifier, the partner's own
source identifier, or an ISBN that names exactly one of the partner's records."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from crosswalks.normalize.isbn import parse_isbn
from objects.errors import DepositRefused
from repository.models import HubRecord, SourceRecord


@dataclass(frozen=True)
class RecordRef:
    """A partner's record as a copy names it."""

    partner_id: str
    source_key: str
    local_id: str
    pages: int | None
    deleted: bool


def find_record(session: Session, oai_prefix: str, partner_id: str, given: str) -> RecordRef:
    """The one record of ``partner_id`` that ``given`` names, or the refusal saying why not."""
    rows = _by_oai_identifier(session, oai_prefix, given) or _by_source_key(session, partner_id, given)
    if not rows and (isbn := parse_isbn(given)) is not None and isbn.isbn13:
        rows = _by_isbn(session, partner_id, given)
    rows = [row for row in rows if row[0].partner_id == partner_id] if rows else rows
    if not rows:
        raise DepositRefused("--record", f"{given!r} names no record of partner {partner_id} (give the hub's OAI "
                             "identifier, the partner's own identifier, or an ISBN of one of its records)")
    if len(rows) > 1:
        keys = ", ".join(sorted(source.source_key for source, _ in rows)[:5])
        raise DepositRefused("--record", f"ISBN {given} is on {len(rows)} records of partner {partner_id} ({keys}); "
                             "name one by its identifier")
    source, hub = rows[0]
    pages = (hub.canonical or {}).get("pages")
    return RecordRef(source.partner_id, source.source_key, hub.local_id, pages if isinstance(pages, int) else None,
                     bool(hub.deleted))


def _joined():  # type: ignore[no-untyped-def]
    return select(SourceRecord, HubRecord).join(HubRecord, HubRecord.id == SourceRecord.hub_record_id)


def _by_oai_identifier(session: Session, oai_prefix: str, given: str) -> list:
    if not given.startswith(oai_prefix):
        return []
    return list(session.execute(_joined().where(HubRecord.local_id == given[len(oai_prefix):])))


def _by_source_key(session: Session, partner_id: str, given: str) -> list:
    return list(session.execute(_joined().where(SourceRecord.partner_id == partner_id,
                                                SourceRecord.source_key == given)))


def _by_isbn(session: Session, partner_id: str, given: str) -> list:
    """Records whose canonical identifiers hold the ISBN (compared as ISBN-13): the partner's
    records that have an ISBN at all, checked identifier by identifier.  (Consolidation will
    give records an ISBN key of their own; a deposit is rare enough to read them.)"""
    wanted = parse_isbn(given)
    found = []
    candidates = session.execute(_joined().where(
        SourceRecord.partner_id == partner_id, cast(HubRecord.canonical, String).like('%"isbn%')))
    for source, hub in candidates:
        for identifier in (hub.canonical or {}).get("identifiers", []):
            parsed = parse_isbn(str(identifier.get("value", "")))
            if parsed is not None and wanted is not None and parsed.isbn13 == wanted.isbn13:
                found.append((source, hub))
                break
    return found
