"""Alembic migrations of the store (`kazneb init` runs them; see ``env.py``)."""

#: ``<header>...</header>`` of ``<record><header>...</header>...``: bytes 9 to the end of
#: ``</header>`` (1-based), whose length is where ``</header>`` starts.  Migrations 0001-0005
#: derived ``record_renderings.header_xml`` with it; 0006 stores the length instead.
HEADER_SQL = {
    "sqlite": "substr(record_xml, 9, instr(record_xml, CAST('</header>' AS BLOB)))",
    "postgresql": "substring(record_xml from 9 for position(CAST('\\x3c2f6865616465723e' AS bytea) in record_xml))",
}
