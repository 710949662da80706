"""File deliveries: quarantined records keep their exact bytes, file and position; runs keep a checkpoint.

Revision ID: 0003_file_deliveries
Revises: 0002_harvester
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_file_deliveries"
down_revision = "0002_harvester"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the exact bytes of a record read from a delivered file (ISO 2709 in MARC-8 or
    # Windows-1251 is not text), how to read them again, and where they came from
    op.add_column("harvest_quarantine", sa.Column("raw_bytes", sa.LargeBinary))
    op.add_column("harvest_quarantine", sa.Column("file_format", sa.String(16)))
    op.add_column("harvest_quarantine", sa.Column("file_encoding", sa.String(40)))
    op.add_column("harvest_quarantine", sa.Column("file_context", sa.Text))
    op.add_column("harvest_quarantine", sa.Column("file_name", sa.String(1000)))
    op.add_column("harvest_quarantine", sa.Column("file_position", sa.Integer))
    # a file delivery's identity (partner, path, file sizes and times) and how far it got
    op.add_column("harvest_runs", sa.Column("delivery", sa.String(64)))
    op.add_column("harvest_runs", sa.Column("checkpoint", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("harvest_runs") as batch:
        batch.drop_column("checkpoint")
        batch.drop_column("delivery")
    with op.batch_alter_table("harvest_quarantine") as batch:
        for column in ("file_position", "file_name", "file_context", "file_encoding", "file_format", "raw_bytes"):
            batch.drop_column(column)
