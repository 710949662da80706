"""A hub record knows the level of its deposited copies (``hub_records.copy_access``).

Revision ID: 0012_record_copy_level
Revises: 0011_objects

A record with a deposited copy that is not withdrawn takes the most open such copy's level,
whatever its partner's rules say, and its renderings link to its page on the hub (see
``repository/levels.py`` and ``objects/publication.py``).  The store keeps that level on the
hub record so that it can render and decide levels without reading the depository's tables.

Only the column is added here: NULL, "no live copy", for every record.  Copies deposited
under 0011 (before this revision) are published by ``kazneb objects rebuild``, which ends by
giving every record its copies' level: the renderings need the hub's public base URL, which a
migration does not know.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_record_copy_level"
down_revision = "0011_objects"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("hub_records", sa.Column("copy_access", sa.String(16)))


def downgrade() -> None:
    """The records keep the level they were last published at; only the column goes."""
    with op.batch_alter_table("hub_records") as batch:
        batch.drop_column("copy_access")
