"""The harvester's tables: runs, pending deletions, seen records, quarantine, locks.

Revision ID: 0002_harvester
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_harvester"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "harvest_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partner_id", sa.String(64), sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("set_spec", sa.String(200), nullable=False),
        sa.Column("metadata_prefix", sa.String(64), nullable=False),
        sa.Column("metadata_namespace", sa.String(400), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_date", sa.String(40)),
        sa.Column("granularity", sa.String(32), nullable=False),
        sa.Column("deleted_policy", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("track_seen", sa.Boolean, nullable=False),
        sa.Column("started_at", sa.BigInteger, nullable=False),
        sa.Column("finished_at", sa.BigInteger),
        sa.Column("response_date", sa.String(40)),
        sa.Column("token", sa.Text),
        sa.Column("complete_list_size", sa.Integer),
        *[sa.Column(name, sa.Integer, nullable=False) for name in (
            "pages", "seen", "new", "updated", "unchanged", "deleted", "quarantined",
            "requests", "retries", "restarts", "resumed")],
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("errors", sa.JSON, nullable=False),
    )
    op.create_index("ix_harvest_runs_list", "harvest_runs", ["partner_id", "set_spec", "metadata_prefix", "id"])
    op.create_table(
        "harvest_pending_deletions",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("harvest_runs.id"), primary_key=True),
        sa.Column("source_key", sa.String(1000), primary_key=True),
    )
    op.create_table(
        "harvest_seen",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("harvest_runs.id"), primary_key=True),
        sa.Column("source_key", sa.String(1000), primary_key=True),
    )
    op.create_table(
        "harvest_quarantine",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("run_id", sa.Integer),
        sa.Column("source_key", sa.String(1000), nullable=False),
        sa.Column("metadata_prefix", sa.String(64)),
        sa.Column("metadata_namespace", sa.String(400)),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("raw", sa.Text),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_index("ix_harvest_quarantine_partner_id", "harvest_quarantine", ["partner_id"])
    op.create_table(
        "harvest_locks",
        sa.Column("partner_id", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("acquired_at", sa.BigInteger, nullable=False),
        sa.Column("heartbeat_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in ("harvest_locks", "harvest_quarantine", "harvest_seen",
                  "harvest_pending_deletions", "harvest_runs"):
        op.drop_table(table)
