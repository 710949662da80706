"""A source record can carry its own access level (``kazneb ingest/import --access``).

Revision ID: 0007_record_own_access
Revises: 0006_header_length

Before this revision a level given on the command line was written to the hub record
only, and the next harvest or delivery of the same record replaced it with the
partner's rules.  The level given to the record itself is now kept with its source
record and wins over the partner's rules (see ``repository/levels.py``).  Existing
records have none: their level keeps coming from their partner, as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_record_own_access"
down_revision = "0006_header_length"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("source_records", sa.Column("own_access", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("source_records") as batch:
        batch.drop_column("own_access")
