"""The q syntax: words, phrases, operators, fields, year ranges, and forgiving parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.query import And, Isbn, MatchAll, Not, Or, QuerySyntaxError, Term, YearRange, parse


def test_words_are_anded() -> None:
    assert parse("қазақ әдебиеті") == And((Term(None, "қазақ"), Term(None, "әдебиеті")))


def test_phrases_fields_and_negation() -> None:
    assert parse('"война и мир" -толстой') == And(
        (Term(None, "война и мир", phrase=True), Not(Term(None, "толстой"))))
    assert parse("title:(abai joly)") == And((Term("title", "abai"), Term("title", "joly")))
    assert parse('author:"Әуезов М"') == Term("author", "Әуезов М", phrase=True)
    assert parse("NOT x") == Not(Term(None, "x"))


def test_or_binds_looser_than_and() -> None:
    assert parse("a b OR c") == Or((And((Term(None, "a"), Term(None, "b"))), Term(None, "c")))
    assert parse("a AND (b OR c)") == And((Term(None, "a"), Or((Term(None, "b"), Term(None, "c")))))


def test_years_and_isbn() -> None:
    assert parse("year:1990-2000") == YearRange(1990, 2000)
    assert parse("year:1990") == YearRange(1990, 1990)
    assert parse("year:1990-") == YearRange(1990, None)
    assert parse("year:-2000") == YearRange(None, 2000)
    assert parse("isbn:978-5-02-013850-6") == Isbn("978-5-02-013850-6")


def test_everything() -> None:
    assert parse("*") == parse("") == parse("   ") == MatchAll()
    assert parse("!!! ---") == MatchAll()


def test_unclosed_quote_and_parenthesis_are_forgiven() -> None:
    assert parse('"abai joly') == Term(None, "abai joly", phrase=True)
    assert parse("(a OR b") == Or((Term(None, "a"), Term(None, "b")))
    assert parse("a ) b") == And((Term(None, "a"), Term(None, "b")))


@pytest.mark.parametrize("bad", ["year:soon", "year:2000-1990", "year:-"])
def test_bad_years_are_errors_that_say_why(bad: str) -> None:
    with pytest.raises(QuerySyntaxError, match="year"):
        parse(bad)


@given(st.text(max_size=60))
def test_any_text_parses_or_fails_with_a_query_error(q: str) -> None:
    try:
        parse(q)
    except QuerySyntaxError:
        pass
