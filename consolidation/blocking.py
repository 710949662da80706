"""Which records are compared: those that share a block (``crosswalks.workkeys.blocks``).

Comparing every record with every other is a trillion pairs at a million records; records
share a block when they share an identifier, the first words of a title skeleton, or a
creator and a title's start.  A block larger than :data:`MAX_BLOCK` (a title like
"Selected works", a publisher's series ISBN on hundreds of records) is too common to tell
anything and is skipped: its records meet through their other blocks.

A **set ISBN** is one carried by records of different volumes (or of a volume and the set): it
names the set, not a book, so it is never allowed to decide a match.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

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
            found.add(name[2:])
    return found


def pairs_in(ids: list[int], new: set[int] | None) -> Iterator[tuple[int, int]]:
    """Each pair of ``ids`` once, smaller id first; only pairs with a new record when ``new`` is given."""
    ordered = sorted(set(ids))
    for index, a in enumerate(ordered):
        for b in ordered[index + 1:]:
            if new is None or a in new or b in new:
                yield a, b


def candidates(groups: Mapping[str, list[int]], keys: Mapping[int, WorkKeys],
               new: set[int] | None = None) -> Candidates:
    """The pairs sharing a block (with a record of ``new``, when given), and the set ISBNs."""
    found = Candidates(set_isbns=set_isbns(groups, keys))
    for name, ids in groups.items():
        if len(ids) < 2:
            continue
        if len(ids) > MAX_BLOCK:
            found.skipped_blocks.append((name, len(ids)))
            continue
        found.pairs.update(pairs_in(ids, new))
    return found
