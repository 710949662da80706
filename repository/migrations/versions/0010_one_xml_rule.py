"""Records that published DEL or C1 control characters are published again without them.

Revision ID: 0010_one_xml_rule
Revises: 0009_installation

Until now the crosswalks' values dropped DEL and the C1 controls (U+007F-U+009F but NEL,
mis-decoded text), while the provider's headers and provenance, the raw records and the
canonical JSON kept them: they are legal XML 1.0.  One rule now holds everywhere
(``crosswalks/xmlchars.py``, docs/developers/crosswalks.md).  A record whose canonical JSON or
provenance (the partner's identifier and datestamp, the metadata namespace, the partner's
base URL) holds one of them therefore publishes different text: exactly those records are
published again through the store (``Store.republish``): cleaned JSON and content hash,
new renderings and a new datestamp, a change-log entry for the search index.  Raw records
are not published; each is cleaned the next time its partner sends it.

The store publishes the records with the OAI identifiers they already have: the hub's
namespace is read from one of their stored headers.  Run it while nothing else writes (as
every migration): the records are stamped under the commit fence, committed with the
migration.  The store's code is today's, its schema this revision's: columns added later
(0012's ``hub_records.copy_access``, 0017's ``editions``) are left out
(``Store.republish(copies=False, editions=False)``).
"""

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0010_one_xml_rule"
down_revision = "0009_installation"
branch_labels = None
depends_on = None

#: The characters this revision starts dropping (``crosswalks.xmlchars.MOJIBAKE_CONTROLS`` when written).
_NEWLY_DROPPED = re.compile("[\x7f-\x84\x86-\x9f]")
_IDENTIFIER = re.compile(rb"<identifier>oai:(.+?)</identifier>")


def affected_records(conn: sa.Connection) -> list[int]:
    """Ids of the live hub records whose published text holds a character the rule now drops."""
    rows = conn.execute(sa.text(
        "SELECT h.id, h.canonical, s.source_key, s.source_datestamp, s.metadata_namespace, p.base_url"
        " FROM hub_records h JOIN source_records s ON s.hub_record_id = h.id"
        " LEFT JOIN partners p ON p.id = h.partner_id WHERE NOT h.deleted").execution_options(yield_per=1000))
    found = []
    for hub_id, canonical, *provenance in rows:
        texts = [canonical if isinstance(canonical, str) else json.dumps(canonical, ensure_ascii=False)]
        texts += [value for value in provenance if value]
        if any(_NEWLY_DROPPED.search(value) for value in texts):
            found.append(hub_id)
    return sorted(set(found))


def hub_namespace(conn: sa.Connection, hub_id: int) -> str:
    """The namespace in a record's stored OAI identifier, ``oai:<namespace>:<local id>``."""
    local_id, record_xml = conn.execute(sa.text(
        "SELECT h.local_id, r.record_xml FROM hub_records h JOIN record_renderings r ON r.record_id = h.id"
        " WHERE h.id = :id LIMIT 1"), {"id": hub_id}).one()
    found = _IDENTIFIER.search(bytes(record_xml))
    assert found is not None, f"hub record {hub_id}: no identifier in its stored header"
    identifier = found.group(1).decode("utf-8")
    return identifier[: -len(local_id) - 1]


def upgrade() -> None:
    conn = op.get_bind()
    hub_ids = affected_records(conn)
    if not hub_ids:
        return
    from repository.store import Store

    store = Store(conn.engine, hub_namespace(conn, hub_ids[0]))
    with store.session(connection=conn) as session:
        store.republish(session, hub_ids, copies=False, editions=False)  # no copies before 0012, editions 0017


def downgrade() -> None:
    """Nothing to undo: the records republished keep their cleaned text and new datestamp."""
