"""Text made safe for XML: NFC, without the characters the hub drops (:mod:`crosswalks.xmlchars`), escaped.

Writers pass every value through :func:`escape`, which also cleans it, so a stray
control character or lone surrogate from a partner never breaks a response.
Checking the values rather than the finished element keeps the check off the markup,
which is most of the bytes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Final

from lxml import etree

from crosswalks.xmlchars import DROPPED

#: The characters the hub drops from every value (:mod:`crosswalks.xmlchars`: the one rule), compiled
#: here too so that this (mypyc-compiled) module runs its checks without a call out.
_ILLEGAL: Final = re.compile(f"[{DROPPED}]")


def clean(text: str) -> str:
    """NFC text with characters illegal in XML removed."""
    if not text.isprintable() and _ILLEGAL.search(text):  # isprintable: a fast C check for the usual case
        text = _ILLEGAL.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def squeeze(text: str) -> str:
    """Clean text with runs of whitespace collapsed to one space and ends trimmed."""
    return clean(" ".join(text.split()))


def element_text(element: etree._Element) -> str:
    """All the text inside ``element``; a leaf's own text without lxml's slow ``itertext``."""
    if len(element):
        return "".join(element.itertext())
    return element.text or ""


class ShortTextMemo:
    """Results of a pure text function for short texts, bounded: forgotten all at once when full.

    Catalogue values recur (labels, places, publishers, headings), so the writers and
    readers look a value up (``memo.known.get``, a plain dict lookup) before working it
    out again.  Short values only, and cleared when full, so memory stays flat.
    """

    def __init__(self, compute: Callable[[str], str], max_entries: int = 8192, longest: int = 256) -> None:
        self.known: dict[str, str] = {}  # cleared in place: bound ``known.get`` methods stay valid
        self.compute, self.max_entries, self.longest = compute, max_entries, longest

    def __call__(self, text: str) -> str:
        done = self.known.get(text)
        if done is not None:
            return done
        done = self.compute(text)
        if len(text) <= self.longest:
            if len(self.known) >= self.max_entries:
                self.known.clear()
            self.known[text] = done
        return done


def _escape(text: str) -> str:
    if not text.isprintable() and _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text


#: Escaped values by source text: a record's values are escaped once per format, and
#: codes, labels and access statements recur in every record.
_ESCAPED: Final = ShortTextMemo(_escape)


def escape(text: str) -> str:
    """Cleaned (:func:`clean`) and escaped for element content and double-quoted attributes."""
    return _ESCAPED(text)


#: ``known_escape(text)``: the escaped text when already known, else None (a dict lookup,
#: for writers' inner loops; fall back to :func:`escape`).
known_escape = _ESCAPED.known.get
