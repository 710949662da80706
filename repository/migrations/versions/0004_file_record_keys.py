"""File records without an identifier: keyed by a digest of their content, not ``<file name>#<position>``.

Revision ID: 0004_file_record_keys
Revises: 0003_file_deliveries

Before this revision a file record without an identifier was keyed by its file's base name
and position, so two files of the same name (in two folders or zips, or two deliveries
months apart) replaced each other's records.  Such a record is now keyed ``#`` and a digest
of its source text (``harvester.delivery.content_key``).  This revision re-keys the source
rows stored the old way, from their stored ``raw`` text, so that the next delivery of the
same file finds them ``unchanged`` instead of adding them again.  The hub record (its local
id, its datestamp, its history) is not touched.

Only partners that have had a file delivery are looked at, and only keys of the old form
(a name without ``/`` or ``:``, ``#``, a position).  When two old rows hold the same record
(the same file under two names), the first takes the new key and the other keeps its old one.
Quarantine entries of such records are re-keyed ``<file path in the delivery>#<position>``.
"""

import hashlib
import re
from pathlib import PurePosixPath

import sqlalchemy as sa
from alembic import op

revision = "0004_file_record_keys"
down_revision = "0003_file_deliveries"
branch_labels = None
depends_on = None

OLD_KEY = re.compile(r"[^#/:]+#[1-9][0-9]*")
_BETWEEN_TAGS = re.compile(r">\s+<")
_SPACES = re.compile(r"\s+")


def content_key(raw: str) -> str:
    """``harvester.delivery.content_key`` as of this revision (stored ``raw`` is already legal XML text)."""
    text = _SPACES.sub(" ", _BETWEEN_TAGS.sub("><", raw)).strip()
    return "#" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def upgrade() -> None:
    connection = op.get_bind()
    sources = sa.table("source_records", sa.column("id", sa.Integer), sa.column("partner_id", sa.String),
                       sa.column("source_key", sa.String), sa.column("raw", sa.Text))
    runs = sa.table("harvest_runs", sa.column("partner_id", sa.String), sa.column("kind", sa.String))
    partners = connection.execute(sa.select(runs.c.partner_id).where(runs.c.kind == "files").distinct()).scalars()
    for partner_id in list(partners):
        rows = connection.execute(sa.select(sources.c.id, sources.c.source_key, sources.c.raw).where(
            sources.c.partner_id == partner_id, sources.c.source_key.like("%#%")).order_by(sources.c.id)).all()
        taken = {key for _, key, _ in rows}
        moves = []
        for row_id, key, raw in rows:
            if raw is None or not OLD_KEY.fullmatch(key):
                continue
            new = content_key(raw)
            if new not in taken:
                taken.add(new)
                moves.append({"row_id": row_id, "new_key": new})
        if moves:
            connection.execute(sources.update().where(sources.c.id == sa.bindparam("row_id"))
                               .values(source_key=sa.bindparam("new_key")), moves)
    _rekey_quarantine(connection)


def _rekey_quarantine(connection: sa.Connection) -> None:
    """Quarantine entries of file records without an identifier: ``<base name>#<position>`` becomes
    ``<file path in the delivery>#<position>``, as new entries are keyed, so that the next delivery
    of the same file supersedes them instead of adding a second open entry."""
    entries = sa.table("harvest_quarantine", sa.column("id", sa.Integer), sa.column("source_key", sa.String),
                       sa.column("file_name", sa.String), sa.column("file_position", sa.Integer))
    rows = connection.execute(sa.select(entries.c.id, entries.c.source_key, entries.c.file_name,
                                        entries.c.file_position).where(entries.c.file_name.is_not(None),
                                                                       entries.c.file_position.is_not(None))).all()
    moves = [{"row_id": row_id, "new_key": f"{name}#{position}"[:1000]} for row_id, key, name, position in rows
             if key == f"{PurePosixPath(name).name}#{position}" and key != f"{name}#{position}"]
    if moves:
        connection.execute(entries.update().where(entries.c.id == sa.bindparam("row_id"))
                           .values(source_key=sa.bindparam("new_key")), moves)


def downgrade() -> None:
    """Nothing to undo in the schema; records keep their content keys (positions are not kept)."""
