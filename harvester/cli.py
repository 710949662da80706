"""Commands: ``kazneb partner``, ``kazneb harvest``, ``kazneb ingest``, ``kazneb scheduler``,
``kazneb quarantine``.  Each wraps a plain function of the harvester so tests can call either."""

from __future__ import annotations

import io
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from lxml import etree
from sqlalchemy import select

from crosswalks.model import ACCESS_LEVELS
from harvester.context import Outcomes
from harvester.deletions import held_runs
from harvester.errors import HarvestError
from harvester.models import HarvestRun, QuarantinedRecord
from harvester.pages import read_record
from harvester.partners import (
    PartnerConfig,
    all_partners,
    load_partner,
    pending_levels,
    save_partner,
    sync_registry,
)
from harvester.progress import Reporter, summary_line
from harvester.records import store_record
from harvester.xmlclean import clean_text, safe_parser
from kazneb.config import Settings
from kazneb.follow import following, update_search_index
from repository.db import migrate
from repository.models import Partner
from repository.store import Store

pass_settings = click.make_pass_decorator(Settings)
SHOWN_BYTES = 65536  # of a whole quarantined file, on the terminal


def open_store(settings: Settings) -> Store:
    """The store, migrated, with partners.toml applied (but for levels: see ``partner sync``)."""
    store = Store.from_settings(settings)
    migrate(store.engine)
    try:
        sync_registry(store, partners_file(settings))
        pending = pending_levels(store, partners_file(settings))
    except HarvestError as exc:
        raise click.ClickException(str(exc)) from exc
    for partner_id in pending:
        click.echo(f"warning: {partners_file(settings)} changes the access levels of partner {partner_id}; "
                   "they are not applied until `kazneb partner sync`", err=True)
    return store


def partners_file(settings: Settings) -> Path:
    """partners.toml, relative to the configuration file."""
    base = settings.path.parent if settings.path else Path.cwd()
    return base / settings["harvest.partners_file"]


def _when(seconds: int | None) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S") if seconds else "-"


# -- partner -----------------------------------------------------------------------
@click.group("partner")
def partner_group() -> None:
    """Manage the partner registry (also loaded from config/partners.toml)."""


@partner_group.command("add")
@click.option("--id", "partner_id", required=True, help="Short id: a-z, 0-9, '-', '_', '.'.")
@click.option("--name", required=True, help="Name (English, or the only one known).")
@click.option("--name-kk", help="Name in Kazakh.")
@click.option("--name-ru", help="Name in Russian.")
@click.option("--url", default="", help="OAI-PMH base URL (none: the partner delivers files only).")
@click.option("--access", type=click.Choice(ACCESS_LEVELS), default="open", show_default=True)
@click.option("--format", "prefix", help="Metadata prefix (default: marcxml where offered, else oai_dc).")
@click.option("--set", "sets", multiple=True, help="Set to harvest (repeatable; default: all).")
@click.option("--schedule", default="1d", show_default=True, help="Cron expression or interval (6h, 1d).")
@click.option("--contact", default="", help="Contact e-mail.")
@click.option("--rate-limit", type=float, default=2.0, show_default=True, help="Requests per second.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds per request.")
@pass_settings
def partner_add(settings: Settings, partner_id: str, name: str, name_kk: str | None, name_ru: str | None,
                url: str, access: str, prefix: str | None, sets: tuple[str, ...], schedule: str, contact: str,
                rate_limit: float, timeout: float) -> None:
    """Add a new partner (an existing one is changed with `kazneb partner set`)."""
    try:
        config = PartnerConfig(id=partner_id, base_url=url, name_en=name, name_kk=name_kk, name_ru=name_ru,
                               access=access, format=prefix, sets=list(sets), schedule=schedule,
                               contact=contact, rate_limit=rate_limit, timeout=timeout)
    except HarvestError as exc:
        raise click.BadParameter(str(exc)) from exc
    store = open_store(settings)
    with store.session() as session:
        if session.get(Partner, partner_id) is not None:
            raise click.ClickException(f"partner {partner_id} exists; change only what you name with "
                                       f"`kazneb partner set {partner_id} --schedule ... --access ...`")
        save_partner(store, session, config)
    click.echo(f"partner {partner_id} added ({access}{', files only' if not url else ''})")


#: ``partner set`` options → PartnerConfig fields (names joined into ``names``).
SETTABLE = {"name": "name_en", "name_kk": "name_kk", "name_ru": "name_ru", "url": "base_url", "access": "access",
            "prefix": "format", "sets": "sets", "schedule": "schedule", "contact": "contact",
            "rate_limit": "rate_limit", "timeout": "timeout"}


@partner_group.command("set")
@click.argument("partner_id")
@click.option("--name", help="Name (English).")
@click.option("--name-kk", help="Name in Kazakh.")
@click.option("--name-ru", help="Name in Russian.")
@click.option("--url", help='OAI-PMH base URL ("" : the partner delivers files only).')
@click.option("--access", type=click.Choice(ACCESS_LEVELS), help="Default level (republishes its records).")
@click.option("--format", "prefix", help="Metadata prefix.")
@click.option("--set", "sets", multiple=True, help="Set to harvest (repeatable; replaces the list).")
@click.option("--all-sets", is_flag=True, help="Harvest the whole repository again (no sets).")
@click.option("--schedule", help="Cron expression or interval (6h, 1d).")
@click.option("--contact", help="Contact e-mail.")
@click.option("--rate-limit", type=float, help="Requests per second.")
@click.option("--timeout", type=float, help="Seconds per request.")
@pass_settings
def partner_set(settings: Settings, partner_id: str, all_sets: bool, **given: object) -> None:
    """Change only the settings named; a change of level says what it republished."""
    from harvester.partner_set import PartnerSetError, set_partner

    changes = {SETTABLE[k]: v for k, v in given.items() if v is not None and v != ()}
    if all_sets:
        changes["sets"] = []
    if "sets" in changes:
        changes["sets"] = list(changes["sets"])  # type: ignore[call-overload]
    store = open_store(settings)
    try:
        lines = set_partner(store, partners_file(settings), partner_id, changes)
    except (PartnerSetError, HarvestError) as exc:
        raise click.ClickException(str(exc)) from exc
    for line in lines:
        click.echo(line)
    update_search_index(settings, store, click.echo)


@partner_group.command("sync")
@pass_settings
def partner_sync(settings: Settings) -> None:
    """Apply partners.toml, levels included (each change of level is shown and recorded)."""
    from harvester.partner_set import sync_levels

    store = open_store(settings)
    try:
        lines = sync_levels(store, partners_file(settings))
    except HarvestError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in lines or [f"{partners_file(settings)}: every partner is as the file says"]:
        click.echo(line)
    update_search_index(settings, store, click.echo)


@partner_group.command("list")
@pass_settings
def partner_list(settings: Settings) -> None:
    """All partners, one line each."""
    with open_store(settings).session() as session:
        for p in all_partners(session):
            flag = "" if p.enabled else " (disabled)"
            click.echo(f"{p.id:16} {p.access:10} {p.schedule:12} {p.base_url or '-'}  {p.display_name}{flag}")


@partner_group.command("show")
@click.argument("partner_id")
@pass_settings
def partner_show(settings: Settings, partner_id: str) -> None:
    """Every setting of one partner."""
    from harvester.partner_levels import history

    with open_store(settings).session() as session:
        config = _partner(session, partner_id)
        changes = history(session, partner_id)
    for key, value in {"id": config.id, "url": config.base_url, "names": config.names,
                       "access": config.access, "enabled": config.enabled, **config.options()}.items():
        click.echo(f"{key:18} {json.dumps(value, ensure_ascii=False)}")
    for change in changes:
        click.echo(f"{'level change':18} {_when(change['at'])} by {change['by']}: {change['before']['access']} -> "
                   f"{change['after']['access']}, {change['republished']} record(s) republished")


@partner_group.command("disable")
@click.argument("partner_id")
@pass_settings
def partner_disable(settings: Settings, partner_id: str) -> None:
    """Stop harvesting a partner (its records stay)."""
    _set_enabled(settings, partner_id, False)


@partner_group.command("enable")
@click.argument("partner_id")
@pass_settings
def partner_enable(settings: Settings, partner_id: str) -> None:
    """Harvest a disabled partner again."""
    _set_enabled(settings, partner_id, True)


def _set_enabled(settings: Settings, partner_id: str, enabled: bool) -> None:
    with open_store(settings).session() as session:
        row = session.get(Partner, partner_id)
        if row is None:
            raise click.ClickException(f"no partner {partner_id!r}")
        row.enabled = enabled
    click.echo(f"partner {partner_id} {'enabled' if enabled else 'disabled'}")


def _partner(session, partner_id: str) -> PartnerConfig:  # type: ignore[no-untyped-def]
    try:
        return load_partner(session, partner_id)
    except HarvestError as exc:
        raise click.ClickException(str(exc)) from exc


# -- harvest -----------------------------------------------------------------------
class _DefaultToRun(click.Group):
    """``kazneb harvest P1 P2`` and ``--all`` mean ``kazneb harvest run ...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group("harvest", cls=_DefaultToRun)
def harvest_group() -> None:
    """Harvest partners now (kazneb harvest PARTNER...|--all), or inspect runs."""


@harvest_group.command("run")
@click.argument("partner_ids", nargs=-1)
@click.option("--all", "everyone", is_flag=True, help="Every enabled partner.")
@click.option("--full", is_flag=True, help="Full harvest instead of incremental.")
@pass_settings
def harvest_run(settings: Settings, partner_ids: tuple[str, ...], everyone: bool, full: bool) -> None:
    """Harvest the named partners (or --all) now."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if not partner_ids and not everyone:
        raise click.UsageError("name partners or give --all")
    store = open_store(settings)
    with store.session() as session:
        partners = ([p for p in all_partners(session) if p.enabled and p.base_url] if everyone
                    else [_partner(session, pid) for pid in partner_ids])
    failed = False
    with following(settings, store, click.echo):
        for partner in partners:
            failed = not _harvest_one(store, partner, full) or failed
    update_search_index(settings, store, click.echo)
    sys.exit(1 if failed else 0)


def _harvest_one(store, partner, full: bool) -> bool:  # type: ignore[no-untyped-def]
    """Harvest one partner, printing its runs; False if any run did not succeed."""
    from harvester.run import harvest_partner

    reporter = Reporter()
    try:
        runs = harvest_partner(store, partner, full=full, progress=reporter)
    except HarvestError as exc:
        reporter.finish()
        click.echo(f"{partner.id}: {exc}", err=True)
        return False
    reporter.finish()
    for run in runs:
        click.echo(summary_line(run))
    return all(run.status == "succeeded" for run in runs)


@harvest_group.command("status")
@pass_settings
def harvest_status(settings: Settings) -> None:
    """The last run of every partner, as a table."""
    header = f"{'partner':16} {'run':>5} {'kind':11} {'status':10} {'started':19} {'finished':19} " \
             f"{'new':>7} {'upd':>7} {'same':>7} {'del':>6} {'quar':>5} {'req':>6} {'retry':>5}"
    click.echo(header)
    with open_store(settings).session() as session:
        for partner in all_partners(session):
            run = session.scalars(select(HarvestRun).where(HarvestRun.partner_id == partner.id)
                                  .order_by(HarvestRun.id.desc()).limit(1)).first()
            if run is None:
                click.echo(f"{partner.id:16} {'-':>5} never harvested")
                continue
            click.echo(f"{partner.id:16} {run.id:>5} {run.kind:11} {run.status:10} "
                       f"{_when(run.started_at):19} {_when(run.finished_at):19} "
                       f"{run.new:>7} {run.updated:>7} {run.unchanged:>7} "
                       f"{run.deleted:>6} {run.quarantined:>5} {run.requests:>6} {run.retries:>5}")
        for partner_id, run_id in held_runs(session).items():
            click.echo(f"{partner_id}: HELD by run {run_id}, not harvested until "
                       f"`kazneb harvest confirm {run_id}` or `kazneb harvest reject {run_id}`")


@harvest_group.command("log")
@click.argument("run_id", type=int)
@pass_settings
def harvest_log(settings: Settings, run_id: int) -> None:
    """Everything recorded about one run, with example errors."""
    with open_store(settings).session() as session:
        run = session.get(HarvestRun, run_id)
        if run is None:
            raise click.ClickException(f"no run {run_id}")
    click.echo(summary_line(run))
    for label, value in (("format", run.metadata_prefix), ("from", run.from_date or "(full)"),
                         ("started", _when(run.started_at)), ("finished", _when(run.finished_at)),
                         ("responseDate", run.response_date), ("restarts", run.restarts),
                         ("resumed", run.resumed), ("message", run.message or "")):
        click.echo(f"  {label:13} {value}")
    if run.kind == "files":
        click.echo(f"  {'checkpoint':13} {json.dumps(run.checkpoint)}")
    for kind, entry in sorted((run.errors or {}).items()):
        click.echo(f"  {kind}: {entry['count']}")
        for example in entry["examples"]:
            click.echo(f"      {example}")


@harvest_group.command("confirm")
@click.argument("run_id", type=int)
@pass_settings
def harvest_confirm(settings: Settings, run_id: int) -> None:
    """Apply the deletions of a held run (and remove them from search)."""
    from harvester.run import apply_deletions

    store = open_store(settings)
    click.echo(summary_line(apply_deletions(store, _held(store, run_id))))
    update_search_index(settings, store, click.echo)


@harvest_group.command("reject")
@click.argument("run_id", type=int)
@pass_settings
def harvest_reject(settings: Settings, run_id: int) -> None:
    """Discard the deletions of a held run."""
    from harvester.run import reject_deletions

    store = open_store(settings)
    click.echo(summary_line(reject_deletions(store, _held(store, run_id))))
    update_search_index(settings, store, click.echo)


def _held(store: Store, run_id: int) -> int:
    with store.session() as session:
        run = session.get(HarvestRun, run_id)
        if run is None or run.status != "held":
            raise click.ClickException(f"run {run_id} is not held")
    return run_id


# -- ingest, scheduler -------------------------------------------------------------
@click.command("ingest")
@click.option("--partner", "partner_id", required=True, help="Partner whose delivery this is.")
@click.option("--access", type=click.Choice(ACCESS_LEVELS),
              help="A level given to these records themselves: it wins over the partner's rules until changed.")
@click.option("--batch-size", type=click.IntRange(1), default=500, show_default=True,
              help="Records per transaction (and per checkpoint).")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_settings
def ingest_command(settings: Settings, partner_id: str, access: str | None, batch_size: int,
                   paths: tuple[Path, ...]) -> None:
    """Ingest files, folders or zips of MARC 21 / MARCXML / Dublin Core / MODS / saved OAI-PMH responses.

    Run again after a crash, the same delivery resumes where it stopped.  Exit status 0 when
    every record went in, 1 when any was quarantined or refused (or a file could not be read)."""
    from harvester.delivery import list_delivery
    from harvester.ingest import all_went_in, ingest_path

    for path in paths:
        try:
            list_delivery(path)  # a missing delivery is a usage error, before the store is touched
        except HarvestError as exc:
            raise click.BadParameter(str(exc), param_hint="PATH") from exc
    store = open_store(settings)
    with store.session() as session:
        partner = _partner(session, partner_id)
    runs = []
    try:
        with following(settings, store, click.echo):
            for path in paths:
                runs.append(ingest_path(store, partner, path, report=lambda m: click.echo(m, err=True),
                                        batch_size=batch_size, access=access))
                _report_delivery(runs[-1])
    except HarvestError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        update_search_index(settings, store, click.echo)
    sys.exit(0 if all_went_in(runs) else 1)


def _report_delivery(run: HarvestRun) -> None:
    click.echo(summary_line(run) + (f", resumed {run.resumed} time(s)" if run.resumed else ""))
    for kind in ("failed-files", "skipped-files", "changed-files", "no-identifier"):
        found = (run.errors or {}).get(kind, {})
        if kind == "no-identifier" and found:
            click.echo(f"  warning: {found['count']} record(s) without an identifier (positions above)")
        for example in found.get("examples", []):
            click.echo(f"  {kind}: {example}")


@click.command("scheduler")
@click.option("--once", is_flag=True, help="One pass over due partners, then exit (1 if a harvest failed).")
@click.option("--interval", type=float, default=60.0, show_default=True, help="Seconds between passes.")
@pass_settings
def scheduler_command(settings: Settings, once: bool, interval: float) -> None:
    """Run due harvests continuously (several schedulers may run; each partner is locked).

    Prints a line when a harvest starts, one per finished run and one per failure, and a
    summary of each pass that did something (held partners included)."""
    from harvester.scheduler import run_due, run_forever

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    store = open_store(settings)
    with following(settings, store, _say):
        if once:
            report = run_due(store, _say)
            if report.runs:
                update_search_index(settings, store, _say)
            _say(report.summary())
            sys.exit(0 if report.ok else 1)
        run_forever(store, interval, lambda: update_search_index(settings, store, _say), _say)


def _say(line: str) -> None:
    """A scheduler line, stamped with the time (UTC) it was said."""
    click.echo(f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} {line}")


# -- quarantine --------------------------------------------------------------------
@click.group("quarantine")
def quarantine_group() -> None:
    """Records that could not be read or stored, with their raw text."""


@quarantine_group.command("list")
@click.option("--partner", "partner_id", help="Only this partner.")
@click.option("--all", "show_all", is_flag=True, help="Include resolved entries.")
@pass_settings
def quarantine_list(settings: Settings, partner_id: str | None, show_all: bool) -> None:
    query = select(QuarantinedRecord).order_by(QuarantinedRecord.id)
    if partner_id:
        query = query.where(QuarantinedRecord.partner_id == partner_id)
    if not show_all:
        query = query.where(QuarantinedRecord.status == "open")
    with open_store(settings).session() as session:
        for q in session.scalars(query):
            click.echo(f"{q.id:>6} {q.partner_id:12} run {q.run_id or '-':>4} {q.status:8} "
                       f"{q.source_key[:50]:50} {q.error[:80]}")


@quarantine_group.command("show")
@click.argument("entry_id", type=int)
@click.option("--save", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the record's exact bytes to this file.")
@pass_settings
def quarantine_show(settings: Settings, entry_id: int, save: Path | None) -> None:
    """One entry: its error, where it came from and its raw record (ISO 2709 one field a line)."""
    with open_store(settings).session() as session:
        q = session.get(QuarantinedRecord, entry_id)
        if q is None:
            raise click.ClickException(f"no quarantine entry {entry_id}")
    click.echo(f"partner {q.partner_id}, run {q.run_id}, record {q.source_key}, {q.status}, "
               f"{_when(q.created_at)}")
    if q.file_name is not None:
        size = f"{len(q.raw_bytes)} bytes" if q.raw_bytes is not None else "bytes not kept"
        click.echo(f"file: {q.file_name}, record {q.file_position}, {q.file_format}"
                   f"{' ' + q.file_encoding if q.file_encoding else ''}, {size}")
    click.echo(f"error: {q.error}")
    for line in _raw_lines(q):
        click.echo(line)
    if save is not None:
        data = q.raw_bytes if q.raw_bytes is not None else (q.raw or "").encode("utf-8")
        save.write_bytes(data)
        click.echo(f"{len(data)} bytes written to {save}")


def _raw_lines(q: QuarantinedRecord) -> list[str]:
    from harvester.delivery import iso2709_lines

    if q.raw_bytes is None:
        return [q.raw or "(no raw text)"]
    if q.file_format == "marc21" and q.file_position:
        return iso2709_lines(q.raw_bytes)
    shown = q.raw_bytes[:SHOWN_BYTES]
    text = shown.decode(q.file_encoding or "utf-8" if q.file_format == "xml" else "utf-8", "backslashreplace")
    more = len(q.raw_bytes) - len(shown)
    return [text, f"(... {more} more bytes; --save FILE writes them all)"] if more else [text]


@quarantine_group.command("retry")
@click.argument("entry_ids", type=int, nargs=-1)
@click.option("--partner", "partner_id", help="Retry every open entry of this partner.")
@pass_settings
def quarantine_retry(settings: Settings, entry_ids: tuple[int, ...], partner_id: str | None) -> None:
    """Read and store quarantined records again (after a crosswalk fix)."""
    store = open_store(settings)
    outcomes = retry_quarantined(store, list(entry_ids), partner_id)
    click.echo(", ".join(f"{n} {k}" for k, n in sorted(outcomes.counts.items())) or "nothing to retry")
    update_search_index(settings, store, click.echo)


def retry_quarantined(store: Store, entry_ids: list[int], partner_id: str | None = None) -> Outcomes:
    """Read and store quarantined records again (OAI records and records of delivered files).

    An entry whose record now stores is ``resolved``; one whose record fails again stays
    ``open`` (updated in place, same id); a whole file's entry whose records now read but some
    fail is ``superseded`` by their own entries; one that still cannot be read stays ``open``."""
    outcomes = Outcomes()
    query = select(QuarantinedRecord).where(QuarantinedRecord.status == "open").order_by(QuarantinedRecord.id)
    if entry_ids:
        query = query.where(QuarantinedRecord.id.in_(entry_ids))
    elif partner_id:
        query = query.where(QuarantinedRecord.partner_id == partner_id)
    else:
        return outcomes
    with store.session() as session:
        for entry in session.scalars(query).all():
            partner = load_partner(session, entry.partner_id)
            retry = _retry_file if entry.file_format else _retry_oai
            entry.status = "retrying"  # quarantined again, the entry itself is updated and open again
            session.flush()
            stored = retry(store, session, partner, entry, outcomes)
            if entry.status == "retrying":
                entry.status = stored or "open"
    return outcomes


def _retry_oai(store: Store, session, partner: PartnerConfig, entry: QuarantinedRecord,  # type: ignore[no-untyped-def]
               outcomes: Outcomes) -> str | None:
    try:
        text, _ = clean_text(entry.raw or "")
        record = read_record(etree.fromstring(text.encode(), safe_parser()))
    except etree.XMLSyntaxError as exc:
        outcomes.add("still unreadable", f"{entry.id}: {exc}")
        return None
    if record is None:
        outcomes.add("still unreadable", f"{entry.id}: no OAI record header")
        return None
    before = outcomes.counts["quarantined"]
    if store_record(store, session, partner, record, entry.metadata_prefix or "",
                    entry.metadata_namespace or "", entry.run_id, outcomes):
        return "resolved"
    return "superseded" if outcomes.counts["quarantined"] > before else None


def _retry_file(store: Store, session, partner: PartnerConfig, entry: QuarantinedRecord,  # type: ignore[no-untyped-def]
                outcomes: Outcomes) -> str | None:
    """A delivered file's record (or, position 0, the whole file) read again from its exact bytes."""
    from harvester.delivery import RawRecord, RawRecords, xml_document, xml_encoding
    from harvester.ingest import FileSource, read_quarantined, store_results

    if entry.raw_bytes is None:
        outcomes.add("still unreadable", f"{entry.id}: its bytes were not kept")
        return None
    raw = RawRecord(entry.raw_bytes, entry.file_context)
    file_format, name = entry.file_format or "", entry.file_name or entry.source_key
    offset = max((entry.file_position or 0) - 1, 0)
    if entry.file_position:  # one record
        data = xml_document(raw, entry.file_encoding) if file_format == "xml" else raw.data
        source = FileSource(name, file_format, entry.file_encoding, None, lambda: None, only=raw)
    else:  # the whole file: each record's bytes found in it again
        data = raw.data
        encoding = xml_encoding(data[:4096]) if file_format == "xml" else None
        source = FileSource(name, file_format, encoding, RawRecords(lambda: io.BytesIO(data), file_format, encoding),
                            lambda: data)
    results = list(read_quarantined(data, file_format))
    for result in results:
        result.position += offset if result.position else 0
    if not any(r.ok and (r.record is not None or r.deleted) for r in results):
        why = next((r.describe() for r in results if r.error), "no record found")
        outcomes.add("still unreadable", f"{entry.id}: {why}")
        return None
    before = outcomes.counts["quarantined"]
    try:
        store_results(store, session, partner, entry.run_id, source, results, outcomes, report=lambda m: None)
    finally:
        if source.raw is not None:
            source.raw.close()
    return "superseded" if outcomes.counts["quarantined"] > before else "resolved"


COMMANDS = (partner_group, harvest_group, ingest_command, scheduler_command, quarantine_group)


def register(main: click.Group) -> None:
    for command in COMMANDS:
        main.add_command(command)

