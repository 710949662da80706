"""Reading a file once: copying it while every digest is computed, or re-hashing it for an audit.

A deposit must recompute SHA-512 (OCFL's digest) and each digest the partner sent (MD5, SHA-1,
SHA-256) before it is acknowledged, and it must stay fast and flat in memory whatever the
file's size.  So each file is read once, in chunks; the digests of a chunk are computed in
parallel threads (hashlib releases the GIL on large buffers) while the chunk is written.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHUNK = 4 << 20
#: The digests a partner may send, as OCFL and BagIt spell them.
PARTNER_ALGORITHMS = ("md5", "sha1", "sha256", "sha512")


def copy_with_digests(source: Path, target: Path | None, algorithms: Iterable[str]) -> tuple[int, dict[str, str]]:
    """Copy ``source`` to ``target`` (or only read it, when ``target`` is None) and return
    its size and its digests, one per algorithm; ``target`` is flushed to the disk."""
    hashers = {name: hashlib.new(name) for name in dict.fromkeys(algorithms)}
    size = 0
    with ThreadPoolExecutor(max_workers=max(1, len(hashers))) as pool, open(source, "rb") as reader:
        writer = open(target, "xb") if target is not None else None
        try:
            while chunk := reader.read(CHUNK):
                size += len(chunk)
                updates = [pool.submit(h.update, chunk) for h in hashers.values()]
                if writer is not None:
                    writer.write(chunk)
                for update in updates:
                    update.result()
            if writer is not None:
                writer.flush()
                os.fsync(writer.fileno())
        finally:
            if writer is not None:
                writer.close()
    return size, {name: h.hexdigest() for name, h in hashers.items()}


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
