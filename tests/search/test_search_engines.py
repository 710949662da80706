"""One suite, run on every engine: what readers type and what they must get back."""

from __future__ import annotations

import pytest

from crosswalks.model import Subject
from repository.identifiers import local_id_for
from search.document import build_document
from search.engine import BadRequest, SearchEngine, SearchRequest
from tests.search.conftest import corpus_views
from tests.search.corpus import CORPUS, RU_2


def ids(engine: SearchEngine, q: str, **kwargs) -> set[str]:  # type: ignore[no-untyped-def]
    return {hit["id"] for hit in engine.search(SearchRequest(q=q, size=100, **kwargs)).hits}


def keys(*names: str) -> set[str]:
    return {local_id_for(CORPUS[name][0], name) for name in names}


def test_kazakh_cyrillic_query_finds_latin_records_and_the_reverse(corpus_engine: SearchEngine) -> None:
    both = keys("kk-cyr-1", "kk-lat-1")
    assert ids(corpus_engine, "қазақ әдебиеті") == both
    assert ids(corpus_engine, "qazaq ädebietı") == both
    assert ids(corpus_engine, "QAZAQ ADEBIETI") == both


def test_russian_stemming_finds_other_word_forms(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine, "библиотеки") == keys("ru-1", "ru-3")
    assert ids(corpus_engine, "библиотека") == keys("ru-1", "ru-3")


def test_english_stemming_and_case_folding(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine, "LIBRARY") == keys("en-1")


def test_phrase_keeps_word_order(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine, '"война и мир"') == keys(RU_2)
    assert ids(corpus_engine, '"мир и война"') == set()


def test_boolean_operators(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine, "абай OR steppe") == keys("kk-cyr-2", "kk-lat-2", "en-1", "en-3")
    assert ids(corpus_engine, "steppe AND ecology") == keys("en-3")
    assert ids(corpus_engine, "steppe -ecology") == keys("en-1")
    assert ids(corpus_engine, "steppe NOT libraries") == keys("en-3")


def test_fields(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine, "author:толстой") == keys(RU_2)
    assert ids(corpus_engine, "title:роман") == set()
    assert ids(corpus_engine, "subject:роман") == keys("kk-cyr-2", "kk-lat-2", RU_2)
    assert ids(corpus_engine, "author:(әуезов мұхтар)") == keys("kk-cyr-1", "kk-cyr-2", "kk-lat-2")


def test_isbn_in_either_form(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine, "isbn:978-5-02-013850-6") == keys("ru-1")
    assert ids(corpus_engine, "isbn:5020138509") == keys("ru-1")
    assert ids(corpus_engine, "isbn:0306406152") == keys("en-1")


def test_year_ranges_in_query_and_filters(corpus_engine: SearchEngine) -> None:
    assert ids(corpus_engine, "year:1900-1999") == keys("kk-cyr-1", "kk-cyr-2", "ru-1")
    assert ids(corpus_engine, "year:2020-") == keys("kk-lat-1", "kk-lat-2")
    assert ids(corpus_engine, "*", year_from=2010, year_to=2015) == keys("ru-3", "en-1")


def test_everything_and_total(corpus_engine: SearchEngine) -> None:
    page = corpus_engine.search(SearchRequest(q="*", size=3))
    assert page.total == len(corpus_views())
    assert len(page.hits) == 3
    assert corpus_engine.count() == len(corpus_views())


def test_filters_combine_as_and_between_facets_or_within(corpus_engine: SearchEngine) -> None:
    got = ids(corpus_engine, "*", filters={"language": ["rus", "eng"], "access": ["read-only"]})
    assert got == keys(RU_2, "en-2")
    assert ids(corpus_engine, "*", filters={"partner": ["kaznu"], "kind": ["journal"]}) == set()


def facet_counts(page) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {name: {b["value"]: b["count"] for b in buckets} for name, buckets in page.facets.items()}


def test_facets_count_the_matching_records(corpus_engine: SearchEngine) -> None:
    facets = facet_counts(corpus_engine.search(SearchRequest(q="*")))
    assert facets["language"] == {"kaz": 4, "rus": 3, "eng": 3}
    assert facets["kind"] == {"book": 8, "journal": 1, "article": 1}
    assert facets["access"] == {"open": 6, "read-only": 3, "preview-24": 1}
    assert facets["partner"] == {"nabrk": 5, "kaznu": 5}
    assert facets["year"] == {1860: 1, 1940: 1, 1960: 1, 1990: 1, 2000: 1, 2010: 2, 2020: 2}
    assert facets["subject"]["Библиотечное дело"] == 2


def test_a_facet_leaves_out_its_own_filter(corpus_engine: SearchEngine) -> None:
    page = corpus_engine.search(SearchRequest(q="*", filters={"language": ["kaz"]}))
    assert page.total == 4
    facets = facet_counts(page)
    assert facets["language"] == {"kaz": 4, "rus": 3, "eng": 3}  # every language stays selectable
    assert facets["access"] == {"open": 2, "read-only": 1, "preview-24": 1}  # the other facets: Kazakh only
    assert facets["kind"] == {"book": 4}
    assert facets["partner"] == {"nabrk": 2, "kaznu": 2}
    assert facets["year"] == {1940: 1, 1960: 1, 2020: 2}


def test_each_filtered_facet_counts_with_the_other_filters(corpus_engine: SearchEngine) -> None:
    page = corpus_engine.search(SearchRequest(q="*", size=100, filters={"language": ["rus", "eng"],
                                                                        "access": ["read-only"]}))
    assert {hit["id"] for hit in page.hits} == keys(RU_2, "en-2") and page.total == 2
    facets = facet_counts(page)
    assert facets["language"] == {"kaz": 1, "rus": 1, "eng": 1}  # read-only records, any language
    assert facets["access"] == {"open": 4, "read-only": 2}  # Russian or English records, any access
    assert facets["kind"] == {"book": 2}
    assert facets["partner"] == {"nabrk": 1, "kaznu": 1}
    assert facets["year"] == {1860: 1, 2000: 1}


def test_the_year_facet_leaves_out_the_year_range_and_the_query_applies_to_all(
        corpus_engine: SearchEngine) -> None:
    page = corpus_engine.search(SearchRequest(q="роман", year_from=1900, filters={"partner": ["nabrk"]}))
    assert [hit["id"] for hit in page.hits] == list(keys("kk-cyr-2")) and page.total == 1
    facets = facet_counts(page)
    assert facets["year"] == {1860: 1, 1940: 1}  # Роман at nabrk, any year
    assert facets["partner"] == {"nabrk": 1, "kaznu": 1}  # Роман from 1900 on, any partner
    assert facets["language"] == {"kaz": 1}


def test_a_chosen_value_that_nothing_matches_is_still_listed(corpus_engine: SearchEngine) -> None:
    page = corpus_engine.search(SearchRequest(q="*", filters={"language": ["rus"], "subject": ["Libraries"]}))
    assert (page.total, page.hits) == (0, [])
    assert page.facets["subject"] == [{"value": "Библиотечное дело", "count": 2}, {"value": "Роман", "count": 1},
                                      {"value": "Libraries", "count": 0}]
    assert page.facets["language"] == [{"value": "eng", "count": 1}, {"value": "rus", "count": 0}]


def test_a_chosen_value_past_the_top_facet_values_is_listed_with_its_count(empty_engine: SearchEngine) -> None:
    view = corpus_views()[0]
    for number in range(1, 22):  # subject sNN is in 22 - NN records: s20 is the 21st most frequent
        view.local_id = f"nabrk.many-{number}"
        view.canonical.subjects = [Subject(f"s{k:02d}") for k in range(number)]
        empty_engine.index([build_document(view)])
    empty_engine.commit(21)
    page = empty_engine.search(SearchRequest(q="*", filters={"subject": ["s20"]}))
    assert page.total == 1
    subjects = page.facets["subject"]
    assert subjects[:20] == [{"value": f"s{k:02d}", "count": 21 - k} for k in range(20)]
    assert subjects[20:] == [{"value": "s20", "count": 1}]


def test_filter_values_with_quotes_and_operators_match_exactly(empty_engine: SearchEngine) -> None:
    odd = 'Ab "c" \\ d: (e) AND f* [g TO h]'
    first, second = corpus_views()[:2]  # nabrk and kaznu
    first.canonical.subjects, second.canonical.subjects = [Subject(odd)], [Subject("Ab")]
    empty_engine.index([build_document(first), build_document(second)])
    empty_engine.commit(2)
    page = empty_engine.search(SearchRequest(q="*", filters={"subject": [odd], "partner": ["nabrk"]}))
    assert page.total == 1
    assert page.facets["partner"] == [{"value": "nabrk", "count": 1}]  # counted with the odd subject only
    assert page.facets["subject"] == [{"value": odd, "count": 1}]


def test_cursor_pages_through_everything_once(corpus_engine: SearchEngine) -> None:
    for sort in ("relevance", "year_asc", "year_desc", "title"):
        seen: list[str] = []
        cursor = None
        while True:
            page = corpus_engine.search(SearchRequest(q="*", size=3, sort=sort, cursor=cursor))
            seen.extend(hit["id"] for hit in page.hits)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == sorted(v.local_id for v in corpus_views()), sort


def test_sort_orders(corpus_engine: SearchEngine) -> None:
    years = [h["year"] for h in corpus_engine.search(SearchRequest(q="*", size=20, sort="year_asc")).hits]
    dated = [y for y in years if y is not None]
    assert dated == sorted(dated) and years[: len(dated)] == dated
    years = [h["year"] for h in corpus_engine.search(SearchRequest(q="*", size=20, sort="year_desc")).hits]
    dated = [y for y in years if y is not None]
    assert dated == sorted(dated, reverse=True)
    titles = [h["title"] for h in corpus_engine.search(SearchRequest(q="*", size=20, sort="title")).hits]
    assert set(titles[:2]) == {"Abai joly", "Абай жолы"}  # the same sort key in both scripts


def test_relevance_puts_title_matches_first(corpus_engine: SearchEngine) -> None:
    hits = corpus_engine.search(SearchRequest(q="libraries")).hits
    assert hits[0]["title"] == "Libraries of the Steppe"


def test_results_carry_display_fields_and_highlights(corpus_engine: SearchEngine) -> None:
    hit = corpus_engine.search(SearchRequest(q="библиотеки казахстана")).hits[0]
    assert hit["title"] == "Библиотека и общество"
    assert hit["creators"] == ["Иванов, Иван Петрович"]
    assert (hit["year"], hit["languages"], hit["kind"], hit["access"], hit["partners"]) == (
        1995, ["rus"], "journal", "open", ["nabrk"])
    assert hit["highlight"]["title"] == "<mark>Библиотека</mark> и общество"
    assert "<mark>Казахстана</mark>" in hit["highlight"]["description"]


def test_highlight_escapes_html(empty_engine: SearchEngine) -> None:
    view = corpus_views()[0]
    view.canonical.titles[0].value = "<script>alert(1)</script> қазақ"
    empty_engine.index([build_document(view)])
    empty_engine.commit(1)
    hit = empty_engine.search(SearchRequest(q="қазақ")).hits[0]
    assert "<script>" not in hit["highlight"]["title"]
    assert "&lt;script&gt;" in hit["highlight"]["title"]


def test_reindexing_replaces_and_delete_removes(corpus_engine: SearchEngine) -> None:
    view = corpus_views()[1]
    view.canonical.titles[0].value = "Jaña ataý"
    view.canonical.subjects = []
    corpus_engine.index([build_document(view)])
    corpus_engine.delete([corpus_views()[0].local_id, "no-such-id"])
    corpus_engine.commit(42)
    assert ids(corpus_engine, "qazaq ädebietı") == set()
    assert ids(corpus_engine, "jaña") == {view.local_id}
    assert corpus_engine.count() == len(corpus_views()) - 1
    assert corpus_engine.position() == 42


def test_bad_query_and_cursor_name_the_parameter(corpus_engine: SearchEngine) -> None:
    with pytest.raises(BadRequest) as error:
        corpus_engine.search(SearchRequest(q="year:soon"))
    assert error.value.parameter == "q"
    with pytest.raises(BadRequest) as error:
        corpus_engine.search(SearchRequest(q="*", cursor="not-a-cursor"))
    assert error.value.parameter == "cursor"


def test_rebuild_swaps_the_alias_and_keeps_the_old_index_until_then(corpus_engine: SearchEngine) -> None:
    fresh = corpus_engine.begin_rebuild()
    fresh.index(build_document(v) for v in corpus_views()[:2])
    fresh.commit(2)
    assert corpus_engine.count() == len(corpus_views())
    fresh.finish_rebuild()
    assert corpus_engine.count() == 2
    assert corpus_engine.position() == 2


def test_without_facets_the_total_is_still_counted(corpus_engine: SearchEngine) -> None:
    page = corpus_engine.search(SearchRequest(q="библиотеки", facets=False))
    assert (page.total, page.facets) == (2, {})
    assert page.total == corpus_engine.search(SearchRequest(q="библиотеки")).total
