"""Within a block, only the pairs a veto would stop are left unpaired (consolidation/blocking.py)."""

from __future__ import annotations

import random
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from consolidation.blocking import candidates, may_pair, pairing, pairs_in
from consolidation.vetoes import different_language, veto
from crosswalks.workkeys import WorkKeys


def random_keys(rng: random.Random) -> WorkKeys:
    return WorkKeys(title="kazak adebieti", edition=rng.choice((None, "1", "2")), volume=rng.choice((None, "1", "2")),
                    year=rng.choice((None, 2000, 2001, 2002, 2004)), issue=rng.choice((None, None, None, "3")),
                    kind=rng.choice((None, "book", "book", "journal")),
                    languages=rng.choice(((), ("kaz",), ("kaz",), ("rus",), ("kaz", "rus"))))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 12))
def test_every_pair_left_out_is_one_a_veto_stops_and_not_a_translation(seed: int, size: int) -> None:
    rng = random.Random(seed)
    keys = {record_id: random_keys(rng) for record_id in rng.sample(range(100), size)}
    pairings = {record_id: pairing(k) for record_id, k in keys.items()}
    found = set(pairs_in(list(keys), pairings))
    for a, b in combinations(sorted(keys), 2):
        if (a, b) not in found:
            assert veto(keys[a], keys[b]) is not None and not different_language(keys[a], keys[b]), (a, b)
    books = not any(p.serial for p in pairings.values())
    assert found == {(a, b) for a, b in combinations(sorted(keys), 2) if may_pair(pairings[a], pairings[b], books)}
    new = set(rng.sample(sorted(keys), rng.randint(1, size)))
    assert set(pairs_in(list(keys), pairings, new)) == {(a, b) for a, b in found if a in new or b in new}


def test_volumes_editions_and_distant_years_are_not_paired_translations_are() -> None:
    kazakh = ("kaz",)
    keys = {1: WorkKeys(volume="1", year=2000, languages=kazakh), 2: WorkKeys(volume="2", year=2000, languages=kazakh),
            3: WorkKeys(volume="1", year=2001, languages=kazakh), 4: WorkKeys(volume="1", year=2003, languages=kazakh),
            5: WorkKeys(volume="1", edition="2", year=2000, languages=kazakh),
            6: WorkKeys(volume="1", languages=kazakh), 7: WorkKeys(volume="2", year=1990, languages=("rus",))}
    pairings = {record_id: pairing(k) for record_id, k in keys.items()}
    found = candidates([("t:kazak adebieti", sorted(keys))], pairings)
    assert found.pairs == {(1, 3), (1, 6), (3, 6), (4, 6),  # a year apart, or of no stated year
                           (1, 7), (2, 7), (3, 7), (4, 7), (5, 7), (6, 7)}  # no language in common
