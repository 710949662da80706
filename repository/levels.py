"""Where a record's access level comes from: one rule, applied by every path that writes.

0. A record with a deposited copy that is not withdrawn has its copy's level (with several,
   the most open: open, then preview-24, then read-only).  The depository keeps it on the hub
   record (``hub_records.copy_access``, set by ``Store.set_copy_level`` from
   ``objects/publication.py``) and the store applies it to every write of the record, so no
   harvest, delivery, own level or change of the partner's levels touches it; the levels
   below are kept, and come back when the record has no live copy left.
1. A level given to the record itself (``kazneb ingest --access``, ``kazneb import --access``)
   is kept with its source record (``source_records.own_access``) and wins, through every
   later harvest and delivery of the same record, until another level is given to it.
2. Else the partner's rules, in their order: the first per-set rule whose set the record is
   in, or per-statement rule whose text its rights statement contains.
3. Else the partner's default level.

The harvester computes 2-3 (``PartnerConfig.access_for``) for each record it reads; the
functions here put 1 on top, so a re-harvest can never republish a read-only record as open;
the store puts 0 on top of all (``Store.write_records``, ``Store.set_access``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from repository.models import HubRecord, SourceRecord
from repository.store import IncomingRecord, check_access

CHUNK = 500


def record_own_level(copy_access: str | None, record_access: str | None, access: str) -> str:
    """A hub record's own level by rule 0: its live copy's, else its own record's, else the level
    it publishes.  For a record merged into a cluster (consolidation) ``access`` is the cluster's,
    so this is the level its holding shows and merging weighs."""
    return copy_access or record_access or access


def own_levels(session: Session, partner_id: str, source_keys: Iterable[str]) -> dict[str, str]:
    """Source key → the level given to that record itself, for the keys that have one."""
    keys = sorted(set(source_keys))
    found: dict[str, str] = {}
    for start in range(0, len(keys), CHUNK):
        found.update(session.execute(select(SourceRecord.source_key, SourceRecord.own_access).where(
            SourceRecord.partner_id == partner_id, SourceRecord.source_key.in_(keys[start:start + CHUNK]),
            SourceRecord.own_access.is_not(None))).all())
    return found


def apply_own_levels(session: Session, incomings: Sequence[IncomingRecord], given: str | None = None) -> None:
    """Give each incoming record its own level: ``given`` (a level named for these records now)
    or the one it was given before; records without either keep the partner's level."""
    if given is not None:
        check_access(given, "the level given")
        for incoming in incomings:
            incoming.access = given
        return
    by_partner: dict[str, list[IncomingRecord]] = {}
    for incoming in incomings:
        by_partner.setdefault(incoming.partner_id, []).append(incoming)
    for partner_id, records in by_partner.items():
        levels = own_levels(session, partner_id, (r.source_key for r in records))
        for incoming in records:
            incoming.access = levels.get(incoming.source_key, incoming.access)


def remember_own_level(session: Session, partner_id: str, source_keys: Sequence[str], level: str) -> None:
    """Keep ``level`` as these stored records' own level (after they were written)."""
    check_access(level, "the level given")
    keys = sorted(set(source_keys))
    for start in range(0, len(keys), CHUNK):
        session.execute(update(SourceRecord).where(
            SourceRecord.partner_id == partner_id, SourceRecord.source_key.in_(keys[start:start + CHUNK]))
            .values(own_access=level))


def partner_level(access_for, source_sets: Sequence[str], rights: Sequence[str], own: str | None) -> str:  # type: ignore[no-untyped-def]
    """The rule for a stored record: its own level, else ``access_for(sets, rights)`` (the partner's)."""
    return own or access_for(list(source_sets or []), list(rights or []))


def rule_level(session: Session, local_id: str, access_for) -> str:  # type: ignore[no-untyped-def]
    """The level rules 1-3 give a stored record (what it falls back to when its last copy goes):
    ``access_for`` is its partner's ``PartnerConfig.access_for``."""
    sets, own, canonical = session.execute(
        select(SourceRecord.source_sets, SourceRecord.own_access, HubRecord.canonical)
        .join(HubRecord, HubRecord.id == SourceRecord.hub_record_id).where(HubRecord.local_id == local_id)).one()
    canonical = json.loads(canonical) if isinstance(canonical, str) else (canonical or {})
    return partner_level(access_for, sets or [], canonical.get("rights") or [], own)


def give_level(store, session: Session, partner_id: str, source_keys: Sequence[str], level: str) -> int:  # type: ignore[no-untyped-def]
    """Give stored records a level of their own and republish them under it; how many changed."""
    from repository.identifiers import local_id_for

    remember_own_level(session, partner_id, source_keys, level)
    return sum(store.set_access(session, local_id_for(partner_id, key), level) for key in source_keys)
