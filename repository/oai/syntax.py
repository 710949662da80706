"""The syntax OAI-PMH gives argument values, as regular expressions.

A value of illegal syntax is badArgument (OAI-PMH §3.6), and a response that echoes an
argument in ``<request>`` must validate, so each pattern here accepts only values the
OAI-PMH schema's attribute types accept: metadataPrefixType and setSpecType (copied from
the schema), identifierType (``anyURI``: an RFC 3986 URI reference, IRI characters
allowed, as libxml2 checks it) and UTCdatetimeType (``date`` or a dateTime ending in an
upper-case ``Z``; only the two granularities OAI-PMH defines).
"""

from __future__ import annotations

import re

_PREFIX_CHAR = r"[A-Za-z0-9\-_.!~*'()]"
METADATA_PREFIX = re.compile(f"{_PREFIX_CHAR}+")
SET_SPEC = re.compile(f"{_PREFIX_CHAR}+(?::{_PREFIX_CHAR}+)*")

# RFC 3986 appendix A, with non-ASCII characters (an IRI's) where unreserved ones may be.
_UNRESERVED = "A-Za-z0-9\\-._~\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"
_SUB_DELIMS = "!$&'()*+,;="
_PCT = "%[0-9A-Fa-f]{2}"
_PCHAR = f"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_SEGMENT_NZ_NC = f"(?:[{_UNRESERVED}{_SUB_DELIMS}@]|{_PCT})+"
_AUTHORITY = (
    f"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?"  # userinfo
    f"(?:\\[[0-9A-Fa-f:.]+\\]|(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*)"  # IP literal or reg-name
    "(?::[0-9]+)?"  # port (libxml2 refuses an empty one)
)
_PATH_ABEMPTY = f"(?:/{_PCHAR}*)*"
_PATH_ABSOLUTE = f"/(?:{_PCHAR}+{_PATH_ABEMPTY})?"
_PATH_ROOTLESS = f"{_PCHAR}+{_PATH_ABEMPTY}"
_PATH_NOSCHEME = f"{_SEGMENT_NZ_NC}{_PATH_ABEMPTY}"
_TAIL = f"(?:\\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"  # query, fragment
_URI = f"[A-Za-z][A-Za-z0-9+\\-.]*:(?://{_AUTHORITY}{_PATH_ABEMPTY}|{_PATH_ABSOLUTE}|{_PATH_ROOTLESS})?{_TAIL}"
_RELATIVE_REF = f"(?://{_AUTHORITY}{_PATH_ABEMPTY}|{_PATH_ABSOLUTE}|{_PATH_NOSCHEME})?{_TAIL}"
IDENTIFIER = re.compile(f"(?:{_URI})|(?:{_RELATIVE_REF})")

DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})Z)?")

#: argument -> the pattern its whole value must match (dates are checked when parsed).
ARGUMENT_SYNTAX: dict[str, re.Pattern[str]] = {
    "metadataPrefix": METADATA_PREFIX,
    "set": SET_SPEC,
    "identifier": IDENTIFIER,
}


def legal(name: str, value: str) -> bool:
    """Whether ``value`` has the syntax OAI-PMH gives the argument ``name`` (an identifier is never empty)."""
    pattern = ARGUMENT_SYNTAX.get(name)
    return pattern is None or (value != "" and pattern.fullmatch(value) is not None)
