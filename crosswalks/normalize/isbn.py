"""ISBN and ISSN: extraction from catalogue text, check digits, ISBN-10 -> ISBN-13."""

from __future__ import annotations

import operator
import re
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


def _isbn10_ok(digits: str) -> bool:
    total = sum(map(operator.mul, range(10, 1, -1), map(int, digits[:9])))
    total += 10 if digits[9] in "Xx" else int(digits[9])
    return total % 11 == 0


def _isbn13_check(first12: str) -> str:
    total = sum(map(int, first12[0::2])) + 3 * sum(map(int, first12[1::2]))
    return str((10 - total % 10) % 10)


def isbn10_to_13(isbn10: str) -> str:
    """978-prefixed ISBN-13 for a (valid) ISBN-10."""
    core = "978" + isbn10[:9]
    return core + _isbn13_check(core)


def parse_isbn(text: str) -> IsbnResult | None:
    """The first ISBN in a text such as "978-601-7151-37-4 (в пер.) : 500 тг"; None if none is there."""
    match = _ISBN_CANDIDATE.search(text)
    if not match:
        return None
    digits = _SEPARATOR.sub("", match.group(0)).upper()
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
    match = _ISSN.search(text)
    if not match:
        return None
    digits = (match.group(1) + match.group(2)).upper()
    total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    valid = digits[7] == ("X" if check == 10 else str(check))
    return f"{digits[:4]}-{digits[4:]}", valid
