"""``hub_records.editions``: the hub's records of a work in other languages, listed in renderings.

Revision ID: 0017_editions
Revises: 0016_published_null

Clustering relates a translation to its original (``related`` links, never merged); pages listed
them, the OAI-PMH renderings did not.  Publishing now stores each record's other-language editions
here and publishes again the records whose list changed, so the next ``kazneb cluster build``
after this migration gives every such record a new datestamp once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_editions"
down_revision = "0016_published_null"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("hub_records", sa.Column("editions", sa.JSON(none_as_null=True), nullable=True))
    where = sa.text("editions IS NOT NULL")
    op.create_index("ix_hub_records_with_editions", "hub_records", ["id"], sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    op.drop_index("ix_hub_records_with_editions", "hub_records")
    with op.batch_alter_table("hub_records") as batch:
        batch.drop_column("editions")
