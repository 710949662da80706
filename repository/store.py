"""The store: the one place that writes partner and hub records.

Every write goes through :meth:`Store.write_record` or :meth:`Store.delete_record`.
They decide whether anything published changed (a content hash), and only then give
the hub record a new datestamp, re-render it in every metadata format, refresh its
set memberships and append to the change log that the search indexer follows —
all in the caller's transaction, so a crash leaves either all of it or none.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, event, select
from sqlalchemy.orm import Session, sessionmaker

from crosswalks.model import ACCESS_LEVELS, CanonicalRecord
from repository import sets as oai_sets
from repository.models import (
    HubRecord,
    OaiSet,
    Partner,
    RecordChange,
    RecordRendering,
    RecordSet,
    SourceRecord,
)
from repository.oai import xml
from repository.publishing import Publisher


class StoreError(Exception):
    """A write was refused; the message names the record or partner at fault."""


@dataclass
class IncomingRecord:
    """A partner record on its way into the store (from a harvest or a file)."""

    partner_id: str
    source_key: str  # the partner's OAI identifier, or "<file>#<position>"
    record: CanonicalRecord
    raw: str | None = None
    source_datestamp: str | None = None
    metadata_prefix: str | None = None
    metadata_namespace: str | None = None
    source_sets: Sequence[str] = ()
    access: str | None = None  # None: the partner's default level


@dataclass
class HubRecordView:
    """A published record as other parts (search, web) read it."""

    id: int
    local_id: str
    oai_identifier: str
    datestamp: int
    deleted: bool
    access: str
    partner_ids: list[str]
    canonical: CanonicalRecord
    set_specs: list[str] = field(default_factory=list)


def now_seconds() -> int:
    return int(time.time())


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    from sqlalchemy import create_engine

    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    """Partner records in, published hub records out."""

    def __init__(self, engine: Engine, namespace: str, base_url: str = "") -> None:
        self.engine = engine
        self.namespace = namespace
        self.publisher = Publisher(namespace)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.base_url = base_url

    @classmethod
    def from_settings(cls, settings) -> Store:  # type: ignore[no-untyped-def]
        return cls(make_engine(settings.database_url), settings["hub.namespace"], settings["hub.base_url"])

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def oai_identifier(self, local_id: str) -> str:
        return f"oai:{self.namespace}:{local_id}"

    def local_id_of(self, oai_identifier: str) -> str | None:
        prefix = f"oai:{self.namespace}:"
        return oai_identifier[len(prefix):] if oai_identifier.startswith(prefix) else None

    # -- partners ------------------------------------------------------------------
    def upsert_partner(
        self,
        session: Session,
        partner_id: str,
        *,
        names: dict[str, str] | None = None,
        base_url: str | None = None,
        default_access: str = "open",
        enabled: bool = True,
        settings: dict | None = None,
    ) -> Partner:
        """Create or update a partner; its set ``partner:<id>`` is named after it."""
        check_partner_id(partner_id)
        check_access(default_access, f"partner {partner_id}")
        partner = session.get(Partner, partner_id) or Partner(id=partner_id, settings={})
        names = names or {}
        partner.name_kk = names.get("kk", partner.name_kk)
        partner.name_ru = names.get("ru", partner.name_ru)
        partner.name_en = names.get("en", partner.name_en)
        partner.base_url = base_url if base_url is not None else partner.base_url
        partner.default_access = default_access
        partner.enabled = enabled
        if settings is not None:
            partner.settings = settings
        session.add(partner)
        session.flush()
        self._ensure_sets(session, [f"partner:{partner_id}"], partner)
        return partner

    # -- writes ----------------------------------------------------------------------
    def write_record(self, session: Session, incoming: IncomingRecord) -> str:
        """Store one partner record; ``new``, ``updated`` or ``unchanged``.

        Unchanged content (same canonical record, access level and sets) leaves the
        hub record and its datestamp alone, so re-harvests cost aggregators nothing.
        """
        partner = session.get(Partner, incoming.partner_id)
        if partner is None:
            raise StoreError(f"record {incoming.source_key!r}: unknown partner {incoming.partner_id!r}")
        access = incoming.access or partner.default_access
        check_access(access, f"record {incoming.source_key!r}")
        incoming.record.access = access
        canonical = legal_text(incoming.record.to_dict())
        digest = content_hash(canonical, sorted(incoming.source_sets), deleted=False)
        source = session.scalars(
            select(SourceRecord).where(
                SourceRecord.partner_id == incoming.partner_id,
                SourceRecord.source_key == incoming.source_key,
            )
        ).one_or_none()
        if source is not None and source.content_hash == digest:
            return "unchanged"
        stamp = now_seconds()
        hub = self._hub_record_for(session, source, incoming.partner_id, incoming.source_key)
        status = "new" if source is None else "updated"
        source = source or SourceRecord(partner_id=incoming.partner_id, source_key=incoming.source_key)
        source.source_datestamp = incoming.source_datestamp
        source.metadata_prefix = incoming.metadata_prefix
        source.metadata_namespace = incoming.metadata_namespace
        source.source_sets = list(incoming.source_sets)
        source.raw = xml.legal_xml(incoming.raw) if incoming.raw is not None else None
        source.canonical = canonical
        source.content_hash = digest
        source.harvested_at = stamp
        source.deleted = False
        source.hub_record_id = hub.id
        session.add(source)
        hub.deleted = False
        hub.access = access
        hub.canonical = canonical
        hub.content_hash = digest
        self._publish(session, hub, source, partner, stamp)
        return status

    def delete_record(self, session: Session, partner_id: str, source_key: str) -> str:
        """Turn a partner record into a tombstone: ``deleted``, ``unchanged`` or ``missing``."""
        source = session.scalars(
            select(SourceRecord).where(
                SourceRecord.partner_id == partner_id, SourceRecord.source_key == source_key
            )
        ).one_or_none()
        if source is None:
            return "missing"
        if source.deleted:
            return "unchanged"
        stamp = now_seconds()
        source.deleted = True
        source.harvested_at = stamp
        source.content_hash = content_hash(None, [], deleted=True)
        hub = session.get(HubRecord, source.hub_record_id)
        assert hub is not None
        hub.deleted = True
        hub.content_hash = source.content_hash
        self._publish(session, hub, source, session.get(Partner, partner_id), stamp)
        return "deleted"

    def set_access(self, session: Session, local_id: str, access: str) -> bool:
        """Change a hub record's access level (a new datestamp); False if unchanged."""
        check_access(access, f"record {local_id!r}")
        hub = session.scalars(select(HubRecord).where(HubRecord.local_id == local_id)).one_or_none()
        if hub is None:
            raise StoreError(f"no hub record {local_id!r}")
        if hub.access == access:
            return False
        canonical = dict(hub.canonical)
        canonical["access"] = access
        hub.access = access
        hub.canonical = canonical
        source = session.scalars(select(SourceRecord).where(SourceRecord.hub_record_id == hub.id)).first()
        assert source is not None
        source.canonical = canonical
        source.content_hash = content_hash(canonical, sorted(source.source_sets or []), deleted=hub.deleted)
        self._publish(session, hub, source, session.get(Partner, hub.partner_id), now_seconds())
        return True

    # -- reads for other parts ---------------------------------------------------------
    def changes_since(self, after_seq: int, limit: int = 1000) -> list[tuple[int, int]]:
        """(seq, hub record id) pairs logged after ``after_seq``, oldest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(RecordChange.seq, RecordChange.record_id)
                .where(RecordChange.seq > after_seq)
                .order_by(RecordChange.seq)
                .limit(limit)
            )
            return [(seq, rid) for seq, rid in rows]

    def load_hub_records(self, ids: Sequence[int]) -> list[HubRecordView]:
        """The hub records with these ids (any order; missing ids are left out)."""
        with self._sessions() as session:
            hubs = session.scalars(select(HubRecord).where(HubRecord.id.in_(list(ids)))).all()
            return [self._view(session, hub) for hub in hubs]

    def find_hub_record(self, identifier: str) -> HubRecordView | None:
        """A hub record by local id or OAI identifier."""
        local_id = self.local_id_of(identifier) or identifier
        with self._sessions() as session:
            hub = session.scalars(select(HubRecord).where(HubRecord.local_id == local_id)).one_or_none()
            return self._view(session, hub) if hub else None

    def _view(self, session: Session, hub: HubRecord) -> HubRecordView:
        partners = session.scalars(
            select(SourceRecord.partner_id).where(SourceRecord.hub_record_id == hub.id).distinct()
        ).all()
        specs = session.scalars(select(RecordSet.set_spec).where(RecordSet.record_id == hub.id)).all()
        return HubRecordView(
            id=hub.id,
            local_id=hub.local_id,
            oai_identifier=self.oai_identifier(hub.local_id),
            datestamp=hub.datestamp,
            deleted=hub.deleted,
            access=hub.access,
            partner_ids=sorted(partners),
            canonical=CanonicalRecord.from_dict(hub.canonical or {}),
            set_specs=sorted(specs),
        )

    # -- publishing ----------------------------------------------------------------------
    def _hub_record_for(
        self, session: Session, source: SourceRecord | None, partner_id: str, source_key: str
    ) -> HubRecord:
        if source is not None:
            hub = session.get(HubRecord, source.hub_record_id)
            assert hub is not None
            return hub
        hub = HubRecord(
            local_id=local_id_for(partner_id, source_key),
            datestamp=0,
            deleted=False,
            access="open",
            partner_id=partner_id,
            canonical={},
            content_hash="",
        )
        session.add(hub)
        session.flush()
        return hub

    def _publish(
        self, session: Session, hub: HubRecord, source: SourceRecord, partner: Partner | None, stamp: int
    ) -> None:
        """New datestamp, renderings, sets and a change-log entry for ``hub``."""
        hub.datestamp = stamp
        record = CanonicalRecord.from_dict(hub.canonical or {})
        specs = [] if hub.deleted else oai_sets.memberships(hub.partner_id, hub.access, record)
        if hub.deleted:  # a tombstone stays in the sets it was in
            specs = list(session.scalars(select(RecordSet.set_spec).where(RecordSet.record_id == hub.id)))
        session.execute(delete(RecordRendering).where(RecordRendering.record_id == hub.id))
        session.execute(delete(RecordSet).where(RecordSet.record_id == hub.id))
        identifier = self.oai_identifier(hub.local_id)
        for prefix, header_xml, record_xml in self.publisher.render(
            identifier, stamp, specs, hub.deleted, record, source, partner
        ):
            session.add(
                RecordRendering(
                    record_id=hub.id, prefix=prefix, datestamp=stamp,
                    header_xml=header_xml, record_xml=record_xml,
                )
            )
        for spec in specs:
            session.add(RecordSet(set_spec=spec, record_id=hub.id, datestamp=stamp))
        self._ensure_sets(session, specs, partner)
        session.add(RecordChange(record_id=hub.id, changed_at=stamp))
        session.flush()

    def _ensure_sets(self, session: Session, specs: Sequence[str], partner: Partner | None) -> None:
        for spec in specs:
            names = oai_sets.names_for(spec, partner)
            existing = session.get(OaiSet, spec)
            if existing is None:
                session.add(OaiSet(spec=spec, name=oai_sets.set_name(names), names=names))
            elif spec.startswith("partner:") and existing.names != names:
                existing.names = names
                existing.name = oai_sets.set_name(names)
        session.flush()


def content_hash(canonical: dict | None, source_sets: list[str], *, deleted: bool) -> str:
    """A digest of everything published about a record, to detect real changes."""
    payload = json.dumps([canonical, source_sets, deleted], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def legal_text(value: Any) -> Any:
    """``value`` with every string stripped of characters XML (and PostgreSQL) cannot hold."""
    if isinstance(value, str):
        return xml.legal_xml(value)
    if isinstance(value, dict):
        return {k: legal_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [legal_text(v) for v in value]
    return value


def local_id_for(partner_id: str, source_key: str) -> str:
    """A stable local id: the same partner record always gets the same id."""
    digest = hashlib.sha1(f"{partner_id}\x00{source_key}".encode()).hexdigest()[:16]
    return f"{partner_id}.{digest}"


def check_access(level: str, where: str) -> None:
    if level not in ACCESS_LEVELS:
        raise StoreError(f"{where}: access level {level!r} is not one of {', '.join(ACCESS_LEVELS)}")


def check_partner_id(partner_id: str) -> None:
    """Partner ids become set specs and identifiers, so they are kept plain."""
    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9_.\-]{0,63}", partner_id or ""):
        raise StoreError(
            f"partner id {partner_id!r} must be 1-64 characters of a-z, 0-9, '-', '_' or '.'"
        )


def harvest_date(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
