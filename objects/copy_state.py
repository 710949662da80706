"""A copy's state that makes no new version: its level, a withdrawal (a takedown), a reinstatement.

The stored versions never change.  Each change is one event in the log, applied to the
catalogue the way a rebuild replays it (:func:`objects.catalogue.apply_event`), with the
log's anchor kept; then the record follows its copies (``objects/publication.py``), all in
one transaction.  A withdrawn copy stays in depository storage but is delivered no more: the
record no longer counts it (it falls back to its other copies, or to its rule).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from objects import events
from objects.agreements import require_level
from objects.catalogue import apply_event, remember_head
from objects.errors import DepositRefused
from objects.ids import check_id, object_urn
from objects.models import DigitalObject
from objects.publication import RecordLevel, follow
from objects.storage import Depository
from repository.store import Store


@dataclass(frozen=True)
class CopyChange:
    """What one command changed: the copy's state before and after, and the record that follows it."""

    object_id: str
    oai_identifier: str
    before: str
    after: str
    record: RecordLevel

    def lines(self) -> list[str]:
        copy = (f"{self.before} -> {self.after}" if self.before != self.after
                else f"already {self.after}, nothing changed")
        return [f"object {self.object_id}: {copy}", f"record {self.oai_identifier}: {self._record_line()}"]

    def _record_line(self) -> str:
        record = self.record
        if record.deleted:
            return "deleted at its partner: nothing is published (the copy is kept in depository storage)"
        why = ("the most open level of its live copies" if record.copy_level
               else "no live copy: the level its own level or its partner's rules give it")
        if record.clustered:
            change = f"{record.before} -> {record.after}" if record.before != record.after else f"stays {record.after}"
            return (f"{change} ({why}); it is one holding of a merged record, which shows this after the next "
                    "kazneb cluster build (the scheduler's)")
        if record.before != record.after:
            return f"{record.before} -> {record.after} ({why})"
        link = ", published again " + ("with the link to its copy" if record.copy_level else "without a copy link")
        return f"stays {record.after} ({why})" + (link if record.republished else "")


def set_access(store: Store, depository: Depository, object_id: str, level: str, by: str, today: date) -> CopyChange:
    """Give a copy another level, one the partner's agreement in force offers."""
    with _copy(store, depository, object_id) as (session, row):
        require_level(session, row.partner_id, level, today, doing=f"give its copies the level {level}",
                      subject="LEVEL")
        before = state_of(row)
        if row.access != level:
            _log(session, depository, row, "set-access", by, access=level, before=row.access)
        return _followed(store, session, row, before)


def withdraw(store: Store, depository: Depository, object_id: str, reason: str, by: str) -> CopyChange:
    """Stop all delivery of a copy at once (a takedown); it stays in depository storage."""
    if not reason.strip():
        raise DepositRefused("--reason", "say why the copy is withdrawn: the log keeps the reason")
    with _copy(store, depository, object_id) as (session, row):
        if row.withdrawn:
            raise DepositRefused(object_id, f"is withdrawn already ({row.withdrawn_reason})")
        before = state_of(row)
        _log(session, depository, row, "withdraw", by, reason=reason.strip())
        return _followed(store, session, row, before)


def reinstate(store: Store, depository: Depository, object_id: str, by: str) -> CopyChange:
    """Undo a withdrawal: the copy is delivered again, at its level."""
    with _copy(store, depository, object_id) as (session, row):
        if not row.withdrawn:
            raise DepositRefused(object_id, "is not withdrawn: there is nothing to reinstate")
        before = state_of(row)
        _log(session, depository, row, "reinstate", by)
        return _followed(store, session, row, before)


def state_of(row: DigitalObject) -> str:
    """A copy's state as the commands show it: its level, or its withdrawal and why."""
    return f"withdrawn ({row.withdrawn_reason})" if row.withdrawn else row.access


@contextmanager
def _copy(store: Store, depository: Depository, object_id: str) -> Iterator[tuple[Session, DigitalObject]]:
    """The copy's catalogue row in a write transaction, with the object locked (one writer at a
    time: a new version and a change of state do not cross)."""
    check_id(object_id)
    with depository.locked(object_urn(object_id)), store.session() as session:
        row = session.get(DigitalObject, object_id)
        if row is None:
            raise DepositRefused(object_id, "no such object (see kazneb objects list)")
        yield session, row


def _log(session: Session, depository: Depository, row: DigitalObject, kind: str, by: str, **fields: Any) -> None:
    """Append the event, apply it to the catalogue as a rebuild would, and keep the log's anchor."""
    entry = events.append(depository.root, kind, object=row.id, partner=row.partner_id, record=row.local_id,
                          **fields, by=by)
    apply_event(session, entry)
    remember_head(session, events.Head(entry["seq"], entry["hash"]))


def _followed(store: Store, session: Session, row: DigitalObject, before: str) -> CopyChange:
    session.flush()
    record = follow(store, session, row.local_id)
    return CopyChange(row.id, store.oai_identifier(row.local_id), before, state_of(row), record)
