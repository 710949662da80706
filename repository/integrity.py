"""Checking that every stored reference points at a row that exists.

PostgreSQL enforces the foreign keys on every write.  SQLite does only when asked
(``PRAGMA foreign_keys``), and asking costs a parent lookup for every child row: about 6 %
of a harvest's CPU time at 300,000 records (bench/RESULTS.md, "Session 6").  The store writes
parents first in the same transaction, so the hub leaves SQLite's enforcement off by default
(``database.sqlite_foreign_keys``) and checks afterwards instead: here, in ``kazneb check``,
and in the tests (after each test on the suite's store fixture, and after crash and resume).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.sql import func

from repository.models import Base


@dataclass(frozen=True)
class DanglingReferences:
    """Rows of ``table`` whose ``column`` names a missing ``parent`` row."""

    table: str
    column: str
    parent: str
    count: int
    missing: tuple[object, ...]  # the first few values of ``column`` that name no parent

    def __str__(self) -> str:
        shown = ", ".join(map(str, self.missing))
        return f"{self.table}.{self.column} -> {self.parent}: {self.count} row(s) name a missing row ({shown})"


def dangling_references(engine: Engine, examples: int = 5) -> list[DanglingReferences]:
    """Every foreign key of the models, with the rows that break it (none when all is well)."""
    found = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for key in table.foreign_keys:
                child, parent = key.parent, key.column
                orphan = (select(child.table).where(child.is_not(None))
                          .where(~select(parent).where(parent == child).exists()))
                count = conn.scalar(select(func.count()).select_from(orphan.subquery()))
                if count:
                    missing = conn.execute(orphan.with_only_columns(child).distinct().order_by(child)
                                           .limit(examples)).scalars()
                    found.append(DanglingReferences(table.name, child.name, f"{parent.table.name}.{parent.name}",
                                                    count, tuple(missing)))
    return found
