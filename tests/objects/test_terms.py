"""Five-year terms, renewed unless notice is given; notice ends the agreement with its term."""

from __future__ import annotations

from datetime import date

from objects.terms import add_months, ends_on, state_on, term_on


def test_terms_follow_each_other_every_five_years() -> None:
    signed = date(2021, 3, 1)
    assert term_on(signed, date(2021, 3, 1)).start == signed
    assert term_on(signed, date(2026, 2, 28)).end == date(2026, 3, 1)
    later = term_on(signed, date(2026, 12, 7))
    assert (later.start, later.end, later.notice_from) == (date(2026, 3, 1), date(2031, 3, 1), date(2030, 12, 1))


def test_the_notice_window_is_the_last_three_months() -> None:
    term = term_on(date(2021, 3, 1), date(2025, 12, 1))
    assert not term.in_notice_window(date(2025, 11, 30))
    assert term.in_notice_window(date(2025, 12, 1)) and term.in_notice_window(date(2026, 2, 28))
    assert not term.in_notice_window(date(2026, 3, 1))


def test_notice_ends_the_agreement_with_its_term() -> None:
    signed = date(2021, 3, 1)
    assert ends_on(signed, None) is None
    assert ends_on(signed, date(2026, 1, 15)) == date(2026, 3, 1)
    assert state_on(signed, date(2026, 1, 15), date(2026, 2, 28)) == "in force"
    assert state_on(signed, date(2026, 1, 15), date(2026, 3, 1)) == "terminated"
    assert state_on(signed, None, date(2040, 1, 1)) == "in force"
    assert state_on(signed, None, date(2020, 1, 1)) == "not yet in force"


def test_months_stay_inside_the_month() -> None:
    assert add_months(date(2024, 2, 29), 60) == date(2029, 2, 28)
    assert add_months(date(2026, 5, 31), -3) == date(2026, 2, 28)
