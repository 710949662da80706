"""The harvester's tables: runs (with their checkpoint), pending deletions, quarantine, locks.

They live beside the store's tables (same ``Base``) so that a page's records and the
run's checkpoint commit in one transaction.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from repository.models import Base


class HarvestRun(Base):
    """One harvest of one list (partner, set, format), and where it has got to."""

    __tablename__ = "harvest_runs"
    __table_args__ = (Index("ix_harvest_runs_list", "partner_id", "set_spec", "metadata_prefix", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    set_spec: Mapped[str] = mapped_column(String(200), default="")
    metadata_prefix: Mapped[str] = mapped_column(String(64))
    metadata_namespace: Mapped[str] = mapped_column(String(400), default="")
    kind: Mapped[str] = mapped_column(String(16))  # full, incremental, files
    from_date: Mapped[str | None] = mapped_column(String(40))
    granularity: Mapped[str] = mapped_column(String(32), default="YYYY-MM-DDThh:mm:ssZ")
    deleted_policy: Mapped[str] = mapped_column(String(16), default="no")
    status: Mapped[str] = mapped_column(String(16))  # running, succeeded, failed, held, rejected
    phase: Mapped[str] = mapped_column(String(16), default="listing")  # listing, finishing
    track_seen: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[int] = mapped_column(BigInteger)
    finished_at: Mapped[int | None] = mapped_column(BigInteger)
    response_date: Mapped[str | None] = mapped_column(String(40))
    token: Mapped[str | None] = mapped_column(Text)
    complete_list_size: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    seen: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    restarts: Mapped[int] = mapped_column(Integer, default=0)
    resumed: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    #: kind → {"count": n, "examples": [...]}
    errors: Mapped[dict] = mapped_column(JSON, default=dict)
    #: file deliveries: digest of partner, path and file sizes/times (a re-run of a crashed
    #: delivery is recognised by it) and the last stored batch ({"file": i, "name": ..., "record": n})
    delivery: Mapped[str | None] = mapped_column(String(64))
    checkpoint: Mapped[dict | None] = mapped_column(JSON)


class PendingDeletion(Base):
    """A deletion a run has found; applied when the run ends, unless the run is held."""

    __tablename__ = "harvest_pending_deletions"

    run_id: Mapped[int] = mapped_column(ForeignKey("harvest_runs.id"), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(1000), primary_key=True)


class SeenRecord(Base):
    """A record a full re-harvest has seen (to find the ones that disappeared)."""

    __tablename__ = "harvest_seen"

    run_id: Mapped[int] = mapped_column(ForeignKey("harvest_runs.id"), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(1000), primary_key=True)


class QuarantinedRecord(Base):
    """A record that could not be parsed, crosswalked or stored, with its raw text.

    Records of delivered files also keep their exact bytes (``raw_bytes``: ISO 2709 in
    MARC-8 or Windows-1251 is not text), how to read them again (``file_format``
    ``marc21`` or ``xml``; for XML the file's encoding and the namespace declarations in
    scope, ``file_context``) and where they were (``file_name``, ``file_position``).
    """

    __tablename__ = "harvest_quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(64), index=True)
    run_id: Mapped[int | None] = mapped_column(Integer)
    source_key: Mapped[str] = mapped_column(String(1000))
    metadata_prefix: Mapped[str | None] = mapped_column(String(64))
    metadata_namespace: Mapped[str | None] = mapped_column(String(400))
    error: Mapped[str] = mapped_column(Text)
    raw: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, resolved, superseded
    raw_bytes: Mapped[bytes | None] = mapped_column(LargeBinary)
    file_format: Mapped[str | None] = mapped_column(String(16))
    file_encoding: Mapped[str | None] = mapped_column(String(40))
    file_context: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(1000))
    file_position: Mapped[int | None] = mapped_column(Integer)


class HarvestLock(Base):
    """Held while a partner is being harvested; stale holders are taken over."""

    __tablename__ = "harvest_locks"

    partner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[int] = mapped_column(BigInteger)
    heartbeat_at: Mapped[int] = mapped_column(BigInteger)
