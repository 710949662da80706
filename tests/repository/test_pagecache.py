"""A writer lets the OS drop the SQLite file's cached pages behind it; readers never do.

Whether a page is in the OS page cache is asked of the kernel itself, with mincore(2) on a
mapping of the file (reading the page to find out would bring it, and its neighbours, back).
"""

from __future__ import annotations

import ctypes
import mmap
import os
from pathlib import Path

import pytest

from repository.db import migrate
from repository.engine import make_engine
from repository.pagecache import MB, CacheTrimmer
from repository.store import Store
from tests.oai_helpers import add_records

LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.mmap.restype = ctypes.c_void_p
LIBC.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
LIBC.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
LIBC.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]


def resident_share(path: Path, start: int, end: int) -> float:
    """The share of the pages of ``path`` in [start, end) that are in the page cache."""
    size = path.stat().st_size
    fd = os.open(path, os.O_RDONLY)
    try:
        address = LIBC.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        assert address not in (None, ctypes.c_void_p(-1).value), os.strerror(ctypes.get_errno())
        try:
            pages = ctypes.create_string_buffer((size + mmap.PAGESIZE - 1) // mmap.PAGESIZE)
            assert LIBC.mincore(address, size, pages) == 0, os.strerror(ctypes.get_errno())
        finally:
            LIBC.munmap(address, size)
    finally:
        os.close(fd)
    flags = pages.raw[start // mmap.PAGESIZE:(end + mmap.PAGESIZE - 1) // mmap.PAGESIZE]
    return sum(flag & 1 for flag in flags) / max(1, len(flags))


def append(path: Path, size: int) -> Path:
    with path.open("ab") as file:
        file.write(os.urandom(size))
        file.flush()
        os.fsync(file.fileno())  # clean pages: the kernel keeps dirty ones
    return path


def test_the_trimmer_waits_for_growth_then_drops_all_but_the_tail(tmp_path: Path) -> None:
    path = append(tmp_path / "f.bin", 2 * MB)
    trim = CacheTrimmer(str(path), every=4 * MB, keep=1 * MB)
    append(path, 3 * MB)  # 3 MB of growth: not yet
    assert trim() is False and resident_share(path, 0, 5 * MB) == 1.0
    append(path, 3 * MB)  # 6 MB since it started
    assert trim() is True
    # the kernel may hold on to the very latest pages a little longer (per-CPU batches)
    assert resident_share(path, 0, 5 * MB) < 0.05
    assert resident_share(path, 7 * MB, 8 * MB) == 1.0  # the last ``keep`` bytes stay
    assert trim() is False  # no growth since


def test_a_missing_file_counts_as_empty(tmp_path: Path) -> None:
    trim = CacheTrimmer(str(tmp_path / "not-yet.db"), every=1 * MB)
    assert trim.trimmed_at == 0 and trim() is False


def _store_with_trim(path: Path, every_mb: int) -> Store:
    engine = make_engine(f"sqlite:///{path}", cache_trim_mb=every_mb)
    migrate(engine)
    return Store(engine, "kazneb.kz")


def _grow(store: Store, batches: int) -> None:
    """Record batches, each checkpointed into the database file (which is what grows it)."""
    for batch in range(batches):
        add_records(store, "nabrk", range(batch * 200, (batch + 1) * 200))
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.mark.parametrize(("every_mb", "dropped"), [(1, True), (0, False)])
def test_a_store_writer_lets_the_files_pages_go_unless_told_not_to(tmp_path: Path, every_mb: int,
                                                                  dropped: bool) -> None:
    path = tmp_path / "kazneb.db"
    store = _store_with_trim(path, every_mb)
    _grow(store, 4)
    add_records(store, "nabrk", range(800, 801))  # one more write commit sees the growth
    size = path.stat().st_size
    assert size > 3 * MB
    share = resident_share(path, 0, size - MB)
    assert (share < 0.5) if dropped else (share > 0.9), share


def test_a_reader_never_trims(tmp_path: Path) -> None:
    path = tmp_path / "kazneb.db"
    writer = _store_with_trim(path, 0)
    _grow(writer, 4)
    reader = _store_with_trim(path, 1)  # its trimmer counts from this size
    _grow(writer, 4)
    with reader.engine.connect() as conn:  # a read transaction, committed
        conn.exec_driver_sql("SELECT count(*) FROM hub_records").all()
        conn.commit()
    assert resident_share(path, 0, path.stat().st_size) > 0.9
