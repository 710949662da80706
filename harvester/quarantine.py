"""Quarantined records: finding them, showing their raw text, and storing them again.

A record that could not be read or stored is kept whole in ``harvest_quarantine`` (its
text, or a delivered file's exact bytes) so that, once a crosswalk is fixed, it can be
retried in place: :func:`retry_quarantined` reads it again and stores what now reads.
"""

from __future__ import annotations

import io

from lxml import etree
from sqlalchemy import Select, select

from harvester.context import Outcomes, RunContext
from harvester.models import QuarantinedRecord
from harvester.pages import read_record
from harvester.partners import load_partner
from harvester.records import store_record
from harvester.xmlclean import clean_text, safe_parser
from repository.store import Store


def entries_query(partner_id: str | None = None, show_all: bool = False) -> Select:
    """Entries in id order: open ones (every one with ``show_all``), of one partner if given."""
    query = select(QuarantinedRecord).order_by(QuarantinedRecord.id)
    if partner_id:
        query = query.where(QuarantinedRecord.partner_id == partner_id)
    if not show_all:
        query = query.where(QuarantinedRecord.status == "open")
    return query


def raw_lines(entry: QuarantinedRecord, limit: int) -> tuple[list[str], int]:
    """The entry's raw record as text lines, and how many of its bytes past ``limit`` were left out.

    An ISO 2709 record is shown one field a line (its bytes are not text); a whole file
    is decoded as far as ``limit`` bytes in the character set it was read with."""
    from harvester.delivery import iso2709_lines

    if entry.raw_bytes is None:
        return [entry.raw or "(no raw text)"], 0
    if entry.file_format == "marc21" and entry.file_position:
        return iso2709_lines(entry.raw_bytes), 0
    shown = entry.raw_bytes[:limit]
    encoding = (entry.file_encoding or "utf-8") if entry.file_format == "xml" else "utf-8"
    return [shown.decode(encoding, "backslashreplace")], len(entry.raw_bytes) - len(shown)


def raw_bytes(entry: QuarantinedRecord) -> bytes:
    """The record's exact bytes as received (its text in UTF-8 when no bytes were kept)."""
    return entry.raw_bytes if entry.raw_bytes is not None else (entry.raw or "").encode("utf-8")


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
            run = RunContext(store, session, partner, entry.run_id, outcomes, entry.metadata_prefix or "",
                             entry.metadata_namespace or "")
            stored = retry(run, entry)
            if entry.status == "retrying":
                entry.status = stored or "open"
    return outcomes


def _retry_oai(run: RunContext, entry: QuarantinedRecord) -> str | None:
    """An OAI record read again from its raw text, in the format it was harvested in."""
    outcomes = run.outcomes
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
    if store_record(run, record):
        return "resolved"
    return "superseded" if outcomes.counts["quarantined"] > before else None


def _retry_file(run: RunContext, entry: QuarantinedRecord) -> str | None:
    """A delivered file's record (or, position 0, the whole file) read again from its exact bytes."""
    from harvester.delivery import RawRecord, RawRecords, xml_document, xml_encoding
    from harvester.ingest import FileSource, read_quarantined, store_results

    outcomes = run.outcomes
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
        store_results(run, source, results, report=lambda m: None)
    finally:
        if source.raw is not None:
            source.raw.close()
    return "superseded" if outcomes.counts["quarantined"] > before else "resolved"
