"""Rows inserted as one JSON document (``repository.rows.insert_json_rows``) are the rows a plain
INSERT (``insert_rows``) stores, value for value and type for type, on both databases."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text, select

from repository.rows import insert_json_rows, insert_rows, json_rows
from repository.store import Store

COLUMNS = ("name", "number", "flag", "text", "maybe_text", "maybe_number")

ROWS = [
    ("t:қазақ әдебиеті", 1, True, "Абай жолы", None, 1942),
    ("t:\"quoted\" \\ back\\slash", -7, False, "line\nbreak\ttab", "ǵ ń ū́ — «»", None),
    ("emoji 📚 and 中文", 2**31 - 1, True, "", "", 0),
    ("a'b", 0, False, "   spaces   ", "null", -2**31),
]


def tables(store: Store) -> tuple[Table, Table]:
    metadata = MetaData()
    made = [Table(name, metadata, Column("name", String(300)), Column("number", Integer), Column("flag", Boolean),
                  Column("text", Text), Column("maybe_text", Text), Column("maybe_number", Integer))
            for name in ("plain_rows", "json_rows")]
    metadata.create_all(store.engine)
    return made[0], made[1]


def test_json_rows_store_what_a_plain_insert_stores(store: Store) -> None:
    plain, from_json = tables(store)
    with store.engine.begin() as conn:
        insert_rows(conn, plain, COLUMNS, ROWS)
        insert_json_rows(conn, from_json, COLUMNS, json_rows(ROWS))
        stored = [sorted(conn.execute(select(table)).all()) for table in (plain, from_json)]
    assert stored[0] == stored[1]
    assert sorted(ROWS) == stored[1]
    assert {type(value) for row in stored[1] for value in row[:3]} == {str, int, bool}


def test_an_empty_document_inserts_nothing(store: Store) -> None:
    _, from_json = tables(store)
    with store.engine.begin() as conn:
        insert_json_rows(conn, from_json, COLUMNS, json_rows([]))
        assert conn.execute(select(from_json)).all() == []
