"""Which records are compared: those that share a block (``crosswalks.workkeys.blocks``), and of
those only the pairs no veto rules out by itself.

Comparing every record with every other is a trillion pairs at a million records; records
share a block when they share an identifier, the first words of a title skeleton, or a
creator and a title's start, with the same issue and host (every block name ends with them).
Within a block, two records of different editions or volumes, or published more than a year
apart, are never one manifestation (``consolidation/vetoes.py``): they are not paired at all.  At a
million records that leaves one pair in twenty-five of those sharing a block, and most of the
rest were such vetoed pairs.  Records with no language in common are paired whatever their
volume and year: a translation is linked to its original (``related``).

A block larger than :data:`MAX_BLOCK` (a title like "Selected works", a publisher's series ISBN
on hundreds of records) is too common to tell anything and is skipped: its records meet through
their other blocks.

A **set ISBN** is one carried by records of different volumes (or of a volume and the set): it
names the set, not a book, so it is never allowed to decide a match.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations

from consolidation.vetoes import serial
from crosswalks.workkeys import WorkKeys

#: Blocks with more records than this are skipped (reported as ``skipped_blocks``).
MAX_BLOCK = 200


@dataclass
class Candidates:
    """The pairs to compare, and what blocking learnt on the way."""

    pairs: set[tuple[int, int]] = field(default_factory=set)
    set_isbns: set[str] = field(default_factory=set)
    skipped_blocks: list[tuple[str, int]] = field(default_factory=list)


def group_by_block(blocks_of: Iterable[tuple[int, Iterable[str]]]) -> dict[str, list[int]]:
    """Block name -> ids of the records in it."""
    groups: dict[str, list[int]] = {}
    for record_id, names in blocks_of:
        for name in names:
            groups.setdefault(name, []).append(record_id)
    return groups


def set_isbns(groups: Mapping[str, list[int]], keys: Mapping[int, WorkKeys]) -> set[str]:
    """ISBNs shared by records of more than one volume."""
    found = set()
    for name, ids in groups.items():
        if name.startswith("i:") and len(ids) > 1 and len({keys[i].volume for i in ids if i in keys}) > 1:
            found.add(name[2:].split("|", 1)[0])
    return found


def pairs_in(ids: list[int], keys: Mapping[int, WorkKeys], new: set[int] | None = None) -> Iterator[tuple[int, int]]:
    """The pairs of one block's records that may be one manifestation, or have no language in
    common; smaller id first, only pairs with a record of ``new`` when given (a pair may come twice).

    Of the vetoes a block's name does not already settle, three are told by grouping: the edition
    and the volume (records of different editions or of a book's different volumes are not paired;
    a serial's volume is compared pair by pair, since one that states none may be any) and the
    years (records more than a year apart are not paired; one without a year is paired with
    every other)."""
    ordered = sorted(set(ids))
    books = not any(serial(keys[i]) for i in ordered)
    alike = _grouped(ordered, lambda i: (keys[i].edition or "1", keys[i].volume if books else None))
    for members in alike.values():
        yield from _within_a_year(members, keys, new)
    if len({keys[i].languages for i in ordered}) > 1:
        yield from _across_languages(ordered, keys, new)


def _within_a_year(ids: list[int], keys: Mapping[int, WorkKeys], new: set[int] | None) -> Iterator[tuple[int, int]]:
    """Pairs of ``ids`` published at most a year apart, or either of unknown year."""
    by_year = _grouped(ids, lambda i: keys[i].year)
    undated = by_year.pop(None, [])
    for year, these in by_year.items():
        yield from _pairs(these, these, new)
        yield from _pairs(these, by_year.get(year + 1, []), new)  # type: ignore[operator]
        yield from _pairs(these, undated, new)
    yield from _pairs(undated, undated, new)


def _across_languages(ids: list[int], keys: Mapping[int, WorkKeys], new: set[int] | None) -> Iterator[tuple[int, int]]:
    """Pairs of ``ids`` whose records both state languages, none in common."""
    by_languages = _grouped([i for i in ids if keys[i].languages], lambda i: frozenset(keys[i].languages))
    groups = list(by_languages.items())
    for index, (languages, these) in enumerate(groups):
        for other_languages, others in groups[index + 1:]:
            if not languages & other_languages:
                yield from _pairs(these, others, new)


def _grouped(ids: list[int], key: Callable[[int], Hashable]) -> dict[Hashable, list[int]]:
    """``ids`` by ``key``, each list in the order of ``ids``."""
    groups: dict[Hashable, list[int]] = {}
    for record_id in ids:
        groups.setdefault(key(record_id), []).append(record_id)
    return groups


def _pairs(left: list[int], right: list[int], new: set[int] | None) -> Iterator[tuple[int, int]]:
    """Every pair of a record of ``left`` and one of ``right``, smaller id first (each pair once when
    they are the same sorted list); only those with a record of ``new`` when given."""
    if left is right:
        if new is None:
            yield from combinations(left, 2)
        else:
            for a in left:
                if a in new:
                    yield from ((a, b) if a < b else (b, a) for b in left if b != a and (b not in new or a < b))
    else:
        for a in left:
            others = right if new is None or a in new else [b for b in right if b in new]
            yield from ((a, b) if a < b else (b, a) for b in others)


def candidates(groups: Mapping[str, list[int]], keys: Mapping[int, WorkKeys],
               new: set[int] | None = None) -> Candidates:
    """The pairs sharing a block that may be one manifestation or a translation (with a record of
    ``new``, when given), and the set ISBNs."""
    found = Candidates(set_isbns=set_isbns(groups, keys))
    for name, ids in groups.items():
        if len(ids) < 2 or (new is not None and new.isdisjoint(ids)):
            continue
        if len(ids) > MAX_BLOCK:
            found.skipped_blocks.append((name, len(ids)))
            continue
        found.pairs.update(pairs_in(ids, keys, new))
    return found
