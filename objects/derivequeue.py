"""The queue of copies whose page derivatives are still to make: read from the catalogue itself.

Why no queue table or to-do files: a copy needs its pages made whenever its current version (or
its level, or the cap) has no finished derivatives in the cache, and the catalogue and the cache
already say so.  A deposit, a new version, a level change or a reinstatement each move the copy's
``updated_at``; :func:`drain` looks at the copies changed since its last pass (all of them on a
new or emptied cache) and makes what is missing.  Nothing can be enqueued and lost, and no
deposit path (command, bag, demo, a future console) has to remember to enqueue.

``kazneb scheduler`` drains after every pass and ``kazneb serve`` every few seconds; a page
viewed before its copy is drained is made on that first view (:func:`objects.derivatives.ensure`).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from objects.access import IMAGE, decide
from objects.derivatives import Derived, derive_object, is_derived, variant
from objects.models import DigitalObject
from objects.storage import Depository
from repository.store import Store

#: Copies changed this long before the last pass are looked at again (clocks of hosts differ, a
#: deposit's ``updated_at`` is its start).
SLACK_SECONDS = 600
WATERMARK = "queue-watermark"

log = logging.getLogger(__name__)


@dataclass
class DrainReport:
    """What one pass made, and the copies it could not (kept for the next first view)."""

    derived: list[Derived] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        pages = sum(d.made for d in self.derived)
        text = f"page derivatives: {pages} page(s) of {len(self.derived)} copy(ies) made"
        return text + (f", {len(self.failed)} failed" if self.failed else "")


def due(store: Store, cache: Path, cap: int, since: int = 0) -> list[str]:
    """Copies changed since ``since`` (seconds) whose current version lacks the derivatives their level
    needs, or that are withdrawn and still have pages in the cache."""
    with store.reading() as session:
        rows = session.execute(select(DigitalObject.id, DigitalObject.head, DigitalObject.access,
                                      DigitalObject.withdrawn).where(DigitalObject.updated_at >= since)
                               .order_by(DigitalObject.updated_at, DigitalObject.id)).all()
    found = []
    for object_id, head, access, withdrawn in rows:
        decision = decide(access, withdrawn, IMAGE, cap=cap)
        if decision.allowed and not is_derived(cache, object_id, head, variant(decision.max_side)):
            found.append(object_id)
        elif not decision.allowed and (cache / "pages" / object_id).exists():
            found.append(object_id)
    return found


def drain(store: Store, depository: Depository, cache: Path, cap: int,
          say: Callable[[str], object] = lambda line: None) -> DrainReport:
    """Make the derivatives of every copy :func:`due` names; one copy's failure does not stop the others."""
    started = int(time.time())
    report = DrainReport()
    for object_id in due(store, cache, cap, _since(cache)):
        try:
            derived = derive_object(store, depository, cache, object_id, cap)
        except Exception as exc:  # noqa: BLE001 - a damaged copy must not stop the queue; it is said
            report.failed[object_id] = f"{type(exc).__name__}: {exc}"
            say(f"page derivatives of {object_id} failed: {type(exc).__name__}: {exc}")
            log.warning("page derivatives of %s failed", object_id, exc_info=True)
            continue
        if derived is not None and derived.made:
            report.derived.append(derived)
            say(f"page derivatives of {object_id} v{derived.version}: {derived.made} of {derived.pages} page(s) "
                f"made ({derived.kind})")
    _remember(cache, started)
    return report


def _since(cache: Path) -> int:
    """Where the last pass began, less the slack; 0 (every copy) on a new or emptied cache."""
    try:
        return int((cache / WATERMARK).read_text(encoding="utf-8")) - SLACK_SECONDS
    except (FileNotFoundError, ValueError):
        return 0


def _remember(cache: Path, started: int) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    temporary = cache / f".{WATERMARK}.{os.getpid()}.tmp"
    temporary.write_text(str(started), encoding="utf-8")
    os.replace(temporary, cache / WATERMARK)
