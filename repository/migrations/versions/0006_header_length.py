"""A rendering keeps its header's length instead of a generated ``header_xml`` column.

Revision ID: 0006_header_length
Revises: 0005_changes_by_seq_only

The generated column cut the ``<header>`` out of ``record_xml`` by searching it for
``</header>``. SQLite computed that on every insert, even for a VIRTUAL column (1.2 % of a
harvested record's instructions). PostgreSQL, which has only STORED generated columns,
also kept a second copy of every header. The store knows the length when it renders the
record, so it now writes it, and ListIdentifiers cuts the header out in its query.
"""

import sqlalchemy as sa
from alembic import op

from repository.migrations import HEADER_END, HEADER_SQL

revision = "0006_header_length"
down_revision = "0005_changes_by_seq_only"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("record_renderings", sa.Column("header_length", sa.Integer, nullable=False, server_default="0"))
    op.execute(f"UPDATE record_renderings SET header_length = {HEADER_END[dialect]}")
    op.drop_column("record_renderings", "header_xml")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("record_renderings", sa.Column(
        "header_xml", sa.LargeBinary, sa.Computed(HEADER_SQL[dialect], persisted=dialect != "sqlite")))
    op.drop_column("record_renderings", "header_length")
