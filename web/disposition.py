"""``Content-Disposition`` for a file a reader saves: an ASCII name every browser takes, the real one beside it.

Why not Werkzeug's own: it drops every letter it cannot decompose to ASCII, so ``Абай жолы.pdf``
would be saved as ``.pdf``.  Here the ASCII fallback (``filename=``) is the name in Kazakh Latin
letters with anything unsafe replaced, and the name as deposited goes in ``filename*`` (RFC 6266,
RFC 5987: UTF-8, percent-encoded), which current browsers prefer.  Neither can hold a path, a
quote or a control character, so a partner's file name can never break the header.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from crosswalks.transliterate import kazakh_to_latin

#: Latin letters of the Kazakh alphabet that have no ASCII base letter to decompose to.
_NO_ASCII_BASE = str.maketrans({"ŋ": "n", "Ŋ": "N", "ı": "i", "ß": "ss", "æ": "ae", "ø": "o", "Ø": "O"})
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._()+-]+")
#: attr-char of RFC 5987: what stays unencoded in ``filename*``.
_ATTR_CHARS = "!#$&+-.^_`|~"


def content_disposition(name: str, fallback: str = "download") -> str:
    """``attachment`` with ``name`` as the file name (its last path part, no leading dots; ``fallback``
    stands for what has no ASCII form)."""
    name = _printable(name.replace("\\", "/").rsplit("/", 1)[-1]).lstrip(". ") or fallback
    stem, _, extension = name.rpartition(".") if "." in name else (name, "", "")
    ascii_extension = ascii_fallback(extension)
    ascii_name = (ascii_fallback(stem) or fallback) + (f".{ascii_extension}" if ascii_extension else "")
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        header += f"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
    return header


def ascii_fallback(text: str) -> str:
    """``text`` in ASCII letters, digits and ``._()+-`` (Cyrillic transliterated, the rest ``_``), or ''."""
    latin = unicodedata.normalize("NFKD", kazakh_to_latin(text).translate(_NO_ASCII_BASE))
    plain = "".join(char for char in latin if not unicodedata.combining(char))
    return _UNSAFE_ASCII.sub("_", plain).strip("._")


def _printable(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFC", text) if unicodedata.category(char)[0] != "C").strip()
