"""The block index becomes consolidation's, kept by clustering runs, with what blocking reads.

Revision ID: 0015_block_index
Revises: 0014_consolidation

Until now the store wrote a record's blocks (``record_blocks``) in the transaction that wrote the
record: three to five rows in two b-trees, half of what matching keys cost a harvest.  The
clustering runs now keep the index (``consolidation/blockindex.py``), indexing what the change
log says was written since the last run, and each row carries the record's edition, volume,
year, languages and whether it is a serial, so that placing new records reads their neighbours'
blocks and never their keys.  The table is made again empty; the next ``kazneb cluster build``
(or the scheduler's step) indexes every record with keys, once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_block_index"
down_revision = "0014_consolidation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_record_blocks_record_id", table_name="record_blocks")
    op.drop_table("record_blocks")
    _create(with_pairing=True)


def downgrade() -> None:
    # The store of 0014 writes blocks with each record and computes keys only for records that
    # have none: without keys, every record gets its keys and blocks again at the first build.
    op.execute("DELETE FROM record_keys")
    op.drop_index("ix_record_blocks_record_id", table_name="record_blocks")
    op.drop_table("record_blocks")
    _create(with_pairing=False)


def _create(with_pairing: bool) -> None:
    pairing = [sa.Column("serial", sa.Boolean, nullable=False), sa.Column("edition", sa.Text, nullable=False),
               sa.Column("volume", sa.Text), sa.Column("year", sa.Integer),
               sa.Column("languages", sa.Text, nullable=False)] if with_pairing else []
    op.create_table(
        "record_blocks",
        sa.Column("block", sa.String(300), primary_key=True),
        sa.Column("record_id", sa.Integer, sa.ForeignKey("hub_records.id"), primary_key=True),
        *pairing,
        sqlite_with_rowid=False,
    )
    op.create_index("ix_record_blocks_record_id", "record_blocks", ["record_id"])
