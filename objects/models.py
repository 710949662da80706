"""The catalogue of the depository storage: tables the storage root can always rebuild.

The OCFL storage root (``objects/storage.py``) and its event log are the record of truth;
these tables let the hub answer quickly (which copies a record has, at which level, when each
stored file was last checked).  ``kazneb objects rebuild`` refills them from the root alone.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from repository.models import Base


class Agreement(Base):
    """A partner's cooperation agreement with the National Academic Library (one in force at a time)."""

    __tablename__ = "agreements"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    signed: Mapped[str] = mapped_column(String(10))  # ISO date
    term_years: Mapped[int] = mapped_column(Integer, default=5)
    levels: Mapped[list] = mapped_column(JSON)
    notice: Mapped[str | None] = mapped_column(String(10))  # ISO date of a written notice
    scan_name: Mapped[str] = mapped_column(String(400))
    recorded_at: Mapped[int] = mapped_column(BigInteger)
    recorded_by: Mapped[str] = mapped_column(String(200))


class DigitalObject(Base):
    """One deposited copy of one partner's record; its versions are in OCFL."""

    __tablename__ = "digital_objects"
    __table_args__ = (Index("ix_objects_record", "partner_id", "source_key"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    source_key: Mapped[str] = mapped_column(String(1000))
    local_id: Mapped[str] = mapped_column(String(200), index=True)
    access: Mapped[str] = mapped_column(String(16))
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    head: Mapped[int] = mapped_column(Integer)
    rights_holder: Mapped[str | None] = mapped_column(String(400))
    copyright: Mapped[str] = mapped_column(String(40))
    licence: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class ObjectVersion(Base):
    """One immutable version of an object: who deposited it, when, and what the checks found."""

    __tablename__ = "object_versions"

    object_id: Mapped[str] = mapped_column(ForeignKey("digital_objects.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    deposited_by: Mapped[str] = mapped_column(String(200))
    consent_name: Mapped[str] = mapped_column(String(400))
    quality: Mapped[dict] = mapped_column(JSON, default=dict)


class ObjectFile(Base):
    """A file of one version: a page file of the copy, its consent, or the hub's metadata file."""

    __tablename__ = "object_files"

    object_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    logical_path: Mapped[str] = mapped_column(String(1000), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # payload | consent | metadata
    position: Mapped[int | None] = mapped_column(Integer)  # order of a payload file among the pages
    size: Mapped[int] = mapped_column(BigInteger)
    sha512: Mapped[str] = mapped_column(String(128))
    media_type: Mapped[str | None] = mapped_column(String(100))
    pages: Mapped[int | None] = mapped_column(Integer)
    content_path: Mapped[str] = mapped_column(String(1200))
    partner_digests: Mapped[dict] = mapped_column(JSON, default=dict)


class StoredFile(Base):
    """A file as it lies in the storage root (content files are shared by versions): what fixity audits."""

    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_checked", "checked_at"),)

    ocfl_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    content_path: Mapped[str] = mapped_column(String(1200), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    sha512: Mapped[str] = mapped_column(String(128))
    checked_at: Mapped[int | None] = mapped_column(BigInteger)  # the last re-hash, seconds since the epoch
    #: unchecked | ok | mismatch | missing | unreadable (objects/fixity.py)
    status: Mapped[str] = mapped_column(String(16), default="unchecked")
