"""File deliveries (``kazneb ingest``): a file, a folder or a zip of MARC 21, MARCXML or DC XML.

Records go through the same path as harvested ones: read by the crosswalks' file
reader, written by the store with change detection, unreadable ones quarantined with
their raw text, and the whole delivery recorded as a run (kind ``files``).
"""

from __future__ import annotations

import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

from harvester.errors import HarvestError
from harvester.models import HarvestRun
from harvester.partners import PartnerConfig
from harvester.records import Outcomes, quarantine
from repository.store import IncomingRecord, Store, StoreError

BATCH = 500
MAX_UNZIPPED = 4 * 1024**3  # refuse zip bombs


def delivery_files(path: Path, scratch: Path) -> Iterator[tuple[str, Path]]:
    """(name to report, file on disk) for every file of a file, folder or zip, sorted."""
    if path.is_dir():
        for found in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
            if zipfile.is_zipfile(found):
                yield from delivery_files(found, scratch)
            else:
                yield str(found.relative_to(path)), found
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist()
                       if not m.is_dir() and not Path(m.filename).name.startswith(".")]
            if sum(m.file_size for m in members) > MAX_UNZIPPED:
                raise HarvestError(f"{path}: unpacks to more than {MAX_UNZIPPED} bytes")
            for index, member in enumerate(sorted(members, key=lambda m: m.filename)):
                target = scratch / f"{index:06d}-{Path(member.filename).name}"
                target.write_bytes(archive.read(member))
                yield f"{path.name}!{member.filename}", target
    elif path.is_file():
        yield path.name, path
    else:
        raise HarvestError(f"{path}: no such file or folder")


def ingest_path(store: Store, partner: PartnerConfig, path: Path, report=print) -> HarvestRun:  # type: ignore[no-untyped-def]
    """Ingest a delivery as ``partner``'s records; the finished run row."""
    from crosswalks.readers import read_file

    run_id = _start_run(store, partner.id, path)
    outcomes = Outcomes()
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kazneb-ingest-")))
        for name, file in delivery_files(path, scratch):
            batch = []
            try:
                for result in read_file(file):
                    batch.append(result)
                    if len(batch) >= BATCH:
                        _write_batch(store, partner, run_id, name, batch, outcomes, report)
                        batch = []
            except (OSError, ValueError) as exc:
                report(f"{name}: cannot be read: {exc}")
                outcomes.add("failed-files", f"{name}: {exc}")
            _write_batch(store, partner, run_id, name, batch, outcomes, report)
    return _finish_run(store, run_id, outcomes)


def _write_batch(store: Store, partner: PartnerConfig, run_id: int, name: str, batch: list,
                 outcomes: Outcomes, report) -> None:  # type: ignore[no-untyped-def]
    if not batch:
        return
    with store.session() as session:
        for result in batch:
            key = result.identifier or f"{Path(name).name}#{result.position}"
            if result.error or result.record is None and not result.deleted:
                message = f"{name}: {result.describe()}"
                quarantine(session, partner.id, run_id, key, message, _text(result.raw))
                outcomes.add("quarantined", message)
                report(message)
                continue
            if result.deleted:
                if store.delete_record(session, partner.id, key) == "deleted":
                    outcomes.add("deleted")
                continue
            record = result.record
            record.source.partner = partner.id
            incoming = IncomingRecord(
                partner_id=partner.id, source_key=key, record=record, raw=_text(result.raw),
                source_datestamp=result.datestamp, metadata_prefix=record.source.format,
                metadata_namespace=record.source.metadata_namespace, source_sets=list(result.sets or []),
                access=partner.access_for(list(result.sets or []), list(record.rights)))
            try:
                outcomes.add(store.write_record(session, incoming))
            except StoreError as exc:
                quarantine(session, partner.id, run_id, key, f"{name}: {exc}", _text(result.raw))
                outcomes.add("quarantined", f"{name}: {exc}")


def _text(raw: object) -> str | None:
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    return str(raw)


def _start_run(store: Store, partner_id: str, path: Path) -> int:
    with store.session() as session:
        run = HarvestRun(partner_id=partner_id, set_spec="", metadata_prefix="files", metadata_namespace="",
                         kind="files", from_date=None, granularity="", deleted_policy="", status="running",
                         phase="listing", track_seen=False, started_at=int(time.time()), errors={},
                         message=str(path))
        for counter in ("pages", "seen", "new", "updated", "unchanged", "deleted", "quarantined",
                        "requests", "retries", "bytes", "restarts", "resumed"):
            setattr(run, counter, 0)
        session.add(run)
        session.flush()
        return run.id


def _finish_run(store: Store, run_id: int, outcomes: Outcomes) -> HarvestRun:
    with store.session() as session:
        run = session.get(HarvestRun, run_id)
        for name in ("new", "updated", "unchanged", "deleted", "quarantined"):
            setattr(run, name, outcomes.counts[name])
        run.seen = sum(outcomes.counts[n] for n in ("new", "updated", "unchanged", "deleted", "quarantined"))
        run.errors = {kind: {"count": outcomes.counts[kind], "examples": examples}
                      for kind, examples in outcomes.examples.items()}
        run.status = "failed" if outcomes.counts["failed-files"] else "succeeded"
        run.phase, run.finished_at = "done", int(time.time())
        return run
