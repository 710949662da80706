"""Keeping a long write from filling the operating system's page cache with the SQLite file.

A harvest appends gigabytes to the database file and reads almost none of it back: the pages
it does read again (the upper levels of each b-tree and its last leaves) stay in SQLite's own
cache.  Left alone, the kernel keeps every written page cached until memory runs short, and on
the benchmark VM that cost dearly: writing a file sequentially took 0.36 s of kernel time per GB
while the cache grew through its first 2 GB and 2.6 s per GB after that, unless the pages
written were let go (bench/RESULTS.md, "Session 6").  So, like PostgreSQL's small ring buffer
for bulk writes, a writing connection tells the kernel to drop the file's cached pages behind
it: each time the file has grown by ``every`` bytes, all but its last ``keep`` bytes.

The advice is only advice: the kernel keeps pages that are dirty (it starts writing them out)
or mapped into a process (SQLite's memory map), so no data is lost and no reader is blocked;
a page dropped and needed again is read back from disk.
"""

from __future__ import annotations

import os

MB = 1024 * 1024


class CacheTrimmer:
    """Drops a growing file's cached pages behind the writer (see the module docstring)."""

    def __init__(self, path: str, every: int = 256 * MB, keep: int = 64 * MB) -> None:
        self.path = path
        self.every = every
        self.keep = keep
        self.trimmed_at = _size(path)  # growth counts from when the trimmer was made

    def __call__(self) -> bool:
        """Drop the pages if the file grew by ``every`` since the last time; True if it did."""
        size = _size(self.path)
        if size - self.trimmed_at < self.every:
            return False
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, max(0, size - self.keep), os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
        self.trimmed_at = size
        return True


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def supported() -> bool:
    """posix_fadvise exists on Linux and most Unixes, not on Windows or macOS."""
    return hasattr(os, "posix_fadvise")
