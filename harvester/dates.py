"""OAI-PMH datestamps at either granularity, and the ``from`` of an incremental harvest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

SECONDS = "YYYY-MM-DDThh:mm:ssZ"
DAYS = "YYYY-MM-DD"


def parse_datestamp(value: str) -> datetime:
    """A UTC datetime from ``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ssZ`` (fractions tolerated)."""
    text = value.strip()
    if len(text) == 10:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    text = text.rstrip("Zz").split(".")[0]
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def format_datestamp(moment: datetime, granularity: str) -> str:
    if granularity == DAYS:
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def incremental_from(response_date: str, granularity: str) -> str:
    """``from`` for the next run: the last responseDate less one granule (the overlap)."""
    granule = timedelta(days=1) if granularity == DAYS else timedelta(seconds=1)
    return format_datestamp(parse_datestamp(response_date) - granule, granularity)


def normal_granularity(value: str) -> str:
    """Identify's granularity, or seconds when the partner states something unknown."""
    return DAYS if value.strip() == DAYS else SECONDS
