"""A hub record as the API and the record page show it, with links to its OAI renderings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from consolidation.related import Edition, other_language_editions
from crosswalks.formats import FORMATS
from repository.publishing import record_path, without_partner_files

#: Actions each access level allows a reader (in the order the record page shows them).
ACTIONS: dict[str, tuple[str, ...]] = {
    "open": ("download", "read_online"),
    "read-only": ("read_online",),
    "preview-24": ("download_first_24_pages", "read_online"),
}


def record_json(view, base_url: str, related: Sequence[Edition]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The full record: canonical fields, access, holdings, its other-language editions and OAI-PMH links.

    ``access`` and ``actions`` are the record's: for a merged record (consolidation) the most open
    level some holding offers.  ``holdings`` lists the partner records it publishes, each with its
    own level and the actions that level allows (one holding for a record that stands alone).
    ``related`` (:func:`related_editions`) is asked for, so that no caller leaves it out."""
    base = base_url.rstrip("/")
    oai = {prefix: f"{base}/oai?" + urlencode({"verb": "GetRecord", "identifier": view.oai_identifier,
                                               "metadataPrefix": prefix})
           for prefix in FORMATS}
    path = quote(view.local_id, safe=":/")  # a local id may hold '%' and '?'
    return {
        "id": view.local_id,
        "oai_identifier": view.oai_identifier,
        "datestamp": datetime.fromtimestamp(view.datestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "deleted": bool(view.deleted),
        "access": view.access,
        "actions": list(ACTIONS.get(view.access, ())),
        "partners": list(view.partner_ids),
        "holdings": holdings_json(view),
        "record": without_partner_files(view.canonical, view.access).to_dict(),
        "related": [edition_json(edition, base) for edition in related],
        "links": {"self": f"{base}/api/records/{path}", "page": f"{base}{record_path(view.local_id)}",
                  "oai": oai},
    }


def holdings_json(view) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Each partner record the hub record publishes: partner, OAI identifier, its own level and the
    actions that level allows."""
    return [{"partner": h.partner, "identifier": h.identifier, "access": h.access,
             "actions": list(ACTIONS.get(h.access or "", ()))} for h in view.holdings()]


def related_editions(store, view) -> list[Edition]:  # type: ignore[no-untyped-def]
    """The published records holding ``view``'s work in other languages (translations that
    consolidation relates, never merges); none for a deleted or absorbed record, which publishes
    nothing of its own."""
    if view.deleted:
        return []
    with store.reading() as session:
        return other_language_editions(session.connection(), view.id)


def edition_json(edition: Edition, base: str) -> dict[str, Any]:
    """One other-language edition: its local id, title, languages, year and page."""
    return {"id": edition.local_id, "title": edition.title, "languages": list(edition.languages),
            "year": edition.year, "url": f"{base}{record_path(edition.local_id)}"}
