"""Hypothesis fuzzes ``/oai`` over real HTTP: random verbs, repeated and unknown arguments,
random bytes in values, random dates, tampered tokens and well-signed tokens with random
payloads, by GET and POST.  Every answer is HTTP 200, well-formed and valid against
oai-pmh-full.xsd, and a badVerb or badArgument answer echoes no argument."""

from __future__ import annotations

from urllib.parse import urlencode

import requests
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from repository.installation import secret_key
from repository.oai.arguments import RESUMABLE, VERBS
from repository.oai.tokens import ListState, TokenCodec
from tests.oai_helpers import OAI, add_records, assert_valid, error_codes

NAMES = ["verb", "metadataPrefix", "set", "identifier", "from", "until", "resumptionToken"]
PLAIN = ["oai_dc", "marcxml", "mods", "partner", "partner:alpha", "access:open", "lang:kaz", "", "oai:kazneb.kz:x",
         "oai:kazneb.kz:alpha:oai:alpha:1", "2026-01-01", "1990-01-01T00:00:00Z"]
JSON = st.recursive(st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                    max_leaves=4)
FIELDS = [st.sampled_from(["oai_dc", "marcxml", None]), st.sampled_from([None, "partner:alpha", "partner"]),
          st.integers(-(2**36), 2**35), st.integers(0, 2**35), st.integers(-(2**36), 2**35),
          st.integers(0, 2**62), st.sampled_from(["", "partner", "partner:beta"]), st.integers(0, 40),
          st.integers(1, 40)]


def dates() -> st.SearchStrategy[str]:
    """Dates near and far from legal: every year, months and days out of range, wrong case."""
    day = st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32))
    time = st.builds("{}{:02d}:{:02d}:{:02d}{}".format, st.sampled_from("Tt "), st.integers(0, 25),
                     st.integers(0, 61), st.integers(0, 61), st.sampled_from(["Z", "z", "", "+00:00"]))
    return st.builds(lambda d, t: d + t, day, st.just("") | time)


def tokens(codec, real: str) -> st.SearchStrategy[str]:  # type: ignore[no-untyped-def]
    """A real token tampered with, and tokens signed with the app's codec around random payloads."""
    tampered = st.builds(lambda i, c: real[:i] + c + real[i + 1:], st.integers(0, len(real) - 1), st.characters())
    fields = st.tuples(*(field | JSON for field in FIELDS))
    signed = st.builds(lambda verb, values: codec.encode(verb, ListState(*values)), st.sampled_from(sorted(RESUMABLE)),
                       fields)
    return st.just(real) | tampered | signed


def any_value(codec, real_token: str) -> st.SearchStrategy:  # type: ignore[no-untyped-def]
    return (st.sampled_from(PLAIN) | dates() | st.text(max_size=20) | st.binary(max_size=12)
            | tokens(codec, real_token))


def value_for(name: str, codec, real_token: str) -> st.SearchStrategy:  # type: ignore[no-untyped-def]
    """A value for an argument the verb takes: mostly near legal, sometimes anything at all."""
    near = {"metadataPrefix": st.sampled_from(["oai_dc", "marcxml", "mods", "", "oai dc", "<x>&\"'"]),
            "set": st.sampled_from(["partner", "partner:alpha", "partner:", ":x", "%", "\x01", "access:open"]),
            "identifier": st.sampled_from(["oai:kazneb.kz:alpha:oai:alpha:1", "oai:kazneb.kz:nope", "]]>", "", "a b",
                                           "oai:elsewhere:1", "http://h:p/"]),
            "from": dates(), "until": dates(), "resumptionToken": tokens(codec, real_token)}[name]
    return near | near | any_value(codec, real_token)


def requests_to_send(codec, real_token: str) -> st.SearchStrategy:  # type: ignore[no-untyped-def]
    """(method, pairs, extra raw body bytes) for one request: a verb and arguments it may take,
    then now and then an unknown or repeated argument, a second verb, or none at all."""

    @st.composite
    def pairs(draw) -> list:  # type: ignore[no-untyped-def]
        verb = draw(st.sampled_from(list(VERBS)) | st.sampled_from(["identify", ""]) | st.text(max_size=10))
        required, optional = VERBS.get(verb, (frozenset(), frozenset()))
        names = sorted(required | optional | ({"resumptionToken"} if verb in RESUMABLE else set()))
        chosen = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
        result = [("verb", verb), *((n, draw(value_for(n, codec, real_token))) for n in chosen)]
        extra = st.tuples(st.sampled_from(NAMES) | st.text(max_size=8), any_value(codec, real_token))
        result += draw(st.just([]) | st.just([]) | st.lists(extra, max_size=2))
        return draw(st.permutations(result)) if draw(st.integers(0, 9)) else result[1:]

    return st.tuples(st.sampled_from(["GET", "POST"]), pairs(),
                     st.just(b"") | st.just(b"") | st.binary(min_size=1, max_size=8))


def send(session: requests.Session, url: str, method: str, pairs: list, raw: bytes) -> requests.Response:
    query = urlencode(pairs)
    if method == "GET":
        return session.get(f"{url}/oai?{query}", timeout=30)
    body = query.encode() + (b"&x=" + raw if raw else b"")
    return session.post(f"{url}/oai", data=body, timeout=30,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_every_oai_answer_is_valid(hub_app, hub_url, store) -> None:  # type: ignore[no-untyped-def]
    add_records(store, "alpha", range(12))
    add_records(store, "beta", range(100, 103), access="read-only")
    session = requests.Session()
    first = assert_valid(session.get(f"{hub_url}/oai", params={"verb": "ListRecords", "metadataPrefix": "oai_dc"},
                                     timeout=30).content)
    real_token = first.find(f".//{OAI}resumptionToken").text
    codec = TokenCodec(secret_key(store.engine, hub_app.config["KAZNEB_SETTINGS"]["hub.secret_key"]))  # the app's

    @given(request=requests_to_send(codec, real_token))
    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def answer_is_valid(request) -> None:  # type: ignore[no-untyped-def]
        note(f"request: {request!r}")
        answer = send(session, hub_url, *request)
        assert answer.status_code == 200, answer.text[:500]
        assert b"Traceback" not in answer.content
        root = assert_valid(answer.content)
        if {"badVerb", "badArgument"} & set(error_codes(root)):
            assert dict(root.find(f"{OAI}request").attrib) == {}

    answer_is_valid()
