"""The store: the one place that writes partner and hub records.

Every write goes through :meth:`Store.write_record` or :meth:`Store.delete_record`.
They decide whether anything published changed (a content hash), and only then give
the hub record a new datestamp, re-render it in every metadata format, refresh its
set memberships and append to the change log that the search indexer follows —
all in the caller's transaction, so a crash leaves either all of it or none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, select, text, update
from sqlalchemy.orm import Session, defer, sessionmaker

from crosswalks.model import ACCESS_LEVELS, CanonicalRecord, Holding
from crosswalks.xmlchars import legal_xml
from repository import sets as oai_sets
from repository.digests import canonical_json_bytes, content_hash, dumps, legal_text
from repository.engine import WRITE_OPTION, JsonText, json_column_text, make_engine
from repository.errors import StoreError
from repository.identifiers import check_partner_id, local_id_for
from repository.matchkeys import forget_keys, write_keys
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
from repository.publishing import (
    Publisher,
    provenance_of,
    record_page,
    with_copy_link,
    with_editions,
    without_partner_files,
)
from repository.rows import chunks, insert_rows
from repository.visibility import CommitFence

#: The Core tables the bulk write path works on (the ORM is for single rows).
PARTNERS: Table = Partner.__table__  # type: ignore[assignment]
HUB_RECORDS: Table = HubRecord.__table__  # type: ignore[assignment]
SOURCE_RECORDS: Table = SourceRecord.__table__  # type: ignore[assignment]
RECORD_RENDERINGS: Table = RecordRendering.__table__  # type: ignore[assignment]
RECORD_SETS: Table = RecordSet.__table__  # type: ignore[assignment]
RECORD_CHANGES: Table = RecordChange.__table__  # type: ignore[assignment]
OAI_SETS: Table = OaiSet.__table__  # type: ignore[assignment]


@dataclass
class IncomingRecord:
    """A partner record on its way into the store (from a harvest or a file)."""

    partner_id: str
    source_key: str  # the partner's identifier, or for a file record without one "#<content digest>"
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
    #: The local id of the record this one's work is published under (consolidation), else None.
    successor: str | None = None

    @property
    def merged(self) -> bool:
        """Whether it publishes a cluster: one record for several partners' records of one work."""
        return bool(self.canonical.holdings)

    def holdings(self) -> list[Holding]:
        """The partner records it publishes, each at its own level: a cluster's members, or the record
        itself when it stands alone (its partner, its own identifier, its level)."""
        if self.canonical.holdings:
            return list(self.canonical.holdings)
        return [Holding(partner, self.oai_identifier, self.access) for partner in self.partner_ids]


class Store:
    """Partner records in, published hub records out."""

    def __init__(self, engine: Engine, namespace: str, base_url: str = "",
                 clock: Callable[[], int] | None = None) -> None:
        self.engine = engine
        #: Orders commits and tells readers what "now" is (see :mod:`repository.visibility`).
        self.fence = CommitFence(engine)
        #: Source of datestamps (whole seconds, UTC) instead of the fence's clock: tests may run
        #: it behind real time, which gives up the guarantee incremental harvesters rely on.
        self.clock = clock
        self.namespace = namespace
        self.publisher = Publisher(namespace)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.base_url = base_url
        self._known_sets: set[str] = set()
        #: Engines from make_engine store JsonText as is; any other engine gets the parsed value.
        self._json_as_text = getattr(engine.dialect, "_json_serializer", None) is json_column_text

    @classmethod
    def from_settings(cls, settings, writing: bool = False) -> Store:  # type: ignore[no-untyped-def]
        """The store the settings name; ``writing``: for a process that mostly writes (a harvest,
        an ingest), which reads through a smaller memory map (``database.sqlite_writer_mmap_mb``)."""
        mmap_key = "database.sqlite_writer_mmap_mb" if writing else "database.sqlite_mmap_mb"
        engine = make_engine(settings.database_url, settings["database.sqlite_cache_trim_mb"],
                             bool(settings["database.sqlite_foreign_keys"]), int(settings[mmap_key]))
        return cls(engine, settings["hub.namespace"], settings["hub.base_url"])

    @contextmanager
    def session(self, connection: Connection | None = None) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any error.

        On SQLite it takes the write lock at once; reads belong in :meth:`reading`.  What it
        published is sealed at commit (:meth:`_commit`).  ``connection``: work inside that
        connection's transaction (a migration's), which its owner commits.
        """
        with self._sessions(bind=connection) if connection is not None else self._sessions() as session:
            session.begin()
            try:
                session.connection(execution_options={WRITE_OPTION: True})
                yield session
                self._commit(session)
            except BaseException:
                session.info.pop(_BATCH, None)
                session.rollback()
                raise

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction that never waits for a writer.

        SQLite: a deferred transaction (a snapshot taken at the first read, no lock).
        PostgreSQL: REPEATABLE READ, READ ONLY, so that every query sees one snapshot (a
        list's size and its first page agree).
        """
        with self.read_connection() as conn, self._sessions(bind=conn) as session:
            yield session

    def read_connection(self) -> Connection:
        """A connection whose transactions are read-only snapshots (see :meth:`reading`)."""
        conn = self.engine.connect()
        if self.engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        return conn

    def _commit(self, session: Session) -> None:
        """Commit, sealing what the transaction published behind the commit fence.

        Under the fence the clock is read again: if the second moved on since the batch was
        rendered, its rows are re-stamped to it.  The change-log entries are written there too,
        so their sequence numbers follow commit order.
        """
        batch: _Batch | None = session.info.pop(_BATCH, None)
        if batch is None:
            session.commit()
            return
        conn = session.connection()
        with self.fence.sealing(conn, self.clock) as now:
            if now != batch.stamp:
                restamp(conn, list(batch.hub_ids), batch.stamp, now)
            insert_rows(conn, RECORD_CHANGES, ("record_id", "changed_at"),
                         [(hid, now) for hid in batch.hub_ids])
            session.commit()

    def _batch(self, session: Session) -> _Batch:
        """This transaction's batch, begun with the stamp its records get unless sealed later."""
        batch = session.info.get(_BATCH)
        if batch is None:
            stamp = self.clock() if self.clock else self.fence.writer_clock(session.connection())
            batch = session.info[_BATCH] = _Batch(stamp)
        return batch

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
        check_access(default_access, "partner {}", partner_id)
        partner = session.get(Partner, partner_id) or self._new_partner_row(session, partner_id, default_access)
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
        self._name_partner_set(session, partner)
        return partner

    @staticmethod
    def _new_partner_row(session: Session, partner_id: str, default_access: str) -> Partner:
        """The partner's row, inserted unless another process just did (two schedulers applying
        partners.toml at once on PostgreSQL), and locked until this transaction ends."""
        conn = session.connection()
        conn.execute(_insert_ignore(conn, PARTNERS).values(
            id=partner_id, default_access=default_access, enabled=True, settings={}))
        return session.get(Partner, partner_id, with_for_update=True, populate_existing=True)

    # -- writes ----------------------------------------------------------------------
    def write_record(self, session: Session, incoming: IncomingRecord) -> str:
        """Store one partner record; ``new``, ``updated`` or ``unchanged`` (see :meth:`write_records`)."""
        return self.write_records(session, [incoming])[0]

    def write_records(self, session: Session, incomings: Sequence[IncomingRecord]) -> list[str]:
        """Store partner records in one go; for each, ``new``, ``updated`` or ``unchanged``.

        Unchanged content (same canonical record, access level and sets) leaves the
        hub record and its datestamp alone, so re-harvests cost aggregators nothing.
        A record with a live deposited copy is written at its copy's level, whatever level
        it comes with (``repository/levels.py``).
        Raises :class:`StoreError` (naming the record) before writing anything when a
        record names an unknown partner or access level.
        """
        conn = session.connection()
        partners = self._partners(conn, {i.partner_id for i in incomings})
        existing = self._existing_sources(conn, [(i.partner_id, i.source_key) for i in incomings])
        prepared = [self._prepare(incoming, partners, existing.get((incoming.partner_id, incoming.source_key)))
                    for incoming in incomings]
        statuses: list[str] = []
        changed: dict[tuple[str, str], _Prepared] = {}
        for item in prepared:
            key = (item.incoming.partner_id, item.incoming.source_key)
            known = changed.get(key) or existing.get(key)
            if known is not None and known.digest == item.digest:
                statuses.append("unchanged")
                continue
            statuses.append("new" if known is None else "updated")
            changed[key] = item
        if changed:
            self._write_changed(session, list(changed.values()), existing, partners)
        return statuses

    def delete_record(self, session: Session, partner_id: str, source_key: str) -> str:
        """Turn a partner record into a tombstone: ``deleted``, ``unchanged`` or ``missing``."""
        return self.delete_records(session, partner_id, [source_key])[0]

    def delete_records(self, session: Session, partner_id: str, source_keys: Sequence[str]) -> list[str]:
        """Tombstone several of a partner's records; an outcome for each key."""
        conn = session.connection()
        existing = self._existing_sources(conn, [(partner_id, k) for k in source_keys])
        batch = self._batch(session)
        stamp = batch.stamp
        digest = content_hash("null", [], deleted=True)
        statuses, doomed = [], {}
        for key in source_keys:
            known = existing.get((partner_id, key))
            if known is None:
                statuses.append("missing")
            elif known.deleted or key in doomed:
                statuses.append("unchanged")
            else:
                statuses.append("deleted")
                doomed[key] = known
        if not doomed:
            return statuses
        sources, hubs = SOURCE_RECORDS, HUB_RECORDS
        conn.execute(update(sources).where(sources.c.id == bindparam("sid")).values(
            deleted=True, harvested_at=stamp, content_hash=digest),
            [{"sid": k.source_id} for k in doomed.values()])
        forget_keys(conn, [k.hub_id for k in doomed.values()])
        # A clustered record is left to consolidation, which publishes its cluster without it; the
        # cluster keeps its identifier even when this was the record it was first published as.
        alone = [k for k in doomed.values() if not k.clustered]
        batch.hub_ids.update(dict.fromkeys(k.hub_id for k in doomed.values() if k.clustered))
        if not alone:
            return statuses
        conn.execute(update(hubs).where(hubs.c.id == bindparam("hid")).values(deleted=True, content_hash=digest),
                     [{"hid": k.hub_id} for k in alone])
        partner = self._partners(conn, {partner_id}).get(partner_id)
        items = [_Publication(k.hub_id, k.local_id, partner_id, True, "", None, None) for k in alone]
        self._publish(conn, batch, items, partner and {partner_id: partner})
        return statuses

    def set_access(self, session: Session, local_id: str, access: str) -> bool:
        """Change a hub record's access level under the rule (its own level, its partner's): a new
        datestamp; False if unchanged.  A record with a live deposited copy keeps its copy's level
        (False): only :meth:`set_copy_level` changes that."""
        check_access(access, "record {!r}", local_id)
        hub = self._hub(session, local_id)
        if hub.copy_access is not None:
            return False
        if hub.clustered:
            if hub.canonical.get("access") == access:
                return False
            self._store_own(session, hub, {**hub.canonical, "access": access})
            return True
        if hub.access == access:
            return False
        canonical = dict(hub.canonical)
        canonical["access"] = access
        hub.access = access
        self._republish(session, [(hub, canonical)])
        return True

    def set_copy_level(self, session: Session, local_id: str, copy_level: str | None,
                       rule_level: str | None = None) -> bool:
        """Make the level of a record's live deposited copies its level, and publish it again.

        ``copy_level``: the most open level among the record's copies that are not withdrawn,
        None when it has none left; ``rule_level``: the level the rule gives it without a copy
        (its own level, then its partner's rules and default), needed when ``copy_level`` is
        None.  A change republishes the record (renderings with or without the link to its
        page, datestamp, sets, change log); returns False when nothing changed.  A tombstone
        stays one: its copy level is kept for the day its partner sends the record again.
        """
        level = copy_level or rule_level
        if level is None:
            raise StoreError(f"record {local_id!r}: without a copy it needs the level its rule gives it")
        check_access(level, "record {!r}", local_id)
        hub = self._hub(session, local_id)
        if hub.deleted:
            hub.copy_access = copy_level
            return False
        if hub.clustered:
            if hub.copy_access == copy_level and hub.canonical.get("access") == level:
                return False
            hub.copy_access = copy_level
            self._store_own(session, hub, {**hub.canonical, "access": level})
            return True
        if hub.copy_access == copy_level and hub.access == level:
            return False
        hub.copy_access, hub.access = copy_level, level
        canonical = dict(hub.canonical)
        canonical["access"] = level
        self._republish(session, [(hub, canonical)])
        return True

    def _store_own(self, session: Session, hub: HubRecord, canonical: dict[str, Any]) -> None:
        """A clustered record's own record changed: stored and logged for consolidation, which
        publishes its cluster again; nothing is published here."""
        hub.canonical = canonical
        session.flush()
        self._batch(session).hub_ids[hub.id] = None

    @staticmethod
    def _hub(session: Session, local_id: str) -> HubRecord:
        """The hub record, locked and read afresh (PostgreSQL): what is republished from it is
        what a harvest committed last, never an older read."""
        hub = session.scalars(select(HubRecord).where(HubRecord.local_id == local_id).with_for_update()
                              .execution_options(populate_existing=True)).one_or_none()
        if hub is None:
            raise StoreError(f"no hub record {local_id!r}")
        return hub

    def republish(self, session: Session, hub_ids: Sequence[int], copies: bool = True, editions: bool = True) -> int:
        """Publish these records again from what is stored, under today's rules (a new datestamp,
        new renderings): for a migration whose rule changes what some records publish, and for
        records whose other-language editions changed (:meth:`set_editions`).  Returns how many
        were republished (tombstones are left alone: they publish a header only).

        ``copies=False``: for a migration older than 0012, whose schema has no ``copy_access``
        yet (the column is then neither read nor written; no record had a copy).
        ``editions=False``: likewise for one older than 0017 and ``editions``."""
        # 0014's consolidation columns are never read here: migrations older than it call this.  A
        # migration after it must leave clustered records (absorbed_into, published) to consolidation.
        options = [defer(HubRecord.absorbed_into, raiseload=True), defer(HubRecord.published, raiseload=True)]
        if not copies:
            options.append(defer(HubRecord.copy_access, raiseload=True))
        if not editions:
            options.append(defer(HubRecord.editions, raiseload=True))
        done = 0
        for chunk in chunks(sorted(set(hub_ids)), 500):
            hubs = session.scalars(select(HubRecord).options(*options)
                                   .where(HubRecord.id.in_(chunk), HubRecord.deleted.is_(False)))
            pairs = [(hub, legal_text(dict(hub.canonical or {}))) for hub in hubs]
            self._republish(session, pairs, copies, editions)
            done += len(pairs)
        return done

    def set_editions(self, session: Session, editions: Mapping[int, list[dict[str, str]] | None]) -> int:
        """Store each record's other-language editions (None: it has none), and publish again those
        that publish their own record; how many.  A cluster's record, whose holdings the store
        does not know, is published again by consolidation (``consolidation/publish.py``)."""
        if not editions:
            return 0
        conn = session.connection()
        conn.execute(update(HUB_RECORDS).where(HUB_RECORDS.c.id == bindparam("hid")).values(editions=bindparam("v")),
                     [{"hid": hub_id, "v": listed} for hub_id, listed in editions.items()])
        own = []
        for chunk in chunks(sorted(editions), 500):
            own += conn.execute(select(HUB_RECORDS.c.id).where(
                HUB_RECORDS.c.id.in_(chunk), HUB_RECORDS.c.published.is_(None),
                HUB_RECORDS.c.absorbed_into.is_(None))).scalars()
        return self.republish(session, own)

    def _republish(self, session: Session, changes: list[tuple[HubRecord, dict[str, Any]]],
                   copies: bool = True, editions: bool = True) -> None:
        """Store each hub record's new canonical dict (and content hash) and publish it again
        (``copies``, ``editions``: see :meth:`republish`)."""
        items = []
        for hub, canonical in changes:
            source = session.scalars(select(SourceRecord).where(SourceRecord.hub_record_id == hub.id)).first()
            assert source is not None
            digest = content_hash(dumps(canonical), sorted(source.source_sets or []), deleted=hub.deleted)
            hub.canonical, hub.content_hash = canonical, digest
            source.content_hash = digest
            provenance = _Provenance(source.source_key, source.source_datestamp, source.metadata_namespace,
                                     source.harvested_at)
            items.append(_Publication(hub.id, hub.local_id, hub.partner_id, hub.deleted, hub.access,
                                      CanonicalRecord.from_dict(canonical), provenance,
                                      has_copy=copies and hub.copy_access is not None))
        if not items:
            return
        session.flush()
        conn = session.connection()
        partners = self._partners(conn, {hub.partner_id for hub, _ in changes})
        self._publish(conn, self._batch(session), items, partners, editions=editions)

    def _prepare(self, incoming: IncomingRecord, partners: dict[str, Partner], known: _Known | None) -> _Prepared:
        """The record as it will be stored: at its live copy's level if it has one, else at the
        level it comes with, else its partner's default."""
        partner = partners.get(incoming.partner_id)
        if partner is None:
            raise StoreError(f"record {incoming.source_key!r}: unknown partner {incoming.partner_id!r}")
        access = (known.copy_access if known is not None else None) or incoming.access or partner.default_access
        check_access(access, "record {!r}", incoming.source_key)
        incoming.record.access = access
        canonical = canonical_json_bytes(incoming.record)
        digest = content_hash(canonical, sorted(incoming.source_sets), deleted=False)
        return _Prepared(incoming, access, canonical, digest)

    def _json_value(self, text: str) -> Any:
        """What to bind for a JSON column: the text itself when the engine stores it as is."""
        return JsonText(text) if self._json_as_text else json.loads(text)

    def _partners(self, conn: Connection, ids: set[str]) -> dict[str, Partner]:
        rows = conn.execute(select(PARTNERS).where(PARTNERS.c.id.in_(sorted(ids))))
        return {row.id: Partner(**row._asdict()) for row in rows}

    def _existing_sources(self, conn: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], _Known]:
        """What the store holds for these (partner, source key) pairs.

        Their hub records are locked until the transaction ends (PostgreSQL; SQLite's writer
        holds the whole database already), in id order: a deposit or a level change committed
        meanwhile would otherwise be written over with the level read before it."""
        sources, hubs = SOURCE_RECORDS, HUB_RECORDS
        found: dict[tuple[str, str], _Known] = {}
        by_partner: dict[str, list[str]] = {}
        for partner_id, key in keys:
            by_partner.setdefault(partner_id, []).append(key)
        for partner_id, partner_keys in by_partner.items():
            for chunk in chunks(sorted(set(partner_keys)), 500):
                rows = conn.execute(
                    select(sources.c.source_key, sources.c.id, sources.c.content_hash, sources.c.deleted,
                           sources.c.hub_record_id, hubs.c.local_id, hubs.c.copy_access,
                           (hubs.c.absorbed_into.isnot(None) | hubs.c.published.isnot(None)).label("clustered"))
                    .join(hubs, hubs.c.id == sources.c.hub_record_id)
                    .where(sources.c.partner_id == partner_id, sources.c.source_key.in_(chunk))
                    .order_by(hubs.c.id).with_for_update(of=hubs))
                for key, sid, digest, deleted, hid, local_id, copy_access, clustered in rows:
                    found[(partner_id, key)] = _Known(sid, hid, local_id, digest, bool(deleted), copy_access,
                                                      bool(clustered))
        return found

    def _write_changed(self, session: Session, items: list[_Prepared],
                       existing: dict[tuple[str, str], _Known], partners: dict[str, Partner]) -> None:
        conn = session.connection()
        batch = self._batch(session)
        stamp = batch.stamp
        sources, hubs = SOURCE_RECORDS, HUB_RECORDS
        fresh = [p for p in items if (p.incoming.partner_id, p.incoming.source_key) not in existing]
        if fresh:
            local_ids = [local_id_for(p.incoming.partner_id, p.incoming.source_key) for p in fresh]
            ids = self._insert_hubs(conn, [
                (local_id, stamp, False, p.access, p.incoming.partner_id, p.canonical_text, p.digest)
                for p, local_id in zip(fresh, local_ids, strict=True)])
            for p, local_id in zip(fresh, local_ids, strict=True):
                existing[(p.incoming.partner_id, p.incoming.source_key)] = _Known(None, ids[local_id], local_id, "",
                                                                                  False)
            insert_rows(conn, sources, _SOURCE_COLUMNS, [_new_source_row(p, existing, stamp) for p in fresh])
        fresh_ids = {id(p) for p in fresh}
        old = [p for p in items if id(p) not in fresh_ids]
        clustered = [p for p in old if _known(p, existing).clustered]
        if clustered:  # stored, not published: consolidation publishes these (their change is logged)
            conn.execute(update(hubs).where(hubs.c.id == bindparam("hid")).values(
                canonical=bindparam("canonical")),
                [{"hid": _known(p, existing).hub_id, "canonical": self._json_value(p.canonical_text)}
                 for p in clustered])
            batch.hub_ids.update(dict.fromkeys(_known(p, existing).hub_id for p in clustered))
        unclustered = [p for p in old if not _known(p, existing).clustered]
        if unclustered:
            conn.execute(update(hubs).where(hubs.c.id == bindparam("hid")).values(
                deleted=False, access=bindparam("access"), canonical=bindparam("canonical"),
                content_hash=bindparam("digest"), datestamp=stamp),
                [{"hid": _known(p, existing).hub_id, "access": p.access,
                  "canonical": self._json_value(p.canonical_text), "digest": p.digest} for p in unclustered])
        if old:
            fixed = ("sid", "partner_id", "source_key", "hub_record_id")
            rows = [{("v_" + k if k not in fixed else k): v for k, v in _source_row(p, existing, stamp).items()}
                    for p in old]
            columns = [k[2:] for k in rows[0] if k.startswith("v_")]
            conn.execute(update(sources).where(sources.c.id == bindparam("sid")).values(
                {c: bindparam("v_" + c) for c in columns}), rows)
        publications = []
        for p in items:
            known = _known(p, existing)
            if known.clustered:
                continue
            provenance = _Provenance(p.incoming.source_key, p.incoming.source_datestamp,
                                     p.incoming.metadata_namespace, stamp)
            publications.append(_Publication(known.hub_id, known.local_id, p.incoming.partner_id, False,
                                              p.access, p.incoming.record, provenance,
                                              has_copy=known.copy_access is not None))
        self._publish(conn, batch, publications, partners, fresh={_known(p, existing).hub_id for p in fresh},
                      stamped=True)
        write_keys(conn, [(_known(p, existing).hub_id, p.incoming.record) for p in items],
                   replacing=[_known(p, existing).hub_id for p in old])

    def _insert_hubs(self, conn: Connection, rows: list[tuple]) -> dict[str, int]:
        """Insert hub records (``_HUB_COLUMNS``); their ids by local id."""
        insert_rows(conn, HUB_RECORDS, _HUB_COLUMNS, rows)
        return self._hub_ids(conn, [row[0] for row in rows])

    @staticmethod
    def _hub_ids(conn: Connection, local_ids: list[str]) -> dict[str, int]:
        """Ids of hub records by local id (unique).  Cheaper than INSERT ... RETURNING in
        parameter order, which SQLAlchemy runs one row at a time on SQLite."""
        hubs = HUB_RECORDS
        found: dict[str, int] = {}
        for chunk in chunks(local_ids, 500):
            found.update(conn.execute(select(hubs.c.local_id, hubs.c.id).where(hubs.c.local_id.in_(chunk))).all())
        return found

    # -- reads for other parts ---------------------------------------------------------
    def changes_since(self, after_seq: int, limit: int = 1000) -> list[tuple[int, int]]:
        """(seq, hub record id) pairs logged after ``after_seq``, oldest first."""
        with self.reading() as session:
            rows = session.execute(
                select(RecordChange.seq, RecordChange.record_id)
                .where(RecordChange.seq > after_seq)
                .order_by(RecordChange.seq)
                .limit(limit)
            )
            return [(seq, rid) for seq, rid in rows]

    def load_hub_records(self, ids: Sequence[int]) -> list[HubRecordView]:
        """The hub records with these ids (any order; missing ids are left out)."""
        with self.reading() as session:
            hubs = session.scalars(select(HubRecord).where(HubRecord.id.in_(list(ids)))).all()
            return [self._view(session, hub) for hub in hubs]

    def find_hub_record(self, identifier: str) -> HubRecordView | None:
        """A hub record by local id or OAI identifier."""
        local_id = self.local_id_of(identifier) or identifier
        with self.reading() as session:
            hub = session.scalars(select(HubRecord).where(HubRecord.local_id == local_id)).one_or_none()
            return self._view(session, hub) if hub else None

    def _view(self, session: Session, hub: HubRecord) -> HubRecordView:
        """The record as published: a cluster's merged record (held by every holding's partner), an
        absorbed record as retired with its successor, else the record itself."""
        canonical = CanonicalRecord.from_dict(hub.published or hub.canonical or {})
        if hub.published is not None:
            partners = {holding.partner for holding in canonical.holdings}
        else:
            partners = set(session.scalars(
                select(SourceRecord.partner_id).where(SourceRecord.hub_record_id == hub.id)).all())
        specs = session.scalars(select(RecordSet.set_spec).where(RecordSet.record_id == hub.id)).all()
        successor = None if hub.absorbed_into is None else session.scalar(
            select(HubRecord.local_id).where(HubRecord.id == hub.absorbed_into))
        return HubRecordView(
            id=hub.id,
            local_id=hub.local_id,
            oai_identifier=self.oai_identifier(hub.local_id),
            datestamp=hub.datestamp,
            deleted=hub.deleted or successor is not None,
            access=hub.access,
            partner_ids=sorted(partners),
            canonical=canonical,
            set_specs=oai_sets.from_stored(specs),
            successor=successor,
        )

    # -- consolidation: a cluster published as one record ------------------------------------
    def publish_clusters(self, session: Session, clusters: Sequence[ClusterRecord], again: bool = False) -> int:
        """Publish each cluster's merged record (its level in ``record.access``, its holdings) as its
        hub record, in the sets of every holding's partner, with one provenance container per
        holding; how many changed (one already publishing exactly that keeps its datestamp, unless
        ``again``: its other-language editions changed).  Five hundred at a time, a statement of
        each kind for all of them: at a million records a first publishing has 134,000 clusters."""
        conn = session.connection()
        changed = 0
        for chunk in chunks(list(clusters), 500):
            current = _locked_rows(conn, [cluster.hub_id for cluster in chunk])
            rows, items = [], []
            for cluster in chunk:
                check_access(cluster.record.access or "", "cluster record {!r}", str(cluster.hub_id))
                hub = current[cluster.hub_id]
                text = canonical_json_bytes(cluster.record)
                digest = content_hash(text, sorted({*cluster.partner_ids, *cluster.abouts}), deleted=False)
                if hub.publishes and hub.content_hash == digest and not hub.deleted and not again:
                    continue
                access = cluster.record.access or hub.access
                rows.append({"hid": hub.id, "v_published": json.loads(text), "v_hash": digest, "v_access": access})
                items.append(_Publication(hub.id, hub.local_id, hub.partner_id, False, access, cluster.record, None,
                                          has_copy=cluster.has_copy, holders=tuple(sorted(set(cluster.partner_ids))),
                                          abouts=tuple(cluster.abouts)))
            if rows:
                conn.execute(update(HUB_RECORDS).where(HUB_RECORDS.c.id == bindparam("hid")).values(
                    published=bindparam("v_published"), content_hash=bindparam("v_hash"),
                    access=bindparam("v_access"), absorbed_into=None, deleted=False), rows)
                partners = self._partners(conn, {p for item in items for p in (item.partner_id, *item.holders)})
                self._publish(conn, self._batch(session), items, partners)
            changed += len(items)
        return changed

    def absorb(self, session: Session, into: Mapping[int, int]) -> int:
        """Retire each record of ``into`` into the hub record given for it: each is published as
        deleted (its sets kept, as a tombstone's are) and its page sends readers on; how many
        changed.  Five hundred at a time, as :meth:`publish_clusters`."""
        conn = session.connection()
        changed = 0
        for chunk in chunks(sorted(into), 500):
            current = _locked_rows(conn, list(chunk))
            moving = [hub for hub_id in chunk if (hub := current[hub_id]).absorbed_into != into[hub_id]
                      or hub.publishes]
            if moving:
                conn.execute(update(HUB_RECORDS).where(HUB_RECORDS.c.id == bindparam("hid")).values(
                    absorbed_into=bindparam("v_into"), published=None),
                    [{"hid": hub.id, "v_into": into[hub.id]} for hub in moving])
                self._publish(conn, self._batch(session), [
                    _Publication(hub.id, hub.local_id, hub.partner_id, True, hub.access, None, None)
                    for hub in moving], None)
            changed += len(moving)
        return changed

    def release(self, session: Session, hub_ids: Sequence[int]) -> int:
        """Publish these records on their own again (split off, or their cluster dissolved): each
        its own record at its own level, or a tombstone when its partner has deleted it (also for
        a record already on its own that is still published live after that deletion)."""
        released = 0
        for hub_id in sorted(set(hub_ids)):
            hub = self._locked(session, hub_id)
            source = session.scalars(select(SourceRecord).where(SourceRecord.hub_record_id == hub.id)).first()
            assert source is not None
            if hub.absorbed_into is None and hub.published is None and hub.deleted == bool(source.deleted):
                continue
            hub.absorbed_into, hub.published = None, None
            hub.deleted = bool(source.deleted)
            hub.access = hub.copy_access or hub.canonical.get("access") or hub.access
            self._republish(session, [(hub, dict(hub.canonical))])
            released += 1
        return released

    @staticmethod
    def _locked(session: Session, hub_id: int) -> HubRecord:
        """A hub record by id, locked and read afresh (see :meth:`_hub`)."""
        hub = session.scalars(select(HubRecord).where(HubRecord.id == hub_id).with_for_update()
                              .execution_options(populate_existing=True)).one_or_none()
        if hub is None:
            raise StoreError(f"no hub record {hub_id}")
        return hub

    # -- publishing ----------------------------------------------------------------------
    def _publish(self, conn: Connection, batch: _Batch, items: list[_Publication],
                 partners: dict[str, Partner] | None, fresh: set[int] = frozenset(),  # type: ignore[assignment]
                 stamped: bool = False, editions: bool = True) -> None:
        """New datestamp, renderings and sets for each item, and its place in the batch.

        The batch's commit writes the change-log entries (see :meth:`_commit`).  ``fresh``
        are hub records inserted in this very transaction: they have no old renderings or
        set rows to delete, nor editions.  ``stamped``: the caller already gave every hub record
        the batch's datestamp.  ``editions=False``: see :meth:`republish`.
        """
        partners = partners or {}
        stamp = batch.stamp
        renderings, record_sets = RECORD_RENDERINGS, RECORD_SETS
        ids = [item.hub_id for item in items]
        old_ids = [hid for hid in ids if hid not in fresh]
        kept_sets: dict[int, list[str]] = {}
        if any(item.deleted for item in items):  # a tombstone stays in the sets it was in
            for chunk in chunks(ids, 500):
                for rid, spec in conn.execute(select(record_sets.c.record_id, record_sets.c.set_spec)
                                              .where(record_sets.c.record_id.in_(chunk))):
                    kept_sets.setdefault(rid, []).append(spec)
        for chunk in chunks(old_ids, 500):
            conn.execute(delete(renderings).where(renderings.c.record_id.in_(chunk)))
            conn.execute(delete(record_sets).where(record_sets.c.record_id.in_(chunk)))
        listed = self._editions(conn, [i.hub_id for i in items if not i.deleted and i.hub_id not in fresh]) \
            if editions else {}
        rendering_rows, set_rows, all_specs = [], [], set()
        for item in items:
            if item.deleted:
                specs = oai_sets.from_stored(kept_sets.get(item.hub_id, []))
            else:
                holders = item.holders or (item.partner_id,)
                specs = tuple(sorted({spec for holder in holders
                                      for spec in oai_sets.memberships(holder, item.access, item.record)}))
            all_specs.update(specs)
            partner = partners.get(item.partner_id)
            about: str | tuple[str, ...] | None = None
            if not item.deleted:
                about = item.abouts or provenance_xml(item.provenance, partner, item.partner_id)
            record = item.record
            if record is not None:
                record = without_partner_files(record, item.access)
            if item.has_copy and record is not None and not item.deleted:
                record = with_copy_link(record, record_page(self.base_url, item.local_id))
            if item.hub_id in listed and record is not None:
                record = with_editions(record, listed[item.hub_id], self.oai_identifier)
            for prefix, record_xml, header_length in self.publisher.render(
                    self.oai_identifier(item.local_id), stamp, specs, item.deleted, record, about):
                rendering_rows.append((item.hub_id, prefix, stamp, record_xml, header_length))
            set_rows += [(spec, item.hub_id, stamp) for spec in specs if spec not in oai_sets.EVERY_RECORD_SETS]
        if old_ids and not stamped:
            conn.execute(update(HUB_RECORDS).where(HUB_RECORDS.c.id == bindparam("hid"))
                         .values(datestamp=stamp), [{"hid": hid} for hid in old_ids])
        # one format after another: a list of one format then reads neighbouring pages
        rendering_rows.sort(key=lambda row: row[1])
        insert_rows(conn, renderings, ("record_id", "prefix", "datestamp", "record_xml", "header_length"),
                     rendering_rows)
        insert_rows(conn, record_sets, ("set_spec", "record_id", "datestamp"), set_rows)
        batch.hub_ids.update(dict.fromkeys(ids))
        self._ensure_sets(conn, all_specs, partners)

    @staticmethod
    def _editions(conn: Connection, hub_ids: list[int]) -> dict[int, list[dict[str, str]]]:
        """The other-language editions stored for those of these records that have some."""
        found: dict[int, list[dict[str, str]]] = {}
        for chunk in chunks(hub_ids, 500):
            found.update(conn.execute(select(HUB_RECORDS.c.id, HUB_RECORDS.c.editions).where(
                HUB_RECORDS.c.id.in_(chunk), HUB_RECORDS.c.editions.isnot(None))).all())
        return found

    def _ensure_sets(self, conn: Connection, specs: Iterable[str], partners: dict[str, Partner]) -> None:
        """Add the sets not yet listed (remembered per process: sets are never removed)."""
        missing = sorted(set(specs) - self._known_sets)
        if not missing:
            return
        oai = OAI_SETS
        present = set(conn.execute(select(oai.c.spec).where(oai.c.spec.in_(missing))).scalars())
        for spec in missing:
            if spec not in present:
                partner = partners.get(spec.partition(":")[2]) if spec.startswith("partner:") else None
                names = oai_sets.names_for(spec, partner)
                conn.execute(_insert_ignore(conn, oai).values(spec=spec, name=oai_sets.set_name(names), names=names))
        self._known_sets.update(missing)

    def _name_partner_set(self, session: Session, partner: Partner) -> None:
        spec = f"partner:{partner.id}"
        names = oai_sets.names_for(spec, partner)
        existing = session.get(OaiSet, spec)
        if existing is None:
            session.add(OaiSet(spec=spec, name=oai_sets.set_name(names), names=names))
        else:
            existing.names, existing.name = names, oai_sets.set_name(names)
        session.flush()
        self._known_sets.add(spec)


_BATCH = "kazneb_batch"


@dataclass
class _Batch:
    """What one write transaction published, sealed at its commit (:meth:`Store._commit`)."""

    stamp: int
    hub_ids: dict[int, None] = field(default_factory=dict)  # an ordered set


def restamp(conn: Connection, hub_ids: list[int], old: int, new: int) -> None:
    """Move these hub records from datestamp ``old`` to ``new``: rows and stored headers.

    The ``<header>`` comes first in a stored rendering, so the first ``<datestamp>`` element
    is its own (a provenance container further on may hold the same text).
    """
    old_xml = f"<datestamp>{xml.utc_datestamp(old)}</datestamp>".encode()
    new_xml = f"<datestamp>{xml.utc_datestamp(new)}</datestamp>".encode()
    if conn.dialect.name == "postgresql":
        patched = "overlay(record_xml placing :new_xml from position(:old_xml in record_xml) for length(:old_xml))"
    else:
        at = "instr(record_xml, :old_xml)"
        patched = (f"CAST(substr(record_xml, 1, {at} - 1) || :new_xml || substr(record_xml, {at} + length(:old_xml))"
                   " AS BLOB)")
    params = {"old": old, "new": new, "old_xml": old_xml, "new_xml": new_xml}
    for chunk in chunks(hub_ids, 500):
        marks = ", ".join(str(int(hid)) for hid in chunk)
        conn.execute(text(f"UPDATE hub_records SET datestamp = :new WHERE id IN ({marks}) AND datestamp = :old"),
                     params)
        conn.execute(text(f"UPDATE record_sets SET datestamp = :new WHERE record_id IN ({marks})"
                          " AND datestamp = :old"), params)
        conn.execute(text(f"UPDATE record_renderings SET datestamp = :new, record_xml = {patched}"
                          f" WHERE record_id IN ({marks}) AND datestamp = :old"), params)


@dataclass
class _Prepared:
    incoming: IncomingRecord
    access: str
    canonical_json: bytes  # the record's JSON in UTF-8, as hashed and stored
    digest: str

    @property
    def canonical_text(self) -> str:
        return self.canonical_json.decode("utf-8")


@dataclass
class _Known:
    source_id: int | None
    hub_id: int
    local_id: str
    digest: str
    deleted: bool
    copy_access: str | None = None  # the level of its live deposited copies (None: none)
    #: Absorbed into another record's cluster, or publishing its cluster's merged record: its own
    #: record is stored, and consolidation publishes (``consolidation/publish.py``).
    clustered: bool = False


@dataclass
class _Provenance:
    source_key: str
    source_datestamp: str | None
    namespace: str | None
    harvested_at: int


@dataclass
class _Publication:
    hub_id: int
    local_id: str
    partner_id: str
    deleted: bool
    access: str
    record: CanonicalRecord | None
    provenance: _Provenance | None
    has_copy: bool = False  # a live deposited copy: the renderings link to the record's page
    #: A cluster's record: the partners holding the work (it is in their sets, and not in its own
    #: partner's when that one no longer holds it) and one provenance container per holding, in
    #: place of ``provenance``.
    holders: tuple[str, ...] = ()
    abouts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClusterRecord:
    """A cluster's record for :meth:`Store.publish_clusters`: the hub record it is published as,
    the merged record, the partners holding the work and one provenance container per holding."""

    hub_id: int
    record: CanonicalRecord
    partner_ids: tuple[str, ...]
    abouts: tuple[str, ...]
    has_copy: bool  # some holding has a live deposited copy: the renderings link to the page


def _locked_rows(conn: Connection, hub_ids: Sequence[int]) -> dict[int, Any]:
    """What publishing a cluster reads of these hub records, by id, locked in id order until the
    transaction ends (PostgreSQL; SQLite's writer holds the whole database already)."""
    hubs = HUB_RECORDS.c
    rows = conn.execute(select(hubs.id, hubs.local_id, hubs.partner_id, hubs.content_hash, hubs.deleted, hubs.access,
                               hubs.absorbed_into, hubs.published.isnot(None).label("publishes"))
                        .where(hubs.id.in_(sorted(hub_ids))).order_by(hubs.id).with_for_update()).all()
    found = {row.id: row for row in rows}
    missing = sorted(set(hub_ids) - found.keys())
    if missing:
        raise StoreError(f"no hub record {missing[0]}")
    return found


def _known(item: _Prepared, existing: dict[tuple[str, str], _Known]) -> _Known:
    return existing[(item.incoming.partner_id, item.incoming.source_key)]


def _source_row(p: _Prepared, existing: dict[tuple[str, str], _Known], stamp: int) -> dict[str, Any]:
    known = _known(p, existing)
    incoming = p.incoming
    return {"sid": known.source_id, "partner_id": incoming.partner_id, "source_key": incoming.source_key,
            "source_datestamp": incoming.source_datestamp, "metadata_prefix": incoming.metadata_prefix,
            "metadata_namespace": incoming.metadata_namespace, "source_sets": list(incoming.source_sets),
            "raw": _legal_raw(incoming.raw),
            "content_hash": p.digest, "harvested_at": stamp, "deleted": False,
            "hub_record_id": known.hub_id}


def _legal_raw(raw: str | None) -> str | None:
    """The raw record as stored: without the characters the hub drops (lxml writes C1 controls)."""
    return None if raw is None else legal_xml(raw)


#: Columns of a new hub record and of a new source record, in the order of the rows below.
_HUB_COLUMNS = ("local_id", "datestamp", "deleted", "access", "partner_id", "canonical", "content_hash")
_SOURCE_COLUMNS = ("partner_id", "source_key", "source_datestamp", "metadata_prefix", "metadata_namespace",
                   "source_sets", "raw", "content_hash", "harvested_at", "deleted", "hub_record_id")


def _new_source_row(p: _Prepared, existing: dict[tuple[str, str], _Known], stamp: int) -> tuple:
    """A new source record's values in ``_SOURCE_COLUMNS`` order (JSON columns as JSON text)."""
    row = _source_row(p, existing, stamp)
    row["source_sets"] = dumps(row["source_sets"])
    return tuple(row[column] for column in _SOURCE_COLUMNS)


def provenance_xml(provenance: _Provenance | None, partner: Partner | None, partner_id: str) -> str | None:
    if provenance is None:
        return None
    return provenance_of(partner.base_url if partner else None, partner_id, provenance.source_key,
                         provenance.source_datestamp, provenance.namespace, provenance.harvested_at)


def _insert_ignore(conn: Connection, table: Table):  # type: ignore[no-untyped-def]
    """INSERT that skips rows whose key exists (another worker may have added it)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()



def check_access(level: str, where: str, *names: str) -> None:
    """Refuse an unknown access level, naming ``where.format(*names)``: formatted only then,
    as every record written is checked."""
    if level not in ACCESS_LEVELS:
        raise StoreError(f"{where.format(*names)}: access level {level!r} is not one of {', '.join(ACCESS_LEVELS)}")
