"""What ``kazneb fixity status`` reports: how much of the storage was checked within the maximum
age, the oldest check, every failure (now, and ever, from the event log), the last runs, and
whether the throttle can keep the promise at all.

The promise is arithmetic before it is code: the rolling audit must read every stored byte
once per maximum age, so it needs stored bytes ÷ maximum age per second on average.  If the
throttle is slower, files *will* pass the maximum age however the audit is scheduled; the
report says which fraction the throttle reaches and what to raise (:class:`Throttle`), rather
than leaving the operator to find out from the oldest check.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select

from objects import events
from objects.catalogue import utc_stamp
from objects.fixity import FAILED, FAILURE, MB, RUN
from objects.fixity_rolling import DAY, FixityPolicy, RollingState, load_state
from objects.models import StoredFile
from objects.storage import Depository
from repository.store import Store

#: Runs shown by the status.
LAST_RUNS = 5


@dataclass(frozen=True)
class Throttle:
    """The throttle against the pace the maximum age needs."""

    stored_bytes: int
    max_age_days: float
    mb_per_second: float

    @property
    def needed_mb_per_second(self) -> float:
        """The average rate that reads every stored byte once per maximum age."""
        return self.stored_bytes / (self.max_age_days * DAY) / MB

    @property
    def covered(self) -> float:
        """The fraction of the stored bytes the throttle can read within the maximum age."""
        if not self.mb_per_second or not self.stored_bytes:
            return math.inf
        return self.mb_per_second * MB * self.max_age_days * DAY / self.stored_bytes

    @property
    def sufficient(self) -> bool:
        return self.covered >= 1

    def sentence(self) -> str:
        days = _number(self.max_age_days)
        if not self.mb_per_second:
            return (f"no throttle (fixity.mb_per_second = 0): the rolling audit reads at full speed; it needs "
                    f"{self.needed_mb_per_second:.2f} MB/s on average to read every stored byte in {days} days")
        if not self.sufficient:
            percent = math.floor(self.covered * 100 + 1e-9)
            rate = math.ceil(self.needed_mb_per_second - 1e-9)
            age = math.ceil(self.stored_bytes / (self.mb_per_second * MB * DAY) - 1e-9)
            return (f"the throttle covers {percent} % of the stored bytes in {days} days: raise "
                    f"fixity.mb_per_second to at least {rate} or fixity.max_age_days to {age}")
        share = self.needed_mb_per_second / self.mb_per_second * 100
        return (f"the throttle ({_number(self.mb_per_second)} MB/s) reads every stored byte in "
                f"{_duration(self.stored_bytes / (self.mb_per_second * MB))}; the rolling audit needs "
                f"{self.needed_mb_per_second:.2f} MB/s on average ({share:.1f} % of the throttle and of the "
                "scheduler's time)")


@dataclass(frozen=True)
class CheckedFile:
    urn: str
    content_path: str
    size: int
    checked_at: int | None
    status: str


@dataclass
class FixityStatus:
    """Everything ``kazneb fixity status`` shows."""

    policy: FixityPolicy
    now: float
    files: int
    bytes: int
    recent_files: int
    recent_bytes: int
    never_files: int
    never_bytes: int
    oldest: CheckedFile | None
    failing: list[CheckedFile]
    logged_failures: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    rolling: RollingState | None
    throttle: Throttle = field(init=False)

    def __post_init__(self) -> None:
        self.throttle = Throttle(self.bytes, self.policy.max_age_days, self.policy.mb_per_second)

    @property
    def overdue_files(self) -> int:
        """Files not checked within the maximum age (never-checked ones included)."""
        return self.files - self.recent_files

    @property
    def ok(self) -> bool:
        """No file failing now and none past the maximum age: the promise is kept."""
        return not self.failing and not self.overdue_files

    @property
    def rolling_stalled(self) -> bool:
        """The scheduler's rolling audit has not run for two of its periods (or never, with files stored)."""
        if not self.files:
            return False
        return self.rolling is None or self.now - self.rolling.at > 2 * self.policy.every

    def lines(self) -> list[str]:
        days = _number(self.policy.max_age_days)
        coverage = self.recent_bytes / self.bytes * 100 if self.bytes else 100.0
        lines = [f"stored: {self.files} file(s), {self.bytes / MB:.1f} MB",
                 f"checked within {days} days: {self.recent_files} file(s), {coverage:.1f} % of the bytes"
                 + (f"; {self.overdue_files} file(s) NOT checked within {days} days" if self.overdue_files else ""),
                 f"never checked: {self.never_files} file(s), {self.never_bytes / MB:.1f} MB"]
        if self.oldest is not None:
            age = (self.now - (self.oldest.checked_at or 0)) / DAY
            lines.append(f"oldest check: {utc_stamp(self.oldest.checked_at)} ({age:.1f} days ago), "
                         f"{self.oldest.urn} {self.oldest.content_path}")
        lines.append(self.throttle.sentence())
        lines.append(self._rolling_line())
        lines.append(f"failing now: {len(self.failing)} file(s)")
        lines += [f"  {row.status.upper()} {row.urn} {row.content_path} (checked {utc_stamp(row.checked_at)})"
                  for row in self.failing]
        lines.append(f"failures in the event log: {len(self.logged_failures)}")
        lines += [f"  {entry['at']} {entry['status']} {entry['urn']} {entry['path']}: expected sha512 "
                  f"{entry['expected']}, found {entry['found']} ({entry.get('run', '-')} run)"
                  for entry in self.logged_failures]
        lines.append(f"last runs: {len(self.runs)}")
        lines += [f"  {entry['at']} {entry['run']}: {entry['files']} file(s), {entry['bytes'] / MB:.1f} MB in "
                  f"{entry['seconds']:.1f} s, {entry['failures']} failure(s)" for entry in self.runs]
        return lines

    def _rolling_line(self) -> str:
        if self.rolling is None:
            head = "rolling audit: never ran"
        else:
            head = f"rolling audit: last ran {utc_stamp(self.rolling.at)}"
        if self.rolling_stalled:
            head += ": the scheduler is not auditing (is `kazneb scheduler` running?)"
        return head


def fixity_status(store: Store, depository: Depository, policy: FixityPolicy, now: float | None = None) -> FixityStatus:
    """The fixity of the storage as the catalogue and the event log know it."""
    now = time.time() if now is None else now
    recent = StoredFile.checked_at >= now - policy.max_age
    never = StoredFile.checked_at.is_(None)
    with store.reading() as session:
        files, stored, recent_files, recent_bytes, never_files, never_bytes = session.execute(select(
            func.count(), _sum(StoredFile.size), _sum(case((recent, 1), else_=0)),
            _sum(case((recent, StoredFile.size), else_=0)), _sum(case((never, 1), else_=0)),
            _sum(case((never, StoredFile.size), else_=0)))).one()
        oldest = session.execute(select(*_FILE_COLUMNS).where(StoredFile.checked_at.is_not(None))
                                 .order_by(StoredFile.checked_at, StoredFile.ocfl_id, StoredFile.content_path)
                                 .limit(1)).first()
        failing = session.execute(select(*_FILE_COLUMNS).where(StoredFile.status.in_(FAILED))
                                  .order_by(StoredFile.ocfl_id, StoredFile.content_path)).all()
    logged_failures, runs = _history(depository)
    return FixityStatus(policy, now, int(files), int(stored), int(recent_files), int(recent_bytes), int(never_files),
                        int(never_bytes), CheckedFile(*oldest) if oldest else None,
                        [CheckedFile(*row) for row in failing], logged_failures, runs, load_state(store))


_FILE_COLUMNS = (StoredFile.ocfl_id, StoredFile.content_path, StoredFile.size, StoredFile.checked_at,
                 StoredFile.status)


def _history(depository: Depository) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every failure the log holds, and its last runs (without their lists of intact files)."""
    failures: list[dict[str, Any]] = []
    runs: deque[dict[str, Any]] = deque(maxlen=LAST_RUNS)
    for entry in events.read(depository.root):
        if entry.get("kind") == FAILURE:
            failures.append(entry)
        elif entry.get("kind") == RUN:
            runs.append({key: value for key, value in entry.items() if key != "intact"})
    return failures, list(runs)


def _sum(expression):  # type: ignore[no-untyped-def]
    return func.coalesce(func.sum(expression), 0)


def _duration(seconds: float) -> str:
    """A time span in the unit an operator reads at a glance."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * DAY:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / DAY:.1f} days"


def _number(value: float) -> str:
    """30.0 → ``30``, 2.5 → ``2.5``."""
    return f"{value:g}"
