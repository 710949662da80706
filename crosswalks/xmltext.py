"""Text made safe for XML: NFC, only characters XML 1.0 allows, and escaping.

Writers pass every value through :func:`escape`, which also cleans it, so a stray
control character or lone surrogate from a partner never breaks a response.
Checking the values rather than the finished element keeps the check off the markup,
which is most of the bytes.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters XML 1.0 forbids, plus surrogates, non-characters and C1 controls
#: (the latter are legal but are always mojibake in library data).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


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


#: Escaped values by source text: a record's values are escaped once per format, and
#: codes, labels and access statements recur in every record.  Bounded (cleared when
#: full) and short values only, so memory stays flat.
_ESCAPED: dict[str, str] = {}
_ESCAPED_MAX = 8192
_ESCAPED_LONGEST = 256


def escape(text: str) -> str:
    """Cleaned (:func:`clean`) and escaped for element content and double-quoted attributes."""
    done = _ESCAPED.get(text)
    if done is not None:
        return done
    done = _escape(text)
    if len(text) <= _ESCAPED_LONGEST:
        if len(_ESCAPED) >= _ESCAPED_MAX:
            _ESCAPED.clear()
        _ESCAPED[text] = done
    return done


#: ``known_escape(text)``: the escaped text when already known, else None (a dict lookup,
#: for writers' inner loops; fall back to :func:`escape`).
known_escape = _ESCAPED.get


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
