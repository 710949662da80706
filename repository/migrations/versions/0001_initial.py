"""The store and the provider's tables.

Revision ID: 0001_initial
Revises:
"""

import sqlalchemy as sa
from alembic import op

from repository.migrations import HEADER_SQL

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "partners",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name_kk", sa.String(400)),
        sa.Column("name_ru", sa.String(400)),
        sa.Column("name_en", sa.String(400)),
        sa.Column("base_url", sa.String(1000)),
        sa.Column("default_access", sa.String(16), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
    )
    op.create_table(
        "hub_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("local_id", sa.String(200), nullable=False, unique=True),
        sa.Column("datestamp", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("access", sa.String(16), nullable=False),
        sa.Column("partner_id", sa.String(64), sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("canonical", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "source_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partner_id", sa.String(64), sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("source_key", sa.String(1000), nullable=False),
        sa.Column("source_datestamp", sa.String(40)),
        sa.Column("metadata_prefix", sa.String(64)),
        sa.Column("metadata_namespace", sa.String(400)),
        sa.Column("source_sets", sa.JSON, nullable=False),
        sa.Column("raw", sa.Text),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("harvested_at", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("hub_record_id", sa.Integer, sa.ForeignKey("hub_records.id"), nullable=False),
        sa.UniqueConstraint("partner_id", "source_key"),
    )
    op.create_index("ix_source_records_hub_record_id", "source_records", ["hub_record_id"])
    op.create_table(
        "record_renderings",
        sa.Column("record_id", sa.Integer, sa.ForeignKey("hub_records.id"), primary_key=True),
        sa.Column("prefix", sa.String(64), primary_key=True),
        sa.Column("datestamp", sa.BigInteger, nullable=False),
        sa.Column("record_xml", sa.LargeBinary, nullable=False),
        # Derived from record_xml: VIRTUAL in SQLite (no room taken); PostgreSQL has STORED only.
        sa.Column("header_xml", sa.LargeBinary, sa.Computed(HEADER_SQL[dialect], persisted=dialect != "sqlite")),
    )
    op.create_index("ix_renderings_list", "record_renderings", ["prefix", "datestamp", "record_id"])
    # Keyed in list order; in SQLite the table is that index (see models.RecordSet).
    op.create_table(
        "record_sets",
        sa.Column("set_spec", sa.String(200), nullable=False),
        sa.Column("datestamp", sa.BigInteger, nullable=False),
        sa.Column("record_id", sa.Integer, sa.ForeignKey("hub_records.id"), nullable=False),
        sa.PrimaryKeyConstraint("set_spec", "datestamp", "record_id", name="pk_record_sets"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_record_sets_record_id", "record_sets", ["record_id"])
    op.create_table(
        "oai_sets",
        sa.Column("spec", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("names", sa.JSON, nullable=False),
    )
    op.create_table(
        "record_changes",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.Integer, sa.ForeignKey("hub_records.id"), nullable=False),
        sa.Column("changed_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_record_changes_record_id", "record_changes", ["record_id"])


def downgrade() -> None:
    for table in ("record_changes", "oai_sets", "record_sets", "record_renderings",
                  "source_records", "hub_records", "partners"):
        op.drop_table(table)
