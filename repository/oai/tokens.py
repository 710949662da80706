"""Resumption tokens: stateless, signed, and carrying a keyset position.

A token holds everything needed to fetch the next page — the list's arguments, the
upper datestamp bound fixed by the first request, the (datestamp, id) of the last
record sent, the cursor and the complete list size — signed with the hub's secret
and salted with the verb.  Any worker that shares the secret can resume any list,
after any restart, at the same cost at any depth.  Tokens do not expire.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from itsdangerous import BadSignature, URLSafeSerializer

from repository.oai.errors import BadResumptionToken


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
        try:
            values = self._serializer(verb).loads(token)
            return ListState(*values)
        except (BadSignature, TypeError, ValueError, UnicodeError) as exc:
            raise BadResumptionToken(f"the resumption token {token[:60]!r} is not valid for {verb}") from exc

    def _serializer(self, verb: str) -> URLSafeSerializer:
        return URLSafeSerializer(self._secret, salt=f"kazneb-oai-{verb}")
