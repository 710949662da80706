"""The keys a record is matched on, computed once from its canonical record.

Consolidation (``consolidation/``) decides whether two partners' records describe the same
work.  It compares these keys, never the records themselves, so a record is transliterated and
its identifiers checked once, when the store writes it, and a million records are matched
without touching a crosswalk again.  Every text key is a *skeleton* (``crosswalks/romanise.py``):
the same string for a Kazakh title in Cyrillic, in any of the Latin alphabets and
romanisations, and in common informal spellings.

:func:`blocks` names the groups a record is compared within: two records are compared only
when they share a block, which is what keeps matching a million records fast.

The numbers a title or an extent states in words (volume, issue, edition, pages) are read by
``crosswalks/numbering.py``; ISBN, ISSN and other identifiers are checked by
``crosswalks/standard_numbers.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, Final

from crosswalks.model import Agent, CanonicalRecord, Identifier, Relation, Title
from crosswalks.numbering import Found, edition_number, find_issue, find_volume, number_in, pages_in
from crosswalks.romanise import name_skeleton, skeleton
from crosswalks.standard_numbers import isbn13, issn, other_id

#: Bumped whenever :func:`work_keys` or :func:`blocks` changes what it computes, the skeleton rule
#: (``crosswalks/romanise.py``) and the number readers included: stored keys of an older version
#: are computed again by the next ``kazneb cluster build``.  1: the first keys computed.  2: block
#: names end with the record's issue and host (:func:`blocks`).
KEYS_VERSION = 2


@dataclass(frozen=True, slots=True)
class WorkKeys:
    """What matching knows about one source record.  Empty values are "", None or ().

    A full clustering run holds a million of these: they have slots, not a ``__dict__``."""

    #: Skeleton of the main title, without its subtitle and part: a title written out with ISBD
    #: punctuation (Dublin Core) is cut at " : ", " = " and " / ", and loses a volume or issue
    #: designation ("Т. 2", "№ 5") and a "[Текст]".
    title: str = ""
    #: Skeleton of the subtitle (MARC 245 $b), "" when there is none.
    subtitle: str = ""
    #: Skeletons of the record's other titles: parallel, uniform, alternative, other-script forms.
    other_titles: tuple[str, ...] = ()
    #: One skeleton per creator, its words sorted ("aitmatov sinis" for "Айтматов, Шыңғыс" and
    #: "Shyngys Aitmatov"), with the skeletons of the name's other forms (MARC 880) beside it;
    #: dates and numbers left out.  The agents whose role is "creator"; a record with none (an
    #: edited volume: MARC has no 1XX, Dublin Core may still call the editor dc:creator) gives
    #: its first agent, so the two records still share a name.
    creators: tuple[str, ...] = ()
    #: The authority identifiers (MARC $0, MODS valueURI) of the agents ``creators`` was read from,
    #: as written.
    authorities: tuple[str, ...] = ()
    year: int | None = None
    #: Volume or part number ("2" for "т. 2", "II", "2-том", "Vol. 2"), None when not a volume.
    #: Read from the main title's part, else its text (then cut from ``title``), else a series
    #: number; a book's "Вып. 3" counts as a volume.  For a component part: the host's volume.
    volume: str | None = None
    #: Issue number ("5", or "5-6" for a double issue) of a serial issue (kind journal or
    #: newspaper, or a record with an ISSN) or of a component part's host; None otherwise.
    issue: str | None = None
    #: Edition number ("2" for "2-е изд.", "2nd ed.", "Екінші басылым") or, when no number can be
    #: read, the statement's skeleton; None when the record states no edition.
    edition: str | None = None
    #: The canonical record's kind (book, journal, article, ...), None when unknown.
    kind: str | None = None
    #: True for a component part (an article, a chapter): a record with a host relation.
    component: bool = False
    #: Skeleton of the host's title, "" when not a component part.
    host: str = ""
    #: Language codes as the canonical record holds them (ISO 639-2), in its order.
    languages: tuple[str, ...] = ()
    #: Skeleton of the first publisher's name without the words that say what it is ("издательство",
    #: "баспасы", "ТОО", "Press", "Ltd": "Издательство «Фолиант»" and "Foliant Publishing" are "foliant").
    publisher: str = ""
    #: Number of pages: the record's, else the first figure before "с.", "б.", "p.", "pages" in its extent.
    pages: int | None = None
    #: Valid ISBNs as ISBN-13 without hyphens (ISBN-10 converted); invalid ones are left out.
    isbns: tuple[str, ...] = ()
    #: Valid ISSNs as "NNNN-NNNX".
    issns: tuple[str, ...] = ()
    #: Other standard identifiers, "scheme:value" with the value normalised: "doi:" (lower-cased,
    #: without its resolver), "hdl:", "ismn:", and "oclc:" from a MARC 035 "(OCoLC)..." number.
    other_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A compact JSON-ready dict: empty values left out."""
        data: dict[str, Any] = {}
        for name in _FIELD_NAMES:
            value = getattr(self, name)
            if value is None or value == "" or value == () or value is False:
                continue
            data[name] = list(value) if isinstance(value, tuple) else value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], shared: dict[Any, Any] | None = None) -> WorkKeys:
        """Inverse of :meth:`to_dict`; names it does not know (a later version's) are ignored.

        ``shared``: a dict kept across calls, through which the values records have in common
        (languages, creators, publishers, years, ...) are held once instead of once a record:
        a third less memory for a million keys."""
        known: dict[str, Any] = {}
        for name, value in data.items():
            if name in _TUPLE_FIELDS:
                value = tuple(value)
            elif name not in _FIELD_SET:
                continue
            if shared is not None and name in _SHARED_FIELDS:
                value = shared.setdefault(value, value)
            known[name] = value
        return cls(**known)


_FIELD_NAMES: Final = tuple(f.name for f in fields(WorkKeys))
_FIELD_SET: Final = frozenset(_FIELD_NAMES)
#: Known by their default: the compiled build's dataclass field types are not strings.
_TUPLE_FIELDS: Final = frozenset(f.name for f in fields(WorkKeys) if isinstance(f.default, tuple))
#: Fields whose values recur from record to record (see :meth:`WorkKeys.from_dict`).
_SHARED_FIELDS: Final = frozenset({"creators", "authorities", "year", "volume", "issue", "edition", "kind",
                                   "host", "languages", "publisher", "pages", "issns"})
_SERIAL_KINDS: Final = frozenset({"journal", "newspaper"})
_ISBN_SCHEMES: Final = frozenset({"isbn", "isbn10"})
_GMD: Final = re.compile(r"\s*\[(?:текст|мәтін|text|электронный ресурс|электрондық ресурс|electronic resource|"
                         r"ноты|звукозапись|изоматериал|карты|видеозапись|рукопись)\]", re.IGNORECASE)
#: Words of publishers' names that say what a publisher is, not which: dropped, so "Издательство
#: «Фолиант»", "ТОО Фолиант" and "Foliant Publishing" are one publisher, "foliant".
_PUBLISHER_WORDS: Final = frozenset(" ".join(skeleton(phrase) for phrase in (
    "издательство", "изд-во", "изд", "издат", "издательский дом", "типография", "баспасы", "баспа үйі",
    "publishing", "publishers", "publisher", "publ", "press", "house", "company", "ltd", "llc", "llp", "inc",
    "co", "corp", "тоо", "ао", "ооо", "зао", "оао", "пао", "жшс", "ип")).split())


def work_keys(record: CanonicalRecord) -> WorkKeys:
    """The keys of a canonical record (``crosswalks.model.CanonicalRecord``)."""
    main = _main_title(record.titles)
    serial = record.kind in _SERIAL_KINDS or any(i.scheme == "issn" for i in record.identifiers)
    host = next((relation for relation in record.relations if relation.kind == "host"), None)
    title, subtitle, parallels, title_volume, title_issue = _title_keys(main, serial)
    agents = [agent for agent in record.agents if agent.role == "creator"] or record.agents[:1]
    isbns, issns, other_ids = _identifiers(record.identifiers)
    return WorkKeys(
        title=title,
        subtitle=subtitle,
        other_titles=_other_titles(record.titles, main, parallels, title),
        creators=_creators(agents),
        authorities=_authorities(agents),
        year=record.year,
        volume=_volume(main, title_volume, record.relations, serial, host),
        issue=_issue(main, title_issue, record.relations) if serial or host else None,
        edition=(edition_number(record.edition) or skeleton(record.edition) or None) if record.edition else None,
        kind=record.kind,
        component=host is not None,
        host=skeleton(host.title) if host is not None else "",
        languages=tuple(record.languages),
        publisher=_publisher(record.publishers[0]) if record.publishers else "",
        pages=record.pages or pages_in(record.extent),
        isbns=isbns,
        issns=issns,
        other_ids=other_ids,
    )


def _main_title(titles: list[Title]) -> Title | None:
    """The first main title, else the first title (as ``CanonicalRecord.main_title``)."""
    for title in titles:
        if title.kind == "main":
            return title
    return titles[0] if titles else None


def _title_keys(main: Title | None, serial: bool) -> tuple[str, str, list[str], Found | None, Found | None]:
    """Title and subtitle skeletons, parallel titles as written, and the volume and issue found in
    the title's text, which the title skeleton leaves out: a Dublin Core record writes
    "Абай жолы : роман. Т. 2" where MARC has $a Абай жолы $b роман $n Т. 2."""
    if main is None:
        return "", "", [], None, None
    text, subtitle, parallels = _isbd_parts(main.value)
    volume = find_volume(text)
    issue = find_issue(text) if serial else None
    if volume is not None or issue is not None:
        for found in sorted(filter(None, (volume, issue)), key=lambda f: -f.start):  # the later one first
            text = _cut(text, found)
    if main.subtitle:
        subtitle = main.subtitle
    elif volume is None and subtitle:  # "Абай жолы : роман. Т. 2"
        volume = find_volume(subtitle)
        if volume is not None:
            subtitle = _cut(subtitle, volume)
    return skeleton(text), skeleton(subtitle), parallels, volume, issue


def _isbd_parts(value: str) -> tuple[str, str, list[str]]:
    """Title proper, other title information and parallel titles of a title written out with ISBD
    punctuation ("Title = Parallel : subtitle / responsibility"), as Dublin Core records do, without
    a general material designation ("[Текст]"), which Russian catalogues add and others do not."""
    if "[" in value:
        value = _GMD.sub("", value)
    if " / " in value:
        value = value[:value.index(" / ")]
    parallels: list[str] = []
    if " = " in value:
        value, *parallels = value.split(" = ")
    subtitle = ""
    if " : " in value:
        value, subtitle = value.split(" : ", 1)
    return value, subtitle, parallels


def _cut(text: str, found: Found) -> str:
    """The text without a number's designation, unless that would leave nothing."""
    rest = text[:found.start] + text[found.end:]
    return rest if skeleton(rest) else text


def _other_titles(titles: list[Title], main: Title | None, parallels: list[str], title: str) -> tuple[str, ...]:
    """Skeletons of every title but the main one, and of the main title's parallel titles."""
    if len(titles) < 2 and not parallels:
        return ()
    forms = [*parallels, *(other.value for other in titles if other is not main)]
    keys = (skeleton(_isbd_parts(form)[0]) for form in forms)
    return _unique(key for key in keys if key != title)


def _creators(agents: list[Agent]) -> tuple[str, ...]:
    """Each agent's name and its other forms, as sorted-word skeletons, each once."""
    if len(agents) == 1 and not agents[0].other_forms:  # most records: one author, one script
        name = name_skeleton(agents[0].name)
        return (name,) if name else ()
    return _unique(name_skeleton(form) for agent in agents for form in (agent.name, *(agent.other_forms or ())))


def _authorities(agents: list[Agent]) -> tuple[str, ...]:
    found: list[str] = []
    for agent in agents:
        if agent.authority_ids:
            found += agent.authority_ids
    return _unique(found) if found else ()


def _volume(main: Title | None, in_title: Found | None, relations: list[Relation], serial: bool,
            host: Relation | None) -> str | None:
    """The volume number: the main title's part, its text, a series number, the host's number."""
    if main is not None and main.part:
        number = _volume_in(main.part, serial)
        if number:
            return number
    if in_title is not None:
        return in_title.number
    for relation in relations:  # a series number is a volume only when it says so ("т. 2", "вып. 3", not "37")
        if relation.kind == "series" and relation.number:
            found = find_volume(relation.number) or (None if serial else find_issue(relation.number))
            if found:
                return found.number
    return _volume_in(host.number, True) if host is not None and host.number else None


def _volume_in(text: str, serial: bool) -> str | None:
    """A volume number of a part or series number.  A serial's "№ 5" is its issue, not a volume;
    a book's bare "12" or "Вып. 3" is the only number it has, so it counts."""
    if not serial:
        return number_in(text)
    found = find_volume(text)
    return found.number if found else None


def _issue(main: Title | None, in_title: Found | None, relations: list[Relation]) -> str | None:
    """The issue number: main title's part, its text, a series' or the host's number."""
    if main is not None and main.part:
        found = find_issue(main.part)
        if found:
            return found.number
    if in_title is not None:
        return in_title.number
    for relation in relations:
        if relation.kind in ("host", "series") and relation.number:
            found = find_issue(relation.number)
            if found:
                return found.number
    return None


@lru_cache(maxsize=4096)
def _publisher(name: str) -> str:
    """The publisher's skeleton without the words every publisher's name has (cached: a partner
    sends the same few hundred publishers again and again)."""
    words = skeleton(name).split()
    return " ".join(word for word in words if word not in _PUBLISHER_WORDS)


def _identifiers(identifiers: list[Identifier]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Valid ISBNs (as ISBN-13), ISSNs and other standard numbers, each once.

    A number its reader marked invalid (a MARC $z, a cancelled ISBN) is left out even if its
    check digit holds: it names another book, or none."""
    isbns: list[str] = []
    issns: list[str] = []
    others: list[str] = []
    for ident in identifiers:
        if not ident.valid:
            continue
        scheme = ident.scheme
        if scheme in _ISBN_SCHEMES:
            value = isbn13(ident.value)
            target = isbns
        elif scheme == "issn":
            value = issn(ident.value)
            target = issns
        else:
            value = other_id(scheme, ident.value)
            target = others
        if value is not None and value not in target:
            target.append(value)
    return tuple(isbns), tuple(issns), tuple(others)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """The non-empty values once each, in order."""
    return tuple(dict.fromkeys(value for value in values if value))


def blocks(keys: WorkKeys) -> list[str]:
    """The blocks a record is compared within, without duplicates.

    * "i:<isbn13>", "s:<issn>", "o:<scheme:value>": records sharing a standard number are compared
      whatever their titles say (an exact match, or a transcription that went wrong).
    * "t:<first two words of the title>", of the main and of every other title: the skeleton is
      the same in every script and romanisation, so this is what brings a Cyrillic record and its
      Latin twin together; other titles bring a record whose main title is in another language or
      script than its twin's (a parallel title, an 880).  One word for a one-word title; none
      for a title under three letters (too common to compare).
    * "a:<a word of the first creator's name>:<first three letters of the title>", for each word of
      four letters or more (which one is the surname is not known, and one partner adds a
      patronymic the other leaves out): the same author's record with a typo or a variant in the
      title's first words, which "t:" misses.

    Every name ends with the record's issue and the host it is a part of (:func:`manifestation`):
    records that differ there are never one manifestation, so they need not meet, and an ISSN block
    is one issue number of a serial (its years told apart by consolidation), not the thousands of
    issues the hub has of it.  A book adds nothing ("t:abai joli").
    """
    found = [f"i:{number}" for number in keys.isbns]
    found += [f"s:{number}" for number in keys.issns]
    found += [f"o:{number}" for number in keys.other_ids]
    for title in (keys.title, *keys.other_titles):
        if len(title) >= 3:
            found.append("t:" + " ".join(title.split()[:2]))
    if keys.creators and keys.title:
        start = keys.title.replace(" ", "")[:3]
        found += [f"a:{word}:{start}" for word in keys.creators[0].split() if len(word) >= 4]
    suffix = manifestation(keys)
    return list(dict.fromkeys(name + suffix for name in found))


def manifestation(keys: WorkKeys) -> str:
    """The end of a record's block names: "|no <issue>" for a serial's issue and "|in <host>" for a
    part, "" otherwise.  The issue and part vetoes (``consolidation/vetoes.py``) compare these
    exactly; the host is cut to 60 characters, which at worst lets two records meet that the veto
    then keeps apart.  (The edition, which a veto compares as exactly, is not here: a translation
    is linked to its original's every edition.)"""
    suffix = ""
    if keys.issue is not None:
        suffix += f"|no {keys.issue}"
    if keys.component:
        suffix += f"|in {keys.host[:60]}"
    return suffix
