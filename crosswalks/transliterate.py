"""Script detection, Kazakh 2021 Latin transliteration, GOST 7.79 System B, search keys.

The letter tables are the module-level dicts :data:`KAZAKH_LATIN_2021` and
:data:`GOST_7_79_B`; correct a letter there and every caller follows
(sources and open questions: ../shared/reference/KAZAKH.md).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: Kazakh Cyrillic (lower case) -> 2021 Latin alphabet (lower case), as presented by the
#: National Commission on 28 January 2021 (31 letters; sources in docs/developers/kazakh-latin.md):
#: ң is Ŋ ŋ (U+014A/U+014B), the eng, not Ñ.  Letters after the blank line have
#: no letter of their own in the 2021 alphabet (Russian loanwords, respelled word by word by
#: the orthography rules); their forms are a project choice, unverifiable as a letter table.
KAZAKH_LATIN_2021: Final[dict[str, str]] = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m",
    "н": "n", "ң": "ŋ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ш": "ş", "ы": "y",
    "і": "ı",

    "ё": "io", "ц": "ts", "ч": "ch", "щ": "şş", "ъ": "", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}

#: Upper-case forms of the Latin letters whose case mapping Python gets wrong for Kazakh.
_KAZAKH_UPPER: Final[dict[str, str]] = {"i": "İ", "ı": "I"}
_KAZAKH_LOWER: Final[dict[str, str]] = {"İ": "i", "I": "ı"}

#: Russian Cyrillic (lower case) -> GOST 7.79-2000 System B.  ц is "c" before е, и, й, ы.
GOST_7_79_B: Final[dict[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "cz",
    "ч": "ch", "ш": "sh", "щ": "shh", "ъ": "``", "ы": "y`", "ь": "`", "э": "e`", "ю": "yu",
    "я": "ya",
    # pre-1918 letters met in heritage records (GOST 7.79 B gives these too)
    "і": "i", "ѣ": "ye", "ѳ": "fh", "ѵ": "yh",
}
_GOST_C_BEFORE: Final = set("еийы")

_CYRILLIC_LETTER: Final = re.compile("[\u0400-\u0481\u048a-\u052f]")
_LATIN_LETTER: Final = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_KAZAKH_ONLY: Final = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def detect_script(text: str | None) -> str | None:
    """"Cyrl", "Latn" or "mixed" by the letters present; None when there are no letters."""
    if not text:
        return None
    cyrillic = not text.isascii() and _CYRILLIC_LETTER.search(text) is not None
    latin = _LATIN_LETTER.search(text) is not None
    if cyrillic and latin:
        return "mixed"
    return "Cyrl" if cyrillic else "Latn" if latin else None


def looks_kazakh(text: str) -> bool:
    """True when the text holds a letter only Kazakh Cyrillic uses."""
    return any(char in _KAZAKH_ONLY for char in text)


def _apply_case(latin: str, source: str, next_char: str) -> str:
    if not source.isupper() or not latin:
        return latin
    first = _KAZAKH_UPPER.get(latin[0], latin[0].upper())
    if len(latin) == 1:
        return first
    rest = latin[1:]
    if next_char.isupper():
        rest = "".join(_KAZAKH_UPPER.get(c, c.upper()) for c in rest)
    return first + rest


def kazakh_to_latin(text: str) -> str:
    """Kazakh Cyrillic to the 2021 Latin alphabet; other characters pass through."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for index, char in enumerate(text):
        lower = char.lower()
        latin = KAZAKH_LATIN_2021.get(lower)
        if latin is None:
            out.append(char)
            continue
        next_char = text[index + 1] if index + 1 < len(text) else ""
        out.append(_apply_case(latin, char, next_char))
    return "".join(out)


def kazakh_lower(text: str) -> str:
    """Lower case with the Kazakh/Turkic I: İ -> i and I -> ı (Python's lower() gets both wrong)."""
    return "".join(_KAZAKH_LOWER.get(c, c) for c in text).lower()


def russian_to_latin(text: str) -> str:
    """Russian Cyrillic to GOST 7.79-2000 System B (ASCII); other characters pass through."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for index, char in enumerate(text):
        lower = char.lower()
        latin = GOST_7_79_B.get(lower)
        if latin is None:
            out.append(char)
            continue
        next_char = text[index + 1] if index + 1 < len(text) else ""
        if lower == "ц" and next_char.lower() in _GOST_C_BEFORE:
            latin = "c"
        out.append(_apply_case(latin, char, next_char) if char.isupper() else latin)
    return "".join(out)


#: Letters NFKD does not decompose, folded to their base letter for search.
_FOLD_EXTRA: Final = str.maketrans({"ı": "i", "ə": "a", "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae",
                             "œ": "oe", "ŋ": "n", "ъ": "", "ь": "", "`": "", "'": "", "ʹ": "", "ʺ": ""})
_NON_WORD: Final = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Lower case, diacritics removed, punctuation to spaces: the form search keys compare."""
    text = kazakh_lower(unicodedata.normalize("NFKD", text))
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_FOLD_EXTRA)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def search_keys(text: str | None) -> list[str]:
    """Folded forms of the text for search and matching: as written, Kazakh Latin, romanised Russian.

    Cyrillic text yields both romanisations because a title's language is not
    always known; identical keys are given once, in that order.
    """
    if not text:
        return []
    keys = [fold(text)]
    if detect_script(text) in ("Cyrl", "mixed"):
        keys.append(fold(kazakh_to_latin(text)))
        keys.append(fold(kazakh_to_latin(russian_to_latin(text))))  # Kazakh-only letters too
    return [key for index, key in enumerate(keys) if key and key not in keys[:index]]
