"""Records that are not open stop republishing their partners' file links.

Revision ID: 0013_partner_files_withheld
Revises: 0012_record_copy_level

Since issue 20 section 5, only an open record republishes the partner's own links to its files
(``repository.publishing.without_partner_files``): for a read-only or preview-24 record they
would be a download around the hub's enforced routes.  The rule applies when a record is
rendered, so the records rendered before it still serve their partner's file URLs in oai_dc,
MARC and MODS.  Exactly those records are published again through the store
(``Store.republish``, as 0010 did): new renderings without the partner's links, a new datestamp
(a harvester takes them again), a change-log entry.  They are the live hub records

* whose level is not open: the level of their live deposited copy (``copy_access``, rule 0 of
  ``repository/levels.py``) when they have one, else their own (``access``); and
* whose canonical record holds a digital object of the partner's (one not ``in_context``).

A record with a live copy links to its page on the hub, built from ``hub.base_url``, which a
migration is not told (0012): the base is read back from the link its stored renderings already
hold, so the link is published again exactly as it was.  The namespace of the OAI identifiers
is read from a stored header (0010).  Run it while nothing else writes, as every migration.
"""

import json
import re
from collections import Counter
from xml.sax.saxutils import unescape

import sqlalchemy as sa
from alembic import op

revision = "0013_partner_files_withheld"
down_revision = "0012_record_copy_level"
branch_labels = None
depends_on = None

#: The only level whose records republish the partner's file links (``publishing.FILES_REPUBLISHED_AT``).
_OPEN = "open"
_IDENTIFIER = re.compile(rb"<identifier>oai:(.+?)</identifier>")


def affected_records(conn: sa.Connection) -> list[int]:
    """Ids of the live hub records not open whose canonical record holds a partner's digital object."""
    rows = conn.execute(sa.text(
        "SELECT id, canonical FROM hub_records WHERE NOT deleted AND COALESCE(copy_access, access) <> :open")
        .bindparams(open=_OPEN).execution_options(yield_per=1000))
    found = []
    for hub_id, canonical in rows:
        record = json.loads(canonical) if isinstance(canonical, str) else (canonical or {})
        if any(not item.get("in_context") for item in record.get("objects") or []):
            found.append(hub_id)
    return sorted(found)


def hub_namespace(conn: sa.Connection, hub_id: int) -> str:
    """The namespace in a record's stored OAI identifier, ``oai:<namespace>:<local id>``."""
    local_id, record_xml = conn.execute(sa.text(
        "SELECT h.local_id, r.record_xml FROM hub_records h JOIN record_renderings r ON r.record_id = h.id"
        " WHERE h.id = :id LIMIT 1"), {"id": hub_id}).one()
    found = _IDENTIFIER.search(bytes(record_xml))
    assert found is not None, f"hub record {hub_id}: no identifier in its stored header"
    return found.group(1).decode("utf-8")[: -len(local_id) - 1]


def copy_link_bases(conn: sa.Connection, hub_ids: list[int]) -> dict[int, str]:
    """Hub id -> the base URL its renderings link its page with, for the records with a live copy.
    One whose renderings hold no such link (none should) gets the base the others were found with."""
    from repository.publishing import record_path

    found: dict[int, str | None] = {}
    for start in range(0, len(hub_ids), 500):
        rows = conn.execute(sa.text(
            "SELECT id, local_id FROM hub_records WHERE copy_access IS NOT NULL AND id IN :ids")
            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": hub_ids[start:start + 500]})
        for hub_id, local_id in rows:
            link = re.compile(rb">([^<>]*)" + re.escape(record_path(local_id).encode("utf-8")) + rb"<")
            renderings = conn.execute(sa.text("SELECT record_xml FROM record_renderings WHERE record_id = :id"),
                                      {"id": hub_id}).scalars()
            bases = [match.group(1) for xml in renderings if (match := link.search(bytes(xml)))]
            found[hub_id] = unescape(bases[0].decode("utf-8")) if bases else None
    usual = Counter(base for base in found.values() if base is not None).most_common(1)
    return {hub_id: base if base is not None else (usual[0][0] if usual else "") for hub_id, base in found.items()}


def upgrade() -> None:
    conn = op.get_bind()
    hub_ids = affected_records(conn)
    if not hub_ids:
        return
    from repository.store import Store

    namespace = hub_namespace(conn, hub_ids[0])
    bases = copy_link_bases(conn, hub_ids)
    by_base: dict[str, list[int]] = {}
    for hub_id in hub_ids:
        by_base.setdefault(bases.get(hub_id, ""), []).append(hub_id)
    for base_url, ids in sorted(by_base.items()):
        store = Store(conn.engine, namespace, base_url)
        with store.session(connection=conn) as session:
            store.republish(session, ids, editions=False)  # no editions before 0017


def downgrade() -> None:
    """Nothing to undo: the records republished keep their renderings without the partner's links."""
