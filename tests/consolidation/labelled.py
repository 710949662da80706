"""A labelled set of record pairs for consolidation (issue 21), built offline from a seed.

Consolidation must put the records partners send for one manifestation of a work into one
cluster, and never merge two manifestations: two volumes of a set, two editions, a reprint and its
original, an original and its translation, a journal and an article in it.  This module makes the
ground truth those rules are measured on: :func:`labelled_pairs` gives pairs labelled same or not
same, in *strata* that each isolate one difficulty, and :func:`labelled_records` the same records
once each with the pairs of every true cluster.  :func:`synthetic_collection` streams a million
plausible, unlabelled records for the speed benchmark.

It knows nothing of the matcher: it imports nothing from ``consolidation/``,
``crosswalks/workkeys.py`` or ``crosswalks/romanise.py``, and its script writers
(:mod:`tests.consolidation.scripts`) are written from the alphabet tables, not from the hub's code.

How a pair is made
------------------
A *manifestation* (one edition, one printing year, one volume, one serial issue) is drawn from the
vocabularies in :mod:`tests.consolidation.vocabulary`: a title built from Kazakh words with their
Russian and English equivalents (so one drawn title exists in three languages), persons with
Kazakh, Russian or English names, a publisher that existed that year, a city, pages, and an ISBN of
the kind a book of that country and year bears (none before 1988; ISBN-10 in groups 5 and 9965
until 2006; ISBN-13 978-601 / 978-9965 / 978-5 / 978-0 from 2007; check digits computed here).
Every manifestation has an integer key; two records are the same work exactly when their keys are
equal, so the labels of the pairs and the clusters of :func:`labelled_records` cannot disagree.
Each work (title with its first author, or with its publisher when anonymous) is drawn once per
seed, so records of different strata never describe the same book by accident.

A manifestation becomes a :class:`~crosswalks.model.CanonicalRecord` through a *style*: what one
partner does when it catalogues it.  Styles differ in the script writer (Cyrillic as printed, or
one of the romanisations), the name form ("Әуезов, Мұхтар", "Мұхтар Әуезов", "Әуезов, М. О.",
with or without dates), the ISBN form (ISBN-13 or ISBN-10, with or without hyphens, both, or none),
the publisher's and the place's form, the extent ("352 б.", "352 с.", "352 p. : ill.", "[4], 352
б."), the volume designation ("2-том", "Т. 2", "Vol. II", in the part or in the title), the issue
designation ("2019, № 3", "3-сан", "Vol. 38, no. 3"), the date ("2015", "[2015]", "c2015"),
whether the subtitle is kept, and more.  Two partners' styles are drawn independently, so
even the "easy" strata differ in several fields at once.

Strata (same=True must merge; same=False must not)
--------------------------------------------------
Cross-script positives (``cross_script`` True: the two main titles are in different scripts):

``kk-cyrillic-latin2021``, ``kk-cyrillic-latin2018``, ``kk-cyrillic-latin2017``, ``kk-cyrillic-lc``,
``kk-cyrillic-gost``, ``kk-cyrillic-informal``
    A Kazakh book in Cyrillic from one partner, and from another partner written in the 2021 Latin
    alphabet (ñ, or the 2019 draft's ŋ; sometimes decomposed, NFD), the 2018 acute alphabet, the 2017
    apostrophe alphabet (' or ’), ALA-LC (with diacritics, decomposed, or without), GOST 7.79
    System A (ISO 9) or System B, or informal English-style spelling.  Hard: no two romanisations
    agree on ә ғ қ ң ө ұ ү һ і ы и й у, some are lossy (2021 merges и/й and х/һ; informal drops all
    diacritics and writes "Kazakh" for "Қазақ"), the Latin record often lacks the ISBN (45 %) or the
    subtitle, and its extent is in another cataloguing language ("352 p." for "352 б.").
``ru-cyrillic-latin``
    A Russian book in Cyrillic and romanised by ALA-LC (with or without diacritics), GOST 7.79
    System B or ISO 9, as Western and Russian catalogues do.

Other positives:

``kk-cyrillic-degraded``
    Kazakh typed without Kazakh letters: ә→а, қ→к, ң→н, і→и (a Russian keyboard) or the legacy
    fonts' Latin look-alikes ə, i, h.  Same script, different letters in most words.
``typos``
    One or two character edits in the title (substitution, deletion, doubling, transposition, a
    lost space), sometimes the subtitle dropped, the title in capitals, or other punctuation.
``name-forms``
    "Surname, Forename" against "Forename Surname", initials, patronymics (Kazakh -ұлы/-қызы or
    Russian), dates on one side only, a Kazakh name in its Russian form ("Ауезов, Мухтар"),
    co-authors in another order or the second one missing.
``isbn-forms``
    The ISBN missing on one side, hyphenated against bare, ISBN-10 against its ISBN-13, both
    against one, or a mistyped ISBN (``valid=False``, check digit wrong) on one side.
``year-off-by-one``
    Printing year against copyright year: the years differ by exactly one ("2015" / "c2014").
    Nothing else marks it as the same manifestation, so the year tolerance must be one, not more
    (see ``reprints``).
``publisher-extent-variants``
    "Жазушы" / "«Жазушы» баспасы" / "Изд-во «Жазушы»", "Москва" / "М.", "Алматы" / "Алма-Ата",
    the extent with unnumbered pages or illustrations, a few pages more or less.  (In every
    positive stratum, one book in eight is a later edition whose statement two partners may write
    differently: "2-е изд." / "Изд. 2-е, испр. и доп.", "2-басылым" / "Екінші басылымы".)
``same-isbn-duplicate``
    Both records carry the ISBN (in any form) but differ in much else: subtitle inside the title or
    dropped, the author only in the statement of responsibility, no language, no kind; a third of
    them are duplicates inside one partner's catalogue.
``anonymous``
    Works without creators (epics, dictionaries, codes, anthologies, often with a region as
    subtitle): a compiler or editor on one side only; one in five is also cross-script.
``serial-issues``
    One issue of a journal from two partners: same ISSN (dropped on one side in one in five) and
    number, the designation written differently ("2019, № 3" / "3-сан" / "Т. 27, № 3"); one Kazakh
    journal in ten romanised on one side.
``set-volumes-same-volume``
    One volume of a multi-volume set from two partners, its part written differently ("2-том" /
    "Т. 2" / "II том", in the part or in the title), a quarter of them cross-script.

Negatives (must not merge):

``set-volumes``
    Two volumes of one set, or the set record and one of its volumes: same title, author,
    publisher, often the same year and the same set ISBN on both (every pair of this stratum
    shares an ISBN); only the volume differs.  Some volumes also bear their own ISBN.
``editions``
    Two or three editions of a work: same title and author, edition statements that differ
    ("2-басылым" / "3-бас." / none for the first), years at least one apart (two when one side states
    no edition), and in a quarter of them the same ISBN reused by the publisher.
``reprints``
    A book and its reprint two to fifteen years later, identical otherwise; half keep the ISBN.
    The rule the labels follow: a printing more than one year apart is another manifestation.
``kk-ru-translation``
    A Kazakh original and its Russian translation: same author (in Russian form), translated
    title, a translator, sometimes the original title as uniform title.  ``related`` is True: a
    test can check they are linked as related works, never merged.
``different-works-similar-title``
    Same title (or one word apart) by different authors; textbooks of one subject from one
    publisher and year by different authors; one author's textbooks for different grades.
``cross-script-different-works``
    Two books by one Kazakh author, close in years, often sharing the first word of the title,
    one in Cyrillic and the other romanised: the cross-script matching must still read the title.
``component-host``
    A journal issue and an article in it (the article's host relation names the journal and may
    carry its ISSN, sometimes among its own identifiers), or a book and a chapter of it.
``serial-different-issues``
    Two issues of one journal: consecutive numbers, or the same number in consecutive years.
``book-review``
    A book and a review of it: the review names the book in its title (in English reviews often
    *only* the book's title), subject and note, sometimes with the book's ISBN.
``anonymous-different``
    Two anonymous works with the same generic title ("Қазақ халық ертегілері") from different
    publishers, years and compilers.

Counts: :data:`STRATA` gives each stratum a weight; for ``size`` pairs the quotas are the weights
scaled to ``size`` (each at least 100 for the default 3,200).  Building is deterministic for a seed
(one :class:`random.Random`) and takes well under a second for 3,200 pairs.
"""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import combinations

from crosswalks.model import (
    Agent,
    CanonicalRecord,
    DateInfo,
    Description,
    Identifier,
    Relation,
    SourceInfo,
    Subject,
    Title,
)
from tests.consolidation import vocabulary as V
from tests.consolidation.scripts import (
    INFORMAL,
    WRITERS,
    Isbn,
    identity,
    isbn_valid,
    issn_check,
    script_of,
    split_isbn,
)

__all__ = [
    "STRATA",
    "LabelledPair",
    "Stratum",
    "labelled_pairs",
    "labelled_records",
    "main_title",
    "synthetic_collection",
]


@dataclass(frozen=True)
class LabelledPair:
    a: CanonicalRecord
    b: CanonicalRecord
    #: True: the same work (the same manifestation) -> must merge; False: must not merge.
    same: bool
    stratum: str
    #: The two main titles are written in different scripts (Cyrillic and Latin).
    cross_script: bool
    #: Different works that are nevertheless related (an original and its translation).
    related: bool = False
    #: What was varied, for reading a failure ("latin2017", "isbn 10-vs-13", "volumes 2/5").
    detail: str = ""


@dataclass(frozen=True)
class Stratum:
    name: str
    same: bool
    weight: int
    #: Every pair of the stratum is in two scripts (the cross-script positives).
    cross_script: bool = False


STRATA: dict[str, Stratum] = {s.name: s for s in (
    Stratum("kk-cyrillic-latin2021", True, 120, True),
    Stratum("kk-cyrillic-latin2018", True, 105, True),
    Stratum("kk-cyrillic-latin2017", True, 105, True),
    Stratum("kk-cyrillic-lc", True, 110, True),
    Stratum("kk-cyrillic-gost", True, 105, True),
    Stratum("kk-cyrillic-informal", True, 110, True),
    Stratum("ru-cyrillic-latin", True, 105, True),
    Stratum("kk-cyrillic-degraded", True, 100),
    Stratum("typos", True, 110),
    Stratum("name-forms", True, 100),
    Stratum("isbn-forms", True, 105),
    Stratum("year-off-by-one", True, 100),
    Stratum("publisher-extent-variants", True, 100),
    Stratum("same-isbn-duplicate", True, 100),
    Stratum("anonymous", True, 100),
    Stratum("serial-issues", True, 100),
    Stratum("set-volumes-same-volume", True, 100),
    Stratum("set-volumes", False, 160),
    Stratum("editions", False, 150),
    Stratum("reprints", False, 120),
    Stratum("kk-ru-translation", False, 110),
    Stratum("different-works-similar-title", False, 150),
    Stratum("cross-script-different-works", False, 105),
    Stratum("component-host", False, 110),
    Stratum("serial-different-issues", False, 105),
    Stratum("book-review", False, 105),
    Stratum("anonymous-different", False, 100),
)}

#: The stratum a Kazakh (or Russian) record romanised by a writer belongs to, against its Cyrillic.
WRITER_STRATUM: dict[str, str] = {
    "latin2021": "kk-cyrillic-latin2021", "latin2021-eng": "kk-cyrillic-latin2021",
    "latin2021-nfd": "kk-cyrillic-latin2021", "latin2018": "kk-cyrillic-latin2018",
    "latin2017": "kk-cyrillic-latin2017", "latin2017-typographic": "kk-cyrillic-latin2017",
    "lc": "kk-cyrillic-lc", "lc-nfd": "kk-cyrillic-lc", "lc-plain": "kk-cyrillic-lc",
    "iso9": "kk-cyrillic-gost", "gost-b": "kk-cyrillic-gost",
    **{name: "kk-cyrillic-informal" for name in INFORMAL},
    "ala-lc-ru": "ru-cyrillic-latin", "ala-lc-ru-plain": "ru-cyrillic-latin",
    "iso9-ru": "ru-cyrillic-latin", "gost-b-ru": "ru-cyrillic-latin",
}

_KK_WRITERS: dict[str, tuple[str, ...]] = {
    "kk-cyrillic-latin2021": ("latin2021",) * 6 + ("latin2021-eng",) * 3 + ("latin2021-nfd",),
    "kk-cyrillic-latin2018": ("latin2018",),
    "kk-cyrillic-latin2017": ("latin2017",) * 4 + ("latin2017-typographic",),
    "kk-cyrillic-lc": ("lc",) * 6 + ("lc-nfd",) + ("lc-plain",) * 3,
    "kk-cyrillic-gost": ("iso9", "gost-b"),
    "kk-cyrillic-informal": INFORMAL,
    "ru-cyrillic-latin": ("ala-lc-ru",) * 2 + ("ala-lc-ru-plain", "gost-b-ru", "iso9-ru"),
}


def _partners_of(writer: str) -> tuple[str, ...]:
    for prefix in ("latin2021", "latin2017", "lc-plain", "lc", "ala-lc-ru-plain", "ala-lc-ru", "iso9-ru",
                   "gost-b-ru", "iso9", "gost-b", "latin2018", "informal"):
        if writer.startswith(prefix):
            return V.LATIN_PARTNERS[prefix]
    raise KeyError(writer)


def _unit_lang_of(writer: str) -> str:
    """The language a romanising partner catalogues in (the extent's unit)."""
    if writer.startswith(("lc", "ala-lc", "informal")):
        return "eng"
    if writer.startswith(("iso9", "gost")):
        return "rus"
    return "kaz"


# -- the things catalogued --------------------------------------------------------------------------


@dataclass
class Person:
    surname: str
    forename: str
    patronymic: str | None
    lang: str
    dates: str | None = None


@dataclass
class Book:
    """One manifestation of a book: what every partner's record of it describes."""

    key: int
    lang: str
    title: str
    subtitle: str | None
    creators: list[Person]
    contributors: list[tuple[Person, str, str]]  # person, relator code, relator term as printed
    publisher: tuple[str, ...]  # the forms of its name, the usual one first
    place: str
    year: int
    pages: int
    isbn: Isbn | None = None
    set_isbn: Isbn | None = None
    edition: int | None = None
    edition_text: str | None = None
    volume: int | None = None
    volume_count: int | None = None
    volume_title: str | None = None
    series: tuple[str, str] | None = None
    illustrated: bool = False
    uniform_title: str | None = None
    #: The subtitle tells works apart (a textbook's grade): no style drops it.
    subtitle_essential: bool = False
    keywords: tuple[str, ...] = ()
    udc: str | None = None
    #: The three-language forms of the title and subtitle it was drawn from (for translations).
    title3: tuple[str, str, str] | None = None
    subtitle3: tuple[str, str, str] | None = None
    year_to: int | None = None


@dataclass
class Journal:
    title: str
    parallel: str
    lang: str
    founded: int
    per_year: int
    place: str
    issn: str


@dataclass
class Issue:
    key: int
    journal: Journal
    year: int
    number: int
    pages: int

    @property
    def volume(self) -> int:
        return self.year - self.journal.founded + 1


@dataclass
class Article:
    key: int
    lang: str
    title: str
    subtitle: str | None
    creators: list[Person]
    year: int
    first_page: int
    last_page: int
    issue: Issue | None = None
    host_book: Book | None = None
    #: The article's record repeats the host's ISSN/ISBN among its own identifiers (sloppy, common).
    carries_host_id: bool = False
    review_of: Book | None = None
    review_mentions_isbn: bool = False


@dataclass
class Style:
    """How one partner catalogues: every choice that makes its record differ from another's."""

    partner: str
    writer: str = "cyrillic"
    name_form: str = "inverted"
    name_dates: bool = False
    russify_names: bool = False
    creators_reversed: bool = False
    max_creators: int | None = None
    drop_creators: bool = False
    contributors: bool = True
    isbn_form: str = "as-printed"
    isbn10_scheme: str = "isbn10"
    own_isbn: bool = True
    isbn_typo: bool = False
    publisher_form: int = 0
    place_form: int = 0
    unit_lang: str | None = None
    extent_form: int = 0
    pages_field: bool = True
    pages_shift: int = 0
    subtitle: str = "field"  # field, in-title, drop
    part_form: int = 0
    part_in_title: bool = False
    edition_form: int | None = None
    date_form: int = 0
    year_shift: int = 0
    responsibility: bool = False
    languages: bool = True
    lang_tags: bool = False
    subjects: bool = False
    series: bool = True
    kind: bool = True
    original_script: bool = False
    uniform_title: bool = True
    issue_form: int = 0
    issn: bool = True
    parallel_title: bool = False
    upper_title: bool = False
    format: str = "marcxml"


# -- Kazakh and Russian grammar for drawn titles ------------------------------------------------------

_BACK_VOWELS = frozenset("аоұыяё")
_FRONT_VOWELS = frozenset("әөүіеэю")
_VOWELS = frozenset("аәеиоөұүыіэюяё")


def _back(word: str) -> bool:
    for char in reversed(word.lower()):
        if char in _BACK_VOWELS:
            return True
        if char in _FRONT_VOWELS:
            return False
    return True


def kk_genitive(word: str) -> str:
    last, back = word[-1], _back(word)
    if last in "лрйужз":
        return word + ("дың" if back else "дің")
    if last in _VOWELS or last in "мнң":
        return word + ("ның" if back else "нің")
    return word + ("тың" if back else "тің")


def kk_possessive(word: str) -> str:
    back = _back(word)
    if word[-1] in _VOWELS and word[-1] not in "уи":
        return word + ("сы" if back else "сі")
    mutated = {"к": "г", "қ": "ғ", "п": "б"}.get(word[-1])
    stem = word[:-1] + mutated if mutated else word
    return stem + ("ы" if back else "і")


def kk_and(word: str) -> str:
    last = word[-1]
    if last in _VOWELS or last in "лрйумнң":
        return "мен"
    if last in "жз":
        return "бен"
    return "пен"


def ru_adjective_genitive(masculine: str, feminine: str, gender: str) -> str:
    if gender == "f":
        stem = feminine[:-2]
        return stem + ("ей" if feminine.endswith("яя") or stem[-1] in "жчшщ" else "ой")
    stem = masculine[:-2]
    if masculine.endswith("ий") and stem[-1] not in "кгх":
        return stem + "его"
    return stem + "ого"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ordinal_en(n: int) -> str:
    return f"{n}{'st' if n == 1 else 'nd' if n == 2 else 'rd' if n == 3 else 'th'}"


_ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")


def edition_statement(n: int, lang: str, form: int) -> str:
    if lang == "kaz":
        forms = (f"{n}-басылым", f"{n}-бас.", f"{_cap(V.ORDINALS_KK[n])} басылымы", f"{n}-басылымы, толықтырылған",
                 f"Толықтырылған {n}-басылым")
    elif lang == "rus":
        forms = (f"{n}-е изд.", f"Изд. {n}-е", f"{n}-е изд., испр. и доп.", f"{_cap(V.ORDINALS_RU[n])} издание",
                 f"Изд. {n}-е, перераб.")
    else:
        forms = (f"{_ordinal_en(n)} ed.", f"{_cap(V.ORDINALS_EN[n])} edition", f"{_ordinal_en(n)} ed., rev.",
                 f"{_ordinal_en(n)} edition")
    return forms[form % len(forms)]


REPRINT_STATEMENTS = {"kaz": ("Қайта басылуы", "Қайта басылым"), "rus": ("Репринтное издание", "Репр. изд."),
                      "eng": ("Reprint", "Reprinted")}


def part_statement(n: int, lang: str, form: int, volume_title: str | None = None) -> str:
    roman = _ROMAN[n] if n < len(_ROMAN) else str(n)
    if lang == "kaz":
        forms = (f"{n}-том", f"{n} т.", f"Т. {n}", f"Том {n}", f"{roman} том")
    elif lang == "rus":
        forms = (f"Т. {n}", f"Том {n}", f"Т. {roman}", f"Т. {n}")
    else:
        forms = (f"Vol. {n}", f"v. {n}", f"Volume {n}", f"Vol. {roman}")
    text = forms[form % len(forms)]
    return f"{text}. {volume_title}" if volume_title else text


def issue_statement(issue: Issue, lang: str, form: int) -> str:
    n, year, vol = issue.number, issue.year, issue.volume
    if lang == "kaz":
        forms = (f"{year}, № {n}", f"№ {n}", f"{n}-сан", f"{year}. – № {n}", f"Т. {vol}, № {n}")
    elif lang == "rus":
        forms = (f"{year}, № {n}", f"№ {n}", f"Вып. {n}", f"{year}. – № {n}", f"Т. {vol}, № {n}")
    else:
        forms = (f"Vol. {vol}, no. {n}", f"no. {n}", f"{year}, no. {n}", f"Vol. {vol}, issue {n}",
                 f"v.{vol}:no.{n}")
    return forms[form % len(forms)]


_UNITS = {"kaz": "б.", "rus": "с.", "eng": "p."}
_ILLUSTRATED = {"kaz": "сурет.", "rus": "ил.", "eng": "ill."}
_CM = {"kaz": "см", "rus": "см", "eng": "cm"}


def extent_statement(pages: int, lang: str, form: int, illustrated: bool) -> str:
    unit = _UNITS[lang]
    if form == 1:
        return f"{pages}, [{2 + pages % 3 * 2}] {unit}"
    if form == 2:
        return f"[{2 + pages % 2 * 2}], {pages} {unit}"
    if form == 3:
        return f"{pages} {unit} : {_ILLUSTRATED[lang]}" if illustrated else f"{pages} {unit}"
    if form == 4:
        return f"{pages} {unit} ; {20 + pages % 3} {_CM[lang]}"
    if form == 5 and lang == "eng":
        return f"{pages} pages"
    return f"{pages} {unit}"


def place_form(place: str, lang: str, year: int, form: int) -> str:
    if place == "Астана" and 2019 <= year <= 2022:
        place = "Нұр-Сұлтан" if lang == "kaz" else "Нур-Султан"
    if place == "Алматы" and lang == "rus" and year < 1993:
        place = "Алма-Ата"
    forms = V.PLACE_VARIANTS.get(place, (place,))
    if place == "Алматы" and year > 1994:
        forms = ("Алматы", "Алматы қ.")
    return forms[form % len(forms)]


# -- records --------------------------------------------------------------------------------------------

_DIGRAPHS = ("Sh", "Zh", "Kh", "Ch", "Gh", "Ts", "Yu", "Ya", "Iu", "Ia", "Yo")


def _initial(name: str) -> str:
    if name[:2] in _DIGRAPHS:
        return name[:2] + "."
    end = 1
    while end < len(name) and unicodedata.combining(name[end]):
        end += 1
    return name[:end] + "."


def person_name(person: Person, form: str, write: Callable[[str], str]) -> str:
    surname, forename = write(person.surname), write(person.forename)
    patronymic = write(person.patronymic) if person.patronymic else None
    if form == "direct":
        return f"{forename} {surname}"
    if form == "patronymic" and patronymic:
        return f"{surname}, {forename} {patronymic}"
    if form == "initials":
        return f"{surname}, {_initial(forename)}" + (f" {_initial(patronymic)}" if patronymic else "")
    if form == "initials-bare":
        return f"{surname} {_initial(forename)}" + (f" {_initial(patronymic)}" if patronymic else "")
    return f"{surname}, {forename}"


def russified(person: Person) -> Person:
    """A Kazakh person's name as Russian-language records write it (Әуезов -> Ауезов)."""
    if person.lang != "kaz":
        return person
    russify = WRITERS["russify"]
    return Person(russify(person.surname), russify(person.forename),
                  russify(person.patronymic) if person.patronymic else None, "rus", person.dates)


def _writer(style: Style) -> Callable[[str], str]:
    return identity if style.writer == "cyrillic" else WRITERS[style.writer]


def _isbn_identifiers(isbn: Isbn, style: Style) -> list[Identifier]:
    form = style.isbn_form
    if form == "as-printed":
        form = "h13" if isbn.native13 else "h10"
    if form == "both":
        return [Identifier(isbn.isbn10(), "isbn10"), Identifier(isbn.isbn13(), "isbn")]
    if form.endswith("13"):
        return [Identifier(isbn.isbn13(form[0] == "h"), "isbn")]
    return [Identifier(isbn.isbn10(form[0] == "h"), style.isbn10_scheme)]


def _mistyped(identifier: Identifier, rng_value: int) -> Identifier:
    """The identifier with one digit changed: a single substitution always breaks the check."""
    chars = list(identifier.value)
    positions = [i for i, c in enumerate(chars[:-1]) if c.isdigit()]
    i = positions[rng_value % len(positions)]
    chars[i] = str((int(chars[i]) + 1 + rng_value % 8) % 10)
    value = "".join(chars)
    assert not isbn_valid(value)
    return Identifier(value, identifier.scheme, valid=False)


def _dates(year: int, style: Style, lang: str, year_to: int | None = None) -> list[DateInfo]:
    year += style.year_shift
    if year_to:
        return [DateInfo(f"{year}-{year_to}", year, year_to)]
    form = style.date_form
    if form == 1:
        return [DateInfo(f"[{year}]", year)]
    if form == 2:
        return [DateInfo(f"{year} {'ж.' if lang == 'kaz' else 'г.'}" if lang != "eng" else str(year), year)]
    if form == 3:
        return [DateInfo(f"c{year}", year, kind="copyright")]
    if form == 4:
        return [DateInfo(f"©{year}", year, kind="copyright")]
    return [DateInfo(str(year), year)]


def _source(style: Style, serial: int) -> SourceInfo:
    return SourceInfo(partner=style.partner, identifier=f"oai:{style.partner}:{serial:07d}",
                      datestamp="2024-05-01T00:00:00Z", format=style.format)


def _apply_title_form(value: str, subtitle: str | None, style: Style, essential: bool) -> tuple[str, str | None]:
    if subtitle and style.subtitle == "in-title":
        value, subtitle = f"{value} : {subtitle}", None
    elif subtitle and style.subtitle == "drop" and not essential:
        subtitle = None
    if style.upper_title:
        value = value.upper()
    return value, subtitle


def render_book(book: Book, style: Style, serial: int) -> CanonicalRecord:
    write = _writer(style)
    lang = book.lang
    script = "Latn" if style.writer != "cyrillic" or lang == "eng" else "Cyrl"
    part = None
    if book.volume is not None:
        part = part_statement(book.volume, lang, style.part_form, book.volume_title)
    value, subtitle = _apply_title_form(book.title, book.subtitle, style, book.subtitle_essential)
    if part and style.part_in_title:
        value, part = f"{value}. {part}", None
    creators = book.creators
    if style.russify_names:
        creators = [russified(p) for p in creators]
    if style.creators_reversed:
        creators = creators[::-1]
    if style.max_creators is not None:
        creators = creators[: style.max_creators]
    responsibility = None
    if style.responsibility or style.drop_creators:
        names = [f"{write(p.forename)} {write(p.surname)}" if lang == "eng"
                 else f"{_initial(write(p.forename))} {write(p.surname)}" for p in creators]
        extra = [f"{write(term)} {_initial(write(p.forename))} {write(p.surname)}"
                 for p, _code, term in book.contributors]
        responsibility = " ; ".join(filter(None, (", ".join(names), *extra))) or None
    title = Title(write(value), subtitle=write(subtitle) if subtitle else None, part=write(part) if part else None,
                  responsibility=responsibility)
    if style.lang_tags:
        title.lang, title.script = lang, script
    titles = [title]
    if style.original_script and style.writer != "cyrillic":
        titles.append(Title(book.title, "parallel", subtitle=book.subtitle,
                            part=part_statement(book.volume, lang, style.part_form) if book.volume else None,
                            script="Cyrl", other_script_of="main"))
    if book.uniform_title and style.uniform_title:
        titles.append(Title(write(book.uniform_title), "uniform", lang="kaz"))
    agents: list[Agent] = []
    if not style.drop_creators:
        for person in creators:
            agent = Agent(person_name(person, style.name_form, write), "creator",
                          relator="aut" if style.partner in ("nabrk", "loc", "harvard") else None,
                          dates=person.dates if style.name_dates else None)
            if style.original_script and style.writer != "cyrillic":
                agent.other_forms = [person_name(person, style.name_form, identity)]
            agents.append(agent)
    if style.contributors:
        for person, code, term in book.contributors:
            agents.append(Agent(person_name(person, style.name_form, write), "contributor", relator=code,
                                relator_term=write(term)))
    identifiers: list[Identifier] = []
    if style.isbn_form != "none" or book.set_isbn:
        isbn_style = style if style.isbn_form != "none" else replace(style, isbn_form="as-printed")
        if book.set_isbn:
            identifiers += _isbn_identifiers(book.set_isbn, isbn_style)
        if book.isbn and style.own_isbn and style.isbn_form != "none":
            own = _isbn_identifiers(book.isbn, isbn_style)
            if style.isbn_typo:
                own = [_mistyped(own[0], serial)]
            identifiers += own
    unit_lang = style.unit_lang or lang
    extent = extent_statement(book.pages + style.pages_shift, unit_lang, style.extent_form, book.illustrated)
    if book.volume_count and book.volume is None:
        extent = f"{book.volume_count} {'v.' if unit_lang == 'eng' else 'т.'}"
    edition = book.edition_text
    if style.edition_form is not None and book.edition:
        edition = edition_statement(book.edition, lang, style.edition_form)
    record = CanonicalRecord(
        titles=titles,
        agents=agents,
        publishers=[write(book.publisher[style.publisher_form % len(book.publisher)])],
        places=[write(place_form(book.place, lang, book.year, style.place_form))],
        dates=_dates(book.year, style, lang, book.year_to),
        edition=write(edition) if edition else None,
        kind="book" if style.kind else None,
        dcmi_type="Text" if style.kind else None,
        extent=write(extent),
        pages=(book.pages + style.pages_shift if book.volume_count is None or book.volume else None)
        if style.pages_field else None,
        languages=[lang] if style.languages else [],
        identifiers=identifiers,
        source=_source(style, serial),
    )
    if book.series and style.series:
        record.relations.append(Relation(write(book.series[0]), "series", number=book.series[1]))
    if style.subjects:
        if book.udc:
            record.subjects.append(Subject(book.udc, "udc", "classification"))
        record.subjects += [Subject(write(k), "keyword", lang=lang) for k in book.keywords]
    return record


def render_issue(issue: Issue, style: Style, serial: int) -> CanonicalRecord:
    write = _writer(style)
    journal = issue.journal
    titles = [Title(write(journal.title), part=write(issue_statement(issue, journal.lang, style.issue_form)))]
    if style.parallel_title and journal.parallel:
        titles.append(Title(journal.parallel, "parallel"))
    if style.lang_tags:
        titles[0].lang = journal.lang
    record = CanonicalRecord(
        titles=titles,
        dates=[DateInfo(str(issue.year), issue.year)],
        kind="journal" if style.kind else None,
        dcmi_type="Text",
        extent=write(extent_statement(issue.pages, style.unit_lang or journal.lang, 0, False)),
        pages=issue.pages if style.pages_field else None,
        languages=[journal.lang] if style.languages else [],
        identifiers=[Identifier(journal.issn, "issn")] if style.issn else [],
        places=[write(place_form(journal.place, journal.lang, issue.year,
                                 style.place_form))],
        source=_source(style, serial),
    )
    return record


def render_article(article: Article, style: Style, serial: int) -> CanonicalRecord:
    write = _writer(style)
    lang = article.lang
    pages = f"{article.first_page}-{article.last_page}"
    identifiers: list[Identifier] = []
    if article.issue is not None:
        journal = article.issue.journal
        designation = issue_statement(article.issue, journal.lang, style.issue_form)
        if style.issue_form in (1, 2):  # designations without the year: add it, as catalogues do
            designation = f"{article.issue.year}, {designation}"
        host = Relation(write(journal.title), "host", number=write(f"{designation}, {_page_label(lang)} {pages}"),
                        identifier=journal.issn)
        if article.carries_host_id:
            identifiers.append(Identifier(journal.issn, "issn"))
    else:
        book = article.host_book
        assert book is not None
        isbn = book.isbn.isbn13() if book.isbn and book.isbn.native13 else book.isbn.isbn10() if book.isbn else None
        host = Relation(write(book.title), "host", number=write(f"{_page_label(lang)} {pages}"), identifier=isbn)
        if article.carries_host_id and isbn:
            identifiers.append(Identifier(isbn, "isbn" if len(isbn) > 13 else "isbn10"))
    value, subtitle = _apply_title_form(article.title, article.subtitle, style, False)
    record = CanonicalRecord(
        titles=[Title(write(value), subtitle=write(subtitle) if subtitle else None)],
        agents=[Agent(person_name(p, style.name_form, write), "creator") for p in article.creators],
        dates=[DateInfo(str(article.year), article.year)],
        kind="article" if style.kind else None,
        dcmi_type="Text",
        extent=write(f"{_page_label(lang)} {pages}"),
        languages=[lang] if style.languages else [],
        identifiers=identifiers,
        relations=[host],
        source=_source(style, serial),
    )
    review = article.review_of
    if review is not None:
        author = person_name(review.creators[0], "inverted", write) if review.creators else ""
        cited = f"{author}. {write(review.title)}" if author else write(review.title)
        record.subjects.append(Subject(cited, "keyword", "name" if author else "title", lang=review.lang))
        note = {"kaz": "Рец. на кітап", "rus": "Рец. на кн.", "eng": "Review of"}[lang]
        citation = f"{note}: {cited}. – {write(review.place)}: {write(review.publisher[0])}, {review.year}"
        if article.review_mentions_isbn and review.isbn:
            citation += f". – ISBN {review.isbn.isbn13() if review.isbn.native13 else review.isbn.isbn10()}"
        record.descriptions.append(Description(citation, "note", lang=lang))
    return record


def _page_label(lang: str) -> str:
    return {"kaz": "Б.", "rus": "С.", "eng": "pp."}[lang]


def main_title(record: CanonicalRecord) -> str:
    return record.main_title or ""


# -- drawing ------------------------------------------------------------------------------------------

#: Where NOUNS keeps the nominative of each language.
_NOUN_FORM = {"kaz": 0, "rus": 1, "eng": 4}
_GROUP_SPACE = {"601": 6, "9965": 5, "5": 8, "0": 8, "1": 8, "90": 7, "3": 8}
_KZ_PLACES = frozenset(("Алматы", "Астана", "Павлодар", "Түркістан", "Қарағанды"))
_TYPO_CYRILLIC = "абвгдежзийклмнопрстуфхшыеәғқңөұүі"
_TYPO_LATIN = "abcdefghijklmnoprstuvyz"


def typo(text: str, rng: random.Random, edits: int) -> str:
    """``text`` with ``edits`` character edits, never the first letter nor a digit."""
    original = text
    for _ in range(edits):
        chars = list(text)
        letters = [i for i, c in enumerate(chars) if c.isalpha() and i > 0]
        if len(letters) < 3:
            break
        i = rng.choice(letters)
        op = rng.random()
        if op < 0.35:
            alphabet = _TYPO_LATIN if chars[i].isascii() else _TYPO_CYRILLIC
            new = rng.choice(alphabet)
            if new == chars[i].lower():
                new = alphabet[(alphabet.index(new) + 1) % len(alphabet)]
            chars[i] = new.upper() if chars[i].isupper() else new
        elif op < 0.6:
            del chars[i]
        elif op < 0.8:
            chars.insert(i, chars[i])
        elif op < 0.93 and chars[i - 1].isalpha():
            chars[i - 1], chars[i] = chars[i], chars[i - 1]
        elif " " in text:
            j = text.index(" ")
            chars[j:j + 1] = []
        else:
            del chars[i]
        text = "".join(chars)
    return text if text != original else original[:-1]


def _stem(surname: str) -> str:
    """A surname without its feminine ending: Ахметова and Ахметов are one family name."""
    return surname[:-1] if surname.endswith("а") else surname


def _stems(people: list[Person]) -> frozenset[str]:
    return frozenset(_stem(p.surname) for p in people)


class _Builder:
    """Draws manifestations and renders them, remembering which manifestation each record shows."""

    def __init__(self, seed: int, track: bool = True) -> None:
        self.rng = random.Random(seed)
        self.track = track
        self.keys: dict[int, int] = {}
        self.alive: list[CanonicalRecord] = []
        self.works: set[tuple[str, str, str]] = set()
        self.issues_used: set[tuple[str, int, int]] = set()
        self.next_key = 0
        self.serial = 0
        self._people: dict[str, list[Person]] = {}
        self._partner_styles: dict[tuple[str, str, str], list[Style]] = {}
        self.isbn_count: dict[str, int] = defaultdict(int)
        self.isbn_offset = {group: self.rng.randrange(10 ** space) for group, space in _GROUP_SPACE.items()}
        issns: set[str] = set()
        self.journals: list[Journal] = []
        for title, parallel, lang, founded, per_year, place in V.JOURNALS:
            while True:
                digits = f"{self.rng.randrange(10 ** 7):07d}"
                issn = f"{digits[:4]}-{digits[4:]}{issn_check(digits)}"
                if issn not in issns:
                    break
            issns.add(issn)
            self.journals.append(Journal(title, parallel, lang, founded, per_year, place, issn))

    # -- bookkeeping --------------------------------------------------------------------------------
    def key(self) -> int:
        self.next_key += 1
        return self.next_key

    def _emit(self, record: CanonicalRecord, key: int) -> CanonicalRecord:
        if self.track:
            self.keys[id(record)] = key
            self.alive.append(record)
        return record

    def book_record(self, book: Book, style: Style) -> CanonicalRecord:
        self.serial += 1
        return self._emit(render_book(book, style, self.serial), book.key)

    def issue_record(self, issue: Issue, style: Style) -> CanonicalRecord:
        self.serial += 1
        return self._emit(render_issue(issue, style, self.serial), issue.key)

    def article_record(self, article: Article, style: Style) -> CanonicalRecord:
        self.serial += 1
        return self._emit(render_article(article, style, self.serial), article.key)

    def pair(self, a: CanonicalRecord, b: CanonicalRecord, stratum: str, detail: str = "",
             related: bool = False) -> LabelledPair:
        if self.rng.random() < 0.5:
            a, b = b, a
        same = self.keys[id(a)] == self.keys[id(b)]
        if same != STRATA[stratum].same:
            raise AssertionError(f"{stratum}: drew a pair labelled same={same} ({detail})")
        cross = script_of(main_title(a)) != script_of(main_title(b))
        return LabelledPair(a, b, same, stratum, cross, related, detail)

    def register(self, *work: str) -> bool:
        """Claims a work (title, subtitle, author or publisher); False when drawn before."""
        if not self.track:
            return True
        key = (work[0].lower(), work[1].lower() if len(work) > 2 else "", work[-1].lower())
        if key in self.works:
            return False
        self.works.add(key)
        return True

    # -- people, titles, publishers -----------------------------------------------------------------
    def person(self, lang: str, year: int | None = None) -> Person:
        if not self.track:  # the stream draws from a pool: people write many books, and it is faster
            pool = self._people.get(lang)
            if pool is None:
                self.track = True
                pool = self._people[lang] = [self.person(lang, self.rng.randint(1960, 2023)) for _ in range(5000)]
                self.track = False
            return self.rng.choice(pool)
        rng = self.rng
        female = rng.random() < 0.3
        patronymic = None
        if lang == "kaz":
            forename = rng.choice(V.KK_FEMALE if female else V.KK_MALE)
            if rng.random() < 0.1:
                surname = rng.choice(V.KK_SURNAMES_ULY)
                if female and surname.endswith("ұлы"):
                    surname = surname[:-3] + "қызы"
            else:
                surname = rng.choice(V.KK_SURNAMES) + ("а" if female else "")
            if rng.random() < 0.5:
                father = rng.choice(V.KK_MALE)
                patronymic = father + ("қызы" if female else "ұлы")
        elif lang == "rus":
            forename = rng.choice(V.RU_FEMALE if female else V.RU_MALE)
            surname = rng.choice(V.RU_SURNAMES) + ("а" if female else "")
            if rng.random() < 0.6:
                patronymic = V.RU_PATRONYMICS[rng.choice(V.RU_MALE)]
                if female:
                    patronymic = patronymic[:-2] + "на"
        else:
            forename = rng.choice(V.EN_FORENAMES)
            surname = rng.choice(V.EN_SURNAMES)
        dates = None
        if year is not None and rng.random() < 0.5:
            born = year - rng.randint(25, 70)
            died = born + rng.randint(45, 92)
            dates = f"{born}-{died}" if died < 2024 else f"{born}-"
        return Person(surname, forename, patronymic, lang, dates)

    def title3(self) -> tuple[tuple[str, str, str], tuple[str, str, str] | None]:
        """A title drawn in Kazakh, Russian and English, and a genre subtitle (or None)."""
        rng = self.rng
        n1, n2 = rng.choice(V.NOUNS), rng.choice(V.NOUNS)
        while n2 is n1:
            n2 = rng.choice(V.NOUNS)
        adj = rng.choice(V.ADJECTIVES)
        r = rng.random()
        gender = {"m": 1, "f": 2, "n": 3}
        if r < 0.3:
            kk = f"{adj[0]} {n1[0]}"
            ru = f"{adj[gender[n1[3]]]} {n1[1]}"
            en = f"The {adj[4]} {n1[4]}"
        elif r < 0.5:
            kk = f"{n1[0]} {kk_and(n1[0])} {n2[0]}"
            ru = f"{n1[1]} и {n2[1]}"
            en = f"{n1[4]} and {n2[4]}"
        elif r < 0.78:
            kk = f"{kk_genitive(n1[0])} {kk_possessive(n2[0])}"
            ru = f"{n2[1]} {n1[2]}"
            en = f"The {n2[4]} of the {n1[4]}"
        elif r < 0.95:
            kk = f"{adj[0]} {kk_genitive(n1[0])} {kk_possessive(n2[0])}"
            ru = f"{n2[1]} {ru_adjective_genitive(adj[1], adj[2], n1[3])} {n1[2]}"
            en = f"The {n2[4]} of the {adj[4]} {n1[4]}"
        else:
            kk, ru, en = n1[0], n1[1], n1[4]
        subtitle = rng.choice(V.GENRES) if r >= 0.95 or rng.random() < 0.45 else None
        return (_cap(kk), _cap(ru), _cap(en)), subtitle

    def publisher(self, lang: str, year: int) -> tuple[tuple[str, ...], str]:
        table = {"kaz": V.KK_PUBLISHERS, "rus": V.RU_PUBLISHERS, "eng": V.EN_PUBLISHERS}[lang]
        choices = [p for p in table if p[2] <= year] or list(table)
        forms, place, _ = self.rng.choice(choices)
        return forms, place

    def year(self, lang: str, isbn: bool = False) -> int:
        r = self.rng.random()
        if lang == "eng":
            return self.rng.randint(1990, 2023)
        if isbn or r > 0.2:
            return self.rng.randint(1992, 2006) if r < 0.45 else self.rng.randint(2007, 2023)
        return self.rng.randint(1958, 1991)

    def isbn(self, lang: str, year: int, place: str) -> Isbn | None:
        if year < 1988:
            return None
        kz = place in _KZ_PLACES
        if kz and year >= 2008:
            group = "601" if self.rng.random() < 0.8 else "9965"
        elif kz and year >= 1992:
            group = "9965"
        elif lang == "eng":
            group = self.rng.choice(("0", "1", "90", "3"))
        else:
            group = "5"
        space = _GROUP_SPACE[group]
        n = self.isbn_count[group]
        self.isbn_count[group] = n + 1
        digits = f"{(n * 7919 + self.isbn_offset[group]) % 10 ** space:0{space}d}"
        registrant, publication = split_isbn(group, digits)
        return Isbn("978" if year >= 2007 else "", group, registrant, publication)

    def contributors(self, lang: str, year: int, anonymous: bool) -> list[tuple[Person, str, str]]:
        rng = self.rng
        out: list[tuple[Person, str, str]] = []
        if anonymous and rng.random() < 0.75:
            term = {"kaz": "құраст.", "rus": "сост.", "eng": "comp."}[lang]
            out.append((self.person(lang, year), "com", term))
        if rng.random() < (0.5 if anonymous else 0.2):
            term = {"kaz": "жауапты ред.", "rus": "отв. ред.", "eng": "ed."}[lang]
            out.append((self.person(lang, year), "edt", term))
        if rng.random() < 0.08:
            term = {"kaz": "суретші", "rus": "худож.", "eng": "illustrator"}[lang]
            out.append((self.person(lang, year), "ill", term))
        return out

    def book(self, lang: str, *, anonymous: bool = False, with_isbn: bool = False, year: int | None = None,
             creators: list[Person] | None = None, textbook: bool = False, generic: bool = False,
             title3: tuple[str, str, str] | None = None, avoid: frozenset[str] = frozenset()) -> Book:
        """A new work's manifestation.  Its title and first author (the publisher when anonymous) were
        not drawn before; the subtitle counts only when it is ``subtitle_essential`` (a textbook's
        grade, an anthology's region), as partners drop subtitles.  ``avoid``: surnames (stems) the
        authors must not have, for "another author" negatives."""
        rng = self.rng
        index = {"kaz": 0, "rus": 1, "eng": 2}[lang]
        for _attempt in range(200):
            the_year = year if year is not None else self.year(lang, isbn=with_isbn)
            forms, place = self.publisher(lang, the_year)
            subtitle3 = None
            essential = False
            if title3 is not None:
                drawn = title3
            elif textbook:
                drawn = rng.choice(V.TEXTBOOK_SUBJECTS)
                grade = rng.randint(1, 11)
                subtitle3 = (f"{grade}-сынып", f"{grade} класс", f"grade {grade}")
                essential = True
            elif generic or (anonymous and rng.random() < 0.5):
                drawn = rng.choice(V.ANONYMOUS_TITLES)
                subtitle3 = rng.choice(V.REGIONS) if rng.random() < 0.6 else None
                essential = subtitle3 is not None
            else:
                drawn, subtitle3 = self.title3()
            if anonymous:
                people: list[Person] = []
            elif creators is not None:
                people = creators
            else:
                count = 1 if rng.random() < 0.75 else 2 if rng.random() < 0.7 else 3
                people = [self.person(lang, the_year) for _ in range(count)]
                if any(_stem(p.surname) in avoid for p in people):
                    continue
            title = drawn[index]
            subtitle = subtitle3[index] if subtitle3 else None
            owner = people[0].surname if people else forms[0]
            if self.register(title, subtitle if subtitle and essential else "", owner):
                break
        else:
            raise RuntimeError("could not draw a new work")
        pages = rng.randint(160, 320) if textbook else rng.randint(48, 720)
        book = Book(
            key=self.key(), lang=lang, title=title, subtitle=subtitle, creators=people,
            contributors=self.contributors(lang, the_year, anonymous), publisher=forms, place=place,
            year=the_year, pages=pages, isbn=self.isbn(lang, the_year, place), illustrated=rng.random() < 0.3,
            subtitle_essential=essential, title3=drawn, subtitle3=subtitle3,
            keywords=tuple(rng.choice(V.NOUNS)[_NOUN_FORM[lang]] for _ in range(rng.randint(1, 3))),
            udc=rng.choice(("821.512.122", "94(574)", "811.512.122", "82-3", "908(574)", "37.016", "51(075.3)")),
        )
        if with_isbn and book.isbn is None:
            raise AssertionError("with_isbn: a year before 1988 was forced")
        if rng.random() < 0.12 and not anonymous:  # a later edition, its statement as printed
            book.edition = rng.randint(2, 4)
            book.edition_text = edition_statement(book.edition, lang, rng.randrange(5))
        if rng.random() < 0.15:
            series = rng.choice(V.SERIES)
            book.series = (series[0] if lang == "kaz" else series[1], str(rng.randint(1, 100)))
        return book

    def copy(self, book: Book, **changes: object) -> Book:
        """Another manifestation of ``book`` (a new key) with ``changes``."""
        return replace(book, key=self.key(), **changes)

    # -- styles -------------------------------------------------------------------------------------
    def style(self, lang: str, partner: str | None = None) -> Style:
        rng = self.rng
        if partner is None:
            pool = {"kaz": V.CYRILLIC_PARTNERS, "rus": V.RUSSIAN_PARTNERS, "eng": V.ENGLISH_PARTNERS}[lang]
            partner = rng.choice(pool)
        unit = lang
        if lang == "kaz" and partner in ("kaznu", "nlrk", "karlib") and rng.random() < 0.5:
            unit = "rus"
        return Style(
            partner=partner,
            name_form=rng.choice(("inverted", "inverted", "inverted", "patronymic", "initials", "direct")),
            name_dates=rng.random() < 0.3,
            isbn_form=rng.choice(("as-printed",) * 4 + ("b13", "h13", "b10", "both")),
            isbn10_scheme="isbn10" if rng.random() < 0.8 else "isbn",
            publisher_form=0 if rng.random() < 0.75 else rng.randrange(4),
            place_form=0 if rng.random() < 0.8 else rng.randrange(3),
            unit_lang=unit,
            extent_form=rng.choice((0, 0, 0, 1, 2, 3, 4)),
            pages_field=rng.random() < 0.85,
            subtitle="field" if rng.random() < 0.85 else "in-title",
            part_form=rng.randrange(5),
            part_in_title=rng.random() < 0.15,
            edition_form=None if rng.random() < 0.6 else rng.randrange(5),
            date_form=rng.choice((0, 0, 0, 0, 1)),
            responsibility=rng.random() < 0.4,
            languages=rng.random() < 0.92,
            lang_tags=rng.random() < 0.2,
            subjects=rng.random() < 0.35,
            series=rng.random() < 0.8,
            issue_form=rng.randrange(5),
            parallel_title=rng.random() < 0.4,
            format=rng.choice(("marcxml", "marcxml", "marc21", "oai_dc", "mods")),
        )

    def latin_style(self, lang: str, writer: str) -> Style:
        style = self.style(lang, self.rng.choice(_partners_of(writer)))
        style.writer = writer
        style.unit_lang = _unit_lang_of(writer)
        if style.unit_lang == "eng" and self.rng.random() < 0.3:
            style.extent_form = 5
        style.original_script = writer.startswith("lc") and self.rng.random() < 0.15
        style.lang_tags = self.rng.random() < 0.3
        return style

    def other_style(self, lang: str, first: Style) -> Style:
        """A second partner's style, never the first partner."""
        for _ in range(20):
            style = self.style(lang)
            if style.partner != first.partner:
                return style
        return style

    def lang(self) -> str:
        r = self.rng.random()
        return "kaz" if r < 0.6 else "rus" if r < 0.9 else "eng"

    # -- scenarios: positives ---------------------------------------------------------------------
    def cross_script(self, stratum: str) -> list[LabelledPair]:
        rng = self.rng
        lang = "rus" if stratum == "ru-cyrillic-latin" else "kaz"
        book = self.book(lang, anonymous=rng.random() < 0.08)
        writer = rng.choice(_KK_WRITERS[stratum])
        first = self.style(lang)
        a = self.book_record(book, first)
        latin = self.latin_style(lang, writer)
        if rng.random() < 0.45:
            latin.isbn_form = "none"
        if rng.random() < 0.2:
            latin.subtitle = "drop"
        b = self.book_record(book, latin)
        pairs = [self.pair(a, b, stratum, writer)]
        if lang == "kaz" and rng.random() < 0.2:  # a third partner, in another romanisation
            other = rng.choice([s for s in tuple(_KK_WRITERS)[:6] if s != stratum])
            writer = rng.choice(_KK_WRITERS[other])
            third = self.book_record(book, self.latin_style(lang, writer))
            pairs.append(self.pair(a, third, other, f"{writer} (third partner)"))
        return pairs

    def degraded(self) -> list[LabelledPair]:
        rng = self.rng
        writer = rng.choice(("degraded-ru", "degraded-ru", "degraded-latin"))
        while True:
            book = self.book("kaz")
            if WRITERS[writer](book.title) != book.title:
                break
        first = self.style("kaz")
        second = self.other_style("kaz", first)
        second.writer = writer
        return [self.pair(self.book_record(book, first), self.book_record(book, second), "kk-cyrillic-degraded",
                          writer)]

    def typos(self) -> list[LabelledPair]:
        rng = self.rng
        lang = self.lang()
        book = self.book(lang)
        first = self.style(lang)
        second = self.other_style(lang, first)
        details = []
        if book.subtitle and not book.subtitle_essential and rng.random() < 0.25:
            second.subtitle = "drop"
            details.append("subtitle dropped")
        if rng.random() < 0.1:
            second.upper_title = True
            details.append("upper case")
        a = self.book_record(book, first)
        b = self.book_record(book, second)
        title = b.titles[0]
        edits = 1 if len(book.title) < 12 else rng.choice((1, 1, 2))
        title.value = typo(title.value, rng, edits)
        details.append(f"{edits} edit(s)")
        if rng.random() < 0.15:
            title.value = title.value.replace(" : ", ": ").replace("«", '"').replace("»", '"')
            details.append("punctuation")
        return [self.pair(a, b, "typos", ", ".join(details))]

    def name_forms(self) -> list[LabelledPair]:
        rng = self.rng
        lang = self.lang()
        book = self.book(lang)
        first = self.style(lang)
        second = self.other_style(lang, first)
        forms = ["inverted", "patronymic", "initials", "initials-bare", "direct"]
        first.name_form = rng.choice(forms)
        second.name_form = rng.choice([f for f in forms if f != first.name_form])
        details = [f"{first.name_form}/{second.name_form}"]
        first.name_dates, second.name_dates = rng.random() < 0.5, rng.random() < 0.5
        if lang == "kaz" and rng.random() < 0.25:
            second.russify_names = True
            details.append("russified")
        if len(book.creators) > 1 and rng.random() < 0.3:
            if rng.random() < 0.5:
                second.creators_reversed = True
                details.append("co-authors reversed")
            else:
                second.max_creators = 1
                details.append("second author missing")
        return [self.pair(self.book_record(book, first), self.book_record(book, second), "name-forms",
                          ", ".join(details))]

    def isbn_forms(self) -> list[LabelledPair]:
        rng = self.rng
        lang = self.lang()
        book = self.book(lang, with_isbn=True)
        first = self.style(lang)
        second = self.other_style(lang, first)
        case = rng.choice(("missing", "hyphens", "10-vs-13", "both-vs-one", "mistyped"))
        if case == "missing":
            first.isbn_form = rng.choice(("as-printed", "h13", "b13"))
            second.isbn_form = "none"
        elif case == "hyphens":
            length = rng.choice(("13", "10"))
            first.isbn_form, second.isbn_form = "h" + length, "b" + length
        elif case == "10-vs-13":
            first.isbn_form, second.isbn_form = rng.choice(("h10", "b10")), rng.choice(("h13", "b13"))
        elif case == "both-vs-one":
            first.isbn_form, second.isbn_form = "both", rng.choice(("h10", "b10", "h13", "b13"))
        else:
            first.isbn_form = rng.choice(("as-printed", "none"))
            second.isbn_form = rng.choice(("h13", "b13", "h10"))
            second.isbn_typo = True
        return [self.pair(self.book_record(book, first), self.book_record(book, second), "isbn-forms",
                          f"isbn {case}")]

    def year_off_by_one(self) -> list[LabelledPair]:
        rng = self.rng
        lang = self.lang()
        book = self.book(lang)
        first = self.style(lang)
        second = self.other_style(lang, first)
        second.year_shift = rng.choice((-1, 1))
        if second.year_shift == -1 and rng.random() < 0.5:
            second.date_form = rng.choice((3, 4))
        r = rng.random()
        if r < 0.25:
            first.isbn_form = second.isbn_form = "none"
        elif r < 0.5:
            second.isbn_form = "none"
        return [self.pair(self.book_record(book, first), self.book_record(book, second), "year-off-by-one",
                          f"year {second.year_shift:+d}")]

    def publisher_extent(self) -> list[LabelledPair]:
        rng = self.rng
        lang = self.lang()
        book = self.book(lang)
        first = self.style(lang)
        second = self.other_style(lang, first)
        first.publisher_form, second.publisher_form = 0, rng.randint(1, 3)
        first.place_form, second.place_form = 0, rng.randint(0, 2)
        first.extent_form = 0
        second.extent_form = rng.choice((1, 2, 3, 4))
        if rng.random() < 0.5:
            second.pages_shift = rng.choice((-4, -2, -1, 1, 2, 4))
        if lang == "kaz" and rng.random() < 0.3:
            second.unit_lang = "rus"
        return [self.pair(self.book_record(book, first), self.book_record(book, second),
                          "publisher-extent-variants", f"pages {second.pages_shift:+d}")]

    def same_isbn(self) -> list[LabelledPair]:
        rng = self.rng
        lang = self.lang()
        book = self.book(lang, with_isbn=True)
        first = self.style(lang)
        second = self.style(lang, first.partner) if rng.random() < 0.3 else self.other_style(lang, first)
        for style in (first, second):
            if style.isbn_form == "none":
                style.isbn_form = "as-printed"
        details = []
        if book.subtitle:
            second.subtitle = rng.choice(("in-title", "drop", "field"))
            details.append(f"subtitle {second.subtitle}")
        if book.creators and rng.random() < 0.3:
            second.drop_creators = True
            details.append("author only in the statement of responsibility")
        second.kind = rng.random() < 0.8
        second.languages = rng.random() < 0.8
        second.publisher_form = rng.randrange(4)
        return [self.pair(self.book_record(book, first), self.book_record(book, second), "same-isbn-duplicate",
                          ", ".join(details) or "isbn")]

    def anonymous(self) -> list[LabelledPair]:
        rng = self.rng
        lang = "kaz" if rng.random() < 0.7 else "rus"
        book = self.book(lang, anonymous=True)
        first = self.style(lang)
        if lang == "kaz" and rng.random() < 0.2:
            writer = rng.choice(("latin2021", "lc", "latin2018", "latin2017"))
            second = self.latin_style(lang, writer)
        else:
            second = self.other_style(lang, first)
            writer = "cyrillic"
        if book.contributors and rng.random() < 0.5:
            second.contributors = False
        return [self.pair(self.book_record(book, first), self.book_record(book, second), "anonymous", writer)]

    def new_issue(self, journal: Journal | None = None, year: int | None = None,
                  number: int | None = None, journals: list[Journal] | None = None) -> Issue:
        """A serial issue drawn once per seed.  A given journal, year and number are taken as they are;
        ``journals`` and a ``year`` alone are hints, given up after some tries."""
        rng = self.rng
        exact = journal is not None and year is not None and number is not None
        for attempt in range(1000):
            j = journal or rng.choice(journals or self.journals)
            y = year if year is not None and (exact or attempt < 40) else rng.randint(max(j.founded, 1985), 2023)
            n = number if number is not None else rng.randint(1, j.per_year)
            if not self.track or (j.title, y, n) not in self.issues_used:
                self.issues_used.add((j.title, y, n))
                return Issue(self.key(), j, y, n, rng.randint(96, 224))
            if exact:
                break
        raise RuntimeError("no free issue")

    def serial_issue(self) -> list[LabelledPair]:
        rng = self.rng
        issue = self.new_issue()
        lang = issue.journal.lang
        first = self.style(lang)
        second = self.other_style(lang, first)
        first.issue_form = rng.randrange(5)
        second.issue_form = rng.choice([f for f in range(5) if f != first.issue_form])
        if rng.random() < 0.2:
            second.issn = False
        if lang == "kaz" and rng.random() < 0.1:
            second.writer = "latin2021"
        return [self.pair(self.issue_record(issue, first), self.issue_record(issue, second), "serial-issues",
                          f"issue forms {first.issue_form}/{second.issue_form}")]

    # -- scenarios: negatives (and the positives drawn beside them) ------------------------------
    def multi_volume_set(self) -> list[LabelledPair]:
        rng = self.rng
        lang = "kaz" if rng.random() < 0.7 else "rus" if rng.random() < 0.85 else "eng"
        index = {"kaz": 0, "rus": 1, "eng": 2}[lang]
        count = rng.randint(2, 12)
        for _ in range(200):
            drawn = rng.choice(V.SET_TITLES)
            if drawn[3]:
                year = self.year(lang, isbn=True)
                author = [self.person(lang, year)]
                owner = author[0].surname
            else:
                year = self.year(lang, isbn=True)
                author = []
                owner = ""
            forms, place = self.publisher(lang, year)
            if self.register(drawn[index], "", owner or forms[0]):
                break
        set_isbn = self.isbn(lang, year, place)
        subtitle = ({"kaz": f"{count} томдық", "rus": f"в {count} т.", "eng": f"in {count} volumes"}[lang]
                    if rng.random() < 0.6 else None)
        spread = year <= 2016 and rng.random() < 0.4
        volume_titles = drawn[3] and rng.random() < 0.4
        base = Book(key=0, lang=lang, title=drawn[index], subtitle=subtitle, creators=author,
                    contributors=self.contributors(lang, year, not author), publisher=forms, place=place,
                    year=year, pages=0, set_isbn=set_isbn, volume_count=count)
        volumes = []
        for n in range(1, count + 1):
            own = self.isbn(lang, year, place) if rng.random() < 0.5 else None
            vt = rng.choice(V.VOLUME_TITLES)[index] if volume_titles else None
            volumes.append(replace(base, key=self.key(), volume=n, volume_title=vt, isbn=own,
                                   pages=rng.randint(280, 640), year=year + ((n - 1) // 2 if spread else 0)))
        i, j = rng.sample(range(count), 2)
        first = self.style(lang)
        if first.subtitle == "in-title":
            first.subtitle = "field"
        writer = "cyrillic"
        if lang in ("kaz", "rus") and rng.random() < 0.25:
            writer = rng.choice(("latin2021", "lc", "latin2018") if lang == "kaz" else ("ala-lc-ru", "gost-b-ru"))
            second = self.latin_style(lang, writer)
        else:
            second = self.other_style(lang, first)
        second.part_form = rng.choice([f for f in range(5) if f != first.part_form])
        second.own_isbn = rng.random() < 0.5
        for style in (first, second):
            if style.isbn_form == "none":
                style.isbn_form = "as-printed"
        a_i = self.book_record(volumes[i], first)
        a_j = self.book_record(volumes[j], first)
        b_i = self.book_record(volumes[i], second)
        detail = f"volumes {i + 1}/{j + 1} of {count}"
        pairs = [self.pair(a_i, a_j, "set-volumes", detail), self.pair(b_i, a_j, "set-volumes", detail + ", " + writer),
                 self.pair(a_i, b_i, "set-volumes-same-volume", f"volume {i + 1}, {writer}")]
        if rng.random() < 0.15:
            whole = replace(base, key=self.key(), year_to=volumes[-1].year if spread else None)
            set_style = self.style(lang)
            set_style.subtitle = "field"
            if set_style.isbn_form == "none":
                set_style.isbn_form = "as-printed"
            pairs.append(self.pair(self.book_record(whole, set_style), a_j, "set-volumes", f"set/volume {j + 1}"))
        return pairs

    def editions(self) -> list[LabelledPair]:
        rng = self.rng
        lang = self.lang()
        first_book = self.book(lang, year=rng.randint(1975, 2008) if lang != "eng" else rng.randint(1990, 2008))
        start = rng.choice((None, None, None, 2))
        first_book.edition = start
        first_book.edition_text = edition_statement(start, lang, rng.randrange(5)) if start else None
        books = [first_book]
        for _ in range(1 if rng.random() < 0.7 else 2):
            previous = books[-1]
            gap = rng.randint(2 if previous.edition is None else 1, 8)
            number = (previous.edition or 1) + 1
            year = previous.year + gap
            forms, place = (previous.publisher, previous.place) if rng.random() < 0.6 else self.publisher(lang, year)
            r = rng.random()
            isbn = previous.isbn if r < 0.25 and previous.isbn else None if r < 0.35 else self.isbn(lang, year, place)
            books.append(self.copy(previous, edition=number, edition_text=edition_statement(number, lang,
                                                                                             rng.randrange(5)),
                                   year=year, publisher=forms, place=place, isbn=isbn,
                                   pages=previous.pages + rng.choice((-1, 1)) * rng.randint(6, 80)))
        records = [self.book_record(book, self.style(lang)) for book in books]
        pairs = []
        for (x, rx), (y, ry) in combinations(list(zip(books, records, strict=True)), 2):
            reused = " (isbn reused)" if x.isbn is not None and x.isbn is y.isbn else ""
            pairs.append(self.pair(rx, ry, "editions", f"editions {x.edition or 1}/{y.edition}{reused}"))
        if lang == "kaz" and rng.random() < 0.2:
            k = rng.randrange(len(books))
            writer = rng.choice(("latin2021", "lc", "latin2017", "iso9"))
            latin = self.book_record(books[k], self.latin_style(lang, writer))
            pairs.append(self.pair(records[k], latin, WRITER_STRATUM[writer], f"edition {books[k].edition or 1}"))
            other = records[(k + 1) % len(books)]
            pairs.append(self.pair(latin, other, "editions", f"editions, {writer}"))
        return pairs

    def reprints(self) -> list[LabelledPair]:
        rng = self.rng
        lang = self.lang()
        book = self.book(lang, year=rng.randint(1970, 2015) if lang != "eng" else rng.randint(1990, 2015))
        year = book.year + rng.randint(2, min(15, 2024 - book.year))
        r = rng.random()
        isbn = book.isbn if r < 0.5 and book.isbn else self.isbn(lang, year, book.place) if r < 0.75 else None
        statement = rng.choice(REPRINT_STATEMENTS[lang]) if rng.random() < 0.3 else book.edition_text
        reprint = self.copy(book, year=year, isbn=isbn, edition_text=statement,
                            pages=book.pages if rng.random() < 0.8 else book.pages + rng.choice((-2, 2, 4)))
        first = self.style(lang)
        second = self.style(lang)
        shared = " (isbn kept)" if isbn is not None and isbn is book.isbn else ""
        return [self.pair(self.book_record(book, first), self.book_record(reprint, second), "reprints",
                          f"{book.year}/{year}{shared}")]

    def translation(self) -> list[LabelledPair]:
        rng = self.rng
        original = self.book("kaz")
        assert original.title3 is not None
        year = min(2023, original.year + rng.randint(0, 25))
        forms, place = self.publisher("rus", year) if rng.random() < 0.6 else self.publisher("kaz", year)
        translator = self.person("rus" if rng.random() < 0.6 else "kaz", year)
        translated = Book(
            key=self.key(), lang="rus", title=original.title3[1],
            subtitle=original.subtitle3[1] if original.subtitle3 else None,
            creators=[russified(p) for p in original.creators],
            contributors=[(russified(translator), "trl", "пер. с каз.")], publisher=forms, place=place, year=year,
            pages=int(original.pages * rng.uniform(0.95, 1.3)), isbn=self.isbn("rus", year, place),
            uniform_title=original.title if rng.random() < 0.3 else None, illustrated=original.illustrated,
            keywords=tuple(n[1] for n in V.NOUNS if n[0] in original.keywords), udc=original.udc)
        if not original.creators:
            translated.creators = []
        self.register(translated.title, "",
                      translated.creators[0].surname if translated.creators else forms[0])
        first = self.style("kaz")
        second = self.style("rus")
        return [self.pair(self.book_record(original, first), self.book_record(translated, second),
                          "kk-ru-translation", f"{original.year}/{year}", related=True)]

    def similar_titles(self) -> list[LabelledPair]:
        rng = self.rng
        lang = self.lang()
        r = rng.random()
        index = {"kaz": 0, "rus": 1, "eng": 2}[lang]
        if r < 0.15 or r >= 0.9:  # textbooks: same subject, publisher and year
            book = self.book(lang, textbook=True)
            assert book.subtitle3 is not None
            if r < 0.15:
                other = self.book(lang, textbook=True, title3=book.title3, year=book.year,
                                  avoid=_stems(book.creators))
                other.subtitle, other.subtitle3 = book.subtitle, book.subtitle3
                detail = "textbooks, other authors"
            else:
                grade = int(book.subtitle3[2].split()[-1])
                grade = grade + 1 if grade < 11 else grade - 1
                sub3 = (f"{grade}-сынып", f"{grade} класс", f"grade {grade}")
                other = self.copy(book, subtitle=sub3[index], subtitle3=sub3, isbn=self.isbn(lang, book.year,
                                                                                            book.place),
                                  pages=rng.randint(160, 320))
                detail = "textbooks, other grade"
            other.publisher, other.place = book.publisher, book.place
        elif r < 0.6:
            book = self.book(lang)
            other = self.book(lang, title3=book.title3, avoid=_stems(book.creators))
            other.subtitle = book.subtitle if rng.random() < 0.6 else other.subtitle
            if rng.random() < 0.3:
                other.year = book.year
            if rng.random() < 0.3:
                other.publisher, other.place = book.publisher, book.place
            detail = "same title, other author"
        else:
            book = self.book(lang)
            assert book.title3 is not None
            words = book.title.split()
            position = rng.randrange(len(words))
            replacement = rng.choice(V.NOUNS)[_NOUN_FORM[lang]]
            words[position] = _cap(replacement) if position == 0 else replacement
            title = " ".join(words)
            if title == book.title:
                title = book.title + (" " + rng.choice(V.NOUNS)[_NOUN_FORM[lang]])
            other = self.book(lang, title3=(title, title, title))
            detail = "title one word apart"
        return [self.pair(self.book_record(book, self.style(lang)), self.book_record(other, self.style(lang)),
                          "different-works-similar-title", detail)]

    def cross_script_different(self) -> list[LabelledPair]:
        rng = self.rng
        lang = "kaz"
        author = self.person(lang)
        book = self.book(lang, creators=[author])
        other = self.book(lang, creators=[author])
        if rng.random() < 0.4:
            first_word = book.title.split()[0]
            rest = other.title.split()[1:] or [rng.choice(V.NOUNS)[0]]
            title = " ".join([first_word, *rest])
            if title != book.title and self.register(title, "", author.surname):
                other.title = title
        other.year = min(2024, book.year + rng.randint(-3, 3))
        if rng.random() < 0.5:
            other.publisher, other.place = book.publisher, book.place
        writer = rng.choice(tuple(_KK_WRITERS)[:6])
        writer = rng.choice(_KK_WRITERS[writer])
        return [self.pair(self.book_record(book, self.style(lang)),
                          self.book_record(other, self.latin_style(lang, writer)),
                          "cross-script-different-works", writer)]

    def article(self, lang: str, year: int, issue: Issue | None = None, host_book: Book | None = None) -> Article:
        rng = self.rng
        index = {"kaz": 0, "rus": 1, "eng": 2}[lang]
        while True:
            drawn, _sub = self.title3()
            people = [self.person(lang) for _ in range(rng.choice((1, 1, 2, 3)))]
            if self.register(drawn[index], "", people[0].surname):
                break
        first_page = rng.randint(3, 180)
        return Article(self.key(), lang, drawn[index], None, people, year, first_page,
                       first_page + rng.randint(3, 24), issue, host_book, rng.random() < 0.3)

    def component_host(self) -> list[LabelledPair]:
        rng = self.rng
        if rng.random() < 0.7:
            issue = self.new_issue()
            lang = issue.journal.lang
            article = self.article(lang, issue.year, issue=issue)
            host = self.issue_record(issue, self.style(lang))
            detail = "journal issue/article"
        else:
            lang = "kaz" if rng.random() < 0.7 else "rus"
            book = self.book(lang, anonymous=rng.random() < 0.6)
            article = self.article(lang, book.year, host_book=book)
            host = self.book_record(book, self.style(lang))
            detail = "book/chapter"
        return [self.pair(host, self.article_record(article, self.style(lang)), "component-host", detail)]

    def serial_different(self) -> list[LabelledPair]:
        rng = self.rng
        for _ in range(100):
            journal = rng.choice(self.journals)
            year = rng.randint(max(journal.founded, 1985), 2022)
            number = rng.randint(1, journal.per_year)
            if rng.random() < 0.6:
                other = (year, number + 1 if number < journal.per_year else number - 1)
                detail = "consecutive numbers"
            else:
                other = (year + 1, number)
                detail = "same number, next year"
            used = self.issues_used
            if (journal.title, year, number) not in used and (journal.title, *other) not in used:
                break
        one = self.new_issue(journal, year, number)
        two = self.new_issue(journal, *other)
        first = self.style(journal.lang)
        second = first if rng.random() < 0.5 else self.style(journal.lang)
        return [self.pair(self.issue_record(one, first), self.issue_record(two, second), "serial-different-issues",
                          detail)]

    def review(self) -> list[LabelledPair]:
        rng = self.rng
        lang = self.lang()
        book = self.book(lang, anonymous=rng.random() < 0.05)
        journals = [j for j in self.journals if j.lang == lang] or self.journals
        issue = self.new_issue(year=min(2023, max(book.year, 1985) + rng.randint(0, 2)), journals=journals)
        article = self.article(lang, issue.year, issue=issue)
        article.review_of = book
        article.review_mentions_isbn = rng.random() < 0.3
        author = f"{_initial(book.creators[0].forename)} {book.creators[0].surname}" if book.creators else ""
        quoted = f"«{book.title}»"
        forms = {
            "kaz": (f"{quoted} кітабы туралы", f"Жаңа кітап: {author}. {book.title}".replace(": . ", ": "),
                    f"Рецензия: {quoted}"),
            "rus": (f"Рецензия на книгу: {author}. {book.title}".replace(": . ", ": "), f"О книге {quoted}",
                    f"Рец. на кн.: {book.title}"),
            "eng": (book.title, f"Review of {book.title}" + (f", by {book.creators[0].forename} "
                                                           f"{book.creators[0].surname}" if book.creators else ""),
                    book.title),
        }[lang]
        article.title = rng.choice(forms)
        if lang == "eng" and article.title == book.title and book.subtitle:
            article.subtitle = book.subtitle
        first = self.style(lang)
        review = self.article_record(article, self.style(lang))
        if rng.random() < 0.1 and book.isbn:
            review.identifiers.append(Identifier(book.isbn.isbn13() if book.isbn.native13 else book.isbn.isbn10(),
                                                 "isbn" if book.isbn.native13 else "isbn10"))
        return [self.pair(self.book_record(book, first), review, "book-review", article.title[:40])]

    def anonymous_different(self) -> list[LabelledPair]:
        rng = self.rng
        lang = "kaz" if rng.random() < 0.7 else "rus"
        found = False
        while not found:  # a generic title may have been published by every publisher already
            book = self.book(lang, anonymous=True, generic=True)
            for _ in range(60):
                year = min(2024, book.year + rng.randint(-6, 6)) if rng.random() < 0.6 else book.year
                forms, place = self.publisher(lang, year)
                if forms != book.publisher and self.register(book.title, book.subtitle or "", forms[0]):
                    found = True
                    break
        other = self.copy(book, year=year, publisher=forms, place=place, isbn=self.isbn(lang, year, place),
                          contributors=self.contributors(lang, year, True), pages=rng.randint(48, 720),
                          series=None)
        return [self.pair(self.book_record(book, self.style(lang)), self.book_record(other, self.style(lang)),
                          "anonymous-different", f"{book.publisher[0]}/{forms[0]}")]

    # -- the synthetic stream -------------------------------------------------------------------------
    def synthetic_group(self) -> list[CanonicalRecord]:
        rng = self.rng
        r = rng.random()
        lang = self.lang()
        if r < 0.70:
            return [self.book_record(self.book(lang), self.partner_style(lang))]
        if r < 0.85:
            book = self.book(lang)
            records = [self.book_record(book, self.partner_style(lang))]
            for _ in range(rng.choice((1, 1, 2))):
                if lang != "eng" and rng.random() < 0.4:
                    stratum = rng.choice(tuple(_KK_WRITERS)[:6]) if lang == "kaz" else "ru-cyrillic-latin"
                    writer = rng.choice(_KK_WRITERS[stratum])
                    style = self.partner_style(lang, writer)
                else:
                    style = self.partner_style(lang)
                record = self.book_record(book, style)
                if rng.random() < 0.1:
                    record.titles[0].value = typo(record.titles[0].value, rng, 1)
                records.append(record)
            return records
        if r < 0.91:
            count = rng.randint(2, 8)
            drawn = rng.choice(V.SET_TITLES)
            index = {"kaz": 0, "rus": 1, "eng": 2}[lang]
            year = self.year(lang, isbn=True)
            forms, place = self.publisher(lang, year)
            base = Book(key=0, lang=lang, title=drawn[index], subtitle=None,
                        creators=[self.person(lang, year)] if drawn[3] else [], contributors=[], publisher=forms,
                        place=place, year=year, pages=0, set_isbn=self.isbn(lang, year, place), volume_count=count)
            records = []
            for n in range(1, count + 1):
                volume = replace(base, volume=n, pages=rng.randint(280, 640),
                                 isbn=self.isbn(lang, year, place) if rng.random() < 0.4 else None)
                for _ in range(1 if rng.random() < 0.8 else 2):
                    records.append(self.book_record(volume, self.partner_style(lang)))
            return records
        if r < 0.96:
            book = self.book(lang, year=rng.randint(1975, 2008) if lang != "eng" else rng.randint(1990, 2008))
            records = [self.book_record(book, self.partner_style(lang))]
            for number in range(2, rng.randint(3, 4)):
                book = replace(book, edition=number, edition_text=edition_statement(number, lang, rng.randrange(5)),
                               year=book.year + rng.randint(1, 6), pages=book.pages + rng.randint(-20, 60),
                               isbn=self.isbn(lang, book.year, book.place))
                records.append(self.book_record(book, self.partner_style(lang)))
            return records
        issue = self.new_issue()
        records = [self.issue_record(issue, self.partner_style(issue.journal.lang))]
        for _ in range(rng.randint(0, 3)):
            article = self.article(issue.journal.lang, issue.year, issue=issue)
            records.append(self.article_record(article, self.partner_style(issue.journal.lang)))
        return records

    def partner_style(self, lang: str, writer: str = "cyrillic") -> Style:
        """The conventions of one partner, drawn once per partner (two cataloguers each): the stream's
        partners are consistent, as real ones are, and drawing a style per record would be slow."""
        if writer == "cyrillic":
            pool = {"kaz": V.CYRILLIC_PARTNERS, "rus": V.RUSSIAN_PARTNERS, "eng": V.ENGLISH_PARTNERS}[lang]
        else:
            pool = _partners_of(writer)
        partner = self.rng.choice(pool)
        styles = self._partner_styles.get((lang, writer, partner))
        if styles is None:
            styles = []
            for _ in range(2):
                style = self.style(lang, partner)
                if writer != "cyrillic":
                    style = self.latin_style(lang, writer)
                    style.partner = partner
                styles.append(style)
            self._partner_styles[(lang, writer, partner)] = styles
        return self.rng.choice(styles)


_SCENARIOS: dict[str, Callable[[_Builder], list[LabelledPair]]] = {
    **{name: (lambda b, name=name: b.cross_script(name)) for name in _KK_WRITERS},
    "kk-cyrillic-degraded": _Builder.degraded,
    "typos": _Builder.typos,
    "name-forms": _Builder.name_forms,
    "isbn-forms": _Builder.isbn_forms,
    "year-off-by-one": _Builder.year_off_by_one,
    "publisher-extent-variants": _Builder.publisher_extent,
    "same-isbn-duplicate": _Builder.same_isbn,
    "anonymous": _Builder.anonymous,
    "serial-issues": _Builder.serial_issue,
    "set-volumes-same-volume": _Builder.multi_volume_set,
    "set-volumes": _Builder.multi_volume_set,
    "editions": _Builder.editions,
    "reprints": _Builder.reprints,
    "kk-ru-translation": _Builder.translation,
    "different-works-similar-title": _Builder.similar_titles,
    "cross-script-different-works": _Builder.cross_script_different,
    "component-host": _Builder.component_host,
    "serial-different-issues": _Builder.serial_different,
    "book-review": _Builder.review,
    "anonymous-different": _Builder.anonymous_different,
}


def quotas(size: int) -> dict[str, int]:
    """How many pairs of each stratum ``size`` pairs hold: the weights scaled, remainders by weight."""
    total = sum(s.weight for s in STRATA.values())
    exact = {name: size * s.weight / total for name, s in STRATA.items()}
    counts = {name: int(value) for name, value in exact.items()}
    rest = size - sum(counts.values())
    for name in sorted(exact, key=lambda n: (counts[n] - exact[n], n))[:rest]:
        counts[name] += 1
    return counts


def _build(seed: int, size: int) -> tuple[list[LabelledPair], dict[int, int]]:
    builder = _Builder(seed)
    wanted = quotas(size)
    buckets: dict[str, list[LabelledPair]] = {name: [] for name in STRATA}
    for name in STRATA:
        while len(buckets[name]) < wanted[name]:
            for pair in _SCENARIOS[name](builder):
                buckets[pair.stratum].append(pair)
    pairs = [pair for name in STRATA for pair in buckets[name][: wanted[name]]]
    builder.rng.shuffle(pairs)
    return pairs, builder.keys


def labelled_pairs(seed: int = 21, size: int = 3200) -> list[LabelledPair]:
    """``size`` labelled pairs in the strata of :data:`STRATA`, the same for the same seed."""
    return _build(seed, size)[0]


def labelled_records(seed: int = 21, size: int = 3200) -> tuple[list[CanonicalRecord], set[frozenset[int]]]:
    """All records once (deduplicated by identity), and the set of index pairs that are the same work (the
    ground-truth clusters' pairs, transitively closed)."""
    _, records, truth = labelled_set(seed, size)
    return records, truth


def labelled_set(seed: int = 21, size: int = 3200) -> tuple[list[LabelledPair], list[CanonicalRecord],
                                                              set[frozenset[int]]]:
    """The pairs, and the records of :func:`labelled_records` with its ground truth, from one build:
    a pair's records are the very objects of the list, so a matcher's clusters of the records can
    be read back per pair (``id(record)`` gives its index)."""
    pairs, keys = _build(seed, size)
    records: list[CanonicalRecord] = []
    position: dict[int, int] = {}
    for pair in pairs:
        for record in (pair.a, pair.b):
            if id(record) not in position:
                position[id(record)] = len(records)
                records.append(record)
    clusters: dict[int, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        clusters[keys[id(record)]].append(index)
    truth = {frozenset(p) for members in clusters.values() for p in combinations(members, 2)}
    return pairs, records, truth


def synthetic_collection(count: int, seed: int = 1) -> Iterator[CanonicalRecord]:
    """A fast stream of plausible records for a 1,000,000-record benchmark: ~15 % of works held by 2-3 partners
    (with script variants), multi-volume sets sharing an ISBN, editions; no labels.

    Unlike the labelled set, works are not kept unique (a million would need the memory), so two
    unrelated works can share a title and author, as in real catalogues; ISBN-10s of group 9965
    (100,000 numbers) repeat after that many books."""
    builder = _Builder(seed, track=False)
    produced = 0
    while produced < count:
        for record in builder.synthetic_group():
            yield record
            produced += 1
            if produced >= count:
                return

