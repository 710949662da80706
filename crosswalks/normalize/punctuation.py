"""ISBD punctuation and whitespace trimming for values taken out of MARC subfields."""

from __future__ import annotations

import re

from crosswalks.xmltext import squeeze

_SEPARATORS = " /:;=,+"
#: A final full stop is kept after these (initials and common abbreviations).
_KEEP_DOT = re.compile(
    r"(?:^|[\s.(\-])(?:\w|[A-ZА-ЯӘҒҚҢӨҰҮҺІ]\w|etc|Jr|Sr|Inc|Ltd|Co|ed|eds|vol|t|ж|г|гг|в|вв|ғ|т|б|с|p|pp|изд|ред"
    r"|сост|пер|ил|портр|табл|карт|факс|цв|им|акад|проф|обл|р-н|ш|ст|кн|вып|ч|No|no|св)\.$"
)


def trim_isbd(text: str | None) -> str:
    """Value without ISBD separators ( / : ; = , ) at the ends or a closing full stop.

    A full stop after an initial or a known abbreviation ("Smith, J.", "1995 г.") stays.
    """
    if not text:
        return ""
    value = squeeze(text).strip(_SEPARATORS)
    while value[-1:] == "." and not value.endswith("...") and not _KEEP_DOT.search(value):
        value = value[:-1].rstrip(_SEPARATORS)
    return value


def strip_brackets(text: str) -> str:
    """"[Алматы]" -> "Алматы": square brackets mark supplied data, not part of the value."""
    value = text.strip()
    if value.startswith("[") and value.endswith("]") and value.count("[") == 1:
        return value[1:-1].strip()
    return value
