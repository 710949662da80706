"""Standard numbers in the form records are compared in (crosswalks/standard_numbers.py).

python-stdnum is the reference: on any ten or thirteen characters, ours and stdnum's answer agree.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn
from stdnum.exceptions import ValidationError

from crosswalks.standard_numbers import doi, isbn13, issn, other_id


def stdnum_isbn13(text: str) -> str | None:
    try:
        return stdnum_isbn.to_isbn13(stdnum_isbn.validate(text))
    except ValidationError:
        return None


def stdnum_issn_formatted(text: str) -> str | None:
    try:
        return stdnum_issn.format(stdnum_issn.validate(text))
    except ValidationError:
        return None


def _with_isbn10_check(nine: str) -> str:
    """The nine digits with the check character stdnum accepts."""
    return next(nine + check for check in "0123456789X" if stdnum_isbn13(nine + check))


@pytest.mark.parametrize(("written", "expected"), [
    ("5-7940-0029-5", "9785794000290"),
    ("978-5-7940-0029-0 (в пер.)", "9785794000290"),
    ("9785794000290", "9785794000290"),
    ("ISBN 5 7940 0029 5 (pbk.)", "9785794000290"),
    ("080442957X", "9780804429573"),
    ("0-8044-2957-x", "9780804429573"),
    ("979-10-90636-07-1", "9791090636071"),
    ("978-601-7151-37-4", None),  # check digit fails
    ("9785794000291", None),
    ("5-7940-0029-4", None),
    ("1234567890123", None),  # neither 978 nor 979
    ("not an isbn", None),
    ("", None),
    (None, None),
])
def test_isbn_as_isbn13(written, expected):
    assert isbn13(written) == expected


@given(st.text("0123456789X", min_size=10, max_size=10) | st.text("0123456789", min_size=13, max_size=13))
def test_isbn_agrees_with_stdnum_on_any_characters(text):
    assert isbn13(text) == stdnum_isbn13(text)


@given(st.text("0123456789", min_size=9, max_size=9), st.sampled_from(["978", "979"]),
       st.text("0123456789", min_size=9, max_size=9))
def test_valid_isbns_agree_with_stdnum(nine, prefix, more):
    isbn10 = _with_isbn10_check(nine)
    assert isbn13(isbn10) == stdnum_isbn13(isbn10) is not None
    thirteen = prefix + more + ean.calc_check_digit(prefix + more)
    assert isbn13(thirteen) == stdnum_isbn13(thirteen) == thirteen


@pytest.mark.parametrize(("written", "expected"), [
    ("0378-5955", "0378-5955"), ("03785955", "0378-5955"), ("ISSN 0378-5955", "0378-5955"),
    ("2049-3630", "2049-3630"), ("0317-8471", "0317-8471"), ("1050-124x", "1050-124X"),
    ("0378-5956", None), ("", None), (None, None),
])
def test_issn_formatted(written, expected):
    assert issn(written) == expected


@given(st.text("0123456789", min_size=7, max_size=7), st.sampled_from("0123456789X"))
def test_issn_agrees_with_stdnum(seven, check):
    assert issn(seven + check) == stdnum_issn_formatted(seven + check)


@pytest.mark.parametrize(("scheme", "value", "expected"), [
    ("doi", "10.1000/XYZ.123", "doi:10.1000/xyz.123"),
    ("doi", "https://doi.org/10.1000/XYZ", "doi:10.1000/xyz"),
    ("url", "http://dx.doi.org/10.1000/ABC", "doi:10.1000/abc"),
    ("other", "doi: 10.1000/Q", "doi:10.1000/q"),
    ("doi", "not a doi", None),
    ("handle", "https://hdl.handle.net/2027/mdp.39015", "hdl:2027/mdp.39015"),
    ("url", "http://hdl.handle.net/11111/222", "hdl:11111/222"),
    ("ismn", "M-2306-7118-7", "ismn:9790230671187"),
    ("ismn", "979-0-2306-7118-7", "ismn:9790230671187"),
    ("ismn", "M-2306-7118-8", None),
    ("local", "(OCoLC)ocm00012345", "oclc:12345"),
    ("local", "(OCoLC)987654321", "oclc:987654321"),
    ("local", "KZ000000001", None),
    ("url", "https://kazneb.kz/bookView/view?brId=1", None),
    ("other", "УДК 821.512.122", None),
    ("other", "", None),
])
def test_other_identifiers(scheme, value, expected):
    assert other_id(scheme, value) == expected


def test_doi_alone():
    assert doi("https://doi.org/10.5555/ABC-def") == "10.5555/abc-def"
    assert doi(None) is None
