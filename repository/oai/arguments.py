"""Which arguments each verb takes, and checking a request against that.

A request is checked in full before anything is looked up: unknown, repeated,
missing or malformed arguments are badArgument (badVerb for the verb itself).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from repository.oai import syntax
from repository.oai.errors import BadArgument, BadResumptionToken, BadVerb, OAIError, OAIErrors

#: verb -> (required arguments, optional arguments); resumptionToken is exclusive.
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
}
RESUMABLE = frozenset({"ListSets", "ListIdentifiers", "ListRecords"})


@dataclass(frozen=True)
class Request:
    """A checked OAI-PMH request."""

    verb: str
    args: dict[str, str]
    #: The response's moment (epoch seconds) from the store's commit fence: every record
    #: stamped before it is visible (see :mod:`repository.visibility`); 0 until it is set.
    now: int = 0

    def get(self, name: str) -> str | None:
        return self.args.get(name)


class Pairs(list[tuple[str, str]]):
    """A request's (name, value) pairs, and why its body could not be read, if it could not.

    A POST body that is not UTF-8 yields no pairs at all (Werkzeug drops the whole form):
    the client is told that, rather than that the verb is missing.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] = (), unreadable: str | None = None) -> None:
        super().__init__(pairs)
        self.unreadable = unreadable


def parse_request(pairs: list[tuple[str, str]]) -> Request:
    """Check the request's (name, value) pairs; raise OAIErrors listing every fault."""
    unreadable = getattr(pairs, "unreadable", None)
    if unreadable:
        raise OAIErrors([BadArgument(unreadable)])
    verbs = [v for k, v in pairs if k == "verb"]
    if len(verbs) != 1:
        raise OAIErrors([BadVerb("the verb argument is missing" if not verbs else "the verb argument is repeated")])
    verb = verbs[0]
    if verb not in VERBS:
        raise OAIErrors([BadVerb(f"{verb!r} is not an OAI-PMH verb")])
    required, optional = VERBS[verb]
    args: dict[str, str] = {}
    errors: list[OAIError] = []
    for name, value in pairs:
        if name == "verb":
            continue
        allowed = name in required or name in optional or (name == "resumptionToken" and verb in RESUMABLE)
        if not allowed:
            errors.append(BadArgument(f"{verb} does not take the argument {name!r}"))
        elif name in args:
            errors.append(BadArgument(f"the argument {name!r} is repeated"))
        else:
            args[name] = value
    if "resumptionToken" in args:
        others = sorted(set(args) - {"resumptionToken"})
        if others:
            message = f"resumptionToken is exclusive; it cannot be combined with {', '.join(others)}"
            errors += [BadArgument(message), BadResumptionToken(message)]
    else:
        errors += [BadArgument(f"{verb} requires the argument {n!r}") for n in sorted(required - set(args))]
    errors += _check_syntax(args) + _check_dates(args)
    if errors:
        raise OAIErrors(errors)
    return Request(verb, args)


DAY = "YYYY-MM-DD"
SECOND = "YYYY-MM-DDThh:mm:ssZ"


def parse_datestamp(value: str, *, end_of_day: bool) -> tuple[int, str]:
    """An OAI date argument as epoch seconds and its granularity (DAY or SECOND).

    Day granularity is widened to the whole day: ``until=2024-05-01`` includes
    everything stamped that day, since ``from`` and ``until`` are inclusive.  The
    fields are read by a pattern, not strptime: strptime takes a lower-case ``t``
    or ``z``, which the schema refuses, and strftime does not pad years before 1000.
    """
    found = syntax.DATE.fullmatch(value)
    try:
        if found is None:
            raise ValueError(value)
        year, month, day, hour, minute, second = (int(f or 0) for f in found.groups())
        seconds = calendar.timegm(datetime(year, month, day, hour, minute, second).timetuple())
    except ValueError:
        raise BadArgument(f"{value[:60]!r} is not a date of the form YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ") from None
    if found[4] is None:  # no time of day
        return seconds + (86399 if end_of_day else 0), DAY
    return seconds, SECOND


def _check_syntax(args: dict[str, str]) -> list[OAIError]:
    """A value the schema would refuse is badArgument: it must not be echoed in ``<request>``."""
    return [BadArgument(f"the value of {name!r} has illegal syntax: {value[:60]!r}")
            for name, value in args.items() if not syntax.legal(name, value)]


def _check_dates(args: dict[str, str]) -> list[OAIError]:
    parsed = {}
    errors: list[OAIError] = []
    for name in ("from", "until"):
        if name in args:
            try:
                parsed[name] = parse_datestamp(args[name], end_of_day=name == "until")
            except BadArgument as exc:
                errors.append(BadArgument(f"{name}: {exc.message}"))
    if len(parsed) == 2:
        (start, start_fmt), (end, end_fmt) = parsed["from"], parsed["until"]
        if start_fmt != end_fmt:
            errors.append(BadArgument("from and until must have the same granularity"))
        elif start > end:
            errors.append(BadArgument("from is later than until"))
    return errors
