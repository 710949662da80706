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

from objects import events
from objects.catalogue import catalogue_version, read_metadata, remember_head
from objects.publication import follow
from objects.storage import Depository, Pending
from repository.store import Store


def recover(store: Store, depository: Depository) -> list[str]:
    """Settle every interrupted write; one line per version completed or discarded."""
    depository.open()
    done = []
    for pending in depository.pending():
        with depository.locked(pending.urn):
            if not pending.note.exists():
                continue  # another process settled it while this one waited
            if depository.roll_forward(pending.urn) >= pending.version:
                complete(store, depository, pending, interrupted=True)
                done.append(f"{pending.urn} v{pending.version}: completed")
            else:
                depository.prune(pending.urn)
                depository.settle(pending)
                done.append(f"{pending.urn} v{pending.version}: never reached the storage root, discarded")
    _remove_abandoned_work(depository)
    return done


def complete(store: Store, depository: Depository, pending: Pending, interrupted: bool = False) -> None:
    """Log and catalogue a version that is in the root, then forget its pending note.  Called
    with the object locked, by the deposit itself or, for an ``interrupted`` write, by recovery
    (which first looks whether the log already has it).  The record follows its copy
    (``objects/publication.py``) in the same transaction."""
    metadata = read_metadata(depository, pending.urn, pending.version)
    if not (interrupted and _logged(depository, pending)):
        events.append(depository.root, "deposit", object=metadata["object"], version=pending.version,
                      partner=metadata["partner"], record=metadata["record"]["local_id"], access=metadata["access"],
                      files=len(metadata["files"]), by=metadata["deposited_by"])
    with store.session() as session:
        catalogue_version(session, depository, pending.urn, pending.version)
        remember_head(session, events.head(depository.root))
        follow(store, session, metadata["record"]["local_id"])
    depository.settle(pending)


def _logged(depository: Depository, pending: Pending) -> bool:
    object_id = pending.urn.rsplit(":", 1)[-1]
    return any(e.get("kind") == "deposit" and e.get("object") == object_id and e.get("version") == pending.version
               for e in events.read(depository.root))


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
