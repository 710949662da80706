"""Normalisation of languages, dates, ISBN/ISSN and ISBD punctuation."""

from __future__ import annotations

import pytest

from crosswalks.normalize.dates import range_text, year_range
from crosswalks.normalize.isbn import isbn10_to_13, parse_isbn, parse_issn
from crosswalks.normalize.languages import language_code, language_codes
from crosswalks.normalize.punctuation import strip_brackets, trim_isbd


@pytest.mark.parametrize("text", ["kaz", "kk", "қаз.", "казахский", "Kazakh", "қазақ тілі", "KAZ",
                                  "на казахском языке", "kk-Cyrl", "казахск.", "Қазақша"])
def test_kazakh_in_any_spelling(text):
    assert language_code(text) == "kaz"


@pytest.mark.parametrize(("text", "codes"), [
    ("Russian", ["rus"]), ("рус.", ["rus"]), ("орыс тілі", ["rus"]), ("English", ["eng"]),
    ("ағылшын тілі", ["eng"]), ("Kazakh, Russian", ["kaz", "rus"]), ("каз.; рус.; англ.", ["kaz", "rus", "eng"]),
    ("English and Russian", ["eng", "rus"]), ("deu", ["ger"]), ("fra", ["fre"]), ("Klingon", []), ("", []),
])
def test_language_lists(text, codes):
    assert language_codes(text) == codes


@pytest.mark.parametrize(("text", "years"), [
    ("1995", (1995, 1995)), ("c1995", (1995, 1995)), ("©1995", (1995, 1995)), ("[1995?]", (1995, 1995)),
    ("199-?", (1990, 1999)), ("[199-]", (1990, 1999)), ("19--", (1900, 1999)), ("1995 ж.", (1995, 1995)),
    ("1995 г.", (1995, 1995)), ("1995-03-01", (1995, 1995)), ("2003-04-15T10:18:51Z", (2003, 2003)),
    ("1995-1997", (1995, 1997)), ("1995-96", (1995, 1996)), ("1990s", (1990, 1999)), ("1990-е", (1990, 1999)),
    ("18th century", (1701, 1800)), ("18th-century", (1701, 1800)), ("XVIII в.", (1701, 1800)),
    ("XVIII ғ.", (1701, 1800)), ("XIX ғасыр", (1801, 1900)), ("18 век", (1701, 1800)),
    ("s.a.", (None, None)), ("", (None, None)),
])
def test_dates_to_year_ranges(text, years):
    assert year_range(text) == years


def test_range_text():
    assert range_text(1995, 1995) == "1995"
    assert range_text(1990, 1999) == "1990-1999"
    assert range_text(None, None) is None


def test_isbn13_normalised_and_check_digit_validated():
    found = parse_isbn("978-0-306-40615-7 (pbk.) : 500 тг")
    assert (found.isbn13, found.isbn10, found.valid) == ("9780306406157", None, True)
    assert parse_isbn("978-0-306-40615-8").valid is False


def test_isbn10_kept_and_converted():
    found = parse_isbn("5-93093-342-1")
    assert found.isbn10 == "5930933421" and found.isbn13 == "9785930933420" and found.valid
    bad = parse_isbn("0-306-40615-3")
    assert bad.isbn10 == "0306406153" and bad.isbn13 is None and not bad.valid
    assert isbn10_to_13("080442957X") == "9780804429573"
    assert parse_isbn("no isbn here") is None


def test_issn_check_digit():
    assert parse_issn("ISSN 0317-8471") == ("0317-8471", True)
    assert parse_issn("0317-8472") == ("0317-8472", False)


@pytest.mark.parametrize(("text", "clean"), [
    ("Алматы :", "Алматы"), ("Title /", "Title"), ("Қазақстан тарихы.", "Қазақстан тарихы"),
    ("Smith, John A.", "Smith, John A."), ("1995 г.", "1995 г."), ("  Fol  ;", "Fol"),
    ("Westminster Press,", "Westminster Press"), ("...and so on...", "...and so on..."), ("", ""),
    ("е\u0301", "е\u0301"), ("A\u0308bc", "Äbc"),
])
def test_isbd_punctuation_trimmed_and_nfc(text, clean):
    assert trim_isbd(text) == clean


def test_brackets_of_supplied_data():
    assert strip_brackets("[Алматы]") == "Алматы"
    assert strip_brackets("[s.l.] [s.n.]") == "[s.l.] [s.n.]"
