"""The change log loses its index on ``record_id``: nothing reads the log by record.

Revision ID: 0005_changes_by_seq_only
Revises: 0004_file_record_keys

The search indexer reads ``record_changes`` by ``seq`` only (its primary key), so the index
on ``record_id`` was one more b-tree insert for every record written, and one more set of
pages to keep, for no query.
"""

from alembic import op

revision = "0005_changes_by_seq_only"
down_revision = "0004_file_record_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_record_changes_record_id", table_name="record_changes")


def downgrade() -> None:
    op.create_index("ix_record_changes_record_id", "record_changes", ["record_id"])
