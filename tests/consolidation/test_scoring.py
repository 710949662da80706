"""Vetoes come before identifiers; the score decides the rest; every decision names its rule."""

from __future__ import annotations

import dataclasses

from consolidation.scoring import Thresholds, decide
from consolidation.vetoes import veto
from crosswalks.workkeys import WorkKeys

ABAI = WorkKeys(title="abai joli", creators=("auezov muhtar",), year=1990, publisher="zhazushi", pages=352,
                isbns=("9785605000001",), languages=("kaz",), kind="book")


def variant(**changes: object) -> WorkKeys:
    return dataclasses.replace(ABAI, **changes)


def test_the_same_book_from_two_partners_matches() -> None:
    other = variant(isbns=(), publisher="zhazushi baspasi", pages=351)
    decision = decide(ABAI, other)
    assert decision.outcome == "match" and decision.rule == "score" and decision.score > 0.85


def test_a_set_isbn_does_not_decide_and_the_volume_veto_fires_first() -> None:
    first, second = variant(volume="1"), variant(volume="2")
    decision = decide(first, second, set_isbns={"9785605000001"})
    assert decision.outcome == "veto" and decision.rule == "veto:volume"


def test_a_shared_isbn_decides_a_pair_whose_score_alone_would_not() -> None:
    other = variant(publisher="oner", pages=300, creators=("auezov m",), year=1991)
    assert decide(ABAI, other).rule == "identifier:isbn"
    assert decide(ABAI, other, set_isbns={"9785605000001"}).outcome != "match"


def test_an_isbn_on_a_different_title_is_a_cataloguing_error_not_a_match() -> None:
    other = variant(title="kazak adebietinin tarihi", creators=("kaidarov abduali",))
    decision = decide(ABAI, other)
    assert decision.outcome != "match" and decision.parts["title"] < 0.6


def test_each_veto_fires_and_is_named() -> None:
    cases = {"volume": variant(volume="2"), "issue": variant(issue="5"), "year": variant(year=1995),
             "edition": variant(edition="2"), "kind": variant(kind="article"),
             "part-host": variant(component=True, host="zhuldyz"), "language": variant(languages=("rus",))}
    for name, other in cases.items():
        assert veto(ABAI, other) == name
        assert decide(ABAI, other).outcome in ("veto", "related")


def test_a_year_apart_is_allowed_two_years_are_not() -> None:
    assert veto(ABAI, variant(year=1991)) is None
    assert veto(ABAI, variant(year=1992)) == "year"


def test_a_translation_by_the_same_author_is_related_not_merged() -> None:
    russian = variant(title="put abaia", languages=("rus",), isbns=())
    decision = decide(ABAI, russian)
    assert decision.outcome == "related" and decision.rule == "veto:language"


def test_scores_between_the_thresholds_go_to_review() -> None:
    other = variant(isbns=(), title="abai joly romany", pages=None, publisher="")
    decision = decide(ABAI, other, Thresholds(match=0.95, review=0.6))
    assert decision.outcome == "review"


def test_a_title_alone_cannot_make_a_match() -> None:
    bare, other = WorkKeys(title="olender"), WorkKeys(title="olender")
    assert decide(bare, other).outcome == "review"


def test_two_series_of_one_journal_with_their_own_issns_go_to_review() -> None:
    history = WorkKeys(title="kazu habarsisi tarih seriasi", year=2018, issue="4", kind="journal", pages=198,
                       issns=("1563-0269",), languages=("kaz",))
    philology = dataclasses.replace(history, title="kazu habarsisi filologia seriasi", issns=("1563-0223",))
    decision = decide(history, philology, Thresholds(match=0.8, review=0.6))
    assert decision.outcome == "review" and decision.rule == "score, different ISSNs"
