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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import NamedTuple

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


class Pairing(NamedTuple):
    """What blocking reads of a record's keys (:func:`pairing`): which of the records it shares a
    block with it may be paired with."""

    serial: bool
    edition: str
    volume: str | None
    year: int | None
    languages: tuple[str, ...]


def pairing(keys: WorkKeys) -> Pairing:
    """A record's :class:`Pairing`; a record that states no edition is a first edition."""
    return Pairing(serial(keys), keys.edition or "1", keys.volume, keys.year, keys.languages)


def group_by_block(blocks_of: Iterable[tuple[int, Iterable[str]]]) -> dict[str, list[int]]:
    """Block name -> ids of the records in it."""
    groups: dict[str, list[int]] = {}
    for record_id, names in blocks_of:
        for name in names:
            groups.setdefault(name, []).append(record_id)
    return groups


def set_isbns(groups: Iterable[tuple[str, list[int]]], pairings: Mapping[int, Pairing]) -> set[str]:
    """ISBNs shared by records of more than one volume, of the blocks given as (name, ids)."""
    return {isbn for name, ids in groups if (isbn := set_isbn(name, ids, pairings)) is not None}


def set_isbn(name: str, ids: list[int], pairings: Mapping[int, Pairing]) -> str | None:
    """The ISBN of an ISBN block whose records are of more than one volume (a set's), else None."""
    if name.startswith("i:") and len(ids) > 1 and len({pairings[i].volume for i in ids if i in pairings}) > 1:
        return name[2:].split("|", 1)[0]
    return None


def may_pair(a: Pairing, b: Pairing, books: bool) -> bool:
    """Whether two records of a block are paired: they have no language in common (a translation is
    linked to its original whatever its edition and year), or they are of the same edition, of the
    same volume in a block of books (a serial's is compared pair by pair, since one that states no
    volume may be any) and published at most a year apart or either in no stated year."""
    if a.languages and b.languages and set(a.languages).isdisjoint(b.languages):
        return True
    return (a.edition == b.edition and (not books or a.volume == b.volume)
            and (a.year is None or b.year is None or abs(a.year - b.year) <= 1))


def pairs_in(ids: list[int], pairings: Mapping[int, Pairing], new: set[int] | None = None
             ) -> Iterator[tuple[int, int]]:
    """The pairs of one block's records :func:`may_pair` allows, smaller id first; only pairs with a
    record of ``new`` when given (a pair may come twice).  The other pairs would be stopped by the
    edition, volume or year veto.

    A block of two hundred records has twenty thousand pairs: they are found by grouping the
    records by edition, volume and year, not by trying each; with ``new``, each new record looks
    only in the groups it may pair with."""
    ordered = sorted(ids)
    books = not any(pairings[i].serial for i in ordered)
    if new is not None:
        yield from _pairs_with_new(ordered, pairings, new, books)
        return
    alike: dict[tuple[str, str | None, int | None], list[int]] = {}
    languages = set()
    for record_id in ordered:
        found = pairings[record_id]
        alike.setdefault((found.edition, found.volume if books else None, found.year), []).append(record_id)
        languages.add(found.languages)
    for (edition, volume, year), these in alike.items():
        yield from combinations(these, 2)
        if year is not None:
            for other in ((edition, volume, year + 1), (edition, volume, None)):
                yield from _across(these, alike.get(other, []))
    if len(languages) > 1:
        yield from _across_languages(ordered, pairings)


def _pairs_with_new(ordered: list[int], pairings: Mapping[int, Pairing], new: set[int], books: bool
                    ) -> Iterator[tuple[int, int]]:
    """:func:`pairs_in` with ``new``: at a million records ten thousand new records meet four
    hundred thousand in their blocks, and trying each against each was a third of placing them."""
    by_years: dict[tuple[str, str | None], dict[int | None, list[int]]] = {}
    by_languages: dict[frozenset[str], list[int]] = {}
    for record_id in ordered:
        found = pairings[record_id]
        by_years.setdefault((found.edition, found.volume if books else None), {}).setdefault(found.year, []).append(
            record_id)
        if found.languages:
            by_languages.setdefault(frozenset(found.languages), []).append(record_id)
    for a in ordered:
        if a not in new:
            continue
        mine = pairings[a]
        years = by_years[(mine.edition, mine.volume if books else None)]
        if mine.year is None:
            others = [b for these in years.values() for b in these]
        else:
            others = [b for year in (mine.year - 1, mine.year, mine.year + 1, None) for b in years.get(year, ())]
        if mine.languages:
            languages = set(mine.languages)
            others += [b for theirs, these in by_languages.items() if languages.isdisjoint(theirs) for b in these]
        yield from ((a, b) if a < b else (b, a) for b in others if b != a and (b not in new or a < b))


def _across_languages(ids: list[int], pairings: Mapping[int, Pairing]) -> Iterator[tuple[int, int]]:
    """Pairs of ``ids`` whose records both state languages, none in common."""
    by_languages: dict[frozenset[str], list[int]] = {}
    for record_id in ids:
        if pairings[record_id].languages:
            by_languages.setdefault(frozenset(pairings[record_id].languages), []).append(record_id)
    groups = list(by_languages.items())
    for index, (languages, these) in enumerate(groups):
        for other_languages, others in groups[index + 1:]:
            if not languages & other_languages:
                yield from _across(these, others)


def _across(left: list[int], right: list[int]) -> Iterator[tuple[int, int]]:
    """Every pair of a record of ``left`` and one of ``right``, smaller id first."""
    for a in left:
        yield from ((a, b) if a < b else (b, a) for b in right)


def candidates(groups: Iterable[tuple[str, list[int]]], pairings: Mapping[int, Pairing],
               new: set[int] | None = None) -> Candidates:
    """The pairs sharing a block that may be one manifestation or a translation (with a record of
    ``new``, when given), and the set ISBNs.  ``groups``: every block as (name, ids), which may be
    read from the store a block at a time; ``pairings``: of every record in them (or of none in
    a block larger than :data:`MAX_BLOCK`)."""
    found = Candidates()
    for name, ids in groups:
        if len(ids) < 2:
            continue
        isbn = set_isbn(name, ids, pairings)
        if isbn is not None:
            found.set_isbns.add(isbn)
        if new is not None and new.isdisjoint(ids):
            continue
        if len(ids) > MAX_BLOCK:
            found.skipped_blocks.append((name, len(ids)))
            continue
        found.pairs.update(pairs_in(ids, pairings, new))
    return found
