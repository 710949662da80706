"""Alembic migrations of the store (`kazneb init` runs them; see ``env.py``)."""

#: Where ``</header>`` starts in a stored ``<record>``, counted from 1: the length of its
#: ``<header>``, which starts at byte 9, right after ``<record>``.
HEADER_END = {
    "sqlite": "instr(record_xml, CAST('</header>' AS BLOB))",
    "postgresql": "position(CAST('\\x3c2f6865616465723e' AS bytea) in record_xml)",
}
#: The ``<header>`` itself: migrations 0001-0005 derived ``record_renderings.header_xml`` with
#: it (a generated column); 0006 stores the length instead.
HEADER_SQL = {dialect: f"substr(record_xml, 9, {end})" for dialect, end in HEADER_END.items()}
