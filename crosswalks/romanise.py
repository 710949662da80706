"""Skeletons: one spelling of a title or a name, whatever alphabet a partner wrote it in.

A Kazakh book reaches the hub as «Абай жолы» from one partner, "Abai joly" from a second,
"Abaı joly" from a third and "Abay zholy" from a foreign catalogue.  :func:`skeleton` gives all
four the same string, "abai joli", so consolidation can see they are one title.  A skeleton is a
matching key, not a transliteration: it is never shown to readers and never turned back.

Alphabets it reads (sources: ../shared/reference/KAZAKH.md, docs/developers/kazakh-latin.md):

* Kazakh Cyrillic, Russian Cyrillic (with ё and pre-1918 і ѣ ѳ ѵ), and Kazakh text typed with the
  Russian look-alike letters (а for ә, к for қ, н for ң, у for ұ/ү, ...), as legacy fonts forced;
* Kazakh Latin 2021 (ä ğ ı ŋ ö q ş ū ü, j for ж) and its Ñ spelling of ң;
* Kazakh Latin 2018, the acute version (á ǵ ń ó ú, ý for у, ı for и/й, sh, ch);
* Kazakh Latin 2017, the apostrophe version (a' g' n' o' u' i', y' for у, s' for ш, c' for ч);
* the 2019 draft (ç, ŋ, w for у) and the informal Turkish-like spellings (Şyñğys, Şıñğıs);
* ALA-LC for Kazakh and Russian, with or without diacritics and tie bars (ă ä gh ī ĭ ḳ n͡g ȯ ū u̇
  kh zh sh shch t͡s i͡u i͡a ė ʹ ʺ);
* GOST 7.79 System A = ISO 9 (š ž č ŝ ņ ġ ķ ô ù ì ḥ û â è, j for й) and System B (sh zh ch shh
  cz x, y` e` `` `, j for й, and its backtick letters a` g` k` n` o` u` h` i` for Kazakh);
* informal English spellings (Shyngys, Zhambyl, Kazakhstan, Abay, Mukhtar).

The rule, in order:

1. NFC, lower case.  The Kazakh dotted and dotless I need no rule of their own: every i merges.
2. Cyrillic letters become Latin, and Latin letters with a meaning of their own in some alphabet
   are rewritten before diacritics go: ш щ ş š ś → s, ж ž → j, ч č ç → ch, ц → ts, ң ŋ → n,
   ə → a, ı ы і и й → i, у ý → u, ю û → iu, я â → ia, ё → e, ъ ь and every apostrophe-like mark
   that writes them (ʹ ʺ ` ") are dropped; the 2017 apostrophe letters c' → ch, y' → u, the other
   apostrophes are dropped (a' → a, s' → s, ...).
3. NFKD and every combining mark removed: ä → a, ǵ → g, ñ → n, ȯ → o, u̇ → u, n͡g → ng.
4. y → i, w → u, q → k, x → h; digraphs: shch shh sh sch → s, zh → j, kh → h, gh → g, cz → ts,
   a c that is not the c of ch → ts.
5. j after a vowel and not before one → i (GOST and ISO write й as j: Ajtmatov → aitmatov).
6. Doubled letters collapse (Shyngghys → shynggys → ... → one g; ии → i), then ng → n.
7. The Russian and English exonym Казах-/Kazakh-/Kazah- reads as the Kazakh қазақ, so
   Казахстан, Kazakhstan, Kazahstan, Қазақстан and Qazaqstan are one skeleton.
8. Anything that is not a letter or a digit separates words; words are joined by one space.

So Шыңғыс, Şyñğys, Şyŋğys, Shyngys and Shyngghys all give "sinis".

The price, accepted knowingly: a skeleton merges some distinct words.  ш and с are one letter
(шал and сал; сч is щ), ң, нг and н are one (Жаңа, Жана, Ангел and Анел), ж before a consonant
is й, ы і и й are all i, ё is е, and ц is t+s.  Consolidation never decides on a title alone: it also
compares creators, years, volumes, publishers and identifiers, so a few merged words cost a
comparison, while a missed spelling would cost a match.  What the rule does not join:
GOST/ISO j for й before a vowel (rajon, Joškar) against the i the other systems write; GOST B
and 2021 "yo"/"io" for ё against Cyrillic ё and е; System B typed with ' for its backticks
(y' reads as the 2017 у); Russian forms of Kazakh names (Чингиз and Шыңғыс, Джамбул and
Жамбыл are different words: a name's other forms and authority ids link those).

Speed: the store computes skeletons for every record it writes, so the work is done word by
word (no step reaches across a space) and each word's skeleton is kept in a bounded cache; the
letter steps are one ``str.translate`` each, on bytes when the text is ASCII.

Changing the rule changes every stored key: bump ``crosswalks.workkeys.KEYS_VERSION``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

#: Step 2: letters -> their Latin base, applied to lower-case NFC text.  Cyrillic first, then the
#: Latin letters whose diacritic carries a different letter (stripping it would give the wrong one).
_CYRILLIC: Final[dict[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "s", "щ": "s",
    "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Kazakh
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    # pre-1918 Russian, and letters of neighbours met in Kazakh data (Uzbek, Tatar, Ukrainian)
    "ѣ": "e", "ѳ": "f", "ѵ": "i", "ї": "i", "є": "e", "ґ": "g", "ў": "u", "ҳ": "h", "җ": "j",
    "ҷ": "ch", "ӣ": "i", "ӯ": "u", "ҡ": "k", "ҫ": "s", "ҙ": "z",
}
_LATIN: Final[dict[str, str]] = {
    "ş": "s", "š": "s", "ś": "s", "ș": "s", "ž": "j", "ǰ": "j", "č": "ch", "ç": "ch", "ć": "ch",
    "ŋ": "n", "ı": "i", "ə": "a", "ý": "u", "û": "iu", "â": "ia",
    "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th",
}
#: Apostrophes as partners type them, unified (the 2017 alphabet uses them as letters) ...
_APOSTROPHES: Final = "’ʼʻ‘´′"
#: ... and marks that write ь and ъ (GOST B, ALA-LC), or nothing at all: dropped.
_DROPPED: Final = "`ʹʺ\"ʾʿ\u00ad\u200b\u200c\u200d\u2060"
#: Punctuation that separates words; rarer marks are caught by the last step's pattern.
_SEPARATORS: Final = "-‐‑‒–—―.,:;!?()[]{}<>«»„“”‹›/\\|+=&*#№§·…_~"

_LETTERS: Final = str.maketrans({
    **_CYRILLIC, **_LATIN,
    **dict.fromkeys(_APOSTROPHES, "'"),
    **dict.fromkeys(_DROPPED, ""),
    **dict.fromkeys(_SEPARATORS, " "),
})


def _combining_marks() -> list[str]:
    """The combining characters of the blocks Latin and Cyrillic text uses (tie bars included)."""
    ranges = ((0x0300, 0x036F), (0x0483, 0x0489), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
              (0xFE20, 0xFE2F))
    return [chr(code) for low, high in ranges for code in range(low, high + 1) if unicodedata.combining(chr(code))]


#: Steps 3 and 4: after NFKD, combining marks dropped; and the letters every alphabet agrees to
#: read as one (y for ы, w for у, q for қ, x for х).
_FINAL: Final = str.maketrans({**dict.fromkeys(_combining_marks(), ""), "y": "i", "w": "u", "q": "k", "x": "h"})

#: The same for ASCII text, on bytes (a third of the cost): separators to spaces, y w q x read as
#: i u k h, and the marks of step 2 dropped.
_ASCII_SEPARATORS: Final = "".join(char for char in _SEPARATORS if char.isascii())
_ASCII_LETTERS: Final = bytes.maketrans(
    ("ywqx" + _ASCII_SEPARATORS).encode("ascii"), ("iukh" + " " * len(_ASCII_SEPARATORS)).encode("ascii"))
_ASCII_DROPPED: Final = "".join(char for char in _DROPPED if char.isascii()).encode("ascii")

_J_AS_I: Final = re.compile(r"(?<=[aeiou])j(?![aeiou])")
_DOUBLED: Final = re.compile(r"([a-z])\1+")
_NOT_WORD: Final = re.compile(r"[\W_]+")


def skeleton(text: str | None) -> str:
    """The romanisation-invariant form of a title or a name: "Шыңғыс Айтматов" and
    "Shyngys Aitmatov" are both "sinis aitmatov" (the rule is the module's docstring)."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(filter(None, map(_word, text.lower().split())))


@lru_cache(maxsize=1 << 15)  # some 7 MB when full
def _word(token: str) -> str:
    """The skeleton of one lower-case, space-free token (one or more words when it holds
    punctuation).  No step of the rule reaches across a space, so a title is the sum of its words;
    cached because a harvest writes the same words, names and publishers again and again."""
    if token.isascii() and "'" not in token:  # English, or romanised already: steps 2-4 in one pass
        text = token.encode("ascii").translate(_ASCII_LETTERS, _ASCII_DROPPED).decode("ascii")
    else:
        text = token.translate(_LETTERS)
        if "'" in text:
            text = text.replace("c'", "ch").replace("y'", "u").replace("'", "")
        if text.isascii():
            text = text.encode("ascii").translate(_ASCII_LETTERS).decode("ascii")
        else:
            text = unicodedata.normalize("NFKD", text).translate(_FINAL)
    text = _digraphs(text)
    if "j" in text:
        text = _J_AS_I.sub("i", text)
    if _DOUBLED.search(text):  # rarer than not, and a search is half the cost of a substitution
        text = _DOUBLED.sub(r"\1", text)
    if "ng" in text:
        text = text.replace("ng", "n").replace("nn", "n")
    if "kazah" in text:
        text = text.replace("kazah", "kazak")
    if text.isalnum():
        return text
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _digraphs(text: str) -> str:
    """Step 4's digraphs, longest first; plain replaces, as most strings hold none of them."""
    if "h" in text:
        text = (text.replace("shch", "s").replace("shh", "s").replace("sh", "s").replace("zh", "j")
                .replace("kh", "h").replace("gh", "g"))
    if "c" in text:
        text = (text.replace("sch", "s").replace("cz", "ts")
                .replace("ch", "\x00").replace("c", "ts").replace("\x00", "ch"))  # c but not ch
    return text


@lru_cache(maxsize=1 << 13)
def name_skeleton(name: str | None) -> str:
    """A person's or body's name as a skeleton with its words sorted, dates and numbers left out:
    "Aitmatov, Chingiz, 1928-2008" and "Chingiz Aitmatov" are both "aitmatov chiniz" (cached, as
    the same authors come back record after record)."""
    words = [word for word in skeleton(name).split() if word.isalpha()]
    words.sort()
    return " ".join(words)
