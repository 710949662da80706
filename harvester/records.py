"""One harvested record into the store: crosswalk, access level, write — or quarantine.

This is the per-record path shared by OAI harvests and file deliveries; everything
that can go wrong with one record ends here as a quarantine row, never as a failed run.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from crosswalks.model import CanonicalRecord
from crosswalks.readers import namespace_of, read_metadata
from harvester.models import QuarantinedRecord
from harvester.pages import HarvestedRecord
from harvester.partners import PartnerConfig
from repository.errors import StoreError
from repository.levels import apply_own_levels
from repository.store import IncomingRecord, Store

_IDENTIFIER = re.compile(r"<(?:[\w.-]+:)?identifier>\s*([^<]+?)\s*</(?:[\w.-]+:)?identifier>")


@dataclass
class Outcomes:
    """Counts of what happened to records (new, updated, unchanged, deleted, quarantined)."""

    counts: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, outcome: str, example: str | None = None) -> None:
        self.counts[outcome] += 1
        if example is not None:
            kept = self.examples.setdefault(outcome, [])
            if len(kept) < 5:
                kept.append(example)


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


def prepare(session: Session, partner: PartnerConfig, record: HarvestedRecord, prefix: str, namespace: str,
            run_id: int | None, outcomes: Outcomes, crosswalk_failure: Exception | None = None
            ) -> IncomingRecord | None:
    """The record crosswalked and ready for the store, or None after quarantining it.

    ``crosswalk_failure``: the crosswalk already ran (outside the transaction) and raised this."""
    try:
        if crosswalk_failure is not None:
            raise crosswalk_failure
        return crosswalked(partner, record, prefix, namespace)
    except Exception as exc:  # noqa: BLE001 - any reader failure quarantines this record only
        _quarantined(session, partner.id, run_id, record, exc, prefix, namespace, outcomes)
        return None


def write_all(store: Store, session: Session, incomings: list[IncomingRecord],
              records: dict[str, HarvestedRecord], run_id: int | None, outcomes: Outcomes) -> set[str]:
    """Write a page's records in one go (one by one when the store refuses one); keys stored.

    A record given a level of its own keeps it (``repository.levels``)."""
    apply_own_levels(session, incomings)
    try:
        statuses = store.write_records(session, incomings)
    except StoreError:
        statuses = []
        for incoming in incomings:
            try:
                statuses.append(store.write_record(session, incoming))
            except StoreError as exc:
                record = records[incoming.source_key]
                _quarantined(session, incoming.partner_id, run_id, record, exc, incoming.metadata_prefix or "",
                             incoming.metadata_namespace or "", outcomes)
                statuses.append("quarantined")
    stored = set()
    for incoming, status in zip(incomings, statuses, strict=True):
        if status != "quarantined":
            outcomes.add(status)
            stored.add(incoming.source_key)
    return stored


def store_record(store: Store, session: Session, partner: PartnerConfig, record: HarvestedRecord,
                 prefix: str, namespace: str, run_id: int | None, outcomes: Outcomes) -> bool:
    """Crosswalk and write one record; on failure quarantine it. True when it was stored."""
    incoming = prepare(session, partner, record, prefix, namespace, run_id, outcomes)
    if incoming is None:
        return False
    return bool(write_all(store, session, [incoming], {record.identifier: record}, run_id, outcomes))


def _quarantined(session: Session, partner_id: str, run_id: int | None, record: HarvestedRecord,
                 exc: Exception, prefix: str, namespace: str, outcomes: Outcomes) -> bool:
    quarantine(session, partner_id, run_id, record.identifier, f"{type(exc).__name__}: {exc}",
               record.raw, prefix, namespace)
    outcomes.add("quarantined", f"{record.identifier}: {exc}")
    return False


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
