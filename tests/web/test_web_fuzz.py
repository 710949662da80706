"""Hypothesis fuzzes every web route that takes a parameter, over real HTTP: the language
switch and its ``next``, record pages, the search page and the JSON API, with random text
and bytes in paths and query strings, percent-encoded or raw.  No answer is a 5xx, and no
``Location`` takes a browser to another site."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode, urljoin, urlsplit

import requests
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.web.test_web_hardening import raw_get
from web.params import SEARCH_PARAMETERS

PIECES = ["/", "//", "\\", "\t", "\n", "\r", " ", "\x00", "%09", "%2F", "evil.example", "https:", "http:", ":", "@",
          "?", "#", ".", "абай", "javascript:"]
piece_string = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=6).map("".join)
value = piece_string | st.text(max_size=12) | st.binary(max_size=8)
#: ``next`` values shaped like the ways out: a slash or backslash, something a browser drops, another slash.
next_value = st.builds("".join, st.tuples(st.sampled_from(["/", ""]),
                                          st.sampled_from(["\t", "\n", "\r", "\x00", "\\", ""]),
                                          st.sampled_from(["/", "\\", ""]),
                                          piece_string | st.binary(max_size=8).map(lambda b: b.decode("latin-1"))))


def path_part(part: str | bytes) -> str:
    return quote(part, safe="/:@")


language_switch = st.builds(lambda code, nxt: f"/lang/{path_part(code)}?" + urlencode({"next": nxt}),
                            st.sampled_from(["kk", "ru", "en", "xx", ""]) | st.text(max_size=4), next_value)
targets = st.one_of(
    language_switch,
    language_switch,
    language_switch,
    st.builds(lambda rid: "/record/" + path_part(rid), value),
    st.builds(lambda rid: "/api/records/" + path_part(rid), value),
    st.builds(lambda path, pairs: path + "?" + urlencode(pairs), st.sampled_from(["/", "/api/search"]),
              st.lists(st.tuples(st.sampled_from([*SEARCH_PARAMETERS, "lang"]) | st.text(max_size=5), value),
                       max_size=4)),
)


def on_site(location: str, site: str) -> bool:
    """Whether a browser following ``location`` from ``site`` stays there (WHATWG URL parsing:
    leading and trailing controls and spaces stripped, tabs and newlines dropped, ``\\`` read as ``/``)."""
    cleaned = location.strip("".join(map(chr, range(0x21))))
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    followed, here = urlsplit(urljoin(site + "/", cleaned)), urlsplit(site)
    return (followed.scheme, followed.netloc) == (here.scheme, here.netloc)


def test_no_web_route_fails_or_leaves_the_site(site_url: str) -> None:
    session = requests.Session()

    @given(target=targets, raw=st.integers(0, 9))
    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def answer_is_safe(target: str, raw: int) -> None:
        note(f"target: {target!r}")
        if raw == 0:  # typed into curl: non-ASCII bytes sent as they are
            status, _ = raw_get(site_url, re.sub(rb"%([89A-F][0-9A-F])", lambda m: bytes.fromhex(m[1].decode()),
                                                 target.encode()))
            assert status < 500
            return
        answer = session.get(site_url + target, timeout=30, allow_redirects=False)
        assert answer.status_code < 500, answer.text[:300]
        location = answer.headers.get("Location")
        assert location is None or on_site(location, site_url), location

    answer_is_safe()
