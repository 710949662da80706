"""Hard vetoes: what makes two records different works whatever their titles and identifiers say.

They are checked before any identifier may decide, because shared identifiers lie in known
ways: the volumes of a set share the set's ISBN, a second edition reuses the first's, a
publisher reprints under the same number.  Each veto is one function so that
``kazneb cluster explain`` can name the one that fired.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from crosswalks.workkeys import WorkKeys

#: Years further apart than this are different manifestations (a printing and its
#: copyright year are often one apart).
MAX_YEAR_GAP = 1

_DIGITS = re.compile(r"\d+")

#: Kinds of record that may describe one work although catalogued under different kinds.
_KIND_GROUPS: dict[str, str] = {"book": "monograph", "thesis": "monograph", "manuscript": "monograph",
                                "journal": "serial", "newspaper": "serial"}


def different_volume(a: WorkKeys, b: WorkKeys) -> bool:
    """Two volumes of a set, or a volume and the set as a whole.  A serial's issue is named by its
    year and number, and partners write its volume or leave it out: there only two different
    volume numbers veto."""
    if serial(a) or serial(b):
        return a.volume is not None and b.volume is not None and a.volume != b.volume
    return a.volume != b.volume


def different_issue(a: WorkKeys, b: WorkKeys) -> bool:
    """Two issues of a serial (one without a number is the serial itself)."""
    return a.issue != b.issue


def different_numbers(a: WorkKeys, b: WorkKeys) -> bool:
    """Titles that differ in a number ("Химия. 8 сынып" and "Химия. 9 сынып", "1812" and "1941"):
    the numbers of both title and subtitle, compared when both records have them."""
    numbers_a = _numbers(a)
    if not numbers_a:
        return False
    numbers_b = _numbers(b)
    return bool(numbers_b) and numbers_a != numbers_b


def _numbers(keys: WorkKeys) -> frozenset[str]:
    return frozenset(_DIGITS.findall(f"{keys.title} {keys.subtitle}"))


def years_apart(a: WorkKeys, b: WorkKeys) -> bool:
    """Published more than a year apart: a reprint or a new edition, not the same book.  A serial's
    issues are numbered within a year, so for a serial any year apart is another issue."""
    if a.year is None or b.year is None:
        return False
    gap = 0 if serial(a) or serial(b) else MAX_YEAR_GAP
    return abs(a.year - b.year) > gap


def serial(keys: WorkKeys) -> bool:
    """An issue of a serial, or a serial."""
    return is_serial(keys.issue, keys.kind)


def is_serial(issue: str | None, kind: str | None) -> bool:
    """:func:`serial` of a record with this issue and kind."""
    return issue is not None or _KIND_GROUPS.get(kind or "") == "serial"


def different_edition(a: WorkKeys, b: WorkKeys) -> bool:
    """Different edition statements; a record that states none is taken to be a first edition."""
    return (a.edition or "1") != (b.edition or "1")


def different_kind(a: WorkKeys, b: WorkKeys) -> bool:
    """A book and a journal, a journal and an article, a book and its review."""
    if a.kind is None or b.kind is None:
        return False
    return _KIND_GROUPS.get(a.kind, a.kind) != _KIND_GROUPS.get(b.kind, b.kind)


def part_and_host(a: WorkKeys, b: WorkKeys) -> bool:
    """A component part and its host, or parts of different hosts."""
    if a.component != b.component:
        return True
    return a.component and a.host != b.host


def different_language(a: WorkKeys, b: WorkKeys) -> bool:
    """No language in common: a translation is a different manifestation (related, not merged)."""
    return bool(a.languages) and bool(b.languages) and set(a.languages).isdisjoint(b.languages)


#: The vetoes in the order they are checked, each with the name stored with a vetoed pair.
VETOES: tuple[tuple[str, Callable[[WorkKeys, WorkKeys], bool]], ...] = (
    ("volume", different_volume),
    ("issue", different_issue),
    ("year", years_apart),
    ("numbers", different_numbers),
    ("edition", different_edition),
    ("kind", different_kind),
    ("part-host", part_and_host),
    ("language", different_language),
)


def veto(a: WorkKeys, b: WorkKeys) -> str | None:
    """The name of the first veto that forbids ``a`` and ``b`` to be one work, or None."""
    for name, applies in VETOES:
        if applies(a, b):
            return name
    return None
