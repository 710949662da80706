"""Fixtures of the harvester tests: partners registered in the store, and store inspection
(the scripted partners themselves are `scripted` in tests/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from harvester.partners import PartnerConfig, save_partner
from repository.models import HubRecord, SourceRecord


def register(store, url: str, partner_id: str = "p1", **options) -> PartnerConfig:  # type: ignore[no-untyped-def]
    """A partner with test-friendly retry delays, saved in the store."""
    options = {"retry_base_delay": 0.01, "rate_limit": 0.0, "timeout": 5.0, "retry_after_cap": 3.0,
               **options}
    config = PartnerConfig(id=partner_id, base_url=url, **options)
    with store.session() as session:
        save_partner(store, session, config)
    return config


@dataclass(frozen=True)
class Stored:
    title: str | None
    deleted: bool
    datestamp: int


def stored(store, partner_id: str = "p1") -> dict[str, Stored]:  # type: ignore[no-untyped-def]
    """source key → (main title, tombstone?, hub datestamp) of every record of the partner."""
    with store.session() as session:
        rows = session.execute(select(SourceRecord, HubRecord).join(
            HubRecord, HubRecord.id == SourceRecord.hub_record_id).where(SourceRecord.partner_id == partner_id))
        result = {}
        for source, hub in rows:
            titles = (source.canonical or {}).get("titles") or [{}]
            result[source.source_key] = Stored(titles[0].get("value"), source.deleted, hub.datestamp)
        return result


def live(store, partner_id: str = "p1") -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    """source key → title of the partner's records that are not tombstones."""
    return {k: v.title for k, v in stored(store, partner_id).items() if not v.deleted}
