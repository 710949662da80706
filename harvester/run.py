"""A harvest run: one list (partner, set, format) into the store, page by page, resumable.

Each page's records, quarantined records, pending deletions and the run's checkpoint
(the next resumption token and the counters) commit in one transaction, so a run killed
at any moment resumes from the last stored page with nothing lost or stored twice.
Deletions wait in ``harvest_pending_deletions`` until the list is complete; a run that
would delete too much, or a full harvest that suddenly finds nothing, is *held* for an
operator instead of wiping the collection.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from harvester import locks
from harvester.client import PartnerClient, PartnerInfo, choose_format
from harvester.context import Outcomes, RunContext
from harvester.dates import DAYS, incremental_from, normal_granularity
from harvester.deletions import apply_deletions, hold_reason, insert_ignore, newly_deleted, reject_deletions
from harvester.errors import HarvestError, PartnerOAIError
from harvester.fetch import Fetcher, RetryPolicy
from harvester.models import HarvestRun, PendingDeletion, SeenRecord
from harvester.pages import ListGuard, ListPage, fetch_page
from harvester.partners import PartnerConfig
from harvester.records import crosswalked, identifier_in, quarantine, quarantine_failure, write_all
from repository.models import SourceRecord
from repository.store import IncomingRecord, Store

__all__ = ["apply_deletions", "FilesOnly", "harvest_partner", "open_run", "reject_deletions", "ListHarvest", "RunHeld"]
log = logging.getLogger(__name__)
MAX_RESTARTS = 3
Progress = Callable[[HarvestRun], None]


class RunHeld(HarvestError):
    """A partner has a held run; confirm or reject it before harvesting again."""


class FilesOnly(HarvestError):
    """The partner has no OAI-PMH endpoint: its records come as file deliveries."""


def client_for(partner: PartnerConfig) -> PartnerClient:
    policy = RetryPolicy(attempts=partner.retry_attempts, base_delay=partner.retry_base_delay,
                         retry_after_cap=partner.retry_after_cap)
    return PartnerClient(partner.base_url, Fetcher(policy, partner.rate_limit, partner.timeout,
                                                   ca_bundle=partner.ca_bundle))


def harvest_partner(store: Store, partner: PartnerConfig, full: bool = False,
                    progress: Progress | None = None) -> list[HarvestRun]:
    """Harvest every configured set of ``partner`` under its lock; the finished run rows."""
    if not partner.base_url:
        raise FilesOnly(f"partner {partner.id!r} delivers files only (it has no OAI-PMH URL): load its "
                        f"deliveries with `kazneb ingest --partner {partner.id} PATH`")
    with locks.partner_lock(store, partner.id) as owner:
        client = client_for(partner)
        try:
            info = client.identify()
            prefix, namespace = choose_format(client.metadata_formats(), partner.format)
        except HarvestError as exc:
            record_failed_start(store, partner, client, exc)
            raise
        runs = []
        for set_spec in partner.sets or [""]:
            run_id = open_run(store, partner, info, set_spec, prefix, namespace, full)
            runs.append(ListHarvest(store, partner, client, run_id, owner, progress).execute())
        return runs


def record_failed_start(store: Store, partner: PartnerConfig, client: PartnerClient, exc: Exception) -> None:
    """A run row for a harvest that failed before listing (Identify, ListMetadataFormats)."""
    now = int(time.time())
    message = f"{type(exc).__name__}: {exc}"
    with store.session() as session:
        run = HarvestRun(partner_id=partner.id, set_spec="", metadata_prefix="", metadata_namespace="",
                         kind="identify", granularity="", deleted_policy="", status="failed", phase="done",
                         track_seen=False, started_at=now, finished_at=now, message=message,
                         errors={"fatal": {"count": 1, "examples": [message]}})
        for counter in _COUNTERS:
            setattr(run, counter, 0)
        run.requests, run.retries, run.bytes = (client.fetcher.stats.requests, client.fetcher.stats.retries,
                                                client.fetcher.stats.bytes)
        session.add(run)


_COUNTERS = ("pages", "seen", "new", "updated", "unchanged", "deleted", "quarantined",
             "requests", "retries", "bytes", "restarts", "resumed")


def open_run(store: Store, partner: PartnerConfig, info: PartnerInfo, set_spec: str, prefix: str,
             namespace: str, full: bool) -> int:
    """Resume the list's unfinished run, or start a full or incremental one."""
    with store.session() as session:
        held = session.scalars(select(HarvestRun.id).where(
            HarvestRun.partner_id == partner.id, HarvestRun.status == "held")).first()
        if held is not None:
            raise RunHeld(f"partner {partner.id!r}: run {held} is held for confirmation "
                          f"(kazneb harvest confirm {held} / reject {held})")
        runs = select(HarvestRun).where(HarvestRun.partner_id == partner.id, HarvestRun.set_spec == set_spec,
                                        HarvestRun.metadata_prefix == prefix).order_by(HarvestRun.id.desc())
        last = session.scalars(runs.limit(1)).first()
        if last is not None and last.status in ("running", "failed"):
            last.status, last.resumed, last.finished_at = "running", last.resumed + 1, None
            return last.id
        succeeded = session.scalars(runs.where(HarvestRun.status == "succeeded").limit(1)).first()
        granularity = normal_granularity(info.granularity)
        full = full or succeeded is None or _full_due(session, runs, partner, info)
        kind = "full" if full else "incremental"
        run = HarvestRun(
            partner_id=partner.id, set_spec=set_spec, metadata_prefix=prefix, metadata_namespace=namespace,
            kind=kind, granularity=granularity, deleted_policy=info.deleted_record, status="running",
            phase="listing", track_seen=kind == "full" and _has_records(session, partner.id),
            started_at=int(time.time()),
            from_date=None if kind == "full" else incremental_from(succeeded.response_date, granularity),
            errors={})
        for counter in _COUNTERS:
            setattr(run, counter, 0)
        session.add(run)
        session.flush()
        return run.id


def _full_due(session: Session, runs, partner: PartnerConfig, info: PartnerInfo) -> bool:  # type: ignore[no-untyped-def]
    """Partners that forget deletions get a periodic full re-harvest to find them."""
    if info.deleted_record == "persistent":
        return False
    last_full = session.scalars(runs.where(HarvestRun.status == "succeeded",
                                           HarvestRun.kind == "full").limit(1)).first()
    return last_full is None or time.time() - last_full.started_at >= partner.full_every_days * 86400


def _has_records(session: Session, partner_id: str) -> bool:
    """Whether the partner has any live record (stops at the first: no scan of a big collection)."""
    return session.scalar(select(SourceRecord.id).where(
        SourceRecord.partner_id == partner_id, SourceRecord.deleted.is_(False)).limit(1)) is not None


def _has_pending_deletions(session: Session, run_id: int) -> bool:
    """Whether the run has found any deletion so far (the first row, read from the key's index)."""
    return session.scalar(select(PendingDeletion.run_id).where(PendingDeletion.run_id == run_id).limit(1)) is not None


def _live_records(session: Session, partner_id: str) -> int:
    return session.scalar(select(func.count()).select_from(SourceRecord).where(
        SourceRecord.partner_id == partner_id, SourceRecord.deleted.is_(False))) or 0


@dataclass
class ListHarvest:
    """Walks one run's list to the end, then applies (or holds) its deletions."""

    store: Store
    partner: PartnerConfig
    client: PartnerClient
    run_id: int
    owner: str
    progress: Progress | None = None
    #: Whether this run has recorded a deletion: None until asked, after that kept up to date
    #: here, so a page of records does not ask the database again (True may be stale: harmless).
    has_deletions: bool | None = None

    def execute(self) -> HarvestRun:
        try:
            if self._load().phase == "listing":
                self._walk()
            return self._finish()
        except Exception as exc:
            self._fail(exc)
            raise

    def _load(self) -> HarvestRun:
        with self.store.session() as session:
            return session.get(HarvestRun, self.run_id)

    # -- listing -------------------------------------------------------------------
    def _initial_params(self, run: HarvestRun) -> dict[str, str]:
        params = {"metadataPrefix": run.metadata_prefix}
        if run.set_spec:
            params["set"] = run.set_spec
        if run.from_date:
            params["from"] = run.from_date
        return params

    def _walk(self) -> None:
        run = self._load()
        guard = ListGuard(self.partner.max_empty_pages)
        params = {"resumptionToken": run.token} if run.token else self._initial_params(run)
        while True:
            try:
                page = fetch_page(self.client, params)
            except PartnerOAIError as exc:
                params = self._recover(run, params, exc)
                guard = ListGuard(self.partner.max_empty_pages)
                continue
            reason = guard.stop_before_storing(page)
            if reason:
                self._note(run, "guard", reason)
                break
            run = self._store_page(page, run)
            reason = guard.stop_after_storing(page)
            if reason:
                self._note(run, "guard", reason)
                break
            if not page.token:
                if run.complete_list_size and run.seen < run.complete_list_size and not run.set_spec:
                    self._note(run, "short-list", f"list ended after {run.seen} of "
                               f"{run.complete_list_size} records announced")
                break
            params = {"resumptionToken": page.token}
        with self.store.session() as session:
            row = session.get(HarvestRun, self.run_id)
            row.phase, row.token = "finishing", None

    def _recover(self, run: HarvestRun, params: dict[str, str], exc: PartnerOAIError) -> dict[str, str]:
        """A rejected token restarts the list; a rejected seconds ``from`` falls back to days."""
        if exc.code == "badResumptionToken" and "resumptionToken" in params and run.restarts < MAX_RESTARTS:
            run.restarts += 1
            self._note(run, "token-rejected", f"token {params['resumptionToken']!r} rejected ({exc}); "
                       f"list restarted from {run.from_date or 'the beginning'}")
            self._checkpoint_restart(run)
            return self._initial_params(run)
        if exc.code == "badArgument" and run.from_date and "T" in run.from_date:
            self._note(run, "granularity", f"partner refused from={run.from_date} ({exc}); using days")
            run.from_date, run.granularity = run.from_date[:10], DAYS
            self._checkpoint_restart(run)
            return self._initial_params(run)
        raise exc

    def _checkpoint_restart(self, run: HarvestRun) -> None:
        with self.store.session() as session:
            row = session.get(HarvestRun, self.run_id)
            row.token, row.restarts = None, run.restarts
            row.from_date, row.granularity = run.from_date, run.granularity

    def _crosswalk_page(self, page: ListPage, run: HarvestRun) -> dict[int, IncomingRecord | Exception]:
        """Each live record's crosswalk (or its failure), before the write transaction opens:
        on SQLite that keeps the write lock for the writing alone."""
        done: dict[int, IncomingRecord | Exception] = {}
        for n, record in enumerate(page.records):
            if not record.deleted:
                try:
                    done[n] = crosswalked(self.partner, record, run.metadata_prefix, run.metadata_namespace)
                except Exception as exc:  # noqa: BLE001 - quarantined in the transaction, with the record
                    done[n] = exc
        return done

    def _store_page(self, page: ListPage, walking: HarvestRun) -> HarvestRun:
        """The page's records and the run's checkpoint, in one transaction."""
        outcomes = Outcomes()
        crosswalks = self._crosswalk_page(page, walking)
        with self.store.session() as session:
            run = session.get(HarvestRun, self.run_id)
            writing = RunContext(self.store, session, self.partner, run.id, outcomes, run.metadata_prefix,
                                 run.metadata_namespace)
            last_event: dict[str, bool] = {}
            incomings, by_key = [], {}
            for n, record in enumerate(page.records):
                if record.deleted:
                    last_event[record.identifier] = True
                    continue
                incoming = crosswalks[n]
                if isinstance(incoming, Exception):
                    quarantine_failure(writing, record, incoming)
                    continue
                incomings.append(incoming)
                by_key[record.identifier] = record
                last_event.pop(record.identifier, None)
                last_event[record.identifier] = False
            stored = write_all(writing, incomings, by_key) if incomings else set()
            last_event = {k: v for k, v in last_event.items() if v or k in stored}
            for raw, error in page.broken:
                key = identifier_in(raw)
                quarantine(session, self.partner.id, run.id, key, error, raw, run.metadata_prefix,
                           run.metadata_namespace)
                outcomes.add("quarantined", f"{key}: {error}")
            self._record_deletions(session, run, last_event)
            self._checkpoint(session, run, page, outcomes)
            locks.heartbeat(session, self.partner.id, self.owner)
        if self.progress:
            self.progress(run)
        return run

    def _record_deletions(self, session: Session, run: HarvestRun, last_event: dict[str, bool]) -> None:
        deleted = [{"run_id": run.id, "source_key": k} for k, is_deleted in last_event.items() if is_deleted]
        revived = [k for k, is_deleted in last_event.items() if not is_deleted]
        if revived and self.has_deletions is None:
            self.has_deletions = _has_pending_deletions(session, run.id)
        if revived and self.has_deletions:  # most runs have none to revive
            session.execute(delete(PendingDeletion).where(PendingDeletion.run_id == run.id,
                                                          PendingDeletion.source_key.in_(revived)))
        if deleted:
            insert_ignore(session, PendingDeletion, deleted)
            self.has_deletions = True
        if run.track_seen:
            insert_ignore(session, SeenRecord, [{"run_id": run.id, "source_key": k} for k in last_event])

    def _checkpoint(self, session: Session, run: HarvestRun, page: ListPage, outcomes: Outcomes) -> None:
        stats = self.client.fetcher.stats
        run.token = page.token
        run.pages += 1
        run.seen += len(page.records) + len(page.broken)
        run.response_date = run.response_date or page.response_date
        run.complete_list_size = page.complete_list_size or run.complete_list_size
        for name in ("new", "updated", "unchanged", "quarantined"):
            setattr(run, name, getattr(run, name) + outcomes.counts[name])
        run.requests += stats.requests
        run.retries += stats.retries
        run.bytes += stats.bytes
        stats.requests = stats.retries = stats.bytes = 0
        notes: dict[str, dict] = {}
        for example in outcomes.examples.get("quarantined", []):
            _add_note(notes, "quarantined", example)
        for message in page.repairs:
            _add_note(notes, "repaired", message)
        for message in self.client.fetcher.notes:
            _add_note(notes, "retry", message)
        self.client.fetcher.notes.clear()
        self._merge_notes(run, notes)

    # -- finishing -------------------------------------------------------------------
    def _finish(self) -> HarvestRun:
        with self.store.session() as session:
            run = session.get(HarvestRun, self.run_id)
            if run.track_seen:
                self._pend_disappeared(session, run)
            pending = newly_deleted(session, run)
            needs_count = pending or (run.kind == "full" and run.seen == 0)
            live = _live_records(session, self.partner.id) if needs_count else 0
            reason = hold_reason(self.partner, run, pending, live)
            if reason:
                run.status, run.message, run.finished_at = "held", reason, int(time.time())
                self._merge_notes(run, {"held": {"count": 1, "examples": [reason]}})
                log.warning("run %s held: %s", run.id, reason)
                return run
        return apply_deletions(self.store, self.run_id)

    def _pend_disappeared(self, session: Session, run: HarvestRun) -> None:
        """Records of a full harvest's scope that the partner no longer lists."""
        unseen = session.execute(select(SourceRecord.source_key, SourceRecord.source_sets).where(
            SourceRecord.partner_id == run.partner_id, SourceRecord.deleted.is_(False),
            ~exists().where(SeenRecord.run_id == run.id, SeenRecord.source_key == SourceRecord.source_key)))
        gone = [{"run_id": run.id, "source_key": key} for key, sets in unseen
                if not run.set_spec or run.set_spec in (sets or [])]
        insert_ignore(session, PendingDeletion, gone)
        if gone:
            self._merge_notes(run, {"disappeared": {"count": len(gone),
                                                    "examples": [g["source_key"] for g in gone[:5]]}})
        run.track_seen = False
        session.execute(delete(SeenRecord).where(SeenRecord.run_id == run.id))

    def _fail(self, exc: Exception) -> None:
        with self.store.session() as session:
            run = session.get(HarvestRun, self.run_id)
            run.status, run.finished_at = "failed", int(time.time())
            run.message = f"{type(exc).__name__}: {exc}"
            self._merge_notes(run, {"fatal": {"count": 1, "examples": [run.message]}})

    def _note(self, run: HarvestRun, kind: str, message: str) -> None:
        log.warning("run %s (%s): %s", run.id, self.partner.id, message)
        notes = {kind: {"count": 1, "examples": [message]}}
        self._merge_notes(run, notes)
        with self.store.session() as session:
            self._merge_notes(session.get(HarvestRun, self.run_id), notes)

    @staticmethod
    def _merge_notes(run: HarvestRun, notes: dict[str, dict]) -> None:
        merged = {k: {"count": v["count"], "examples": list(v["examples"])}
                  for k, v in (run.errors or {}).items()}
        for kind, note in notes.items():
            entry = merged.setdefault(kind, {"count": 0, "examples": []})
            entry["count"] += note["count"]
            entry["examples"] = (entry["examples"] + note["examples"])[:5]
        run.errors = merged


def _add_note(notes: dict[str, dict], kind: str, example: str) -> None:
    entry = notes.setdefault(kind, {"count": 0, "examples": []})
    entry["count"] += 1
    if len(entry["examples"]) < 5:
        entry["examples"].append(example[:500])
