"""How alike two records are, and what follows from it.

The score is a weighted mean of the parts both records have (title, creators, year,
publisher, extent), each between 0 and 1.  A part one record lacks is left out rather than
counted as a mismatch: partners catalogue with different care.  Vetoes come first
(``consolidation/vetoes.py``); only then may a shared identifier decide, and only an ISBN that
is not a set's (``consolidation/blocking.py``).

Outcomes: ``match`` (the same work), ``review`` (between the two thresholds: an operator
decides, ``kazneb cluster review``), ``distinct``, ``veto`` (a veto fired), ``related`` (a
translation: different languages, the same creator).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from consolidation.vetoes import different_language, veto
from crosswalks.workkeys import WorkKeys

#: Weight of each part in the score.
WEIGHTS: dict[str, float] = {"title": 0.45, "creators": 0.25, "year": 0.1, "publisher": 0.1, "pages": 0.1}

#: A title at least this alike lets a shared identifier decide (an ISBN on two different
#: titles is a cataloguing error, not a match).
IDENTIFIER_TITLE_FLOOR = 0.6

#: With fewer parts than this beside the title, a score can reach review but never match.
MIN_EVIDENCE = 2


@dataclass(frozen=True)
class Thresholds:
    """``consolidation.match_threshold`` and ``consolidation.review_threshold``."""

    match: float = 0.85
    review: float = 0.7


@dataclass(frozen=True)
class Decision:
    """What was decided about one pair, and why: stored with the link, shown by ``explain``."""

    outcome: str
    score: float
    rule: str
    parts: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"outcome": self.outcome, "score": round(self.score, 4), "rule": self.rule,
                "parts": {name: round(value, 4) for name, value in self.parts.items()}}


def similarity(a: str, b: str) -> float:
    """0-1 likeness of two skeletons, as written or with their words sorted, whichever is closer
    (sorting forgives a changed word order and punishes a typo in a first letter)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100.0


def name_likeness(a: str, b: str) -> float:
    """0-1 likeness of two creators' name skeletons (words sorted): 1 when one name's full words are
    all in the other, which may add a patronymic, and its initials start the other's words
    ("orlov vladimir", "genadevich orlov vladimir", "orlov v"); else how alike they are.  Cached:
    an author's books meet one another in a block, so the same two names are compared again and
    again."""
    if a == b:
        return 1.0
    words_a, words_b = a.split(), b.split()
    full_a, full_b = {w for w in words_a if len(w) > 1}, {w for w in words_b if len(w) > 1}
    if full_a and full_b and (full_a <= full_b or full_b <= full_a) and \
            _initials_agree(words_a, full_b) and _initials_agree(words_b, full_a):
        return 1.0
    # The words of a name skeleton are sorted already (crosswalks.romanise.name_skeleton): sorting
    # them again, as similarity() also tries, would give the same likeness.
    return fuzz.ratio(a, b) / 100.0


def _initials_agree(words: list[str], other_full: set[str]) -> bool:
    """No initials, or at least one of them starts a full word of the other name."""
    initials = [w for w in words if len(w) == 1]
    return not initials or any(full.startswith(i) for i in initials for full in other_full)


def title_likeness(a: WorkKeys, b: WorkKeys) -> float:
    """Best likeness of any title of ``a`` with any title of ``b`` (main, with subtitle, other forms)."""
    best = similarity(a.title, b.title)
    if best < 1.0 and a.subtitle and b.subtitle:
        best = max(best, similarity(f"{a.title} {a.subtitle}", f"{b.title} {b.subtitle}"))
    if best < 1.0 and (a.other_titles or b.other_titles):
        for left in (a.title, *a.other_titles):
            for right in (b.title, *b.other_titles):
                best = max(best, similarity(left, right))
    return best


def creator_likeness(a: WorkKeys, b: WorkKeys) -> float | None:
    """1 when a creator or an authority is shared, else the best likeness of two names; None when
    both are anonymous, 0.5 when only one names a creator (the other partner may have left it out)."""
    if not a.creators and not b.creators:
        return None
    if not a.creators or not b.creators:
        return 0.5
    if (a.authorities and b.authorities and not set(a.authorities).isdisjoint(b.authorities)) \
            or not set(a.creators).isdisjoint(b.creators):
        return 1.0
    if len(a.creators) == 1 and len(b.creators) == 1:
        return name_likeness(a.creators[0], b.creators[0])
    return max(name_likeness(x, y) for x in a.creators for y in b.creators)


def year_likeness(a: WorkKeys, b: WorkKeys) -> float | None:
    if a.year is None or b.year is None:
        return None
    return 1.0 if a.year == b.year else 0.8


def publisher_likeness(a: WorkKeys, b: WorkKeys) -> float | None:
    if not a.publisher or not b.publisher:
        return None
    return fuzz.token_set_ratio(a.publisher, b.publisher) / 100.0


def pages_likeness(a: WorkKeys, b: WorkKeys) -> float | None:
    """1 for the same count, falling to 0 at a tenth apart (extents are counted differently)."""
    if not a.pages or not b.pages:
        return None
    gap = abs(a.pages - b.pages) / max(a.pages, b.pages)
    return max(0.0, 1.0 - 10 * gap)


def parts_of(a: WorkKeys, b: WorkKeys) -> dict[str, float]:
    """The parts both records have, by name (in :data:`WEIGHTS`' order)."""
    parts = {"title": title_likeness(a, b)}
    for name, likeness in _OTHER_PARTS:
        value = likeness(a, b)
        if value is not None:
            parts[name] = value
    return parts


#: The parts after the title, in :data:`WEIGHTS`' order (a pair is scored millions of times).
_OTHER_PARTS: tuple[tuple[str, Callable[[WorkKeys, WorkKeys], float | None]], ...] = (
    ("creators", creator_likeness), ("year", year_likeness), ("publisher", publisher_likeness),
    ("pages", pages_likeness))


def weighted(parts: dict[str, float]) -> float:
    total = weighted_sum = 0.0
    for name, value in parts.items():
        weight = WEIGHTS[name]
        total += weight
        weighted_sum += weight * value
    return weighted_sum / total if total else 0.0


def shared_identifier(a: WorkKeys, b: WorkKeys, set_isbns: Collection[str]) -> str | None:
    """The kind of a shared identifier that may decide ("isbn", "issn", "id"), or None."""
    if a.isbns and b.isbns and any(isbn not in set_isbns for isbn in set(a.isbns).intersection(b.isbns)):
        return "isbn"
    if a.other_ids and b.other_ids and not set(a.other_ids).isdisjoint(b.other_ids):
        return "id"
    if a.issns and b.issns and not set(a.issns).isdisjoint(b.issns):
        return "issn"
    return None


def translation(a: WorkKeys, b: WorkKeys) -> bool:
    """No language in common: with the same creators, one is a translation of the other (or both of
    a third), published whenever; related, never merged."""
    return different_language(a, b)


def disjoint_numbers(a: WorkKeys, b: WorkKeys) -> str | None:
    """"ISBNs" or "ISSNs" when both records carry that kind of number and share none: two
    manifestations (two series of one journal, two printings), unless a cataloguer slipped, so such
    a pair is left to an operator however alike the rest is; else None."""
    if a.isbns and b.isbns and set(a.isbns).isdisjoint(b.isbns):
        return "ISBNs"
    if a.issns and b.issns and set(a.issns).isdisjoint(b.issns):
        return "ISSNs"
    return None


def decide(a: WorkKeys, b: WorkKeys, thresholds: Thresholds = Thresholds(),
           set_isbns: Collection[str] = ()) -> Decision:
    """The outcome for one pair: vetoes first, then a deciding identifier, then the score."""
    parts = parts_of(a, b)
    score = weighted(parts)
    vetoed = veto(a, b)
    if vetoed is not None:
        if translation(a, b) and parts.get("creators", 0.0) >= thresholds.match:
            return Decision("related", score, "veto:language", parts)
        return Decision("veto", score, f"veto:{vetoed}", parts)
    identifier = shared_identifier(a, b, set_isbns)
    if identifier is not None and parts["title"] >= IDENTIFIER_TITLE_FLOOR:
        return Decision("match", score, f"identifier:{identifier}", parts)
    if score >= thresholds.match and len(parts) - 1 >= MIN_EVIDENCE:
        disjoint = disjoint_numbers(a, b)
        if disjoint is not None:
            return Decision("review", score, f"score, different {disjoint}", parts)
        return Decision("match", score, "score", parts)
    if score >= thresholds.review:
        return Decision("review", score, "score", parts)
    return Decision("distinct", score, "score", parts)
