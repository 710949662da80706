"""Many rows at a time: inserted straight through the database driver, or taken in chunks.

For the rows a harvest writes by the thousand (hub and source records, renderings, set rows, the
change log, matching keys and blocks) SQLAlchemy's per-row parameter processing costs more than
the database's own work; the values are already what the driver takes (int, str, bytes).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from sqlalchemy import Connection, Table

T = TypeVar("T")


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """A plain INSERT of ``rows`` (tuples in ``columns`` order) into ``table``."""
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(sql, list(rows))


def chunks(values: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``values`` ``size`` at a time: the ids of an ``IN (...)`` list, whose length databases bound."""
    for start in range(0, len(values), size):
        yield values[start:start + size]
