"""The terms of a cooperation agreement: five years, renewed for the same term unless notice is given.

A party may give written notice within the last three months of a term; the agreement then
ends with that term.  These are plain date calculations, kept apart so the rules read like
the agreement's own clauses.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

TERM_YEARS = 5
NOTICE_MONTHS = 3


@dataclass(frozen=True)
class Term:
    """One term of an agreement, from ``start`` up to (not including) ``end``."""

    start: date
    end: date

    @property
    def notice_from(self) -> date:
        """The first day on which notice may be given for this term (three months before its end)."""
        return add_months(self.end, -NOTICE_MONTHS)

    def in_notice_window(self, day: date) -> bool:
        return self.notice_from <= day < self.end


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, kept inside the month (31 January + 1 month = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def term_on(signed: date, day: date, years: int = TERM_YEARS) -> Term:
    """The term that contains ``day`` (the first term if ``day`` is before the signature)."""
    number = 0
    while add_months(signed, 12 * years * (number + 1)) <= day:
        number += 1
    return Term(add_months(signed, 12 * years * number), add_months(signed, 12 * years * (number + 1)))


def ends_on(signed: date, notice: date | None, years: int = TERM_YEARS) -> date | None:
    """The day the agreement stops being in force: the end of the term in which notice was
    given (None: no notice, renewed for ever)."""
    return term_on(signed, notice, years).end if notice else None


def state_on(signed: date, notice: date | None, day: date, years: int = TERM_YEARS) -> str:
    """``in force``, ``terminated`` or ``not yet in force`` on ``day``."""
    if day < signed:
        return "not yet in force"
    end = ends_on(signed, notice, years)
    return "terminated" if end is not None and day >= end else "in force"
