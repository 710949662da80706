"""Failures of the embedded engine's folder are errors that say what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from search.embedded import EmbeddedEngine
from search.engine import SearchError, SearchRequest


def test_alias_naming_a_missing_generation(tmp_path: Path) -> None:
    engine = EmbeddedEngine(tmp_path)
    live = engine.create()
    shutil.rmtree(tmp_path / live)
    with pytest.raises(SearchError, match="kazneb index rebuild"):
        EmbeddedEngine(tmp_path).search(SearchRequest())


def test_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    first, second = EmbeddedEngine(tmp_path), EmbeddedEngine(tmp_path)
    first.create()
    first.delete(["nothing"])  # takes the writer lock
    with pytest.raises(SearchError, match="locked by another writer"):
        second.delete(["nothing"])
    first.commit(1)
    first.close()
    second.delete(["nothing"])
    second.commit(2)
    assert EmbeddedEngine(tmp_path).position() == 2


def test_a_new_folder_starts_empty_at_position_zero(tmp_path: Path) -> None:
    engine = EmbeddedEngine(tmp_path / "new")
    assert (engine.count(), engine.position()) == (0, 0)
    assert engine.search(SearchRequest()).total == 0


def test_an_index_of_another_schema_is_refused_with_advice(tmp_path: Path) -> None:
    import tantivy

    engine = EmbeddedEngine(tmp_path)
    live = engine.create()
    shutil.rmtree(tmp_path / live)
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title")
    (tmp_path / live).mkdir()
    tantivy.Index(builder.build(), path=str(tmp_path / live))  # an index left by an older schema
    with pytest.raises(SearchError, match="kazneb index rebuild"):
        EmbeddedEngine(tmp_path).count()
