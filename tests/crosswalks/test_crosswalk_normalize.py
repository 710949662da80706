"""Normalisation of languages, dates, ISBN/ISSN and ISBD punctuation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crosswalks.marc.from_canonical import canonical_to_marc
from crosswalks.model import CanonicalRecord, Title
from crosswalks.normalize.dates import _year_range_by_patterns, range_text, year_range
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


@given(st.from_regex(r"\A[0-9]{4}\.?\Z") | st.text(st.sampled_from("0123456789. -?[]гжs"), max_size=8))
def test_a_plain_year_reads_as_the_patterns_read_it(text):
    assert year_range(text) == _year_range_by_patterns(text.strip())


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


_SEPARATORS = st.sampled_from(["", "-", " ", "\u00a0", "\t"])  # what the pattern allows between digits
#: Digits of other scripts, which catalogue text sometimes carries: read as the ASCII ones.
OTHER_DIGITS = st.sampled_from([None, str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
                                str.maketrans("0123456789", "０１２３４５６７８９")])


def _isbn13_check_by_definition(twelve: list[int]) -> int:
    return (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(twelve)) % 10) % 10


@given(st.sampled_from(["978", "979"]), st.lists(st.integers(0, 9), min_size=9, max_size=9),
       st.integers(0, 9), _SEPARATORS, OTHER_DIGITS)
def test_isbn13_check_digit_matches_the_definition(prefix, body, last, separator, other_digits):
    digits = [int(c) for c in prefix] + body
    text = prefix + separator + separator.join(map(str, body)) + separator + str(last)
    found = parse_isbn(f"ISBN {text.translate(other_digits or {})} (в пер.)")
    assert found.valid == (last == _isbn13_check_by_definition(digits))
    assert found.isbn10 is None
    assert found.isbn13 == prefix + "".join(map(str, body)) + str(last)  # in ASCII digits


@given(st.lists(st.integers(0, 9), min_size=9, max_size=9), st.sampled_from(list("0123456789Xx")),
       _SEPARATORS, OTHER_DIGITS)
def test_isbn10_check_digit_matches_the_definition(body, check, separator, other_digits):
    value = 10 if check in "Xx" else int(check)
    valid = (sum((10 - i) * d for i, d in enumerate(body)) + value) % 11 == 0
    text = separator.join(map(str, body)) + separator + check
    found = parse_isbn(text.translate(other_digits or {}))
    assert found.valid == valid
    assert found.isbn10 == "".join(map(str, body)) + check.upper()  # in ASCII digits
    expected13 = "978" + "".join(map(str, body)) + str(_isbn13_check_by_definition([9, 7, 8] + body))
    assert found.isbn13 == (expected13 if valid else None)


def test_issn_check_digit():
    assert parse_issn("ISSN 0317-8471") == ("0317-8471", True)
    assert parse_issn("0317-8472") == ("0317-8472", False)
    assert parse_issn("ISSN ٠٣١٧-٨٤٧١") == ("0317-8471", True)  # Arabic-Indic digits, written back in ASCII
    assert parse_issn("ISSN ０３１７-８４７２") == ("0317-8472", False)  # fullwidth


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


_ISO_LIKE = st.builds(lambda y, m, d, rest: f"{y}-{m}-{d}{rest}", st.text("0123456789٣²", min_size=4, max_size=4),
                      st.text("0123456789", min_size=2, max_size=2), st.text("0123456789a", min_size=2, max_size=2),
                      st.sampled_from(["", "T10:00:00Z", "T1", "Z"]))


@given(st.one_of(_ISO_LIKE, st.text(max_size=24), st.none()))
def test_date_entered_is_the_datestamps_digits(datestamp):
    """008/00-05 is yymmdd from the source datestamp's digits (000000 with fewer than eight),
    whether or not the datestamp takes the writer's shortcut for plain ISO dates."""
    record = CanonicalRecord(titles=[Title("Абай жолы", "main")])
    record.source.datestamp = datestamp
    digits = re.sub(r"\D", "", datestamp or "")
    fixed = next(f.value for f in canonical_to_marc(record).fields if f.tag == "008")
    assert fixed[:6] == (digits[2:8] if len(digits) >= 8 else "000000")
