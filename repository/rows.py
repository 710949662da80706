"""Many rows at a time: inserted straight through the database driver, or taken in chunks.

For the rows a harvest writes by the thousand (hub and source records, renderings, set rows, the
change log, matching keys and blocks) SQLAlchemy's per-row parameter processing costs more than
the database's own work; the values are already what the driver takes (int, str, bytes).

Where another thread has work for the Python lock meanwhile, rows can go as one JSON document
instead (:func:`json_rows`, :func:`insert_json_rows`): the database parses it with the lock
released, where the driver binds each value holding it.  It buys a first clustering run most of
its index rows' binding (``consolidation/blockindex.py``); its equivalence test is
``tests/repository/test_rows.py``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

import orjson
from sqlalchemy import Connection, Table

T = TypeVar("T")


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """A plain INSERT of ``rows`` (tuples in ``columns`` order) into ``table``."""
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(sql, list(rows))


def json_rows(rows: Sequence[tuple]) -> bytes:
    """``rows`` as the document :func:`insert_json_rows` takes: a JSON array of arrays (values
    int, float, str, bool or None)."""
    return orjson.dumps(rows)


def insert_json_rows(conn: Connection, table: Table, columns: Sequence[str], document: bytes) -> None:
    """The INSERT :func:`insert_rows` makes, of rows given as one :func:`json_rows` document, which the
    database takes apart itself (SQLite's ``json_each``, PostgreSQL's ``json_array_elements``, each
    value cast to its column's type)."""
    names = ", ".join(columns)
    if conn.dialect.name == "sqlite":
        values = ", ".join(f"value->>{place}" for place in range(len(columns)))
        sql = f"INSERT INTO {table.name} ({names}) SELECT {values} FROM json_each(?)"
    else:
        types = [table.c[name].type.compile(dialect=conn.dialect) for name in columns]
        values = ", ".join(f"CAST(row->>{place} AS {kind})" for place, kind in enumerate(types))
        sql = f"INSERT INTO {table.name} ({names}) SELECT {values} FROM json_array_elements(CAST(%s AS json)) AS row"
    conn.exec_driver_sql(sql, (document.decode(),))


def chunks(values: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``values`` ``size`` at a time: the ids of an ``IN (...)`` list, whose length databases bound."""
    for start in range(0, len(values), size):
        yield values[start:start + size]
