"""A per-partner lock in the database, so no two runs harvest one partner at once.

Works the same on SQLite and PostgreSQL: taking the lock is an INSERT (the primary key
refuses a second holder); a holder that stopped beating (crashed, killed) is replaced
with a compare-and-set UPDATE, so only one of several schedulers wins the takeover.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from harvester.errors import HarvestError
from harvester.models import HarvestLock

STALE_AFTER = 300  # seconds without a heartbeat before another host may take over


class PartnerBusy(HarvestError):
    """Another run holds this partner's lock."""


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _holder_gone(owner: str, heartbeat_at: int, now: int) -> bool:
    host, _, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return now - heartbeat_at > STALE_AFTER


def acquire(store, partner_id: str, owner: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Take the partner's lock or raise :class:`PartnerBusy`; returns the owner name."""
    owner = owner or owner_name()
    now = int(time.time())
    try:
        with store.session() as session:
            session.add(HarvestLock(partner_id=partner_id, owner=owner, acquired_at=now, heartbeat_at=now))
        return owner
    except IntegrityError:
        pass
    with store.session() as session:
        held = session.scalars(select(HarvestLock).where(HarvestLock.partner_id == partner_id)).one_or_none()
        if held is None:
            raise PartnerBusy(f"partner {partner_id!r}: lock changed hands, try again")
        if not _holder_gone(held.owner, held.heartbeat_at, now):
            raise PartnerBusy(f"partner {partner_id!r} is being harvested by {held.owner}")
        taken = session.execute(
            update(HarvestLock)
            .where(HarvestLock.partner_id == partner_id, HarvestLock.owner == held.owner,
                   HarvestLock.heartbeat_at == held.heartbeat_at)
            .values(owner=owner, acquired_at=now, heartbeat_at=now)
        ).rowcount
    if taken != 1:
        raise PartnerBusy(f"partner {partner_id!r}: another process took over the lock first")
    return owner


_LOCKS: Table = HarvestLock.__table__  # type: ignore[assignment]
#: Built once: a harvest beats on every page, and a Core statement with bound values skips the
#: ORM's bulk-update machinery and the building of a new statement each time.
_HEARTBEAT = (update(_LOCKS).where(_LOCKS.c.partner_id == bindparam("lock_partner"),
                                   _LOCKS.c.owner == bindparam("lock_owner"))
              .values(heartbeat_at=bindparam("beat_at")))


def heartbeat(session, partner_id: str, owner: str) -> None:  # type: ignore[no-untyped-def]
    """Refresh the lock inside the caller's transaction (each page commit)."""
    session.connection().execute(_HEARTBEAT, {"lock_partner": partner_id, "lock_owner": owner,
                                              "beat_at": int(time.time())})


def release(store, partner_id: str, owner: str) -> None:  # type: ignore[no-untyped-def]
    with store.session() as session:
        session.execute(delete(HarvestLock).where(HarvestLock.partner_id == partner_id,
                                                  HarvestLock.owner == owner))


@contextmanager
def partner_lock(store, partner_id: str) -> Iterator[str]:  # type: ignore[no-untyped-def]
    owner = acquire(store, partner_id)
    try:
        yield owner
    finally:
        release(store, partner_id, owner)
