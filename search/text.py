"""Text analysis done in Python, so every engine indexes and queries the very same keys.

Each word of a text gets two keys, one per position:

* the *exact* key: the word in the Kazakh 2021 Latin script, case- and diacritic-folded — so
  "Қазақ", "қазақ" and "Qazaq" all become ``qazaq``;
* the *stem* key: Cyrillic words are stemmed with the Russian Snowball stemmer, then romanised
  (GOST 7.79 B, Kazakh-only letters by the 2021 alphabet) and folded; Latin words are folded
  and stemmed with the English stemmer — so
  "библиотеки" and "библиотека" both become ``bibliotek``.

Engines index the two key streams in separate fields with a plain whitespace tokenizer and look
up a query word's keys in both; phrases keep their positions because each word has exactly one
key per stream.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from crosswalks.transliterate import fold, kazakh_to_latin, russian_to_latin

WORD = re.compile(r"\w+", re.UNICODE)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")

_russian = Stemmer.Stemmer("russian")
_english = Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """The words of ``text`` in their original form (letters and digits)."""
    return WORD.findall(text or "")


def _key(folded: str) -> str:
    return folded.replace(" ", "")


@lru_cache(maxsize=200_000)
def exact_key(word: str) -> str:
    """``word`` in Kazakh Latin 2021, folded: the same key for both Kazakh scripts."""
    return _key(fold(kazakh_to_latin(word) if CYRILLIC.search(word) else word))


@lru_cache(maxsize=200_000)
def stem_key(word: str) -> str:
    """Russian stem, romanised, for Cyrillic words; English stem for Latin ones."""
    if CYRILLIC.search(word):
        stem = _russian.stemWord(word.lower().replace("ё", "е"))
        return _key(fold(kazakh_to_latin(russian_to_latin(stem))))
    return _key(_english.stemWord(fold(word)))


def exact_keys(text: str) -> list[str]:
    return [k for k in map(exact_key, words(text)) if k]


def stem_keys(text: str) -> list[str]:
    return [k for k in map(stem_key, words(text)) if k]


def keys_of(text: str) -> set[str]:
    """Every key of every word in ``text`` (used to mark matches in highlights)."""
    return {k for w in words(text) for k in (exact_key(w), stem_key(w)) if k}


def sort_key(text: str | None) -> str:
    """A title as it sorts: folded, punctuation and leading articles aside."""
    return " ".join(exact_keys(text or ""))[:200]


ISBN_CHARS = re.compile(r"[^0-9Xx]")


def isbn_forms(value: str) -> list[str]:
    """The ISBN-13 and ISBN-10 forms of ``value`` (hyphens dropped), so either finds the other."""
    digits = ISBN_CHARS.sub("", value).upper()
    forms = [digits] if digits else []
    if len(digits) == 10 and digits[:9].isdigit():
        body = "978" + digits[:9]
        forms.append(body + _isbn13_check(body))
    elif len(digits) == 13 and digits.startswith("978") and digits.isdigit():
        body = digits[3:12]
        forms.append(body + _isbn10_check(body))
    return forms


def _isbn13_check(body: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return str((10 - total % 10) % 10)


def _isbn10_check(body: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(body))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)
