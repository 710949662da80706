"""What a reader is offered for a record: links to the hub's own enforced routes of its live copy.

Why not the partner's link: a partner's file URL is a download around the access decision
(issue 20, section 5).  Each offer is a route of the record's most open live copy that
:func:`objects.access.decide` allows: read online (VIEW), download (DOWNLOAD, open copies), the
first 24 pages (EXCERPT, preview-24 copies only: an open copy's reader downloads the whole).
A record without a live copy keeps the partner's link only when the record is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from objects.access import DOWNLOAD, EXCERPT, VIEW, decide
from objects.models import DigitalObject
from objects.publication import MOST_OPEN_FIRST

#: Reader action → the route it asks and the endpoint that serves it.
ROUTES: tuple[tuple[str, str, str], ...] = (
    ("download", DOWNLOAD, "delivery.download"),
    ("download_first_24_pages", EXCERPT, "delivery.excerpt"),
    ("read_online", VIEW, "viewer.view"),
)


@dataclass(frozen=True)
class Offer:
    action: str
    url: str | None


def live_copies(session: Session, local_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """local id → (object id, level) of its most open live copy, for the records that have one."""
    ids = list(local_ids)
    if not ids:
        return {}
    rows = session.execute(select(DigitalObject.local_id, DigitalObject.id, DigitalObject.access).where(
        DigitalObject.local_id.in_(ids), DigitalObject.withdrawn.is_(False))).all()
    rank = {level: number for number, level in enumerate(MOST_OPEN_FIRST)}
    found: dict[str, tuple[str, str]] = {}
    for local_id, object_id, level in sorted(rows, key=lambda row: (rank.get(row[2], 99), row[1])):
        found.setdefault(local_id, (object_id, level))
    return found


def copy_offers(object_id: str, level: str) -> list[Offer]:
    """The hub's routes of one live copy that its level allows (the excerpt only where the whole is not)."""
    offers = []
    for action, route, endpoint in ROUTES:
        if not decide(level, False, route).allowed:
            continue
        if action == "download_first_24_pages" and decide(level, False, DOWNLOAD).allowed:
            continue
        offers.append(Offer(action, url_for(endpoint, object_id=object_id)))
    return offers


def partner_offers(actions: Iterable[str], access: str, partner_url: str | None) -> list[Offer]:
    """A record without a copy at the hub: the partner's link for an open record, no link otherwise."""
    url = partner_url if access == "open" else None
    return [Offer(action, url) for action in actions]
