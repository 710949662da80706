"""Records that ``kazneb import`` keyed ``<file name>#<position>`` take the content key ``ingest`` gives them.

Revision ID: 0008_import_position_keys
Revises: 0007_record_own_access

``kazneb import`` and ``kazneb ingest`` loaded files two ways: a record without an
identifier was keyed by file name and position by the first and by a digest of its content
by the second, so one file loaded through both made two hub records of one source record.
``import`` is now an alias of ``ingest``.  Migration 0004 re-keyed such records only for
partners that had had a file delivery; this one re-keys the rest, for every partner:

* a record whose content key is free takes it; its hub record (local id, so its OAI
  identifier, datestamp and history) is not touched, and the next load of the same file
  finds it ``unchanged``;
* a live record whose content key another record already holds (the same record loaded
  through both commands, or twice under two names) is a duplicate: it becomes a tombstone
  (a new datestamp, a deleted header in every format, its sets kept, a change-log entry
  for the search index), so harvesters learn that its OAI identifier is gone.

Only keys of the old form are looked at (a name without ``/`` or ``:``, ``#``, a position),
of rows without a source datestamp (every harvested record has one; a record read from a
plain file without an identifier has none) that kept their ``raw`` text.
"""

import hashlib
import re
import time

import sqlalchemy as sa
from alembic import op

revision = "0008_import_position_keys"
down_revision = "0007_record_own_access"
branch_labels = None
depends_on = None

OLD_KEY = re.compile(r"[^#/:]+#[1-9][0-9]*")
_BETWEEN_TAGS = re.compile(r">\s+<")
_SPACES = re.compile(r"\s+")
_DATESTAMP = re.compile(rb"<datestamp>[^<]*</datestamp>")
#: ``repository.digests.content_hash("null", [], deleted=True)``: what a tombstone's digest is.
TOMBSTONE_HASH = hashlib.sha256(b"null\x1f[]\x1f1").hexdigest()

sources = sa.table("source_records", sa.column("id", sa.Integer), sa.column("partner_id", sa.String),
                   sa.column("source_key", sa.String), sa.column("raw", sa.Text), sa.column("deleted", sa.Boolean),
                   sa.column("hub_record_id", sa.Integer), sa.column("content_hash", sa.String),
                   sa.column("harvested_at", sa.BigInteger), sa.column("source_datestamp", sa.String))
hubs = sa.table("hub_records", sa.column("id", sa.Integer), sa.column("deleted", sa.Boolean),
                sa.column("datestamp", sa.BigInteger), sa.column("content_hash", sa.String))
renderings = sa.table("record_renderings", sa.column("record_id", sa.Integer), sa.column("prefix", sa.String),
                      sa.column("datestamp", sa.BigInteger), sa.column("record_xml", sa.LargeBinary),
                      sa.column("header_length", sa.Integer))
record_sets = sa.table("record_sets", sa.column("record_id", sa.Integer), sa.column("datestamp", sa.BigInteger))
changes = sa.table("record_changes", sa.column("record_id", sa.Integer), sa.column("changed_at", sa.BigInteger))


def content_key(raw: str) -> str:
    """``harvester.delivery.content_key`` as of this revision (stored ``raw`` is already legal XML text)."""
    text = _SPACES.sub(" ", _BETWEEN_TAGS.sub("><", raw)).strip()
    return "#" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def upgrade() -> None:
    connection = op.get_bind()
    stamp = int(time.time())
    partners = connection.execute(sa.select(sources.c.partner_id).where(sources.c.source_key.like("%#%"))
                                  .distinct()).scalars()
    for partner_id in list(partners):
        rows = connection.execute(sa.select(sources.c.id, sources.c.source_key, sources.c.raw, sources.c.deleted,
                                            sources.c.hub_record_id).where(
            sources.c.partner_id == partner_id, sources.c.source_key.like("%#%")).order_by(sources.c.id)).all()
        stamped = set(connection.execute(sa.select(sources.c.id).where(
            sources.c.partner_id == partner_id, sources.c.source_key.like("%#%"),
            sources.c.source_datestamp.is_not(None))).scalars())
        taken = {key for _, key, _, _, _ in rows}
        for row_id, key, raw, deleted, hub_id in rows:
            if raw is None or row_id in stamped or not OLD_KEY.fullmatch(key):
                continue
            new = content_key(raw)
            if new not in taken:
                taken.add(new)
                connection.execute(sources.update().where(sources.c.id == row_id).values(source_key=new))
            elif not deleted:
                _tombstone(connection, row_id, hub_id, stamp)


def _tombstone(connection: sa.Connection, source_id: int, hub_id: int, stamp: int) -> None:
    """What ``Store.delete_records`` does to one record, in SQL: deleted headers, new datestamp, change log."""
    connection.execute(sources.update().where(sources.c.id == source_id).values(
        deleted=True, harvested_at=stamp, content_hash=TOMBSTONE_HASH))
    connection.execute(hubs.update().where(hubs.c.id == hub_id).values(
        deleted=True, datestamp=stamp, content_hash=TOMBSTONE_HASH))
    for prefix, record_xml, length in connection.execute(sa.select(
            renderings.c.prefix, renderings.c.record_xml, renderings.c.header_length)
            .where(renderings.c.record_id == hub_id)).all():
        header = deleted_header(bytes(record_xml)[8:8 + length], stamp)
        connection.execute(renderings.update().where(renderings.c.record_id == hub_id,
                                                     renderings.c.prefix == prefix).values(
            record_xml=b"<record>" + header + b"</record>", header_length=len(header), datestamp=stamp))
    connection.execute(record_sets.update().where(record_sets.c.record_id == hub_id).values(datestamp=stamp))
    connection.execute(changes.insert().values(record_id=hub_id, changed_at=stamp))


def deleted_header(header: bytes, stamp: int) -> bytes:
    """A record's ``<header>`` (identifier and sets kept) as a tombstone's, dated ``stamp``."""
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp)).encode()
    header = header.replace(b"<header>", b'<header status="deleted">', 1)
    return _DATESTAMP.sub(b"<datestamp>" + when + b"</datestamp>", header, count=1)


def downgrade() -> None:
    """Nothing to undo in the schema; records keep their content keys, tombstones stay (positions are not kept)."""
