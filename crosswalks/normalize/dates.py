"""Dates as catalogues write them -> (first year, last year).

Handles 1995, c1995, ©1995, [1995?], 199-?, 19--, 1995 ж., 1995 г., 1995-03-01,
1995-1997, 1995-96, "18th century", "XVIII в.", "XVIII ғ.", "18 век".
"""

from __future__ import annotations

import re
from typing import Final

YearRange = tuple[int | None, int | None]

_ISO_DAY: Final = re.compile(r"^\D*(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ][\d:.]+Z?)?\D*$")
_RANGE: Final = re.compile(r"(?<!\d)(\d{4})\s*[-–—/]\s*(\d{4}|\d{2})(?!\d)")
_PARTIAL: Final = re.compile(r"(?<!\d)(\d{2,3})(?:[-u?x_]{1,2})(?![\d])", re.IGNORECASE)
_DECADE: Final = re.compile(r"(?<!\d)(\d{3}0)(?:-?е|'?s)\b")
_YEAR: Final = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ROMAN_CENTURY: Final = re.compile(r"(?<![A-Za-z])([IVXLC]{1,6})\s*(?:в\b|в\.|век|ғ\b|ғ\.|ғасыр|cent|c\.|th|$)")
_ARABIC_CENTURY: Final = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:-?(?:st|nd|rd|th|й|ый|ой|ші|шы|інші|ыншы))?[\s-]*"
    r"(?:century|cent\.?|в\.|в\b|век|ғ\.|ғ\b|ғасыр|jh|jahrhundert|siècle)",
    re.IGNORECASE,
)
_ROMAN: Final = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman_to_int(text: str) -> int:
    total = 0
    for index, char in enumerate(text):
        value = _ROMAN[char]
        if index + 1 < len(text) and _ROMAN[text[index + 1]] > value:
            total -= value
        else:
            total += value
    return total


def _century(number: int) -> YearRange:
    return (number - 1) * 100 + 1, number * 100


def _plausible(year: int) -> bool:
    return 500 <= year <= 2100


def year_range(text: str | None) -> YearRange:
    """(first, last) year a date text covers; (None, None) when it names no year."""
    if not text:
        return None, None
    value = text.strip()
    year = value[:-1] if value[-1:] == "." else value
    if len(year) == 4 and year.isascii() and year.isdigit():  # "1995", "1995.": most dates, no patterns
        found = int(year)
        return (found, found) if _plausible(found) else (None, None)
    return _year_range_by_patterns(value)


def _year_range_by_patterns(value: str) -> YearRange:
    """:func:`year_range` of a stripped text, by trying each written form in turn."""
    iso = _ISO_DAY.match(value)
    if iso and 1 <= int(iso.group(2)) <= 12:
        year = int(iso.group(1))
        return year, year
    span = _RANGE.search(value)
    if span:
        first, last = int(span.group(1)), span.group(2)
        last_year = int(last) if len(last) == 4 else int(span.group(1)[:2] + last)
        if _plausible(first) and last_year >= first:
            return first, last_year
    decade = _DECADE.search(value)
    if decade:
        return int(decade.group(1)), int(decade.group(1)) + 9
    year_match = _YEAR.search(value)
    if year_match and _plausible(int(year_match.group(1))):
        found = int(year_match.group(1))
        return found, found
    partial = _PARTIAL.search(value)
    if partial:
        digits = partial.group(1)
        if len(digits) == 3:
            return int(digits) * 10, int(digits) * 10 + 9
        return int(digits) * 100, int(digits) * 100 + 99
    arabic = _ARABIC_CENTURY.search(value)
    if arabic and 1 <= int(arabic.group(1)) <= 21:
        return _century(int(arabic.group(1)))
    roman = _ROMAN_CENTURY.search(value)
    if roman:
        number = _roman_to_int(roman.group(1))
        if 1 <= number <= 21:
            return _century(number)
    return None, None


def range_text(first: int | None, last: int | None) -> str | None:
    """"1995" or "1990-1999" (the W3CDTF-friendly form writers emit); None without a year."""
    if first is None:
        return None
    return str(first) if last in (None, first) else f"{first}-{last}"
