"""File deliveries (``kazneb ingest``): a file, a folder or a zip of MARC 21, MARCXML or DC XML.

Records go through the same path as harvested ones: read by the crosswalks' file
reader, written in batches by the store's bulk write with change detection, and
unreadable ones quarantined with their exact bytes, format, file and position.  The
delivery is one run (kind ``files``) whose checkpoint (file, record position and the byte
offset after that record) commits with each batch; a crashed ingest of the same delivery,
run again, seeks to that offset instead of reading the records before it a second time.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import select

from harvester import locks
from harvester.context import Outcomes, RunContext
from harvester.delivery import (
    DeliveryFile,
    RawRecord,
    RawRecords,
    content_key,
    delivery_digest,
    list_delivery,
    local_copy,
    seek_past_records,
    sniff_format,
    xml_encoding,
)
from harvester.models import HarvestRun
from harvester.partners import PartnerConfig
from harvester.records import quarantine
from repository.errors import StoreError
from repository.levels import apply_own_levels, remember_own_level
from repository.store import IncomingRecord, Store

if TYPE_CHECKING:
    from crosswalks.files import ResumeAt

BATCH = 500
MAX_KEPT_FILE = 64 * 1024**2  # a whole file kept in quarantine (an error about the whole file)
COUNTERS = ("new", "updated", "unchanged", "deleted", "quarantined")
MAX_LISTED = 50  # positions of records without an identifier named in a file's warning
#: What makes a file unreadable (a zip member with a bad CRC or a broken stream included).
READ_ERRORS = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error)
Report = Callable[[str], Any]


@dataclass
class FileSource:
    """Where records come from, as their keys and quarantine entries need it.

    ``name`` is the file's path in the delivery (folders and zip members included).  ``only``
    is the one record of a quarantine entry read again on its own: its bytes stay the ones
    the file held, whatever the retry reads."""

    name: str
    format: str  # marc21 or xml
    encoding: str | None
    raw: RawRecords | None
    whole: Callable[[], bytes | None]
    only: RawRecord | None = None

    def key(self, result: Any) -> str:
        """A read record's source key: its identifier, or a digest of its content (see content_key)."""
        return result.identifier or content_key(result.raw)

    def where(self, position: int) -> str:
        """``<file>#<position>``: the key of a quarantine entry for a record without an identifier."""
        return f"{self.name}#{position}"

    def raw_of(self, position: int) -> RawRecord | None:
        if self.only is not None:
            return self.only
        if position == 0:  # an error about the whole file
            data = self.whole()
            return None if data is None else RawRecord(data)
        return self.raw.get(position) if self.raw is not None else None


def ingest_path(store: Store, partner: PartnerConfig, path: Path, report: Report = print,
                batch_size: int = BATCH, access: str | None = None) -> HarvestRun:
    """Ingest a delivery as ``partner``'s records under its lock; the finished run row.

    ``access`` is a level given to every record of the delivery itself: kept with each
    record, it wins over the partner's rules until another is given (``repository.levels``).

    Raises HarvestError when ``path`` does not exist and PartnerBusy when the partner is
    being harvested or ingested by another process."""
    files = list_delivery(path)
    digest = delivery_digest(partner.id, path, files)
    with locks.partner_lock(store, partner.id) as owner:
        run_id, checkpoint = _open_run(store, partner.id, path, digest, report)
        delivery = _Delivery(store, partner, run_id, owner, report, max(1, batch_size), access)
        start = int(checkpoint.get("file", 0))
        try:
            with tempfile.TemporaryDirectory(prefix="kazneb-ingest-") as scratch:
                for index, file in enumerate(files):
                    if index >= start:
                        delivery.ingest_file(index, file, Path(scratch), checkpoint if index == start else {})
        except Exception as exc:
            _fail_run(store, run_id, exc)
            raise
        return _finish_run(store, run_id)


def all_went_in(runs: Iterable[HarvestRun]) -> bool:
    """Whether every record of these deliveries was stored: none quarantined or refused, no file unread."""
    return all(run.status == "succeeded" and not run.quarantined for run in runs)


class _Delivery:
    """Reads each file of a delivery and commits it batch by batch with the run's checkpoint."""

    def __init__(self, store: Store, partner: PartnerConfig, run_id: int, owner: str, report: Report,
                 batch_size: int, access: str | None = None) -> None:
        self.store, self.partner, self.run_id, self.owner = store, partner, run_id, owner
        self.report, self.batch_size, self.access = report, batch_size, access

    def ingest_file(self, index: int, file: DeliveryFile, scratch: Path, checkpoint: dict) -> None:
        """Every record of one file after the ``checkpoint`` of a crashed run inside it, if any."""
        done = {"file": index + 1, "record": 0}
        if file.problem:
            self._commit(None, [], done, ("failed-files", f"{file.name}: {file.problem}"))
            return
        with ExitStack() as stack:
            try:
                local = stack.enter_context(local_copy(file, scratch))
                handle = stack.enter_context(open(local, "rb"))
                head = handle.read(4096)
                handle.seek(0)
            except READ_ERRORS as exc:
                self._commit(None, [], done, ("failed-files", f"{file.name}: cannot be read: {exc}"))
                return
            file_format = sniff_format(head)
            if file_format is None:
                what = "an empty file" if not head.strip() else \
                    f"neither XML nor ISO 2709 MARC (starts {head[:12]!r})"
                self._commit(None, [], done, ("skipped-files", f"{file.name}: not a record file, skipped: {what}"))
                return
            encoding = xml_encoding(head) if file_format == "xml" else None
            source = FileSource(file.name, file_format, encoding,
                                stack.enter_context(closing(RawRecords(lambda: open(local, "rb"), file_format,
                                                                       encoding))),
                                lambda: _whole(local))
            prefix = _PrefixDigest(local)
            skip, resume = self._resume_point(source, prefix, checkpoint)
            self._read(index, source, handle, prefix, skip, resume)

    def _resume_point(self, source: FileSource, prefix: _PrefixDigest, checkpoint: dict) -> tuple[int, ResumeAt | None]:
        """(records stored before the checkpoint, where to seek): the checkpoint's byte offset when
        the file's bytes before it are still the ones the crashed run read; else from the start."""
        skip = int(checkpoint.get("record", 0))
        if not skip or "offset" not in checkpoint:
            return skip, None  # a file not started, or a checkpoint without an offset: records counted
        offset = int(checkpoint["offset"])
        if prefix.up_to(offset) != checkpoint.get("prefix"):
            self._commit(None, [], checkpoint, ("changed-files", f"{source.name}: changed since the crashed run "
                                                f"stopped after record {skip}; read again from its start"))
            prefix.restart()
            return 0, None
        from crosswalks.files import ResumeAt
        from crosswalks.xmlsplit import SplitContext

        xml = checkpoint.get("xml")
        return skip, ResumeAt(offset, skip, SplitContext(*xml) if xml else None)

    def _read(self, index: int, source: FileSource, handle: BinaryIO, prefix: _PrefixDigest, skip: int,
              resume: ResumeAt | None) -> None:
        """Read and commit batch by batch; a read error ends the file with what was read before it."""
        batch: list = []
        last, mark = skip, None
        unidentified: list[int] = []
        for result in _records(handle, source, skip, resume):
            if isinstance(result, Exception):
                self._commit(source, batch, {"file": index + 1, "record": 0},
                             ("failed-files", f"{source.name}: cannot be read after record {last}: {result}"))
                break
            batch.append(result)
            if result.position:
                last, mark = result.position, result
            if not result.identifier and result.record is not None and not result.error:
                unidentified.append(result.position)
            if len(batch) >= self.batch_size:
                self._commit(source, batch, _checkpoint(index, source.name, last, mark, prefix))
                batch = []
        else:
            self._commit(source, batch, {"file": index + 1, "record": 0})
        if unidentified:
            self.report(_unidentified_warning(source.name, unidentified))

    def _commit(self, source: FileSource | None, batch: list, checkpoint: dict,
                event: tuple[str, str] | None = None) -> None:
        """One transaction: the batch's records and quarantine entries, the run's counts and checkpoint."""
        outcomes = Outcomes()
        with self.store.session() as session:
            if source is not None and batch:
                store_results(RunContext(self.store, session, self.partner, self.run_id, outcomes), source, batch,
                              self.report, self.access)
            if event is not None:
                outcomes.add(*event)
                self.report(event[1])
            run = session.get(HarvestRun, self.run_id)
            _count(run, outcomes)
            run.checkpoint = checkpoint
            run.pages += 1 if batch else 0
            locks.heartbeat(session, self.partner.id, self.owner)
        if batch:
            self.report(f"{source.name if source else ''}: record {checkpoint.get('record') or 'last'}, "
                        f"{run.seen} records so far")


def _unidentified_warning(name: str, positions: list[int]) -> str:
    listed = ", ".join(map(str, positions[:MAX_LISTED])) + (f" and {len(positions) - MAX_LISTED} more"
                                                            if len(positions) > MAX_LISTED else "")
    return (f"warning: {name}: {len(positions)} record(s) without an identifier, stored under a digest of their "
            f"content (a corrected one will be a new record): record(s) {listed}")


def store_results(run: RunContext, source: FileSource, results: Iterable, report: Report = print,
                  access: str | None = None) -> list[str]:
    """Store read records with the store's bulk write; a record that cannot be read or stored
    is quarantined alone.  The outcome of each record, in order.  ``access``: a level given to
    these records themselves (see ``ingest_path``)."""
    store, session, partner, outcomes = run.store, run.session, run.partner, run.outcomes
    statuses: list[str] = []
    pending: list[tuple[IncomingRecord, Any]] = []
    for result in results:
        if result.error or (result.record is None and not result.deleted):
            statuses.extend(_write(run, source, pending, report, access))
            pending = []
            _quarantine(run, source, result, f"{source.name}: {result.describe()}", report)
            statuses.append("quarantined")
        elif result.deleted and not result.identifier:
            statuses.extend(_write(run, source, pending, report, access))
            pending = []
            _quarantine(run, source, result, f"{source.name}: record {result.position}: a deletion without an "
                        "identifier deletes nothing", report)
            statuses.append("quarantined")
        elif result.deleted:  # a deleted record of a saved OAI-PMH response: after what came before
            statuses.extend(_write(run, source, pending, report, access))
            pending = []
            status = store.delete_record(session, partner.id, result.identifier)
            if status == "deleted":
                outcomes.add("deleted")
            statuses.append(status)
        else:
            if not result.identifier:
                outcomes.add("no-identifier", f"{source.name}: record {result.position}")
            pending.append((_incoming(partner, source, result), result))
    statuses.extend(_write(run, source, pending, report, access))
    return statuses


def _incoming(partner: PartnerConfig, source: FileSource, result: Any) -> IncomingRecord:
    record = result.record
    record.source.partner = partner.id
    sets = list(result.sets or [])
    return IncomingRecord(
        partner_id=partner.id, source_key=source.key(result), record=record,
        raw=result.raw, source_datestamp=result.datestamp, metadata_prefix=record.source.format,
        metadata_namespace=record.source.metadata_namespace, source_sets=sets,
        access=partner.access_for(sets, list(record.rights)))


def _write(run: RunContext, source: FileSource, pending: list[tuple[IncomingRecord, Any]], report: Report,
           access: str | None = None) -> list[str]:
    """One bulk write; when the store refuses a record, one by one so only that record is quarantined.
    Each record gets its own level: ``access`` when given (and kept with it), else the one it had."""
    if not pending:
        return []
    store, session = run.store, run.session
    apply_own_levels(session, [incoming for incoming, _ in pending], access)
    try:
        statuses = store.write_records(session, [incoming for incoming, _ in pending])
    except StoreError:  # raised before anything is written
        statuses = []
        for incoming, result in pending:
            try:
                statuses.append(store.write_record(session, incoming))
            except StoreError as exc:
                _quarantine(run, source, result, f"{source.name}: {exc}", report)
                statuses.append("quarantined")
    for status in statuses:
        if status != "quarantined":
            run.outcomes.add(status)
    if access is not None:
        remember_own_level(session, run.partner.id, [incoming.source_key for (incoming, _), status
                                                     in zip(pending, statuses, strict=True) if status != "quarantined"],
                           access)
    return statuses


def _quarantine(run: RunContext, source: FileSource, result: Any, message: str, report: Report) -> None:
    """The record's one open entry (``<file>#<position>`` when it has no identifier), created
    or updated in place: a delivery ingested twice is not quarantined twice."""
    raw = source.raw_of(result.position)
    key = result.identifier or source.where(result.position)
    quarantine(run.session, run.partner.id, run.run_id, key, message,
               result.raw or None, file={
                   "raw_bytes": raw.data if raw else None, "file_format": source.format,
                   "file_encoding": source.encoding, "file_context": raw.context if raw else None,
                   "file_name": source.name, "file_position": result.position})
    run.outcomes.add("quarantined", message)
    report(message)


def _checkpoint(index: int, name: str, last: int, mark: Any, prefix: _PrefixDigest) -> dict:
    """The checkpoint after record ``last`` (``mark`` its result): with the byte offset after it, the
    digest of the bytes before that offset and the XML splitter's context, when the offset is known."""
    point: dict[str, Any] = {"file": index, "name": name, "record": last}
    if mark is None or mark.end is None or (mark.context is not None and not mark.context.codec):
        return point
    point["offset"] = mark.end
    point["prefix"] = prefix.up_to(mark.end)
    if mark.context is not None:
        point["xml"] = [mark.context.qname, mark.context.wrapper, mark.context.codec]
    return point


class _PrefixDigest:
    """SHA-256 of a file's first bytes, grown with each checkpoint (so each byte is hashed once):
    a resumed ingest trusts a checkpoint's offset only when the bytes before it are unchanged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.restart()

    def restart(self) -> None:
        self.hash, self.at = hashlib.sha256(), 0

    def up_to(self, offset: int) -> str:
        """The digest of the first ``offset`` bytes (of fewer when the file is shorter)."""
        if offset < self.at:
            self.restart()
        with open(self.path, "rb") as handle:
            handle.seek(self.at)
            while self.at < offset:
                data = handle.read(min(offset - self.at, 1 << 20))
                if not data:
                    return f"short:{self.at}"  # the file ends before the offset: it changed
                self.hash.update(data)
                self.at += len(data)
        return self.hash.hexdigest()


def _records(handle: BinaryIO, source: FileSource, skip: int, resume: ResumeAt | None) -> Iterator[Any]:
    """The file's read results after the first ``skip`` records (from ``resume``'s offset when
    given, else by reading or seeking past them); an exception (last) when reading fails."""
    from crosswalks.readers import read_file

    if resume is not None:
        results, shift = read_file(handle, source.format, resume=resume), 0
    else:
        shift = seek_past_records(handle, skip) if skip and source.format == "marc21" else 0
        results = read_file(handle, source.format)
    while True:
        try:
            result = next(results, None)
        except READ_ERRORS as exc:
            yield exc
            return
        if result is None:
            return
        if result.position:
            result.position += shift
            if result.position <= skip:
                continue  # stored before the crash
        elif shift:
            continue  # "no records" in what is left after the records passed over
        yield result


def _whole(local: Path) -> bytes | None:
    return local.read_bytes() if local.stat().st_size <= MAX_KEPT_FILE else None


# -- the run -------------------------------------------------------------------------
def _open_run(store: Store, partner_id: str, path: Path, digest: str, report: Report) -> tuple[int, dict]:
    """(run id, checkpoint): the crashed run of this same delivery, resumed, or a new run.

    Called under the partner's lock, so a files run still ``running`` is one that died."""
    now = int(time.time())
    with store.session() as session:
        crashed = session.scalars(select(HarvestRun).where(
            HarvestRun.partner_id == partner_id, HarvestRun.kind == "files", HarvestRun.status == "running")
            .order_by(HarvestRun.id.desc())).all()
        for run in crashed:
            if run.delivery == digest:
                run.resumed += 1
                checkpoint = dict(run.checkpoint or {})
                report(f"resumed run {run.id} of {path} at {_where(checkpoint)}")
                return run.id, checkpoint
        for run in crashed:  # a different delivery that died: it cannot be resumed any more
            run.status, run.finished_at = "failed", now
            run.message = f"{run.message or ''} (interrupted; another delivery was ingested before it was resumed)"
        run = HarvestRun(partner_id=partner_id, set_spec="", metadata_prefix="files", metadata_namespace="",
                         kind="files", from_date=None, granularity="", deleted_policy="", status="running",
                         phase="listing", track_seen=False, started_at=now, errors={}, message=str(path),
                         delivery=digest, checkpoint={"file": 0, "record": 0})
        for counter in ("pages", "seen", *COUNTERS, "requests", "retries", "bytes", "restarts", "resumed"):
            setattr(run, counter, 0)
        session.add(run)
        session.flush()
        return run.id, {}


def _where(checkpoint: dict) -> str:
    if not checkpoint.get("record"):
        return f"file {int(checkpoint.get('file', 0)) + 1}"
    at = f" (byte {checkpoint['offset']})" if "offset" in checkpoint else ""
    return f"{checkpoint.get('name', 'file')} after record {checkpoint['record']}{at}"


def _count(run: HarvestRun, outcomes: Outcomes) -> None:
    """Add a batch's outcomes to the run's counts and error examples."""
    for name in COUNTERS:
        setattr(run, name, getattr(run, name) + outcomes.counts[name])
    run.seen += sum(outcomes.counts[name] for name in COUNTERS)
    errors = dict(run.errors or {})
    for kind, examples in outcomes.examples.items():
        entry = errors.get(kind) or {"count": 0, "examples": []}
        errors[kind] = {"count": entry["count"] + outcomes.counts[kind], "examples": (entry["examples"] + examples)[:5]}
    run.errors = errors


def _finish_run(store: Store, run_id: int) -> HarvestRun:
    with store.session() as session:
        run = session.get(HarvestRun, run_id)
        failed = (run.errors or {}).get("failed-files")
        run.status = "failed" if failed else "succeeded"
        run.phase, run.finished_at = "done", int(time.time())
        if failed:
            run.message = f"{run.message}: {failed['count']} file(s) could not be read"
        return run


def _fail_run(store: Store, run_id: int, exc: Exception) -> None:
    with store.session() as session:
        run = session.get(HarvestRun, run_id)
        run.status, run.finished_at = "failed", int(time.time())
        run.message = f"{run.message}: {type(exc).__name__}: {exc}"


def read_quarantined(data: bytes, file_format: str) -> Iterator:
    """The records of quarantined bytes, read again by the crosswalks' reader."""
    from crosswalks.readers import read_bytes

    return read_bytes(data, file_format)
