"""The operators' decisions: pairs forced together or kept apart.

A decision names both records by partner and source key, the partners' own identifiers, not by
hub ids or cluster ids, so it holds after a re-harvest, a rebuild of the store from the partners,
and with retuned thresholds.  A record stored without an identifier of its own is keyed by a
digest of its content (a source key starting with ``#``, ``harvester.delivery.content_key``):
when its partner corrects it, it comes back under another key and the decision no longer
finds it.  :func:`record` says so as a warning.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Table, and_, delete, select

from consolidation.models import ClusterDecision
from repository.models import HubRecord, SourceRecord

DECISIONS: Table = ClusterDecision.__table__  # type: ignore[assignment]
ACTIONS = ("merge", "forbid")


class DecisionError(Exception):
    """A decision that cannot be taken, with the reason."""


@dataclass(frozen=True, order=True)
class RecordRef:
    """A partner's record as decisions name it."""

    partner: str
    key: str

    @property
    def content_keyed(self) -> bool:
        """True when the key is a digest of the record's content (it changes with any edit)."""
        return self.key.startswith("#")

    def __str__(self) -> str:
        return f"{self.partner}:{self.key}"


def resolve(conn: Connection, name: str, namespace: str) -> tuple[RecordRef, int]:
    """The record ``name`` refers to (an OAI identifier ``oai:<namespace>:<local id>``, or
    ``partner:source-key``), with its own hub record id; :class:`DecisionError` when none."""
    local_id = name[len(f"oai:{namespace}:"):] if name.startswith(f"oai:{namespace}:") else name
    sources, hubs = SourceRecord.__table__, HubRecord.__table__
    row = conn.execute(select(sources.c.partner_id, sources.c.source_key, sources.c.hub_record_id)
                       .join(hubs, hubs.c.id == sources.c.hub_record_id)
                       .where(hubs.c.local_id == local_id)).first()
    if row is None and ":" in local_id:
        partner, key = local_id.split(":", 1)
        row = conn.execute(select(sources.c.partner_id, sources.c.source_key, sources.c.hub_record_id)
                           .where(sources.c.partner_id == partner, sources.c.source_key == key)).first()
    if row is None:
        raise DecisionError(f"{name!r}: no such record (give an OAI identifier or partner:source-key)")
    return RecordRef(row.partner_id, row.source_key), row.hub_record_id


def ordered(a: RecordRef, b: RecordRef) -> tuple[RecordRef, RecordRef]:
    """A pair in the one order it is stored in."""
    if a == b:
        raise DecisionError(f"{a}: a record cannot be paired with itself")
    return (a, b) if a < b else (b, a)


def existing(conn: Connection, a: RecordRef, b: RecordRef) -> str | None:
    """The action stored for the pair, or None."""
    first, second = ordered(a, b)
    return conn.execute(select(DECISIONS.c.action).where(_pair(first, second))).scalar()


def record(conn: Connection, action: str, a: RecordRef, b: RecordRef, by: str, note: str | None = None) -> list[str]:
    """Store ``action`` for the pair, replacing an earlier decision about it; warnings to show."""
    if action not in ACTIONS:
        raise DecisionError(f"unknown action {action!r}: {' or '.join(ACTIONS)}")
    first, second = ordered(a, b)
    conn.execute(delete(DECISIONS).where(_pair(first, second)))
    conn.execute(DECISIONS.insert().values(
        action=action, a_partner=first.partner, a_key=first.key, b_partner=second.partner, b_key=second.key,
        decided_at=int(time.time()), decided_by=by, note=note))
    return [f"{ref}: keyed by its content, so this decision is lost when its partner edits the record "
            "(it comes back under another key)" for ref in (first, second) if ref.content_keyed]


def withdraw(conn: Connection, action: str, a: RecordRef, b: RecordRef) -> bool:
    """Remove a stored ``action`` about the pair (unmerge, unforbid); False when there was none."""
    first, second = ordered(a, b)
    done = conn.execute(delete(DECISIONS).where(_pair(first, second), DECISIONS.c.action == action))
    return bool(done.rowcount)


def all_decisions(conn: Connection) -> Iterator[tuple[str, RecordRef, RecordRef]]:
    """Every stored decision: (action, first record, second record)."""
    rows = conn.execute(select(DECISIONS.c.action, DECISIONS.c.a_partner, DECISIONS.c.a_key,
                               DECISIONS.c.b_partner, DECISIONS.c.b_key).order_by(DECISIONS.c.id))
    for action, a_partner, a_key, b_partner, b_key in rows:
        yield action, RecordRef(a_partner, a_key), RecordRef(b_partner, b_key)


def decided_pairs(conn: Connection) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[str]]:
    """Forced and forbidden pairs as hub record ids today, and the decisions whose records are gone."""
    hub_of = _hub_ids(conn)
    forced, forbidden, missing = [], [], []
    for action, a, b in all_decisions(conn):
        ids = hub_of.get((a.partner, a.key)), hub_of.get((b.partner, b.key))
        if None in ids:
            missing.append(f"{action} {a} {b}")
            continue
        (forced if action == "merge" else forbidden).append(ids)  # type: ignore[arg-type]
    return forced, forbidden, missing


def _hub_ids(conn: Connection) -> dict[tuple[str, str], int]:
    """Hub record ids of the live source records that decisions name."""
    sources = SourceRecord.__table__
    refs = {(ref.partner, ref.key) for _, a, b in all_decisions(conn) for ref in (a, b)}
    found: dict[tuple[str, str], int] = {}
    for partner, key in refs:
        hub_id = conn.execute(select(sources.c.hub_record_id).where(
            sources.c.partner_id == partner, sources.c.source_key == key, sources.c.deleted.is_(False))).scalar()
        if hub_id is not None:
            found[(partner, key)] = hub_id
    return found


def _pair(first: RecordRef, second: RecordRef):  # type: ignore[no-untyped-def]
    return and_(DECISIONS.c.a_partner == first.partner, DECISIONS.c.a_key == first.key,
                DECISIONS.c.b_partner == second.partner, DECISIONS.c.b_key == second.key)
