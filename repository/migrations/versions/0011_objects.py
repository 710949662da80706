"""The catalogue of deposited copies and cooperation agreements.

Revision ID: 0011_objects
Revises: 0010_one_xml_rule

The copies themselves live in the OCFL storage root (``objects/storage.py``); these tables
catalogue it and can be rebuilt from it (``kazneb objects rebuild``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_objects"
down_revision = "0010_one_xml_rule"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("partner_id", sa.String(64), sa.ForeignKey("partners.id"), nullable=False, index=True),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("signed", sa.String(10), nullable=False),
        sa.Column("term_years", sa.Integer, nullable=False),
        sa.Column("levels", sa.JSON, nullable=False),
        sa.Column("notice", sa.String(10)),
        sa.Column("scan_name", sa.String(400), nullable=False),
        sa.Column("recorded_at", sa.BigInteger, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "digital_objects",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("partner_id", sa.String(64), sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("source_key", sa.String(1000), nullable=False),
        sa.Column("local_id", sa.String(200), nullable=False, index=True),
        sa.Column("access", sa.String(16), nullable=False),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("withdrawn_reason", sa.Text),
        sa.Column("head", sa.Integer, nullable=False),
        sa.Column("rights_holder", sa.String(400)),
        sa.Column("copyright", sa.String(40), nullable=False),
        sa.Column("licence", sa.String(1000)),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_objects_record", "digital_objects", ["partner_id", "source_key"])
    op.create_table(
        "object_versions",
        sa.Column("object_id", sa.String(64), sa.ForeignKey("digital_objects.id"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("deposited_by", sa.String(200), nullable=False),
        sa.Column("consent_name", sa.String(400), nullable=False),
        sa.Column("quality", sa.JSON, nullable=False),
    )
    op.create_table(
        "object_files",
        sa.Column("object_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("logical_path", sa.String(1000), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha512", sa.String(128), nullable=False),
        sa.Column("media_type", sa.String(100)),
        sa.Column("pages", sa.Integer),
        sa.Column("content_path", sa.String(1200), nullable=False),
        sa.Column("partner_digests", sa.JSON, nullable=False),
    )
    op.create_table(
        "stored_files",
        sa.Column("ocfl_id", sa.String(200), primary_key=True),
        sa.Column("content_path", sa.String(1200), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha512", sa.String(128), nullable=False),
        sa.Column("checked_at", sa.BigInteger),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_index("ix_stored_files_checked", "stored_files", ["checked_at"])


def downgrade() -> None:
    op.drop_index("ix_stored_files_checked", "stored_files")
    op.drop_table("stored_files")
    op.drop_table("object_files")
    op.drop_table("object_versions")
    op.drop_index("ix_objects_record", "digital_objects")
    op.drop_table("digital_objects")
    op.drop_table("agreements")
