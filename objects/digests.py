"""Reading a file once: copying it while every digest is computed, or re-hashing it for an audit.

A deposit must recompute SHA-512 (OCFL's digest) and each digest the partner sent (MD5, SHA-1,
SHA-256) before it is acknowledged, and it must stay fast and flat in memory whatever the
file's size.  So each file is read once, in chunks; the digests of a chunk are computed in
parallel threads (hashlib releases the GIL on large buffers) while a writer thread writes the
chunks before it and flushes them to the disk as it goes, so the disk works while the digests
are computed instead of after them.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

CHUNK = 1 << 20
#: Chunks waiting for the writer at most (memory stays under QUEUED x CHUNK).
QUEUED = 4
#: The writer flushes to the disk after this many bytes, so no big flush is left for the end.
SYNC_EVERY = 64 << 20
#: The digests a partner may send, as OCFL and BagIt spell them.
PARTNER_ALGORITHMS = ("md5", "sha1", "sha256", "sha512")


def copy_with_digests(source: Path, target: Path | None, algorithms: Iterable[str]) -> tuple[int, dict[str, str]]:
    """Copy ``source`` to ``target`` (or only read it, when ``target`` is None) and return
    its size and its digests, one per algorithm; ``target`` is flushed to the disk."""
    hashers = {name: hashlib.new(name) for name in dict.fromkeys(algorithms)}
    size = 0
    with (ThreadPoolExecutor(max_workers=max(1, len(hashers))) as pool, open(source, "rb") as reader,
          _SyncedWriter(target) as writer):
        while chunk := reader.read(CHUNK):
            size += len(chunk)
            updates = [pool.submit(h.update, chunk) for h in hashers.values()]
            writer.put(chunk)
            for update in updates:
                update.result()
    return size, {name: h.hexdigest() for name, h in hashers.items()}


class _SyncedWriter:
    """Writes chunks to ``target`` in a thread of its own, flushing to the disk every
    :data:`SYNC_EVERY` bytes and at the end; with no target it drops them."""

    def __init__(self, target: Path | None) -> None:
        self.target = target
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _SyncedWriter:
        if self.target is not None:
            self.handle = open(self.target, "xb", buffering=0)
            self.thread.start()
        return self

    def put(self, chunk: bytes) -> None:
        if self.target is not None:
            if self.failure is not None:
                raise self.failure
            self.chunks.put(chunk)

    def _run(self) -> None:
        unsynced = 0
        try:
            while (chunk := self.chunks.get()) is not None:
                self.handle.write(chunk)
                unsynced += len(chunk)
                if unsynced >= SYNC_EVERY:
                    os.fdatasync(self.handle.fileno())
                    unsynced = 0
            os.fsync(self.handle.fileno())
        except BaseException as exc:  # handed to the reading thread
            self.failure = exc
            while self.chunks.get() is not None:  # drain, so the reader never blocks on a full queue
                pass

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.target is None:
            return
        self.chunks.put(None)
        self.thread.join()
        self.handle.close()
        if self.failure is not None and error is None:
            raise self.failure


def file_sha512(path: Path, bytes_per_second: float = 0.0,
                on_chunk: Callable[[int], None] | None = None) -> str:
    """The SHA-512 of a stored file, read no faster than ``bytes_per_second`` (0: at full speed),
    so a rolling audit leaves the disk to the readers."""
    hasher = hashlib.sha512()
    started = time.monotonic()
    done = 0
    with open(path, "rb") as reader:
        while chunk := reader.read(CHUNK):
            hasher.update(chunk)
            done += len(chunk)
            if on_chunk is not None:
                on_chunk(len(chunk))
            if bytes_per_second > 0:
                ahead = done / bytes_per_second - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
    return hasher.hexdigest()
