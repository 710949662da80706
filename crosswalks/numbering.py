"""Numbers catalogue text states in words: volume, issue, edition, pages.

Two records of a multi-volume set differ only in "Т. 2" against "Т. 3"; two issues of a journal
in "№ 5" against "№ 6"; two editions in "2-е изд." against "3-е изд.".  Consolidation must not
merge them, so it compares these numbers, read here from however a cataloguer wrote them in
Kazakh, Russian or English, with arabic or roman figures, before or after the word ("Т. 2",
"2-том", "Vol. II", "Екінші басылым").  Every function returns the number as a string of arabic
digits, or None when the text states none.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from crosswalks.romanise import skeleton

_ROMAN_VALUES: Final = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
#: A well-formed roman numeral (so "dim" or "mix" is not one) up to 3999.
_ROMAN: Final = re.compile(r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
#: Cyrillic letters typed for roman numerals ("ХІХ ғасыр", "ІІ том").
_ROMAN_LOOKALIKES: Final = str.maketrans("іхсмІХСМ", "ixcmixcm")

_FIGURE: Final = r"\d{1,4}|[ivxlcdmіх]{1,8}"
#: Figures are found first and the words around them read after: most titles hold no figure, so
#: most cost one scan.  Roman figures in either case, Cyrillic І and Х typed for I and X included.
_FIGURES: Final = re.compile(rf"(?<!\w)(?:{_FIGURE})(?!\w)", re.IGNORECASE)
#: Words before a volume number.  Whole words may stand anywhere in a title ("Абай жолы Том 2");
#: abbreviations and roman figures only at the start of the text or after punctuation, where ISBD
#: puts a part ("Абай жолы. Т. 2"), so "The Book I Never Wrote" keeps its "Book I".
_VOLUME_WORDS: Final = ("том|volume|книга|часть|кітап|кiтап|бөлім|бөлiм|book|part|band|tome|tom|kitap|kıtap|"
                        "bölim|bölım|bolim|chast|kniga")
_VOLUME_ABBREVIATIONS: Final = "vol|кн|ч|т|v|pt|bk|bd|t|kn"  # t, kn: т, кн romanised
_VOLUME_BEFORE: Final = re.compile(
    rf"(?<!\w)(?:(?P<word>{_VOLUME_WORDS})|(?P<abbr>{_VOLUME_ABBREVIATIONS}))\.?\s*\Z", re.IGNORECASE)
#: Words after a volume number ("2-том", "2 кітап", "2-ші бөлім"), with the ordinal endings between;
#: "в 5 т." (in five volumes) and "10 томдық" (ten-volume) name no volume.
_VOLUME_AFTER: Final = re.compile(
    r"(?:\s*-?\s*(?:ші|шы|інші|ыншы|нші|ншы|е|й|я|th|st|nd|rd))?\s*-?\s*"
    r"(?:том|кітап|кiтап|бөлім|бөлiм|часть|книга|tom|kitap|bölim|bolim)(?!\w)", re.IGNORECASE)
#: An abbreviation after a volume number, as Kazakh and Russian catalogues write it ("2 т.", "2-т."),
#: only at the end of the text or before punctuation; "в 5 т." (in five volumes) names no volume.
_VOLUME_ABBREVIATION_AFTER: Final = re.compile(r"\s*-?\s*(?:т|t|tom)\.(?=\s*(?:[.,;:/=]|\Z))", re.IGNORECASE)
_IN_VOLUMES: Final = re.compile(r"(?<!\w)(?:в|in)\s*\Z", re.IGNORECASE)
#: The longest word before a figure, with its full stop and a space or two.
_BEFORE_WINDOW: Final = 16

_ISSUE_FIGURE: Final = re.compile(r"(?<!\d)\d{1,4}(?:\s*[-/]\s*\d{1,4})?(?!\d)")
_ISSUE_BEFORE: Final = re.compile(
    r"(?:№|#|(?<!\w)(?:no|nr|number|issue|iss|вып|выпуск|номер|нөмір|саны|шығарылым|heft))\.?\s*\Z",
    re.IGNORECASE)
_ISSUE_AFTER: Final = re.compile(r"\s*-?\s*(?:сан|саны|шығарылым|выпуск)(?!\w)", re.IGNORECASE)
_PUNCTUATION_BEFORE: Final = frozenset(".,:;([/=-–—")
_BARE_FIGURE: Final = re.compile(rf"\W*({_FIGURE})\W*", re.IGNORECASE)
_PAGES: Final = re.compile(
    r"(\d+)(?:\s*,\s*\[\d+\])?\s*(?:с|c|p|pp|s|б|b|бет|bet|стр|pages|pagini|страниц)(?:\.|(?!\w))", re.IGNORECASE)


class Found(NamedTuple):
    """A number found in a text, and where its whole designation ("Т. 2") starts and ends."""

    number: str
    start: int
    end: int


def roman_to_int(text: str) -> int | None:
    """The value of a roman numeral ("XIV" -> 14, Cyrillic look-alikes too), None if not one."""
    text = text.lower().translate(_ROMAN_LOOKALIKES)
    if not text or not _ROMAN.fullmatch(text):
        return None
    values = [_ROMAN_VALUES[char] for char in text]
    total = 0
    for index, value in enumerate(values):
        # a smaller figure before a larger one is subtracted: IV, XC
        total += -value if index + 1 < len(values) and value < values[index + 1] else value
    return total


def _figure(text: str) -> str | None:
    """Arabic digits for an arabic or roman figure, leading zeros dropped ("02" -> "2")."""
    if text.isdigit():
        return str(int(text))
    value = roman_to_int(text)
    return str(value) if value else None


def find_volume(text: str | None) -> Found | None:
    """The first volume or part designation in a text: "Т. 2", "2-том", "Vol. II", "Кітап 3"."""
    if not text:
        return None
    for figure in _FIGURES.finditer(text):
        if len(figure.group()) == 1 and figure.group().islower():  # "и" romanised ("Kniga i kul'tura"), "в"
            continue
        start, end = figure.span()
        before = _VOLUME_BEFORE.search(text, max(0, start - _BEFORE_WINDOW), start)
        if before is not None:
            if (before.group("abbr") or not figure.group().isdigit()) and not _after_punctuation(
                    text, before.start()):
                continue
            start = before.start()
        else:
            after = _VOLUME_AFTER.match(text, end) or _abbreviation_after(text, start, end)
            if after is None:
                continue
            end = after.end()
        number = _figure(figure.group())
        if number:
            return Found(number, start, end)
    return None


def _abbreviation_after(text: str, start: int, end: int) -> re.Match[str] | None:
    """"т." after the figure, unless the figure counts the volumes ("в 5 т.")."""
    if _IN_VOLUMES.search(text, max(0, start - 4), start):
        return None
    return _VOLUME_ABBREVIATION_AFTER.match(text, end)


def _after_punctuation(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in _PUNCTUATION_BEFORE


def find_issue(text: str | None) -> Found | None:
    """The first issue number in a text: "№ 5", "No. 5", "вып. 5", "Issue 5", "5-сан", "№ 5-6"."""
    if not text:
        return None
    for figure in _ISSUE_FIGURE.finditer(text):
        start, end = figure.span()
        before = _ISSUE_BEFORE.search(text, max(0, start - _BEFORE_WINDOW), start)
        if before is not None:
            start = before.start()
        else:
            after = _ISSUE_AFTER.match(text, end)
            if after is None:
                continue
            end = after.end()
        number = figure.group()
        if "-" in number or "/" in number:
            first, _, last = number.replace("/", "-").partition("-")
            return Found(f"{int(first)}-{int(last.strip())}", start, end)
        return Found(str(int(number)), start, end)
    return None


def number_in(text: str | None) -> str | None:
    """A volume number however a series or part number gives it: "т. 12", "вып. 3", or a figure
    alone ("12", "XII"); None for a part with a name ("Роман", "1941-1945 жылдар")."""
    if not text:
        return None
    if text.isdigit():
        return str(int(text))
    match = _BARE_FIGURE.fullmatch(text)
    if match:
        return _figure(match.group(1))
    found = find_volume(text) or find_issue(text)
    return found.number if found else None


#: Ordinal words 1-10 an edition statement spells out, by their skeletons (so "Екінші" and
#: "Ekinşi" are one word).  Russian by stem, as it declines: второе, второй, вторая.
_KAZAKH_ORDINALS: Final = ("бірінші", "екінші", "үшінші", "төртінші", "бесінші", "алтыншы", "жетінші", "сегізінші",
                           "тоғызыншы", "оныншы")
_ENGLISH_ORDINALS: Final = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                            "tenth")
_RUSSIAN_STEMS: Final = ("перв", "втор", "трет", "четв", "пят", "шест", "седьм", "восьм", "девят", "десят")
_ORDINAL_WORDS: Final[dict[str, str]] = {
    skeleton(word): str(number)
    for words in (_KAZAKH_ORDINALS, _ENGLISH_ORDINALS) for number, word in enumerate(words, 1)
}
_ORDINAL_STEMS: Final = tuple((skeleton(stem), str(number)) for number, stem in enumerate(_RUSSIAN_STEMS, 1))
_EDITION_FIGURE: Final = re.compile(r"(?<!\d)(\d{1,3})(?!\d)")


def edition_number(statement: str | None) -> str | None:
    """The number of an edition statement: "2-е изд.", "2nd ed.", "Изд. 3-е, испр.", "Second
    edition", "Екінші басылым", "2-басылым" all give a number; "Revised edition" gives None."""
    if not statement:
        return None
    match = _EDITION_FIGURE.search(statement)
    if match:
        return str(int(match.group()))
    for word in skeleton(statement).split():
        number = _ORDINAL_WORDS.get(word)
        if number:
            return number
        for stem, number in _ORDINAL_STEMS:
            if word.startswith(stem):
                return number
    return None


def pages_in(extent: str | None) -> int | None:
    """The page count of an extent statement: "350 с.", "xii, 350 p.", "350, [2] б. : сур.", "350 b."."""
    if not extent:
        return None
    match = _PAGES.search(extent)
    return int(match.group(1)) if match else None
