"""Fixity audits: reading stored files again to prove they are still the bytes that were deposited.

Each file chosen (:mod:`objects.fixity_targets`) is re-hashed, throttled and in chunks
(:func:`objects.digests.file_sha512`), and its SHA-512 compared with the one recorded when it
came in.  A file whose bytes differ is a ``mismatch``, one that is gone is ``missing``, one the
disk cannot read is ``unreadable``.  Each failure is written to the event log the moment it is
found and stays a failure in the catalogue: nothing here repairs anything.  The remedy is the
backup of the storage root (docs/operators/fixity.md); a repair that guessed would hide what
went wrong, and could copy the damage.

Every run ends with one ``fixity-run`` entry: what it read, how long it took, how many files
failed, and the files it found intact, grouped by object (``"*"`` standing for every file the
catalogue lists for the object, which is the common case and keeps the log small), so that a
rebuild of the catalogue from the log (:func:`replay`) keeps what audits found.  The catalogue
records checks as the run goes (every few seconds), so a run killed half-way keeps its progress
in the database; only its ``fixity-run`` entry is lost, and a rebuild then makes those files
look older than they are, never younger.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from objects import events
from objects.catalogue import remember_head, utc_stamp
from objects.digests import file_sha512
from objects.fixity_targets import Target
from objects.models import StoredFile
from objects.storage import Depository
from repository.store import Store

#: A megabyte as the fixity settings count it.
MB = 1_000_000
RUN, FAILURE = "fixity-run", "fixity-failure"
EVENT_KINDS = (RUN, FAILURE)
#: A stored file's status after a failed check.
FAILED = ("mismatch", "missing", "unreadable")
#: In a run's ``intact`` map: every file the catalogue lists for the object.
ALL = "*"
#: Checks are recorded in the catalogue every RECORD_SECONDS, or every RECORD_FILES files.
RECORD_SECONDS = 10.0
RECORD_FILES = 500

Say = Callable[[str], object]


@dataclass(frozen=True)
class Failure:
    """A stored file that is not what was deposited: changed, gone or unreadable."""

    urn: str
    content_path: str
    status: str  # one of FAILED
    expected: str
    found: str  # the SHA-512 read, "missing", or the read error

    def line(self) -> str:
        """What the operator is told: the object, the file, the digest expected and what was found."""
        if self.status == "mismatch":
            what = f"expected sha512 {self.expected}, found {self.found}"
        elif self.status == "missing":
            what = f"the file is missing (expected sha512 {self.expected})"
        else:
            what = f"the file cannot be read: {self.found} (expected sha512 {self.expected})"
        return f"FIXITY {self.status.upper()}: {self.urn} {self.content_path}: {what}"


@dataclass
class AuditReport:
    """What one audit run did."""

    kind: str
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    unlisted: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        return (f"fixity audit ({self.kind}): {self.files} file(s), {self.bytes / MB:.1f} MB in {self.seconds:.1f} s; "
                f"{len(self.failures)} failure(s)"
                + (f"; {self.unlisted} file(s) first catalogued from the inventories" if self.unlisted else ""))


def check(depository: Depository, target: Target, bytes_per_second: float = 0.0) -> Failure | None:
    """Re-hash one stored file: its failure, or None when it is intact."""
    path = depository.file_path(target.urn, target.content_path)
    try:
        found = file_sha512(path, bytes_per_second)
    except (FileNotFoundError, NotADirectoryError):
        return Failure(target.urn, target.content_path, "missing", target.sha512, "missing")
    except OSError as exc:  # a read error is how a failing disk shows itself
        return Failure(target.urn, target.content_path, "unreadable", target.sha512, exc.strerror or str(exc))
    if found != target.sha512:
        return Failure(target.urn, target.content_path, "mismatch", target.sha512, found)
    return None


def audit(store: Store, depository: Depository, targets: Iterable[Target], kind: str, bytes_per_second: float = 0.0,
          say: Say = lambda line: None, unlisted: int = 0) -> AuditReport:
    """Re-hash ``targets`` no faster than ``bytes_per_second`` (0: at full speed), recording each
    check, logging (and saying) each failure as it is found, and the run when it ends.
    ``unlisted``: how many files the caller first catalogued from the inventories."""
    run = _Run(store, depository, AuditReport(kind, unlisted=unlisted), say)
    for target in targets:
        run.checked(target, check(depository, target, bytes_per_second))
    return run.finish(bytes_per_second)


class _Run:
    """A run in progress: the checks not yet recorded in the catalogue, the files found intact."""

    def __init__(self, store: Store, depository: Depository, report: AuditReport, say: Say) -> None:
        self.store, self.depository, self.report, self.say = store, depository, report, say
        self.started = time.time()
        self.recorded = time.monotonic()
        self.unrecorded: list[dict[str, Any]] = []
        self.intact: dict[str, list[str]] = {}

    def checked(self, target: Target, failure: Failure | None) -> None:
        self.report.files += 1
        self.report.bytes += target.size
        if failure is None:
            self.intact.setdefault(target.urn, []).append(target.content_path)
        else:
            self.report.failures.append(failure)
            events.append(self.depository.root, FAILURE, urn=failure.urn, path=failure.content_path,
                          status=failure.status, expected=failure.expected, found=failure.found, run=self.report.kind)
            self.say(failure.line())
        self.unrecorded.append({"ocfl_id": target.urn, "content_path": target.content_path,
                                "checked_at": int(time.time()), "status": failure.status if failure else "ok"})
        if len(self.unrecorded) >= RECORD_FILES or time.monotonic() - self.recorded >= RECORD_SECONDS:
            self.record()

    def record(self) -> None:
        """Write the checks so far, and the log's head (failures were appended), to the database."""
        with self.store.session() as session:
            if self.unrecorded:
                session.execute(update(StoredFile), self.unrecorded)
            remember_head(session, events.head(self.depository.root))
        self.unrecorded = []
        self.recorded = time.monotonic()

    def finish(self, bytes_per_second: float) -> AuditReport:
        self.record()
        report = self.report
        report.seconds = time.time() - self.started
        events.append(self.depository.root, RUN, run=report.kind, started=utc_stamp(self.started), files=report.files,
                      bytes=report.bytes, seconds=round(report.seconds, 3), failures=len(report.failures),
                      unlisted=report.unlisted, mb_per_second=bytes_per_second / MB,
                      intact=_compact(self.store, self.intact))
        self.record()
        return report


def _compact(store: Store, intact: dict[str, list[str]]) -> dict[str, str | list[str]]:
    """Each object's intact files, or :data:`ALL` when they are every file the catalogue lists for it."""
    urns, counts = list(intact), {}
    with store.reading() as session:
        for start in range(0, len(urns), 500):
            rows = session.execute(select(StoredFile.ocfl_id, func.count()).where(
                StoredFile.ocfl_id.in_(urns[start:start + 500])).group_by(StoredFile.ocfl_id))
            counts.update({urn: count for urn, count in rows})
    compact: dict[str, str | list[str]] = {}
    for urn, paths in intact.items():
        unique = sorted(set(paths))
        compact[urn] = ALL if len(unique) == counts.get(urn) else unique
    return compact


def replay(session: Session, entry: dict[str, Any]) -> None:
    """Restore in the catalogue what an audit found (a rebuild replays the log in order): a
    failure's status, and the files a run found intact, as checked when the run started (so a
    rebuilt check time is never later than the real one)."""
    if entry.get("kind") == FAILURE:
        session.execute(update(StoredFile).where(StoredFile.ocfl_id == entry["urn"],
                                                 StoredFile.content_path == entry["path"])
                        .values(status=entry["status"], checked_at=_seconds(entry["at"])))
    elif entry.get("kind") == RUN:
        at = _seconds(entry["started"])
        for urn, paths in (entry.get("intact") or {}).items():
            query = update(StoredFile).where(StoredFile.ocfl_id == urn)
            if paths != ALL:
                query = query.where(StoredFile.content_path.in_(paths))
            session.execute(query.values(checked_at=at, status="ok"))


def _seconds(stamp: str) -> int:
    return int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
