"""Where a ``next`` parameter may send the reader: only to a path on this site."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Characters a browser drops or rewrites before following a Location (tabs, CR/LF and the
#: other controls, ``\`` read as ``/``), and that Werkzeug drops when it writes the header.
_REWRITTEN = re.compile(r"[\x00-\x1f\x7f\\]")


def local_target(value: str | None, default: str) -> str:
    """``value`` if it names a path on this site, else ``default``.

    A raw check is not enough: ``/<TAB>/evil.example`` starts with one slash, but browsers
    and Werkzeug drop the tab and follow ``//evil.example`` to another host, and CR/LF in a
    header is an error (HTTP 500).  Rather than mimic every normalisation, a value holding
    any character one of them rewrites is refused: the links this site makes hold none.
    """
    if not value or _REWRITTEN.search(value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return default
    return value
