"""Union-find with cannot-link constraints: no forbidden pair ever shares a cluster."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from consolidation.clusters import cluster


def together(clustering, a: int, b: int) -> bool:  # type: ignore[no-untyped-def]
    return clustering.find(a) == clustering.find(b)


def test_matches_join_records_into_clusters() -> None:
    result = cluster(range(5), [(0, 1), (1, 2), (3, 4)])
    assert result.clusters() == [[0, 1, 2], [3, 4]]


def test_a_forbidden_pair_is_not_joined_through_a_third_record() -> None:
    """A-B and B-C match, A and C are two volumes: C stays out of A's cluster."""
    result = cluster(range(3), [(0, 1), (1, 2)], forbidden=[(0, 2)])
    assert together(result, 0, 1) and not together(result, 0, 2)
    assert result.refused["cannot-link"] == 1


def test_forced_pairs_join_first_and_forbidden_pairs_beat_them() -> None:
    result = cluster(range(4), [], forced=[(0, 1), (1, 2)], forbidden=[(0, 2)])
    assert together(result, 0, 1) and not together(result, 1, 2)
    assert result.conflicts == [(1, 2)]


def test_joinable_can_refuse_a_union_and_is_counted() -> None:
    refuse_big = lambda left, right: "size" if len(left) + len(right) > 2 else None  # noqa: E731
    result = cluster(range(4), [(0, 1), (1, 2), (2, 3)], joinable=refuse_big)
    assert result.clusters() == [[0, 1], [2, 3]]
    assert result.refused["size"] == 1


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000))
def test_no_cluster_ever_holds_a_forbidden_pair(seed: int) -> None:
    rng = random.Random(seed)
    ids = range(30)
    matches = [tuple(rng.sample(ids, 2)) for _ in range(60)]
    forbidden = [tuple(rng.sample(ids, 2)) for _ in range(15)]
    forced = [tuple(rng.sample(ids, 2)) for _ in range(5)]
    result = cluster(ids, matches, forced=forced, forbidden=forbidden)
    for a, b in forbidden:
        assert not together(result, a, b), (a, b)
    for a, b in matches + forced:  # every refused pair is explained by a forbidden pair across
        if not together(result, a, b):
            left, right = result.members[result.find(a)], result.members[result.find(b)]
            assert result.has_forbidden_pair(left, right)
