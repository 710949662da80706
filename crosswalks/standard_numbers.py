"""Standard numbers in the one form records are compared in, or None when the number is invalid.

Two partners write the same ISBN as "5-7940-0029-5", "978-5-7940-0029-0 (в пер.)" and
"9785794000290"; consolidation takes an equal ISBN as near proof of one edition, so each is
reduced to one spelling, and a number whose check digit fails is left out rather than trusted:
a typo in an ISBN would otherwise join two different books.

* ISBN: ISBN-13 without hyphens, an ISBN-10 converted (978 prefix, new check digit).
* ISSN: "NNNN-NNNX".
* Others, as "scheme:value": DOI lower-cased without its resolver ("doi:10.1000/xyz"), Handle
  ("hdl:2027/mdp.390"), ISMN ("ismn:9790..."), and an OCLC number a MARC 035 carries
  ("oclc:12345" from "(OCoLC)ocm00012345").  Local ids and URLs of one partner's site are not
  standard numbers: None.

python-stdnum is the reference the tests check ISBNs and ISSNs against; the check digits are
:mod:`crosswalks.normalize.isbn`'s, which the readers use (one rule), because this runs on every
record the store writes and stdnum's generality costs some 25 µs an ISBN on the development VM,
more than all the keys of a record together.
"""

from __future__ import annotations

import re
from typing import Final

from stdnum import ismn as _ismn
from stdnum.exceptions import ValidationError

from crosswalks.normalize.isbn import parse_isbn, parse_issn

_DOI_RESOLVER: Final = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_DOI: Final = re.compile(r"10\.\d{4,9}/\S+")
_HANDLE_RESOLVER: Final = re.compile(r"^(?:hdl:\s*|https?://hdl\.handle\.net/)", re.IGNORECASE)
_HANDLE: Final = re.compile(r"\d[\d.]*/\S+")
_OCLC: Final = re.compile(r"^\(OCoLC\)\D*0*(\d+)$")


def isbn13(text: str | None) -> str | None:
    """The ISBN-13 of an ISBN as written: "5-7940-0029-5" -> "9785794000290"; None if invalid.
    The check digits are :mod:`crosswalks.normalize.isbn`'s, the readers' own."""
    if not text:
        return None
    found = parse_isbn(text)
    return found.isbn13 if found is not None and found.valid else None


def issn(text: str | None) -> str | None:
    """An ISSN as "NNNN-NNNX" ("03785955" -> "0378-5955"); None if its check digit fails."""
    if not text:
        return None
    found = parse_issn(text)
    return found[0] if found is not None and found[1] else None


def doi(text: str | None) -> str | None:
    """A DOI lower-cased, without "https://doi.org/" or "doi:"; None if it is not a DOI.

    DOIs are case-insensitive (the DOI Handbook, 2.4), so lower case is the one spelling."""
    if not text:
        return None
    value = _DOI_RESOLVER.sub("", text.strip()).lower()
    return value if _DOI.fullmatch(value) else None


def other_id(scheme: str, value: str | None) -> str | None:
    """A standard identifier other than ISBN and ISSN as "scheme:value", None if it is none.

    ``scheme`` is the canonical record's (``Identifier.scheme``): doi, handle, ismn, local, url,
    other.  A URL or an "other" value counts when it is a DOI or a Handle written as one."""
    if not value:
        return None
    if scheme == "local":  # most are the partner's own record numbers
        match = _OCLC.match(value.strip()) if "(OCoLC)" in value else None
        return f"oclc:{match.group(1)}" if match else None
    if scheme == "ismn":
        try:
            return "ismn:" + _ismn.to_ismn13(_ismn.validate(value))
        except ValidationError:
            return None
    if scheme == "handle":
        return _handle(value)
    found = doi(value)
    if found:
        return "doi:" + found
    return _handle(value) if scheme in ("url", "other") and _HANDLE_RESOLVER.match(value.strip()) else None


def _handle(value: str) -> str | None:
    handle = _HANDLE_RESOLVER.sub("", value.strip())
    return "hdl:" + handle if _HANDLE.fullmatch(handle) else None
