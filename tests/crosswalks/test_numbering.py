"""Volume, issue, edition and page numbers read from catalogue text (crosswalks/numbering.py)."""

from __future__ import annotations

import pytest

from crosswalks.numbering import edition_number, find_issue, find_volume, number_in, pages_in, roman_to_int


@pytest.mark.parametrize(("text", "number"), [
    ("Т. 2", "2"), ("т.2", "2"), ("Том 2", "2"), ("2-том", "2"), ("2 том", "2"), ("2-ші том", "2"),
    ("Vol. 2", "2"), ("v. 2", "2"), ("Book 2", "2"), ("Кітап 2", "2"), ("2-кітап", "2"), ("Кн. 3", "3"),
    ("Часть 2", "2"), ("Ч. 1", "1"), ("Part II", "2"), ("pt. iv", "4"), ("бөлім 2", "2"), ("2-бөлім", "2"),
    ("Т. IV", "4"), ("ІІ том", "2"), ("v. XIV", "14"), ("Т. 02", "2"),
    ("Абай жолы. Т. 2", "2"), ("Абай жолы Том 2", "2"), ("Абай жолы : роман. 2-кітап", "2"),
    ("Собрание сочинений : в 5 т. Т. 3", "3"), ("Шығармалар. 10 томдық. 2-том", "2"),
    ("Vol. 12, no. 3 (2020), p. 45-67", "12"),
])
def test_volume_however_written(text, number):
    assert find_volume(text).number == number


@pytest.mark.parametrize("text", [
    "The Book I Never Wrote", "Собрание сочинений в 5 т.", "Шығармалар. 10 томдық", "Civil part",
    "1941-1945 жылдар", "Абай жолы", "", None,
])
def test_no_volume(text):
    assert find_volume(text) is None


def test_the_span_of_the_volume_designation():
    found = find_volume("Абай жолы. Т. 2")
    assert "Абай жолы. Т. 2"[found.start:found.end] == "Т. 2"


@pytest.mark.parametrize(("text", "number"), [
    ("№ 5", "5"), ("No. 5", "5"), ("no 5", "5"), ("вып. 5", "5"), ("Выпуск 5", "5"), ("Issue 5", "5"),
    ("саны 5", "5"), ("5-сан", "5"), ("5 сан", "5"), ("№ 5-6", "5-6"), ("No 5/6", "5-6"), ("#12", "12"),
    ("Vol. 12, no. 3 (2020), p. 45-67", "3"), ("Т. 5, № 3. - С. 12-20", "3"), ("№ 05", "5"),
])
def test_issue_however_written(text, number):
    assert find_issue(text).number == number


@pytest.mark.parametrize("text", ["Егемен Қазақстан", "1995", "Т. 5", "", None])
def test_no_issue(text):
    assert find_issue(text) is None


@pytest.mark.parametrize(("text", "number"), [
    ("12", "12"), ("XII", "12"), ("12.", "12"), ("вып. 3", "3"), ("т. 12", "12"), ("№ 4", "4"),
    ("Роман", None), ("1941-1945 жылдар", None), ("", None), (None, None),
])
def test_a_series_or_part_number(text, number):
    assert number_in(text) == number


@pytest.mark.parametrize(("text", "value"), [
    ("I", 1), ("IV", 4), ("IX", 9), ("XIV", 14), ("XL", 40), ("MCMXCIX", 1999), ("ХІХ", 19), ("ii", 2),
    ("IIII", None), ("VX", None), ("dim", None), ("", None),
])
def test_roman_numerals(text, value):
    assert roman_to_int(text) == value


@pytest.mark.parametrize(("statement", "number"), [
    ("2-е изд.", "2"), ("2nd ed.", "2"), ("Изд. 3-е, испр.", "3"), ("Second edition", "2"),
    ("Екінші басылым", "2"), ("2-басылым", "2"), ("2-ші басылым", "2"), ("Third ed.", "3"),
    ("Издание второе, переработанное", "2"), ("4-е изд., стер.", "4"), ("Ekinşi basylym", "2"),
    ("Үшінші басылымы", "3"), ("Тоғызыншы басылым", "9"), ("Tenth edition", "10"), ("Изд. десятое", "10"),
    ("Revised edition", None), ("Қайта басылым", None), ("", None), (None, None),
])
def test_edition_number(statement, number):
    assert edition_number(statement) == number


@pytest.mark.parametrize(("extent", "pages"), [
    ("350 с.", 350), ("350 с. : ил.", 350), ("xii, 350 p.", 350), ("350, [2] б. : сур.", 350),
    ("[2], 350 с.", 350), ("350 pages", 350), ("245 б.", 245), ("350 s.", 350), ("120 pp.", 120),
    ("512 b.", 512), ("512 bet", 512),
    ("1 CD-ROM", None), ("21 см", None), ("", None), (None, None),
])
def test_pages_of_an_extent(extent, pages):
    assert pages_in(extent) == pages
