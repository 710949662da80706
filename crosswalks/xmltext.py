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


#: UTF-8 of markup built once and shared by every record (access statements, fixed fields),
#: by the markup's identity: looking a part up then costs no hashing of its text.  The entry
#: holds the markup itself, so its id cannot pass to another string while it is listed.
_SHARED_UTF8: Final[dict[int, tuple[str, bytes]]] = {}


def shared(markup: str) -> str:
    """``markup``, noted as built once for every record: :func:`utf8_join` then encodes it once."""
    if len(_SHARED_UTF8) >= 1024:  # a handful in practice; bounded all the same
        _SHARED_UTF8.clear()
    _SHARED_UTF8[id(markup)] = (markup, markup.encode("utf-8"))
    return markup


def utf8_join(parts: list[str]) -> bytes:
    """``"".join(parts)`` in UTF-8, as the provider stores it, encoded a part at a time.

    Joined first, one Cyrillic letter would make the whole text wide, and every byte of
    markup would go through the slower wide-text encoder; alone, ASCII parts are copied
    and the shared markup (mostly Kazakh and Russian statements) is not encoded again.
    """
    out: list[bytes] = []
    for part in parts:
        known = None if part.isascii() else _SHARED_UTF8.get(id(part))
        out.append(known[1] if known is not None and known[0] is part else part.encode())  # UTF-8: no name to look up
    return b"".join(out)


#: ``known_escape(text)``: the escaped text when already known, else None (a dict lookup,
#: for writers' inner loops; fall back to :func:`escape`).
known_escape = _ESCAPED.known.get
