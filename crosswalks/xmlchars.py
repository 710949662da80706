"""The characters the hub never stores or publishes: the one rule, for every module.

Two sets, one built from the other:

* :data:`FORBIDDEN` — what XML 1.0 cannot hold at all (the complement of its ``Char``
  production): C0 controls but tab, newline and carriage return; lone surrogates; U+FFFE
  and U+FFFF.  A parser refuses them, so the harvester's repair of a page removes exactly
  these, and the text MARCXML reader hands a record holding one to lxml.
* :data:`DROPPED` — :data:`FORBIDDEN` plus DEL and the C1 controls U+0080-U+009F except
  U+0085 (NEL, a line end).  C1 controls are legal XML 1.0 but in library data they are
  always text decoded with the wrong code page (cp1251 read as latin-1, say), so every
  value the hub stores or publishes — crosswalked values, renderings, headers, provenance,
  the canonical JSON, a raw record's text — loses them, through :func:`legal_xml`.

The sets are character-class bodies (``[...]`` without the brackets) so that other patterns
(the text MARCXML reader's) can be built from them.  Surrogates come from ``chr()``: a
compiled (mypyc) module cannot hold them literally.
"""

from __future__ import annotations

import re
from typing import Final

#: XML 1.0 forbids these (a class body: C0 but tab/LF/CR, surrogates, U+FFFE, U+FFFF).
FORBIDDEN: Final = "\x00-\x08\x0b\x0c\x0e-\x1f" + chr(0xD800) + "-" + chr(0xDFFF) + "\ufffe\uffff"
#: Mis-decoded text: DEL and the C1 controls but NEL (a class body).
MOJIBAKE_CONTROLS: Final = "\x7f-\x84\x86-\x9f"
#: What the hub drops from every value it stores or publishes (a class body).
DROPPED: Final = FORBIDDEN + MOJIBAKE_CONTROLS

_DROPPED: Final = re.compile(f"[{DROPPED}]")
#: Character references to forbidden C0 controls (``&#1;``, ``&#x1F;``): as fatal to a parser as the characters.
FORBIDDEN_REFERENCES: Final = re.compile(
    r"&#(?:x0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])|0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]));")


def legal_xml(text: str) -> str:
    """``text`` without the characters the hub drops (:data:`DROPPED`).

    Printable text holds none of them (they are all controls, surrogates or unassigned),
    and ``str.isprintable`` says so in half the time of the pattern: every value written
    comes through here.
    """
    if text.isprintable() or not _DROPPED.search(text):
        return text
    return _DROPPED.sub("", text)


def forbidden_pattern() -> re.Pattern[str]:
    """A pattern matching one character XML 1.0 forbids (:data:`FORBIDDEN`)."""
    return re.compile(f"[{FORBIDDEN}]")
