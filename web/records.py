"""A hub record as the API and the record page show it, with links to its OAI renderings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from crosswalks.formats import FORMATS
from repository.publishing import record_path, without_partner_files

#: Actions each access level allows a reader (in the order the record page shows them).
ACTIONS: dict[str, tuple[str, ...]] = {
    "open": ("download", "read_online"),
    "read-only": ("read_online",),
    "preview-24": ("download_first_24_pages", "read_online"),
}


def record_json(view, base_url: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The full record: canonical fields, access, holdings and OAI-PMH links."""
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
        "record": without_partner_files(view.canonical, view.access).to_dict(),
        "links": {"self": f"{base}/api/records/{path}", "page": f"{base}{record_path(view.local_id)}",
                  "oai": oai},
    }
