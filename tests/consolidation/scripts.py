"""Script writers and standard numbers for the labelled consolidation set.

Written independently of the hub's own transliteration (``crosswalks/transliterate.py``,
``crosswalks/romanise.py``): these writers are what a *partner* does to a Kazakh or Russian
record, and the matcher must cope with them without sharing their code.

Kazakh Cyrillic to:

``latin2021``
    The alphabet presented in January 2021 (KAZAKH.md section 1): ә ä, ғ ğ, и/й i (capital İ),
    і ı (capital I), қ q, ң ñ (or ŋ, the letter of the 2019 draft, which the issue quotes and some
    partners kept: writer ``latin2021-eng``), ө ö, ұ ū, ү ü, ш ş, ж j, х/һ h, ы y.  ``latin2021-nfd``
    is the same decomposed (NFD), as some harvested data comes.  The letters the alphabet leaves to
    the orthography rules are written ц ts, ч ch, щ şş, ё io, ю iu, я ia; ъ and ь are dropped
    (our choice, documented in KAZAKH.md as VERIFY).
``latin2018``
    The acute-accent alphabet of February 2018: ә á, ғ ǵ, и/й ı (capital I), і i, ң ń, ө ó, ұ u,
    ү ú, у ý, ш sh, ч ch, ж j, қ q, ы y; ц ts, щ shch, ю ıý, я ıa (our choice).
``latin2017``
    The apostrophe alphabet of October 2017 (as in daniyarmukhanov/kazqaz): ә a', ғ g', и/й i',
    і i, ң n', ө o', ұ u, ү u', у y', ш s', ч c', ж j, қ q, ы y; ц ts, щ s's', ю i'y', я i'a.  Some
    partners typed the typographic apostrophe ’ instead of ' (``apostrophe="’"``).
``lc``
    ALA-LC romanisation of Kazakh (LC "Non-Slavic languages in Cyrillic script"): ә ă, ғ gh, и ī,
    й ĭ, қ ḳ, ң n͡g, ө ȯ, ұ ū, ү u̇, һ ḣ, і i, х kh, ц t͡s, ю i͡u, я i͡a, ы y, э ė, ъ ʺ, ь ʹ.  KAZAKH.md
    gives ä/q/ng for ә/қ/ң from memory (VERIFY); we follow the table as the issue quotes it.
    ``lc-plain`` is the same without diacritics and ties (the common "practical" form).
``iso9`` / ``gost-b``
    GOST 7.79-2000 System A (= ISO 9:1995) and System B.  Russian letters as in KAZAKH.md 3a.
    Kazakh letters in System A: ә a̋, ғ ġ, қ ķ, ң ņ, ө ô, ү ù as T. T. Pedersen's chart of
    Karakalpak (ISO 9:1995 column) gives them (ң n̦, ө ô, ү ù in the ISO 9 column of Wikipedia's
    "Romanization of Kyrgyz" too); і ì as the ISO 9:1995 tables of Ukrainian and Belarusian give it
    (one Cyrillic letter has one Latin form in ISO 9, whatever the language).  The UNGEGN Working
    Group on Romanization Systems' Kazakh page (eki.ee/wgrs/rom2_kk.htm, 2016) lists ISO 9:1995's
    Kazakh forms and agrees on ғ ġ, қ ķ, ң ņ, ө ô, ү ù, і ì; its forms of ә, ұ and һ were lost
    from the copy read (combining marks), so ұ u̇, һ ḥ are still from memory (VERIFY).
    In System B: ә a`, ғ g`, қ k`, ң n`, ө o`, ұ u`, ү u``, һ h`, і i`.
``informal``
    What English-language catalogues and people type: ш sh, ж zh, х kh (or h), ң ng (or n),
    қ q or k, ғ g or gh, ы y or i, і i, ә a, ө o, ү/ұ u, й y, ю yu, я ya, and "қазақ" as
    "kazakh" (the English exonym).  The variant letters are chosen once per record.
``degraded-ru`` / ``degraded-latin``
    Kazakh typed without a Kazakh keyboard: each Kazakh letter replaced by its Russian
    look-alike (ә а, ғ г, қ к, ң н, ө о, ұ у, ү у, һ х, і и), or by Latin look-alikes from legacy
    fonts (ә ə U+0259, і i, һ h).  Still Cyrillic text, so not cross-script.

Russian Cyrillic to ``ala-lc-ru``, ``ala-lc-ru-plain``, ``gost-b-ru`` and ``iso9-ru`` (KAZAKH.md 3a).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# -- standard numbers --------------------------------------------------------------------------------


def isbn10_check(first9: str) -> str:
    """The ISBN-10 check character of nine digits (0-9 or X)."""
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def isbn13_check(first12: str) -> str:
    """The ISBN-13 (EAN-13) check digit of twelve digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def issn_check(first7: str) -> str:
    """The ISSN check character of seven digits (0-9 or X)."""
    total = sum((8 - i) * int(d) for i, d in enumerate(first7))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def compact(value: str) -> str:
    """The digits (and X) of a standard number, hyphens and spaces dropped, X upper-cased."""
    return "".join(c for c in value.upper() if c.isdigit() or c == "X")


def isbn_valid(value: str) -> bool:
    """True when ``value`` is an ISBN-10 or ISBN-13 with a correct check character."""
    digits = compact(value)
    if len(digits) == 10 and digits[:9].isdigit():
        return isbn10_check(digits[:9]) == digits[9]
    if len(digits) == 13 and digits.isdigit():
        return isbn13_check(digits[:12]) == digits[12]
    return False


def issn_valid(value: str) -> bool:
    digits = compact(value)
    return len(digits) == 8 and digits[:7].isdigit() and issn_check(digits[:7]) == digits[7]


def isbn13_of(value: str) -> str | None:
    """The ISBN-13 of a valid ISBN-10 or ISBN-13, without hyphens; None when not valid."""
    if not isbn_valid(value):
        return None
    digits = compact(value)
    if len(digits) == 13:
        return digits
    body = "978" + digits[:9]
    return body + isbn13_check(body)


class Isbn:
    """One ISBN in parts (prefix, group, registrant, publication), written in the forms partners use.

    ``prefix`` is "978" for an ISBN-13, "" for a book that only ever had an ISBN-10.
    """

    __slots__ = ("prefix", "group", "registrant", "publication")

    def __init__(self, prefix: str, group: str, registrant: str, publication: str) -> None:
        self.prefix, self.group, self.registrant, self.publication = prefix, group, registrant, publication

    @property
    def body9(self) -> str:
        return self.group + self.registrant + self.publication

    def isbn13(self, hyphens: bool = True) -> str:
        body = "978" + self.body9
        check = isbn13_check(body)
        if not hyphens:
            return body + check
        return "-".join(("978", self.group, self.registrant, self.publication, check))

    def isbn10(self, hyphens: bool = True) -> str:
        check = isbn10_check(self.body9)
        if not hyphens:
            return self.body9 + check
        return "-".join((self.group, self.registrant, self.publication, check))

    @property
    def native13(self) -> bool:
        """True when the book bears the ISBN-13 (published from 2007), False for an ISBN-10 book."""
        return self.prefix == "978"

    def __repr__(self) -> str:
        return f"Isbn({self.isbn13() if self.native13 else self.isbn10()})"


#: Registrant ranges by group: (first digits below which, registrant length), checked in order.
_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "601": ((20, 2), (700, 3), (8000, 4), (85000, 5), (100, 2)),
    "9965": ((40, 2), (900, 3), (10000, 4)),
    "5": ((20, 2), (700, 3), (8500, 4), (90000, 5), (910000, 6), (10000000, 7)),
    "0": ((20, 2), (700, 3), (8500, 4), (90000, 5), (950000, 6), (10000000, 7)),
    "1": ((10, 2), (400, 3), (5500, 4), (86980, 5), (998000, 6), (10000000, 7)),
    "90": ((20, 2), (500, 3), (7000, 4), (80000, 5), (1000000, 6)),
    "3": ((20, 2), (700, 3), (8500, 4), (90000, 5), (950000, 6), (10000000, 7)),
}


def split_isbn(group: str, rest: str) -> tuple[str, str]:
    """``rest`` (the digits after the group, check excluded) split into registrant and publication."""
    for limit, length in _RANGES[group]:
        if int(rest[: len(str(limit)) - 1] or "0") < limit:
            if length < len(rest):
                return rest[:length], rest[length:]
    return rest[:2], rest[2:]


# -- script writers ------------------------------------------------------------------------------------

_COMMON_KK = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "з": "z", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "ы": "y", "э": "e",
}

LATIN2021 = {
    **_COMMON_KK, "ә": "ä", "ғ": "ğ", "ё": "io", "ж": "j", "и": "i", "й": "i", "қ": "q", "ң": "ñ",
    "ө": "ö", "ұ": "ū", "ү": "ü", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "ş", "щ": "şş", "ъ": "",
    "ь": "", "і": "ı", "ю": "iu", "я": "ia",
}
LATIN2021_UPPER = {"и": "İ", "й": "İ", "і": "I"}

LATIN2018 = {
    **_COMMON_KK, "ә": "á", "ғ": "ǵ", "ё": "io", "ж": "j", "и": "ı", "й": "ı", "қ": "q", "ң": "ń",
    "ө": "ó", "ұ": "u", "ү": "ú", "у": "ý", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ь": "", "і": "i", "ю": "ıý", "я": "ıa",
}
LATIN2018_UPPER = {"и": "I", "й": "I", "і": "I"}

LATIN2017 = {
    **_COMMON_KK, "ә": "a'", "ғ": "g'", "ё": "i'o", "ж": "j", "и": "i'", "й": "i'", "қ": "q", "ң": "n'",
    "ө": "o'", "ұ": "u", "ү": "u'", "у": "y'", "х": "h", "һ": "h", "ц": "ts", "ч": "c'", "ш": "s'",
    "щ": "s's'", "ъ": "", "ь": "", "і": "i", "ю": "i'y'", "я": "i'a",
}

ALA_LC_KK = {
    **_COMMON_KK, "ә": "ă", "ғ": "gh", "ё": "ë", "ж": "zh", "и": "ī", "й": "ĭ", "қ": "ḳ", "ң": "n͡g",
    "ө": "ȯ", "ұ": "ū", "ү": "u̇", "х": "kh", "һ": "ḣ", "ц": "t͡s", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "ʺ", "ь": "ʹ", "і": "i", "э": "ė", "ю": "i͡u", "я": "i͡a",
}

ALA_LC_RU = {
    **_COMMON_KK, "ё": "ë", "ж": "zh", "и": "i", "й": "ĭ", "х": "kh", "ц": "t͡s", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ʺ", "ь": "ʹ", "э": "ė", "ю": "i͡u", "я": "i͡a",
}

ISO9_RU = {
    **_COMMON_KK, "ё": "ë", "ж": "ž", "и": "i", "й": "j", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "ŝ",
    "ъ": "ʺ", "ь": "ʹ", "э": "è", "ю": "û", "я": "â",
}
ISO9_KK = {
    **ISO9_RU, "ә": "a̋", "ғ": "ġ", "қ": "ķ", "ң": "ņ", "ө": "ô", "ұ": "u̇", "ү": "ù", "һ": "ḥ", "і": "ì",
}

GOST_B_RU = {
    **_COMMON_KK, "ё": "yo", "ж": "zh", "и": "i", "й": "j", "х": "x", "ц": "cz", "ч": "ch", "ш": "sh",
    "щ": "shh", "ъ": "``", "ы": "y`", "ь": "`", "э": "e`", "ю": "yu", "я": "ya",
}
GOST_B_KK = {
    **GOST_B_RU, "ә": "a`", "ғ": "g`", "қ": "k`", "ң": "n`", "ө": "o`", "ұ": "u`", "ү": "u``", "һ": "h`",
    "і": "i`",
}

DEGRADED_RU = {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"}
#: Legacy-font look-alikes: Latin ə for ә, Latin i for і, Latin h for һ; the rest as typed in Russian.
DEGRADED_LATIN = {**DEGRADED_RU, "ә": "ə", "і": "i", "һ": "h"}
DEGRADED_LATIN_UPPER = {"ә": "Ə", "і": "I", "һ": "H"}

#: Kazakh letters written the Russian way, for Kazakh names in Russian-language records.
RUSSIFY = DEGRADED_RU


def _capital(out: str) -> str:
    return out[:1].upper() + out[1:]


class Table:
    """A letter-by-letter writer: lower-case Cyrillic letter -> Latin string, with capitals derived
    (first letter upper-cased) unless ``upper`` names a capital of its own (2021's İ for И)."""

    def __init__(self, lower: dict[str, str], upper: dict[str, str] | None = None,
                 post: Callable[[str], str] | None = None, pre: Callable[[str], str] | None = None) -> None:
        self.map: dict[str, str] = {}
        upper = upper or {}
        for char, out in lower.items():
            self.map[char] = out
            capital = char.upper()
            if capital != char:
                self.map[capital] = upper.get(char, _capital(out))
        self.post = post
        self.pre = pre
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        done = self._cache.get(text)
        if done is not None:
            return done
        source = self.pre(text) if self.pre else text
        get = self.map.get
        out = "".join([get(c, c) for c in source])
        if self.post is not None:
            out = self.post(out)
        if len(self._cache) < 300_000:
            self._cache[text] = out
        return out


def _strip_marks(text: str) -> str:
    """Drop combining marks (diacritics and ALA-LC ties) and the hard/soft sign letters."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "ʺʹ")


_TSE_BEFORE = re.compile("([цЦ])(?=[еиыйЕИЫЙ])")


def _gost_b_tse(text: str) -> str:
    """System B writes ц as "c" (not "cz") before е, и, й, ы: done before the table, in Latin."""
    return _TSE_BEFORE.sub(lambda m: "c" if m.group(1) == "ц" else "C", text)


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _kazakh_exonym(text: str) -> str:
    return text.replace("Қазақ", "Kazakh").replace("қазақ", "kazakh").replace("ҚАЗАҚ", "KAZAKH")


def informal_table(q: str, ng: str, y: str, zh: str, kh: str, gh: str) -> dict[str, str]:
    return {
        **_COMMON_KK, "ә": "a", "ғ": gh, "ё": "yo", "ж": zh, "и": "i", "й": "y", "қ": q, "ң": ng, "ө": "o",
        "ұ": "u", "ү": "u", "х": kh, "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "",
        "ы": y, "і": "i", "ю": "yu", "я": "ya",
    }


WRITERS: dict[str, Table] = {
    "latin2021": Table(LATIN2021, LATIN2021_UPPER),
    "latin2021-eng": Table({**LATIN2021, "ң": "ŋ"}, LATIN2021_UPPER),
    "latin2021-nfd": Table(LATIN2021, LATIN2021_UPPER, post=_nfd),
    "latin2018": Table(LATIN2018, LATIN2018_UPPER),
    "latin2017": Table(LATIN2017),
    "latin2017-typographic": Table({k: v.replace("'", "’") for k, v in LATIN2017.items()}),
    "lc": Table(ALA_LC_KK),
    "lc-nfd": Table(ALA_LC_KK, post=_nfd),
    "lc-plain": Table(ALA_LC_KK, post=_strip_marks),
    "iso9": Table(ISO9_KK),
    "gost-b": Table(GOST_B_KK, pre=_gost_b_tse),
    "ala-lc-ru": Table(ALA_LC_RU),
    "ala-lc-ru-plain": Table(ALA_LC_RU, post=_strip_marks),
    "iso9-ru": Table(ISO9_RU),
    "gost-b-ru": Table(GOST_B_RU, pre=_gost_b_tse),
    "degraded-ru": Table(DEGRADED_RU),
    "degraded-latin": Table(DEGRADED_LATIN, DEGRADED_LATIN_UPPER),
    "russify": Table(RUSSIFY),
}
for _q in ("q", "k"):
    for _ng in ("ng", "n"):
        for _y in ("y", "i"):
            for _zh in ("zh", "j"):
                WRITERS[f"informal-{_q}-{_ng}-{_y}-{_zh}"] = Table(
                    informal_table(_q, _ng, _y, _zh, "kh", "g" if _q == "k" else "gh"),
                    pre=_kazakh_exonym if _q == "k" else None)

#: The informal writers' names, for drawing one at random.
INFORMAL = tuple(name for name in WRITERS if name.startswith("informal-"))


def identity(text: str) -> str:
    return text


_CYRILLIC = frozenset(chr(c) for c in range(0x0400, 0x0530))


def script_of(text: str | None) -> str | None:
    """"Cyrl" when the text has a Cyrillic letter, "Latn" when it has letters and none is Cyrillic."""
    if not text:
        return None
    if any(c in _CYRILLIC for c in text):
        return "Cyrl"
    if any(c.isalpha() for c in text):
        return "Latn"
    return None
