"""Resumption tokens: stateless, signed, and carrying a keyset position.

A token holds everything needed to fetch the next page — the list's arguments, the
upper datestamp bound fixed by the first request, the (datestamp, id) of the last
record sent, the cursor and the complete list size — signed with the hub's secret
and salted with the verb.  Any worker that shares the secret can resume any list,
after any restart, at the same cost at any depth.  Tokens do not expire.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields

from itsdangerous import BadSignature, URLSafeSerializer

from repository.oai import syntax
from repository.oai.errors import BadResumptionToken

#: Datestamps a token may hold: 0001-01-01 (a day before, as a keyset position) to 9999-12-31.
EARLIEST, LATEST = -62135596800 - 86400, 253402300799
#: Larger than any id or count, and small enough for SQLite's and PostgreSQL's 64-bit integers.
LARGEST = 2**62


@dataclass(frozen=True)
class ListState:
    """Where a list stands: its arguments and the position after the last item sent."""

    prefix: str | None
    set_spec: str | None
    start: int | None  # from, epoch seconds (inclusive)
    until: int  # the upper bound fixed by the first request (inclusive)
    after_datestamp: int
    after_id: int
    after_spec: str  # ListSets pages by set spec
    cursor: int
    total: int


class TokenCodec:
    """Signs and checks tokens for one verb family."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def encode(self, verb: str, state: ListState) -> str:
        return self._serializer(verb).dumps(list(asdict(state).values()))

    def decode(self, verb: str, token: str) -> ListState:
        """The state a token holds; its signature is checked, then every field in it.

        The signature only says the hub made the token with this secret: anyone who has the
        secret (an old deployment, a leak) can sign any payload, so a value of the wrong type
        or range is refused here before it reaches a query or a response.
        """
        try:
            values = self._serializer(verb).loads(token)
            state = ListState(*values)
        except (BadSignature, TypeError, ValueError, UnicodeError) as exc:
            raise BadResumptionToken(f"the resumption token {token[:60]!r} is not valid for {verb}") from exc
        fault = _fault(verb, state)
        if fault:
            raise BadResumptionToken(f"the resumption token {token[:60]!r} is not valid for {verb}: {fault}")
        return state

    def _serializer(self, verb: str) -> URLSafeSerializer:
        return URLSafeSerializer(self._secret, salt=f"kazneb-oai-{verb}")


def _int_between(low: int, high: int) -> Callable[[object], bool]:
    return lambda value: type(value) is int and low <= value <= high  # a bool is an int too: not here


def _matching(pattern: re.Pattern[str], *also: object) -> Callable[[object], bool]:
    return lambda value: value in also or isinstance(value, str) and pattern.fullmatch(value) is not None


#: field -> the values a list's state may hold in it.
FIELD_CHECKS: dict[str, Callable[[object], bool]] = {
    "prefix": _matching(syntax.METADATA_PREFIX),
    "set_spec": _matching(syntax.SET_SPEC, None),
    "start": _int_between(EARLIEST, LATEST),
    "until": _int_between(EARLIEST, LATEST),
    "after_datestamp": _int_between(EARLIEST, LATEST),
    "after_id": _int_between(0, LARGEST),
    "after_spec": _matching(syntax.SET_SPEC, ""),
    "cursor": _int_between(0, LARGEST),
    "total": _int_between(1, LARGEST),  # completeListSize is a positiveInteger
}
#: Fields a ListSets state leaves empty (None): a list of sets has no list arguments.
LIST_ARGUMENTS = ("prefix", "set_spec", "start")


def _fault(verb: str, state: ListState) -> str | None:
    """What is wrong with a decoded state, or None when every field has its type and range.

    A field added to ListState without a check fails here (KeyError) on the first token.
    """
    for field in fields(ListState):
        name, value = field.name, getattr(state, field.name)
        if not (value is None if verb == "ListSets" and name in LIST_ARGUMENTS else FIELD_CHECKS[name](value)):
            return f"{name} is {str(value)[:40]!r}"
    return None
