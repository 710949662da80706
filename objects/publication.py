"""The record follows its copy: the level of a record's live copies becomes the record's level.

A deposited copy is the hub's own reason to publish a record at a level: once a record has a
copy that is not withdrawn, the most open such copy's level is the record's level for
OAI-PMH, search and its page, and its renderings link to its page.  The store keeps that
level on the hub record (``Store.set_copy_level``); this module works it out from the
catalogue, and is called after every change that may move it (a deposit, a level change, a
withdrawal, a reinstatement, a rebuild of the catalogue).  When the last live copy goes, the
record falls back to the rule of ``repository/levels.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.partners import load_partner
from objects.models import DigitalObject
from repository.levels import rule_level
from repository.models import HubRecord
from repository.store import Store

#: Levels from the most open to the least: a reader may do the most with the first.
MOST_OPEN_FIRST: tuple[str, ...] = ("open", "preview-24", "read-only")


@dataclass(frozen=True)
class RecordLevel:
    """What following its copies did to one record."""

    local_id: str
    before: str
    after: str
    #: The level of its live copies, None when it has none (the rule decides).
    copy_level: str | None
    deleted: bool
    republished: bool
    #: Merged with other partners' records into one published record (consolidation): ``before``
    #: and ``after`` are its own level, which the merged record shows after the next build.
    clustered: bool = False


def most_open(levels: Iterable[str]) -> str | None:
    """The most open of ``levels`` (None for none)."""
    present = set(levels)
    return next((level for level in MOST_OPEN_FIRST if level in present), None)


def copy_level(session: Session, local_id: str) -> str | None:
    """The most open level among the record's copies that are not withdrawn."""
    return most_open(session.execute(select(DigitalObject.access).where(
        DigitalObject.local_id == local_id, DigitalObject.withdrawn.is_(False))).scalars())


def follow(store: Store, session: Session, local_id: str) -> RecordLevel:
    """Give the record its copies' level (or, with none live, its rule's) and republish it if
    that changed anything, in the caller's transaction."""
    hub = session.execute(select(HubRecord).where(HubRecord.local_id == local_id)).scalar_one()
    before, level = own_level(hub), copy_level(session, local_id)
    rule = rule_level(session, local_id, load_partner(session, hub.partner_id).access_for) if level is None else None
    republished = store.set_copy_level(session, local_id, level, rule)
    return RecordLevel(local_id, before, own_level(hub), level, bool(hub.deleted), republished, hub.clustered)


def own_level(hub: HubRecord) -> str:
    """The record's own level: a merged record's ``access`` is its cluster's, its own record keeps its own."""
    return str((hub.canonical or {}).get("access") or hub.access) if hub.clustered else hub.access


def follow_all(store: Store, session: Session) -> list[RecordLevel]:
    """Every record with a copy, or published as having one, follows its copies again: after a
    rebuild of the catalogue (and for copies deposited before the store kept their level).
    Only the records whose level or link changed are returned."""
    with_copies = set(session.execute(select(HubRecord.local_id).join(
        DigitalObject, DigitalObject.local_id == HubRecord.local_id)).scalars())
    marked = set(session.execute(select(HubRecord.local_id).where(HubRecord.copy_access.is_not(None))).scalars())
    results = [follow(store, session, local_id) for local_id in sorted(with_copies | marked)]
    return [result for result in results if result.republished]
