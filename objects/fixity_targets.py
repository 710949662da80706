"""Which stored files an audit reads: all of them, those checked too long ago, a random sample,
those failing, or the oldest checks first (the order of the scheduler's rolling audit).

Files come from the catalogue of stored files (``stored_files``) a page at a time, so choosing
among millions keeps memory flat and holds no transaction open while files are read.  The
catalogue is not trusted to be complete, though: the storage root is the record of truth, and
:func:`catalogue_unlisted` first adds every file an object's OCFL inventory lists that the
catalogue lacks, so no byte escapes the audit because the database forgot it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import Select, func, or_, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from objects.models import StoredFile
from objects.storage import Depository
from repository.store import Store

PAGE = 1000
#: Objects whose inventories are read, and whose catalogue rows are fetched, at a time.
OBJECTS_AT_A_TIME = 200
_COLUMNS = (StoredFile.ocfl_id, StoredFile.content_path, StoredFile.size, StoredFile.sha512, StoredFile.checked_at)
_BY_FILE = (StoredFile.ocfl_id, StoredFile.content_path)
_BY_AGE = (StoredFile.checked_at, StoredFile.ocfl_id, StoredFile.content_path)


@dataclass(frozen=True)
class Target:
    """A stored file to re-hash, with the SHA-512 it had when it came in and its last check."""

    urn: str
    content_path: str
    size: int
    sha512: str
    checked_at: int | None


def every_file(store: Store) -> Iterator[Target]:
    """Every catalogued file, object by object."""
    return _pages(store, select(*_COLUMNS), _BY_FILE)


def checked_before(store: Store, moment: int) -> Iterator[Target]:
    """Files never checked, or last checked before ``moment`` (seconds since the epoch)."""
    return _pages(store, select(*_COLUMNS).where(_not_checked_since(moment)), _BY_FILE)


def failing(store: Store, statuses: tuple[str, ...]) -> Iterator[Target]:
    """Files whose last check found one of ``statuses``: to confirm a restore from the backup."""
    return _pages(store, select(*_COLUMNS).where(StoredFile.status.in_(statuses)), _BY_FILE)


def random_sample(store: Store, count: int, moment: int | None = None) -> list[Target]:
    """``count`` files drawn at random (among those :func:`checked_before` ``moment`` chooses, if given)."""
    query = select(*_COLUMNS).order_by(func.random()).limit(count)
    if moment is not None:
        query = query.where(_not_checked_since(moment))
    with store.reading() as session:
        return [Target(*row) for row in session.execute(query)]


def oldest_first(store: Store, before: int) -> Iterator[Target]:
    """Files never checked first, then by the time of their last check, earliest first.  Only
    checks before ``before`` count, so a file the reader has just checked is not met again."""
    yield from _pages(store, select(*_COLUMNS).where(StoredFile.checked_at.is_(None)), _BY_FILE)
    yield from _pages(store, select(*_COLUMNS).where(StoredFile.checked_at < before), _BY_AGE)


def catalogue_unlisted(store: Store, depository: Depository) -> list[Target]:
    """Catalogue, as never checked, every file an OCFL inventory lists and the catalogue does not;
    return them.  The object is locked while its rows are added, so a deposit that is cataloguing
    the same version at that moment does not collide with this."""
    added: list[Target] = []
    for urns in _batches(depository.urns(), OBJECTS_AT_A_TIME):
        for urn in _objects_with_unlisted_files(store, depository, urns):
            with depository.locked(urn):
                added += _catalogue_object(store, depository, urn)
    return added


def _objects_with_unlisted_files(store: Store, depository: Depository, urns: list[str]) -> list[str]:
    listed = {urn: _manifest(depository, urn) for urn in urns}
    with store.reading() as session:
        known = {tuple(row) for row in session.execute(select(*_BY_FILE).where(StoredFile.ocfl_id.in_(urns)))}
    return [urn for urn, files in listed.items() if any((urn, path) not in known for path in files)]


def _catalogue_object(store: Store, depository: Depository, urn: str) -> list[Target]:
    added = []
    with store.session() as session:
        known = set(session.execute(select(StoredFile.content_path).where(StoredFile.ocfl_id == urn)).scalars())
        for content_path, digest in _manifest(depository, urn).items():
            if content_path not in known:
                target = Target(urn, content_path, _size_on_disk(depository, urn, content_path), digest, None)
                session.add(StoredFile(ocfl_id=urn, content_path=content_path, size=target.size, sha512=digest,
                                       checked_at=None, status="unchecked"))
                added.append(target)
    return added


def _manifest(depository: Depository, urn: str) -> dict[str, str]:
    """Content path → SHA-512 of every file the object's inventory lists."""
    manifest = depository.inventory(urn)["manifest"]
    return {path: digest for digest, paths in manifest.items() for path in paths}


def _size_on_disk(depository: Depository, urn: str, content_path: str) -> int:
    """The file's size (0 if it is gone: the audit will find it missing)."""
    try:
        return depository.file_path(urn, content_path).stat().st_size
    except OSError:
        return 0


def _not_checked_since(moment: int) -> ColumnElement[bool]:
    return or_(StoredFile.checked_at.is_(None), StoredFile.checked_at < moment)


def _pages(store: Store, query: Select, key: tuple) -> Iterator[Target]:  # type: ignore[type-arg]
    """The query's rows in ``key`` order, a page per short read transaction (keyset paging, so
    rows the audit updates meanwhile neither shift nor repeat the pages)."""
    after: tuple | None = None  # type: ignore[type-arg]
    while True:
        page = query.order_by(*key).limit(PAGE)
        if after is not None:
            page = page.where(tuple_(*key) > tuple_(*after))
        with store.reading() as session:
            rows = session.execute(page).all()
        yield from (Target(*row) for row in rows)
        if len(rows) < PAGE:
            return
        after = tuple(rows[-1]._mapping[column] for column in key)


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
