"""How well consolidation matches, measured on the labelled set (``tests/consolidation/labelled.py``).

The issue's bar, asserted here: pairwise precision at least 0.995 and recall at least 0.92 over
every pair of records, recall across scripts at least 0.90, and not one pair of different volumes
or editions merged.  B-cubed precision and recall are printed beside them (``pytest -s``).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable

import pytest

from consolidation.build import Options, Outcome, cluster_keys
from crosswalks.model import CanonicalRecord
from crosswalks.workkeys import WorkKeys, work_keys
from tests.consolidation.labelled import LabelledPair, labelled_set

#: Strata where a merge is a wrong merge of two manifestations the issue names.
NEVER_MERGED = ("set-volumes", "editions", "reprints", "serial-different-issues", "component-host",
                "kk-ru-translation", "book-review")


@functools.cache
def measured(seed: int) -> tuple[list[LabelledPair], list[CanonicalRecord], set[frozenset[int]], Outcome]:
    pairs, records, truth = labelled_set(seed=seed, size=3200)
    keys: dict[int, WorkKeys] = {index: work_keys(record) for index, record in enumerate(records)}
    return pairs, records, truth, cluster_keys(keys, Options())


def predicted_pairs(clusters: Iterable[list[int]]) -> set[frozenset[int]]:
    return {frozenset((a, b)) for members in clusters for i, a in enumerate(members) for b in members[i + 1:]}


def b_cubed(clusters: list[list[int]], truth_of: dict[int, int]) -> tuple[float, float]:
    """Mean over records of the share of its cluster that is its true work, and the reverse."""
    true_sizes: dict[int, int] = defaultdict(int)
    for work in truth_of.values():
        true_sizes[work] += 1
    precision = recall = 0.0
    for members in clusters:
        works: dict[int, int] = defaultdict(int)
        for record in members:
            works[truth_of[record]] += 1
        for record in members:
            right = works[truth_of[record]]
            precision += right / len(members)
            recall += right / true_sizes[truth_of[record]]
    return precision / len(truth_of), recall / len(truth_of)


def truth_clusters(count: int, truth: set[frozenset[int]]) -> dict[int, int]:
    """Record -> its true work's number (the smallest record of the work)."""
    work = list(range(count))
    for pair in sorted(tuple(sorted(p)) for p in truth):
        a, b = pair
        work[b] = min(work[b], work[a])
    for index in range(count):
        work[index] = work[work[index]]
    return dict(enumerate(work))


@pytest.mark.parametrize("seed", [21, 5])
def test_pairwise_precision_and_recall_meet_the_bar(seed: int) -> None:
    pairs, records, truth, outcome = measured(seed)
    predicted = predicted_pairs(outcome.clustering.clusters())
    right = len(predicted & truth)
    precision, recall = right / len(predicted), right / len(truth)
    bc_precision, bc_recall = b_cubed(outcome.clustering.clusters(), truth_clusters(len(records), truth))
    print(f"\nseed {seed}: {len(records)} records, {len(truth)} true pairs, {len(predicted)} merged pairs; "
          f"pairwise precision {precision:.4f} recall {recall:.4f}; B-cubed precision {bc_precision:.4f} "
          f"recall {bc_recall:.4f}")
    assert len(pairs) >= 3000
    assert precision >= 0.995 and recall >= 0.92


def test_records_in_different_scripts_are_found_to_be_one_work() -> None:
    pairs, records, _, outcome = measured(21)
    index = {id(record): i for i, record in enumerate(records)}
    crossing = [p for p in pairs if p.same and p.cross_script]
    found = sum(outcome.clustering.find(index[id(p.a)]) == outcome.clustering.find(index[id(p.b)]) for p in crossing)
    print(f"\ncross-script recall {found / len(crossing):.4f} over {len(crossing)} pairs")
    assert len(crossing) >= 600 and found / len(crossing) >= 0.90


def test_no_volumes_editions_or_other_manifestations_are_merged() -> None:
    pairs, records, _, outcome = measured(21)
    index = {id(record): i for i, record in enumerate(records)}
    wrong = [p for p in pairs if p.stratum in NEVER_MERGED
             and outcome.clustering.find(index[id(p.a)]) == outcome.clustering.find(index[id(p.b)])]
    assert sum(p.stratum in NEVER_MERGED for p in pairs) >= 700
    assert wrong == []


def test_a_translation_compared_with_its_original_is_related_not_merged() -> None:
    pairs, records, _, outcome = measured(21)
    index = {id(record): i for i, record in enumerate(records)}
    translations = [tuple(sorted((index[id(p.a)], index[id(p.b)]))) for p in pairs if p.related]
    compared = [pair for pair in translations if pair in outcome.decisions]
    related = [pair for pair in compared if outcome.decisions[pair].outcome == "related"]
    print(f"\n{len(related)} of {len(translations)} translations stored as related ({len(compared)} compared)")
    # Compared: those sharing a block with their original.  One that states no language and was
    # published more than a year from the original is not compared at all: the year veto rules the
    # pair out before scoring (consolidation/blocking.py).  The rest state no language.
    assert len(compared) >= 25 and len(related) >= 0.8 * len(compared)
