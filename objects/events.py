"""The depository's event log: one append-only, hash-chained JSON-lines file at the storage root.

Every change of state (a deposit, a new version, a level change, a withdrawal or
reinstatement, an agreement added or terminated) and every fixity check, failure, restore
and refused deposit is one line.  Each line carries the SHA-256 of the line before it, so a
changed or removed line breaks the chain (``kazneb events verify``); the last line's number
and hash are also kept in the database, so cutting lines off the end is seen too.  Being a
plain file beside the OCFL objects (validators ignore it), the log is what lets
``kazneb objects rebuild`` restore state, not only objects.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOG_NAME = "kazneb-events.jsonl"
GENESIS = "0" * 64
#: Kinds of event that change the depository's state (replayed by a rebuild).
STATE_KINDS = ("deposit", "set-access", "withdraw", "reinstate", "agreement-add", "agreement-terminate")


@dataclass(frozen=True)
class Head:
    """The last entry: its number and hash (kept in the database as the log's anchor)."""

    seq: int
    hash: str


def log_path(root: Path) -> Path:
    return root / LOG_NAME


def entry_hash(entry: dict[str, Any]) -> str:
    """SHA-256 of the entry without its own hash, as canonical JSON (sorted keys, no spaces)."""
    body = {key: value for key, value in entry.items() if key != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode()).hexdigest()


def append(root: Path, kind: str, **fields: Any) -> dict[str, Any]:
    """Append one event (under an exclusive lock, flushed to the disk) and return it."""
    path = log_path(root)
    with open(path, "a+b") as log:
        fcntl.flock(log, fcntl.LOCK_EX)
        head = _last(log)
        entry = {"seq": head.seq + 1, "at": _now(), "kind": kind, **fields, "prev": head.hash}
        entry["hash"] = entry_hash(entry)
        log.seek(0, os.SEEK_END)
        log.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        log.flush()
        os.fsync(log.fileno())
    return entry


def read(root: Path) -> Iterator[dict[str, Any]]:
    """Every entry, oldest first (an unreadable line is yielded as ``{"unreadable": text}``)."""
    path = log_path(root)
    if not path.exists():
        return
    with open(path, encoding="utf-8") as log:
        for line in log:
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                yield {"unreadable": line.rstrip("\n")}


def head(root: Path) -> Head:
    path = log_path(root)
    if not path.exists():
        return Head(0, GENESIS)
    with open(path, "rb") as log:
        return _last(log)


def verify(root: Path, anchor: Head | None = None) -> list[str]:
    """What is wrong with the chain, one sentence per problem (empty: intact).  ``anchor`` is
    the head the database remembers: a log that ends before it has lost its last entries."""
    problems: list[str] = []
    previous = Head(0, GENESIS)
    anchored: str | None = None  # the hash the log holds at the anchor's number, read in the same pass
    for line, entry in enumerate(read(root), start=1):
        if "unreadable" in entry:
            problems.append(f"line {line}: not a JSON entry")
            continue
        if entry.get("seq") != previous.seq + 1:
            problems.append(f"line {line}: entry {entry.get('seq')} follows {previous.seq}: entries were removed")
        if entry.get("prev") != previous.hash:
            problems.append(f"line {line}: entry {entry.get('seq')} does not chain to the entry before it")
        if entry_hash(entry) != entry.get("hash"):
            problems.append(f"line {line}: entry {entry.get('seq')} was changed after it was written")
        previous = Head(int(entry.get("seq", 0)), str(entry.get("hash")))
        if anchor is not None and previous.seq == anchor.seq:
            anchored = previous.hash
    if anchor is not None and anchor.seq > previous.seq:
        problems.append(f"the log ends at entry {previous.seq}, but entry {anchor.seq} was written: "
                        "entries were removed from its end")
    elif anchor is not None and anchor.seq and anchored != anchor.hash:
        problems.append(f"entry {anchor.seq} is not the one the database remembers")
    return problems


def _last(log: Any) -> Head:
    """The last complete line's seq and hash, read from the end of the file (logs grow long)."""
    log.seek(0, os.SEEK_END)
    end = log.tell()
    window = 4096
    while True:
        start = max(0, end - window)
        log.seek(start)
        tail = log.read(end - start)
        lines = [line for line in tail.split(b"\n") if line.strip()]
        if lines and (start == 0 or len(lines) > 1):
            entry = json.loads(lines[-1])
            return Head(int(entry["seq"]), entry["hash"])
        if start == 0:
            return Head(0, GENESIS)
        window *= 4


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
