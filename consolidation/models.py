"""Tables of consolidation: clusters, the links that made them, and the operators' decisions.

Clusters and links are rebuilt by every ``kazneb cluster build``; decisions are not: they are
the operators' words, stored by the partners' own source keys so that they survive
re-harvests, rebuilds of the store and retuned thresholds.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from repository.models import Base


class RecordBlock(Base):
    """A block a record is compared within (``crosswalks.workkeys.blocks``), with what blocking
    reads of the record (:class:`consolidation.blocking.Pairing`): the index that finds a new
    record's candidates among a million without loading their keys.

    Kept by the clustering runs (``consolidation/blockindex.py``), not by the store: a harvest
    writes a record's keys alone, and the next run indexes what the change log says was written."""

    __tablename__ = "record_blocks"
    __table_args__ = ({"sqlite_with_rowid": False},)

    block: Mapped[str] = mapped_column(String(300), primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("hub_records.id"), primary_key=True, index=True)
    serial: Mapped[bool] = mapped_column(Boolean)
    edition: Mapped[str] = mapped_column(Text)
    volume: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[str] = mapped_column(Text)  # language codes, space-separated


class ClusterMember(Base):
    """A record's cluster: ``cluster_id`` is the hub record id of the member published first."""

    __tablename__ = "cluster_members"

    record_id: Mapped[int] = mapped_column(ForeignKey("hub_records.id"), primary_key=True)
    cluster_id: Mapped[int] = mapped_column(Integer, index=True)


class ClusterLink(Base):
    """A compared pair worth keeping (a match, a pair for review, a veto, a translation), with
    what decided it: ``kazneb cluster explain`` and ``review`` read these."""

    __tablename__ = "cluster_links"

    a_id: Mapped[int] = mapped_column(ForeignKey("hub_records.id"), primary_key=True)
    b_id: Mapped[int] = mapped_column(ForeignKey("hub_records.id"), primary_key=True, index=True)
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    score: Mapped[float] = mapped_column(Float)
    rule: Mapped[str] = mapped_column(String(64))
    parts: Mapped[dict] = mapped_column(JSON)


class ClusterDecision(Base):
    """An operator's ``merge`` (force) or ``forbid`` of a pair, by partner and source key."""

    __tablename__ = "cluster_decisions"
    __table_args__ = (UniqueConstraint("a_partner", "a_key", "b_partner", "b_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(16))
    a_partner: Mapped[str] = mapped_column(String(64))
    a_key: Mapped[str] = mapped_column(String(1000))
    b_partner: Mapped[str] = mapped_column(String(64))
    b_key: Mapped[str] = mapped_column(String(1000))
    decided_at: Mapped[int] = mapped_column(BigInteger)
    decided_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)


class ClusterRun(Base):
    """One clustering run and what it found: the figures ``kazneb cluster status`` reports."""

    __tablename__ = "cluster_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # full, incremental
    started_at: Mapped[int] = mapped_column(BigInteger)
    finished_at: Mapped[int] = mapped_column(BigInteger)
    report: Mapped[dict] = mapped_column(JSON)
