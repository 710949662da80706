"""A cluster's one record: the best value of each field, chosen the same way every time.

The members are ranked: the most authoritative source format first (MARC, then MODS, then
Dublin Core: the fuller the format, the more a cataloguer could say), then the fullest record
(most fields filled), then the record published first.  The first is the **base**: single values
(edition, kind, extent, dates, creators) are its, or the next member's when it has none.  Lists
(subjects, identifiers, languages, publishers, places, notes, relations) are the union in rank
order without repeats.  Each member's main title that the base does not already carry is kept as
an alternative title, so a work catalogued once in Cyrillic and once in Latin script is found by
both.  A partner's own links to its files are kept only from members whose level is open: each
holding keeps its own level (``repository/publishing.py`` withholds them from the others).

The record's level is the most open level some holding really offers; the holdings list each
partner's record with its own level.  The identifiers the cluster absorbed are listed as
relations, so harvesters can follow them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from crosswalks.model import CanonicalRecord, Holding, Relation, Title

#: Levels from the least to the most open.
LEVELS = ("read-only", "preview-24", "open")
#: How much a source format can say, most first.
FORMAT_RANK = {"marcxml": 0, "marc21": 0, "mods": 1, "oai_dc": 2}

T = TypeVar("T")


@dataclass(frozen=True)
class Member:
    """One partner's record in a cluster, as merging needs it."""

    hub_id: int
    oai_identifier: str
    partner: str
    record: CanonicalRecord
    #: Its own level: its live copy's, else its record's.
    level: str
    metadata_prefix: str | None = None
    copy_url: str | None = None
    #: Its provenance container (``<about>``): where the partner record came from.
    about: str | None = None


def most_open(levels: Iterable[str]) -> str:
    """The most open of ``levels`` (read-only when none is known)."""
    known = [level for level in levels if level in LEVELS]
    return max(known, key=LEVELS.index) if known else LEVELS[0]


def fullness(record: CanonicalRecord) -> int:
    """How many fields the record fills, lists counted by their length."""
    count = 0
    for field in dataclasses.fields(record):
        if field.name in ("source", "marc_extra", "holdings", "access"):
            continue
        value = getattr(record, field.name)
        count += len(value) if isinstance(value, list) else int(value not in (None, ""))
    return count


def ranked(members: Sequence[Member]) -> list[Member]:
    """Most authoritative format first, then the fullest record, then the one published first."""
    return sorted(members, key=lambda m: (FORMAT_RANK.get(m.metadata_prefix or "", 3), -fullness(m.record), m.hub_id))


def union(lists: Iterable[list[T]], key: Callable[[T], Hashable]) -> list[T]:
    """The items of every list in order, each key once."""
    seen: set[Hashable] = set()
    found = []
    for items in lists:
        for item in items:
            mark = key(item)
            if mark not in seen:
                seen.add(mark)
                found.append(item)
    return found


def first(values: Iterable[Any]) -> Any:
    """The first value that is not empty, else None."""
    return next((value for value in values if value not in (None, "", [])), None)


def titles_of(order: Sequence[Member]) -> list[Title]:
    """The base's titles, then each other member's main title it lacks, as an alternative title."""
    titles = list(order[0].record.titles)
    known = {title.value for title in titles}
    for member in order[1:]:
        for title in member.record.titles:
            if title.kind == "main" and title.value not in known:
                known.add(title.value)
                titles.append(dataclasses.replace(title, kind="alternative", other_script_of=None))
    return titles


def merged_record(members: Sequence[Member], absorbed: Sequence[str]) -> CanonicalRecord:
    """The cluster's record from its members' own records; ``absorbed``: the OAI identifiers of the
    members published under this one."""
    order = ranked(members)
    records = [member.record for member in order]
    base = records[0]
    lists = {name: union((getattr(r, name) for r in records), _identity) for name in
             ("publishers", "places", "languages", "formats", "coverage", "rights")}
    return dataclasses.replace(
        base,
        titles=titles_of(order),
        agents=first(r.agents for r in records) or [],
        subjects=union((r.subjects for r in records), lambda s: (s.value, s.scheme)),
        descriptions=union((r.descriptions for r in records), lambda d: d.value),
        dates=first(r.dates for r in records) or [],
        edition=first(r.edition for r in records),
        kind=first(r.kind for r in records),
        dcmi_type=first(r.dcmi_type for r in records),
        extent=first(r.extent for r in records),
        pages=first(r.pages for r in records),
        identifiers=union((r.identifiers for r in records), lambda i: (i.scheme, i.value)),
        relations=union((r.relations for r in records), lambda r: (r.kind, r.title, r.number))
        + [Relation(identifier, "other", identifier=identifier) for identifier in absorbed],
        objects=union((m.record.objects for m in order if m.level == "open"), lambda o: o.url),
        holdings=[Holding(m.partner, m.oai_identifier, m.level, m.copy_url)
                  for m in sorted(members, key=lambda m: m.hub_id)],
        access=most_open(m.level for m in members),
        **lists,
    )


def _identity(value: T) -> T:
    return value
