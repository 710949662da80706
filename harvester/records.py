"""One harvested record into the store: crosswalk, access level, write — or quarantine.

This is the per-record path shared by OAI harvests and file deliveries; everything
that can go wrong with one record ends here as a quarantine row, never as a failed run.
"""

from __future__ import annotations

import re
import time
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from crosswalks.model import CanonicalRecord
from crosswalks.readers import namespace_of, read_metadata
from harvester.context import RunContext
from harvester.models import QuarantinedRecord
from harvester.pages import HarvestedRecord
from harvester.partners import PartnerConfig
from repository.errors import StoreError
from repository.levels import apply_own_levels
from repository.store import IncomingRecord

_IDENTIFIER = re.compile(r"<(?:[\w.-]+:)?identifier>\s*([^<]+?)\s*</(?:[\w.-]+:)?identifier>")


def crosswalk(record: HarvestedRecord, namespace: str, partner_id: str) -> CanonicalRecord:
    """The canonical record of a harvested record (raises on any reader failure)."""
    if record.metadata is None:
        raise ValueError("record has no <metadata> element")
    # the payload's own namespace wins: partners do send other formats than the one asked for
    canonical = read_metadata(record.metadata, namespace_of(record.metadata.tag) or namespace)
    if canonical is None:
        raise ValueError(f"no reader produced a record for namespace {namespace}")
    canonical.source.partner = partner_id
    canonical.source.identifier = record.identifier
    canonical.source.datestamp = record.datestamp
    return canonical


def crosswalked(partner: PartnerConfig, record: HarvestedRecord, prefix: str, namespace: str) -> IncomingRecord:
    """The record crosswalked and ready for the store (raises on any reader failure).

    Needs no database: a harvest runs it before it opens the page's write transaction."""
    canonical = crosswalk(record, namespace, partner.id)
    return IncomingRecord(
        partner_id=partner.id, source_key=record.identifier, record=canonical,
        raw=etree.tostring(record.metadata, encoding="unicode"), source_datestamp=record.datestamp,
        metadata_prefix=prefix, metadata_namespace=namespace, source_sets=record.sets,
        access=partner.access_for(record.sets, list(canonical.rights)))


def prepare(run: RunContext, record: HarvestedRecord) -> IncomingRecord | None:
    """The record crosswalked and ready for the store, or None after quarantining it."""
    try:
        return crosswalked(run.partner, record, run.prefix, run.namespace)
    except Exception as exc:  # noqa: BLE001 - any reader failure quarantines this record only
        quarantine_failure(run, record, exc)
        return None


def write_all(run: RunContext, incomings: list[IncomingRecord], records: dict[str, HarvestedRecord]) -> set[str]:
    """Write a page's records in one go (one by one when the store refuses one); keys stored.

    A record given a level of its own keeps it (``repository.levels``)."""
    apply_own_levels(run.session, incomings)
    try:
        statuses = run.store.write_records(run.session, incomings)
    except StoreError:
        statuses = []
        for incoming in incomings:
            try:
                statuses.append(run.store.write_record(run.session, incoming))
            except StoreError as exc:
                quarantine_failure(run, records[incoming.source_key], exc)
                statuses.append("quarantined")
    stored = set()
    for incoming, status in zip(incomings, statuses, strict=True):
        if status != "quarantined":
            run.outcomes.add(status)
            stored.add(incoming.source_key)
    return stored


def store_record(run: RunContext, record: HarvestedRecord) -> bool:
    """Crosswalk and write one record in ``run``'s format; on failure quarantine it. True when it
    was stored (``kazneb quarantine retry``'s entry point)."""
    incoming = prepare(run, record)
    if incoming is None:
        return False
    return bool(write_all(run, [incoming], {record.identifier: record}))


def quarantine_failure(run: RunContext, record: HarvestedRecord, exc: Exception) -> None:
    """Keep a record that could not be crosswalked or stored, with the reason."""
    quarantine(run.session, run.partner.id, run.run_id, record.identifier, f"{type(exc).__name__}: {exc}",
               record.raw, run.prefix, run.namespace)
    run.outcomes.add("quarantined", f"{record.identifier}: {exc}")


#: Key of a record whose identifier could not be read: never merged with another entry.
UNREADABLE = "(unreadable record)"
#: Statuses of the one current entry of a record (``retrying`` while ``quarantine retry`` reads it).
CURRENT = ("open", "retrying")


def quarantine(session: Session, partner_id: str, run_id: int | None, source_key: str, error: str,
               raw: str | None, prefix: str | None = None, namespace: str | None = None,
               file: dict[str, Any] | None = None) -> QuarantinedRecord:
    """Keep a record that could not be read or stored; ``file`` holds a delivered file's
    record's exact bytes and origin (``raw_bytes`` and the ``file_*`` columns).

    A record has at most one open entry: quarantined again (a re-harvest, a second delivery,
    a failed retry), its entry is updated in place and keeps its id."""
    values = dict(partner_id=partner_id, run_id=run_id, source_key=source_key[:1000], error=error, raw=raw,
                  metadata_prefix=prefix, metadata_namespace=namespace, created_at=int(time.time()), status="open",
                  **(file or {}))
    entry = None if source_key == UNREADABLE else session.scalars(select(QuarantinedRecord).where(
        QuarantinedRecord.partner_id == partner_id, QuarantinedRecord.source_key == values["source_key"],
        QuarantinedRecord.status.in_(CURRENT)).order_by(QuarantinedRecord.id).limit(1)).first()
    if entry is None:
        entry = QuarantinedRecord(**values)
        session.add(entry)
    else:
        for name, value in values.items():
            setattr(entry, name, value)
    session.flush()
    return entry


def identifier_in(raw: str) -> str:
    """The OAI identifier written in an unreadable record, or a placeholder."""
    found = _IDENTIFIER.search(raw)
    return found.group(1) if found else UNREADABLE
