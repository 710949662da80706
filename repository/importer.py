"""Loading partner records from files (``kazneb import``).

Each record is read by the crosswalks' file reader and written through the store,
one transaction per batch.  A record that cannot be read is reported with its file
and position and skipped; the others are stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crosswalks.readers import ReadResult, read_file
from repository.store import IncomingRecord, Store, StoreError

BATCH = 500


@dataclass
class ImportSummary:
    """Counts by outcome, and one message per record that failed."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("new", "updated", "unchanged", "deleted", "skipped", "failed"), 0))
    errors: list[str] = field(default_factory=list)

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1


def import_files(
    store: Store,
    partner_id: str,
    paths: Iterable[str | Path],
    access: str | None = None,
    report: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Import every record of every file in ``paths`` as ``partner_id``'s records."""
    summary = ImportSummary()
    for path in paths:
        path = Path(path)
        try:
            results = read_file(path)
            _import_stream(store, partner_id, path, results, access, summary, report)
        except OSError as exc:
            _fail(summary, report, f"{path}: cannot be read: {exc.strerror or exc}")
    return summary


def _import_stream(
    store: Store,
    partner_id: str,
    path: Path,
    results: Iterable[ReadResult],
    access: str | None,
    summary: ImportSummary,
    report: Callable[[str], None] | None,
) -> None:
    batch: list[ReadResult] = []
    for result in results:
        if result.error or (result.record is None and not result.deleted):
            _fail(summary, report, f"{path}: {result.describe()}")
            continue
        batch.append(result)
        if len(batch) >= BATCH:
            _write_batch(store, partner_id, path, batch, access, summary, report)
            batch = []
    if batch:
        _write_batch(store, partner_id, path, batch, access, summary, report)


def _write_batch(store, partner_id, path, batch, access, summary, report) -> None:  # type: ignore[no-untyped-def]
    with store.session() as session:
        for result in batch:
            key = source_key(path, result)
            if result.deleted:
                summary.add(store.delete_record(session, partner_id, key).replace("missing", "skipped"))
                continue
            incoming = IncomingRecord(
                partner_id=partner_id,
                source_key=key,
                record=result.record,
                raw=result.raw,
                source_datestamp=result.datestamp,
                metadata_prefix=result.record.source.format,
                metadata_namespace=result.record.source.metadata_namespace,
                source_sets=result.sets,
                access=access,
            )
            try:
                with session.begin_nested():
                    summary.add(store.write_record(session, incoming))
            except StoreError as exc:
                _fail(summary, report, f"{path}: record {result.position}: {exc}")


def source_key(path: Path, result: ReadResult) -> str:
    """The record's key: its own identifier when it has one, else file and position."""
    if result.identifier:
        return result.identifier
    return f"{path.name}#{result.position}"


def _fail(summary: ImportSummary, report: Callable[[str], None] | None, message: str) -> None:
    summary.add("failed")
    summary.errors.append(message)
    if report:
        report(message)
