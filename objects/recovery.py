"""Finishing what a killed write left: every version is either wholly stored, catalogued and
logged, or not there at all.

A write leaves a *pending* note before it renames anything into the storage root.  For each
note, with the object locked: if the version reached the root (even if only its folder did,
before the root inventory was replaced), it is rolled forward, logged and catalogued; if it
did not, nothing of it remains.  Staging folders no live writer holds are removed.
"""

from __future__ import annotations

import fcntl
import shutil
import time

from objects.storage import Depository
from repository.store import Store


def recover(store: Store, depository: Depository) -> list[str]:
    """Settle every interrupted write; one line per version completed or discarded."""
    from objects.deposit import complete

    depository.open()
    done = []
    for pending in depository.pending():
        with depository.locked(pending.urn):
            if not pending.note.exists():
                continue  # another process settled it while this one waited
            if depository.roll_forward(pending.urn) >= pending.version:
                complete(store, depository, pending)
                done.append(f"{pending.urn} v{pending.version}: completed")
            else:
                depository.prune(pending.urn)
                depository.settle(pending)
                done.append(f"{pending.urn} v{pending.version}: never reached the storage root, discarded")
    _remove_abandoned_work(depository)
    return done


#: A staging folder younger than this may belong to a writer that has not locked it yet.
YOUNG_SECONDS = 60


def _remove_abandoned_work(depository: Depository) -> None:
    """Remove staging folders whose writer is gone (a live writer holds its folder's lock)."""
    for work in (depository.staging / "work").iterdir():
        lock = work / ".lock"
        try:
            if time.time() - work.stat().st_mtime < YOUNG_SECONDS:
                continue
            with open(lock, "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(work, ignore_errors=True)
        except BlockingIOError:
            continue
        except FileNotFoundError:
            continue
