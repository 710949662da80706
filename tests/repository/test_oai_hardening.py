"""Faults found in review (issue 17), over real HTTP: every answer is HTTP 200 and schema-valid.

Illegal argument syntax and malformed dates are badArgument with a bare ``<request>``; legal
dates before the year 1000 work; a POST body that is not UTF-8 is badArgument saying so; a
well-signed token whose payload is malformed is badResumptionToken.
"""

from __future__ import annotations

import pytest
import requests

from repository.oai.tokens import ListState
from tests.oai_helpers import OAI, add_records, assert_valid, error_codes
from tests.repository.test_oai_protocol import oai

ILLEGAL_SYNTAX = [
    {"verb": "ListRecords", "metadataPrefix": ""},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "partner:"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "%"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "\x01"},
    {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": ":partner"},
    {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "]]>"},
    {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": ""},
    {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:kazneb.kz:a b"},
    {"verb": "ListMetadataFormats", "identifier": "http://host:port/x"},
    {"verb": "ListRecords", "metadataPrefix": "<x>&\"'"},
    {"verb": "GetRecord", "metadataPrefix": "oai dc", "identifier": "oai:kazneb.kz:x"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-12-06T23:00:00z"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2026-12-06t23:00:00Z"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "\u0662\u0660\u0662\u0664-01-01"},
]


@pytest.fixture
def records(store) -> list[str]:  # type: ignore[no-untyped-def]
    return add_records(store, "alpha", range(12))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("params", ILLEGAL_SYNTAX)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_illegal_syntax_is_bad_argument_and_not_echoed(hub_url, records, params, method):  # type: ignore[no-untyped-def]
    root = oai(hub_url, method, **params)
    assert error_codes(root) == ["badArgument"]
    assert dict(root.find(f"{OAI}request").attrib) == {}


def test_legal_identifiers_of_other_repositories_are_id_does_not_exist(hub_url, records):  # type: ignore[no-untyped-def]
    for identifier in ("oai:elsewhere:1", "http://[::1]:80/a?b#c", "urn:isbn:978-601-7", "oai:kazneb.kz:Абай"):
        root = oai(hub_url, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier)
        assert error_codes(root) == ["idDoesNotExist"]
        assert root.find(f"{OAI}request").get("identifier") == identifier
        assert error_codes(oai(hub_url, verb="ListMetadataFormats", identifier=identifier)) == ["idDoesNotExist"]


def test_dates_before_the_year_1000_are_legal(hub_url, records):  # type: ignore[no-untyped-def]
    root = oai(hub_url, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "0001-01-01"})
    assert not error_codes(root) and len(root.findall(f".//{OAI}header")) == 12
    assert root.find(f"{OAI}request").get("from") == "0001-01-01"
    root = oai(hub_url, verb="ListIdentifiers", metadataPrefix="oai_dc", until="0999-01-01T00:00:00Z")
    assert error_codes(root) == ["noRecordsMatch"]
    root = oai(hub_url, verb="ListRecords", metadataPrefix="oai_dc", **{"from": "0010-02-03", "until": "0999-12-31"})
    assert error_codes(root) == ["noRecordsMatch"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("body", [b"verb=Identify&x=\xff", b"verb=ListRecords&metadataPrefix=oai_dc&set=\xd0"])
def test_a_post_body_that_is_not_utf8_is_bad_argument(hub_url, records, body):  # type: ignore[no-untyped-def]
    answer = requests.post(f"{hub_url}/oai", data=body, timeout=30,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200
    root = assert_valid(answer.content)
    assert error_codes(root) == ["badArgument"]
    assert "UTF-8" in root.findtext(f"{OAI}error")


def app_codec(hub_app, hub_url):  # type: ignore[no-untyped-def]
    """The TokenCodec the running app signs with (the store's own secret, unless one is configured)."""
    from repository.installation import secret_key
    from repository.oai.tokens import TokenCodec

    settings = hub_app.config["KAZNEB_SETTINGS"]
    return TokenCodec(secret_key(hub_app.extensions["kazneb_store"].engine, settings["hub.secret_key"]))


GOOD = ["oai_dc", None, 0, 2_000_000_000, 0, 2**62, "", 10, 12]
FORGED = [
    ("ListRecords", {5: 2**70}),  # an integer too large for SQLite and PostgreSQL
    ("ListRecords", {4: -(2**70)}),
    ("ListRecords", {0: {"a": 1}}),  # a dict where a string belongs
    ("ListRecords", {0: ["oai_dc"]}),
    ("ListIdentifiers", {1: {"partner": 1}}),
    ("ListIdentifiers", {1: "partner:"}),
    ("ListRecords", {8: -1}),  # completeListSize="-1" fails the schema
    ("ListRecords", {8: 0}),
    ("ListRecords", {7: -5}),
    ("ListRecords", {7: True}),
    ("ListRecords", {2: None}),
    ("ListRecords", {3: 1.5}),
    ("ListSets", {6: {"spec": "x"}}),
    ("ListSets", {6: "a b"}),
    ("ListSets", {8: -1}),
    ("ListSets", {0: "oai_dc"}),
]


@pytest.mark.parametrize(("verb", "changes"), FORGED)
def test_well_signed_malformed_tokens_are_bad_resumption_token(  # type: ignore[no-untyped-def]
        hub_app, hub_url, records, verb, changes):
    codec = app_codec(hub_app, hub_url)
    good = [None if verb == "ListSets" and i < 3 else v for i, v in enumerate(GOOD)]
    assert not error_codes(oai(hub_url, verb=verb, resumptionToken=codec.encode(verb, ListState(*good))))
    forged = ListState(*(changes.get(i, v) for i, v in enumerate(good)))
    root = oai(hub_url, verb=verb, resumptionToken=codec.encode(verb, forged))
    assert error_codes(root) == ["badResumptionToken"]
