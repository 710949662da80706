"""Tables of the store.

Two layers, kept apart on purpose:

* ``source_records``: what one partner sent about one of its records (raw text,
  provenance). Unique per (partner, source key).
* ``hub_records``: what the hub publishes, with the canonical JSON. Today every
  source record has its own hub record, so the canonical record is stored once, on
  the hub record, and ``SourceRecord.canonical`` reads it from there; the
  de-duplication work, which will point several source records at one, will need a
  column of the source's own again.

Everything the OAI provider serves is pre-rendered into ``record_renderings`` and
``record_sets`` (with the datestamp copied in) so that one indexed range scan
answers any page of any list.  Datestamps are whole seconds since the epoch (UTC).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column

#: Where a stored rendering's ``<header>`` starts, counted from 1 as SQL's ``substr`` does:
#: right after ``<record>`` (see :func:`repository.oai.xml.record`).
HEADER_START = len(b"<record>") + 1


class Base(DeclarativeBase):
    pass


class Partner(Base):
    """A contributing library, archive or university."""

    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_kk: Mapped[str | None] = mapped_column(String(400))
    name_ru: Mapped[str | None] = mapped_column(String(400))
    name_en: Mapped[str | None] = mapped_column(String(400))
    base_url: Mapped[str | None] = mapped_column(String(1000))
    default_access: Mapped[str] = mapped_column(String(16), default="open")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)


class HubRecord(Base):
    """A record the hub publishes (``oai:<namespace>:<local_id>``)."""

    __tablename__ = "hub_records"
    #: The few records that list editions, found without reading the million that do not.
    __table_args__ = (Index("ix_hub_records_with_editions", "id", sqlite_where=text("editions IS NOT NULL"),
                            postgresql_where=text("editions IS NOT NULL")),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    local_id: Mapped[str] = mapped_column(String(200), unique=True)
    datestamp: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    access: Mapped[str] = mapped_column(String(16))
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    canonical: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: The most open level among the record's deposited copies that are not withdrawn (None: it
    #: has no live copy).  While set it *is* the record's level (``repository/levels.py``) and the
    #: renderings link to the record's page; the depository (``objects/publication.py``) sets it
    #: through :meth:`repository.store.Store.set_copy_level`, so the store never reads its tables.
    copy_access: Mapped[str | None] = mapped_column(String(16))
    #: Consolidation: the hub record this one's work is published under (``consolidation/publish.py``).
    #: While set, this record is published as deleted and its page redirects there; its own
    #: ``canonical`` is kept, and published again when it leaves the cluster.
    absorbed_into: Mapped[int | None] = mapped_column(Integer, index=True)
    #: Consolidation: the merged record this hub record publishes for its cluster, with the holdings
    #: (None: it publishes its own ``canonical``).  Pages and the search index read this when set.
    published: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))  # None is SQL NULL, not JSON null
    #: Consolidation: the hub's records of this work in other languages (its ``related`` links, as
    #: ``consolidation/related.py`` follows them), each ``{"id": local id, "title": ...}``, which the
    #: renderings list as other versions; set by publishing (None: none).
    editions: Mapped[list | None] = mapped_column(JSON(none_as_null=True))

    @property
    def clustered(self) -> bool:
        """Absorbed into a cluster, or publishing one: consolidation publishes it, not the store."""
        return self.absorbed_into is not None or self.published is not None


class SourceRecord(Base):
    """One partner's record as received, with its provenance."""

    __tablename__ = "source_records"
    __table_args__ = (UniqueConstraint("partner_id", "source_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    source_key: Mapped[str] = mapped_column(String(1000))
    source_datestamp: Mapped[str | None] = mapped_column(String(40))
    metadata_prefix: Mapped[str | None] = mapped_column(String(64))
    metadata_namespace: Mapped[str | None] = mapped_column(String(400))
    source_sets: Mapped[list] = mapped_column(JSON, default=list)
    raw: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    harvested_at: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    hub_record_id: Mapped[int] = mapped_column(ForeignKey("hub_records.id"), index=True)
    #: A level given to this record itself (``ingest --access``); it wins over the partner's
    #: rules until changed (see ``repository/levels.py``).  None: the partner decides.
    own_access: Mapped[str | None] = mapped_column(String(16))
    #: The canonical record (read-only, loaded on first use): its hub record's.
    canonical: Mapped[dict | None] = column_property(
        select(HubRecord.canonical).where(HubRecord.id == hub_record_id).correlate_except(HubRecord)
        .scalar_subquery(), deferred=True)


class RecordKeys(Base):
    """The keys a record is matched on (``crosswalks/workkeys.py``), written with the record.

    Keyed by the record's own hub record, which stays its own whatever cluster it joins: the
    identifier it had before consolidation, and gets back when split off."""

    __tablename__ = "record_keys"

    record_id: Mapped[int] = mapped_column(ForeignKey("hub_records.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    keys_json: Mapped[str] = mapped_column(Text)  # compact JSON of WorkKeys.to_dict()


class RecordRendering(Base):
    """A hub record pre-rendered as a whole OAI ``<record>`` in one metadata format."""

    __tablename__ = "record_renderings"
    __table_args__ = (Index("ix_renderings_list", "prefix", "datestamp", "record_id"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("hub_records.id"), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(64), primary_key=True)
    datestamp: Mapped[int] = mapped_column(BigInteger)
    record_xml: Mapped[bytes] = mapped_column(LargeBinary)  # UTF-8, served as is
    #: Bytes of the ``<header>`` element, which starts ``record_xml`` right after ``<record>``:
    #: ListIdentifiers cuts it out in its query (``repository/oai/query.py``).  Until
    #: migration 0006 a generated column cut it, and the databases computed it on every insert.
    header_length: Mapped[int] = mapped_column(Integer, server_default="0")
    #: That ``<header>``, cut out by the database (loaded only when asked for).
    header_xml: Mapped[bytes] = column_property(func.substr(record_xml, HEADER_START, header_length), deferred=True)


class RecordSet(Base):
    """Set membership of a hub record, with its datestamp copied for keyset paging.

    The key is the order lists are read in, and in SQLite the table is that index
    (WITHOUT ROWID): one b-tree instead of a table and two indexes on the same columns.
    The store writes each (set, record) pair once, except for the sets every record is in
    (``repository.sets.EVERY_RECORD_SETS``): their lists are the whole list.
    """

    __tablename__ = "record_sets"
    __table_args__ = ({"sqlite_with_rowid": False},)

    set_spec: Mapped[str] = mapped_column(String(200), primary_key=True)
    datestamp: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("hub_records.id"), primary_key=True, index=True)


class OaiSet(Base):
    """A set the provider lists, with names in Kazakh, Russian and English."""

    __tablename__ = "oai_sets"

    spec: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(400))
    names: Mapped[dict] = mapped_column(JSON, default=dict)


class RecordChange(Base):
    """Change log: one row per write to a hub record, read by the search indexer (by ``seq`` only)."""

    __tablename__ = "record_changes"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("hub_records.id"))
    changed_at: Mapped[int] = mapped_column(BigInteger)


class Installation(Base):
    """What makes this store itself: its random id and the secret that signs resumption tokens."""

    __tablename__ = "installation"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
