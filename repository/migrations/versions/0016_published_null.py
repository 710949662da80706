"""A record that publishes no cluster has SQL NULL in ``hub_records.published``, not JSON ``null``.

Revision ID: 0016_published_null
Revises: 0015_block_index

The column was a plain JSON column, so a record absorbed into a cluster or released from one
(``published`` set to None) held the JSON value ``null``, which ``published IS NOT NULL`` counts
as a record publishing a cluster: the store then left a released record's later changes (a
re-harvest, its partner's deletion) to consolidation, which never published them.  The model
now stores None as SQL NULL (``JSON(none_as_null=True)``), and this migration turns the stored
``null`` values into SQL NULL.  It does not publish again the records released before it: a
released record's next write (a re-harvest or a deletion) publishes it as usual.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_published_null"
down_revision = "0015_block_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE hub_records SET published = NULL "
                       "WHERE published IS NOT NULL AND CAST(published AS TEXT) = 'null'"))


def downgrade() -> None:
    """Nothing to undo: SQL NULL is what the older code meant by None."""
