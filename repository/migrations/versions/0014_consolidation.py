"""Consolidation: each record's matching keys, clusters, links, the operators' decisions, and
what a hub record publishes for its cluster (``hub_records.absorbed_into``, ``published``).

Revision ID: 0014_consolidation
Revises: 0013_partner_files_withheld

Only the tables are made.  Records stored before this revision have no keys yet: the first
``kazneb cluster build`` computes them (``kazneb cluster keys`` alone does just that), and from
then on the store writes a record's keys with the record.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_consolidation"
down_revision = "0013_partner_files_withheld"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("hub_records", sa.Column("absorbed_into", sa.Integer))
    op.create_index("ix_hub_records_absorbed_into", "hub_records", ["absorbed_into"])
    op.add_column("hub_records", sa.Column("published", sa.JSON))
    op.create_table(
        "record_keys",
        sa.Column("record_id", sa.Integer, sa.ForeignKey("hub_records.id"), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("keys_json", sa.Text, nullable=False),
    )
    op.create_table(
        "record_blocks",
        sa.Column("block", sa.String(300), primary_key=True),
        sa.Column("record_id", sa.Integer, sa.ForeignKey("hub_records.id"), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_record_blocks_record_id", "record_blocks", ["record_id"])
    op.create_table(
        "cluster_members",
        sa.Column("record_id", sa.Integer, sa.ForeignKey("hub_records.id"), primary_key=True),
        sa.Column("cluster_id", sa.Integer, nullable=False),
    )
    op.create_index("ix_cluster_members_cluster_id", "cluster_members", ["cluster_id"])
    op.create_table(
        "cluster_links",
        sa.Column("a_id", sa.Integer, sa.ForeignKey("hub_records.id"), primary_key=True),
        sa.Column("b_id", sa.Integer, sa.ForeignKey("hub_records.id"), primary_key=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("parts", sa.JSON, nullable=False),
    )
    op.create_index("ix_cluster_links_b_id", "cluster_links", ["b_id"])
    op.create_index("ix_cluster_links_outcome", "cluster_links", ["outcome"])
    op.create_table(
        "cluster_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("a_partner", sa.String(64), nullable=False),
        sa.Column("a_key", sa.String(1000), nullable=False),
        sa.Column("b_partner", sa.String(64), nullable=False),
        sa.Column("b_key", sa.String(1000), nullable=False),
        sa.Column("decided_at", sa.BigInteger, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
        sa.UniqueConstraint("a_partner", "a_key", "b_partner", "b_key"),
    )
    op.create_table(
        "cluster_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("started_at", sa.BigInteger, nullable=False),
        sa.Column("finished_at", sa.BigInteger, nullable=False),
        sa.Column("report", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("cluster_runs", "cluster_decisions", "cluster_links", "cluster_members", "record_blocks",
                  "record_keys"):
        op.drop_table(table)
    op.drop_index("ix_hub_records_absorbed_into", "hub_records")
    with op.batch_alter_table("hub_records") as batch:
        batch.drop_column("published")
        batch.drop_column("absorbed_into")
