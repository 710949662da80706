"""ISBN and ISSN: extraction from catalogue text, check digits, ISBN-10 -> ISBN-13."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

_ISBN_CANDIDATE: Final = re.compile(r"(?<![\dXx])(?:97[89][\s-]?)?(?:\d[\s-]?){9}[\dXx](?![\dXx])")
_ISSN: Final = re.compile(r"(?<!\d)(\d{4})[\s-]?(\d{3}[\dXx])(?![\dXx])")


@dataclass(frozen=True)
class IsbnResult:
    """An ISBN as found: the 13-digit form when valid, the 10-digit form when given as such."""

    isbn13: str | None
    isbn10: str | None
    valid: bool
    original: str


_SEPARATOR: Final = re.compile(r"[\s-]")


_OTHER_DIGIT: Final = re.compile(r"(?![0-9])\d")  # a decimal digit of another script


def _ascii_digits(text: str) -> str:
    """The text with any script's decimal digits (Arabic-Indic, fullwidth...) as ASCII ones, so
    the patterns find an ISBN or ISSN written in them and give it back in ASCII."""
    if text.isascii() or not _OTHER_DIGIT.search(text):
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _isbn10_ok(digits: str) -> bool:
    """Weights 10..1 over the ten ASCII characters (X = 10 last) sum to a multiple of 11.

    Character codes from the encoded bytes: the compiled build runs the loop as machine arithmetic.
    """
    codes = digits.encode("ascii")
    total = 0
    for index in range(9):
        total += (10 - index) * (codes[index] - 48)
    total += 10 if digits[9] in "Xx" else codes[9] - 48
    return total % 11 == 0


def _isbn13_check(first12: str) -> str:
    """The check digit after twelve ASCII digits (weights 1, 3, 1, 3, ...)."""
    codes = first12.encode("ascii")
    total = 0
    for index in range(12):
        total += (codes[index] - 48) * (3 if index % 2 else 1)
    return str((10 - total % 10) % 10)


def isbn10_to_13(isbn10: str) -> str:
    """978-prefixed ISBN-13 for a (valid, ASCII) ISBN-10."""
    core = "978" + isbn10[:9]
    return core + _isbn13_check(core)


def parse_isbn(text: str) -> IsbnResult | None:
    """The first ISBN in a text such as "978-601-7151-37-4 (в пер.) : 500 тг"; None if none is there."""
    match = _ISBN_CANDIDATE.search(_ascii_digits(text))
    if not match:
        return None
    digits = match.group(0).replace("-", "").replace(" ", "")
    if not digits.isalnum():  # another kind of space between the digits
        digits = _SEPARATOR.sub("", digits)
    digits = digits.upper()
    if len(digits) == 13:
        valid = digits.isdigit() and _isbn13_check(digits[:12]) == digits[12]
        return IsbnResult(digits, None, valid, text)
    if len(digits) == 10:
        if _isbn10_ok(digits):
            return IsbnResult(isbn10_to_13(digits), digits, True, text)
        return IsbnResult(None, digits, False, text)
    return None


def parse_issn(text: str) -> tuple[str, bool] | None:
    """("1234-5679", valid) for the first ISSN in a text, else None."""
    match = _ISSN.search(_ascii_digits(text))
    if not match:
        return None
    digits = (match.group(1) + match.group(2)).upper()
    total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    valid = digits[7] == ("X" if check == 10 else str(check))
    return f"{digits[:4]}-{digits[4:]}", valid
