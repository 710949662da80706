"""ISBD punctuation and whitespace trimming for values taken out of MARC subfields."""

from __future__ import annotations

import unicodedata
from typing import Final

from crosswalks.xmltext import ShortTextMemo, squeeze

_SEPARATORS: Final = " /:;=,+"
#: A final full stop is kept after these abbreviations (and after initials: one letter,
#: or a capital and one letter such as "Zh.").
ABBREVIATIONS: Final = frozenset(
    "etc Jr Sr Inc Ltd Co ed eds vol t ж г гг в вв ғ т б с p pp изд ред сост пер ил портр табл карт факс цв "
    "им акад проф обл р-н ш ст кн вып ч No no св".split()
)


def keeps_final_dot(value: str) -> bool:
    """True when the full stop ending ``value`` belongs to an initial or an abbreviation."""
    head = value[:-1]
    token = head[max(head.rfind(" "), head.rfind("."), head.rfind("("), head.rfind("-")) + 1:]
    if len(token) == 1:
        return token.isalnum()
    if len(token) == 2 and token[0].isupper() and token.isalpha():
        return True
    return token in ABBREVIATIONS


def trim_isbd(text: str | None) -> str:
    """Value without ISBD separators ( / : ; = , ) at the ends or a closing full stop.

    A full stop after an initial or a known abbreviation ("Smith, J.", "1995 г.") stays.
    """
    if not text:
        return ""
    return _known_trim(text) or _TRIMMED(text)  # a dict lookup first: most values are already known




def _trim(text: str) -> str:
    if text.isprintable() and "  " not in text:  # the usual case: no controls, no runs of spaces
        value = text.strip(_SEPARATORS)
        if not value.isascii() and not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
    else:
        value = squeeze(text).strip(_SEPARATORS)
    while value[-1:] == "." and not value.endswith("...") and not keeps_final_dot(value):
        value = value[:-1].rstrip(_SEPARATORS)
    return value


#: Trimmed values by source text (bounded, short values only): readers trim the same
#: subfield more than once, and labels recur from record to record.
_TRIMMED: Final = ShortTextMemo(_trim)
_known_trim = _TRIMMED.known.get


def strip_brackets(text: str) -> str:
    """"[Алматы]" -> "Алматы": square brackets mark supplied data, not part of the value."""
    value = text.strip()
    if value.startswith("[") and value.endswith("]") and value.count("[") == 1:
        return value[1:-1].strip()
    return value
