"""The scheduler's rolling audit: a little at a time, oldest checks first, so that no stored
byte goes unchecked longer than ``fixity.max_age_days``.

Once ``fixity.every_minutes`` have passed since the last run, a run *earns* bytes at the pace
the maximum age requires (the stored bytes once per maximum age: stored bytes × seconds
elapsed ÷ maximum age) and spends them on the files checked longest ago, in that order; what
it does not spend is carried to the next run, so a file larger than one run's earnings is
reached too.  A file is also taken, earned or not, when it would pass the maximum age before
the run after next could take it (never-checked files always are): that is what keeps the
promise when the scheduler was stopped for a while or a deposit made the collection grow.
Reading is throttled at ``fixity.mb_per_second``, and one run reads at most what the throttle
allows in ``fixity.every_minutes``, so harvests get their turn between runs.

Why earn at the pace rather than read at the throttle all the time: at the throttle a small
collection would be read again every few minutes, filling the log and the disk for nothing,
and a collection deposited in one busy week would all fall due together a maximum age later;
at the pace the reading is spread evenly over the whole cycle.  When the throttle is slower
than the pace, no schedule keeps the promise: ``kazneb fixity status`` says so and by how much.

The run's time, the unspent bytes and the time of the last search for files the catalogue
lacks are kept in the database (``installation``: ``fixity_rolling``), so a scheduler started
by cron (``kazneb scheduler --once``) keeps the same pace as one that runs on.
"""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from objects.fixity import MB, AuditReport, Say, audit
from objects.fixity_targets import Target, catalogue_unlisted, oldest_first
from objects.models import StoredFile
from objects.storage import Depository
from repository.models import Installation
from repository.store import Store

STATE_KEY = "fixity_rolling"
DAY = 86400
#: How often a rolling run first looks for files the inventories list and the catalogue lacks.
UNLISTED_EVERY = DAY


@dataclass(frozen=True)
class FixityPolicy:
    """The fixity settings: the maximum age, the throttle, and how often the rolling audit runs."""

    max_age_days: float
    mb_per_second: float
    every_minutes: float

    @classmethod
    def from_settings(cls, settings) -> FixityPolicy:  # type: ignore[no-untyped-def]
        return cls(float(settings["fixity.max_age_days"]), float(settings["fixity.mb_per_second"]),
                   float(settings["fixity.every_minutes"]))

    @property
    def max_age(self) -> float:
        return self.max_age_days * DAY

    @property
    def every(self) -> float:
        return self.every_minutes * 60

    @property
    def bytes_per_second(self) -> float:
        return self.mb_per_second * MB

    @property
    def run_limit(self) -> float | None:
        """The most one run reads: the throttle for ``every_minutes`` (None: no throttle, no limit)."""
        return self.bytes_per_second * self.every if self.bytes_per_second else None

    def due_before(self, now: float) -> float:
        """A file last checked before this would pass the maximum age before the run after next."""
        return now - self.max_age + 2 * self.every


@dataclass(frozen=True)
class RollingState:
    """What the next run needs to know: when the last one ran, the bytes it left unspent, and when
    the inventories were last searched for files the catalogue lacks."""

    at: float
    credit: float
    unlisted_at: float


def rolling_audit(store: Store, depository: Depository, policy: FixityPolicy, say: Say = lambda line: None,
                  now: float | None = None) -> AuditReport | None:
    """One run of the rolling audit if it is due and no other process is running one; None when
    there was nothing to do (not due, another process auditing, nothing chosen)."""
    with _only_one(depository) as mine:
        if not mine:
            return None
        now = time.time() if now is None else now
        state = load_state(store)
        if state is not None and now - state.at < policy.every:
            return None
        unlisted_at = state.unlisted_at if state is not None else 0.0
        unlisted = 0
        if now - unlisted_at >= UNLISTED_EVERY:
            unlisted, unlisted_at = len(catalogue_unlisted(store, depository)), now
        elapsed = now - state.at if state is not None else policy.every
        stored = stored_bytes(store)
        credit = min((state.credit if state is not None else 0.0) + stored * elapsed / policy.max_age, stored)
        chosen, credit = choose(oldest_first(store, int(now)), policy, credit, now)
        save_state(store, RollingState(now, credit, unlisted_at))
        if not chosen and not unlisted:
            return None
        return audit(store, depository, chosen, "rolling", policy.bytes_per_second, say, unlisted)


def choose(candidates: Iterator[Target], policy: FixityPolicy, credit: float, now: float) -> tuple[list[Target], float]:
    """The files of one run, taken from ``candidates`` (oldest checks first) while the credit
    lasts or while they are due, within the run's limit; and the credit left."""
    due_before, limit = policy.due_before(now), policy.run_limit
    chosen: list[Target] = []
    taken = 0
    for target in candidates:
        due = target.checked_at is None or target.checked_at < due_before
        if not due and target.size > credit:
            break
        if chosen and limit is not None and taken + target.size > limit:
            break
        chosen.append(target)
        taken += target.size
        credit = max(0.0, credit - target.size)
    return chosen, credit


def stored_bytes(store: Store) -> int:
    with store.reading() as session:
        return int(session.execute(select(func.coalesce(func.sum(StoredFile.size), 0))).scalar_one())


def load_state(store: Store) -> RollingState | None:
    with store.reading() as session:
        value = session.execute(select(Installation.value).where(Installation.key == STATE_KEY)).scalar()
    return RollingState(**json.loads(value)) if value else None


def save_state(store: Store, state: RollingState) -> None:
    with store.session() as session:
        row = session.get(Installation, STATE_KEY) or Installation(key=STATE_KEY)
        row.value = json.dumps(asdict(state))
        session.add(row)


@contextmanager
def _only_one(depository: Depository) -> Iterator[bool]:
    """True while this process holds the rolling audit's lock (several schedulers may run)."""
    with open(depository.staging / "locks" / "fixity-rolling.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
