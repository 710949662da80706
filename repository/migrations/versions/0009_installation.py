"""Each store gets its own identity and secret, generated when its database is created.

Revision ID: 0009_installation
Revises: 0008_import_position_keys

Until now every installation signed resumption tokens with the public default secret from
``config/kazneb.toml``, so anyone could sign a token.  The store now holds a random secret
(and a random store id, which the embedded search index carries so that an index built for
another store is refused).  Being in the database, they are the same for every command and
every worker that opens it; ``kazneb secret rotate`` replaces the secret.
"""

import secrets
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0009_installation"
down_revision = "0008_import_position_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "installation",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.bulk_insert(table, [
        {"key": "store_id", "value": uuid.uuid4().hex},
        {"key": "secret_key", "value": secrets.token_urlsafe(32)},
    ])


def downgrade() -> None:
    op.drop_table("installation")
