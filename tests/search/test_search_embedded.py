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


@pytest.mark.parametrize("max_candidates", [400, 4])  # 4: every page is past the cap, ranked with the filters
def test_filtered_pages_are_the_same_whether_ranked_before_or_after_filtering(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_candidates: int) -> None:
    import search.embedded
    from crosswalks.model import Description
    from search.document import build_document
    from tests.search.conftest import corpus_views

    monkeypatch.setattr(search.embedded, "MAX_CANDIDATES", max_candidates)
    engine = EmbeddedEngine(tmp_path)
    base = corpus_views()[4]  # Russian, nabrk
    for number in range(12):
        base.local_id = f"nabrk.title-{number}"  # "steppe" in the title ranks before the description
        base.canonical.titles[0].value = "Steppe" if number < 9 else "Other"
        base.canonical.languages = ["rus" if number < 9 else "eng"]
        base.canonical.descriptions = [] if number < 9 else [Description("The steppe")]
        engine.index([build_document(base)])
    engine.commit(12)

    def pages(**filters: list[str]) -> tuple[list[list[str]], list[list[str]]]:
        faceted, plain, cursors = [], [], [None, None]
        while True:  # facets on: rank first, then filter (or fall back); facets off: filtered ranking
            one = engine.search(SearchRequest(q="steppe", size=2, filters=filters, cursor=cursors[0]))
            two = engine.search(SearchRequest(q="steppe", size=2, filters=filters, cursor=cursors[1], facets=False))
            faceted.append([h["id"] for h in one.hits])
            plain.append([h["id"] for h in two.hits])
            cursors = [one.next_cursor, two.next_cursor]
            if cursors == [None, None]:
                return faceted, plain

    faceted, plain = pages(language=["eng"])  # the top 8 unfiltered are all Russian: falls back
    assert faceted == plain and sorted(sum(faceted, [])) == [f"nabrk.title-{n}" for n in (10, 11, 9)]
    faceted, plain = pages(language=["rus"])  # enough Russian records among the top 8
    assert faceted == plain and len(faceted) == 5 and sorted(sum(faceted, [])) == [
        f"nabrk.title-{n}" for n in range(9)]

