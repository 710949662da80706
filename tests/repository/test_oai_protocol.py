"""The OAI-PMH provider over real HTTP: every verb, every error, paging, validity.

Every response fetched here is validated against oai-pmh-full.xsd (payloads too).
Runs on SQLite and PostgreSQL (the ``db_url`` fixture is parametrised).
"""

from __future__ import annotations

import gzip
import time

import pytest
import requests
from sqlalchemy import select

from repository.models import RecordSet
from tests.oai_helpers import NS, OAI, add_records, assert_valid, error_codes


def oai(url: str, method: str = "GET", **params: str):  # type: ignore[no-untyped-def]
    if method == "POST":
        response = requests.post(f"{url}/oai", data=params, timeout=30)
    else:
        response = requests.get(f"{url}/oai", params=params, timeout=30)
    assert response.status_code == 200, response.text[:500]
    return assert_valid(response.content)


def harvest(url: str, verb: str, **params: str) -> tuple[list[str], list]:
    """Follow a list to its end; (identifiers in order, resumptionToken elements)."""
    identifiers: list[str] = []
    tokens = []
    root = oai(url, verb=verb, **params)
    while True:
        assert not error_codes(root), error_codes(root)
        identifiers += [e.text for e in root.iter(f"{OAI}identifier") if e.getparent().tag == f"{OAI}header"]
        token = root.find(f".//{OAI}resumptionToken")
        if token is None or not (token.text or "").strip():
            if token is not None:
                tokens.append(token)
            return identifiers, tokens
        tokens.append(token)
        root = oai(url, verb=verb, resumptionToken=token.text)


@pytest.fixture
def collection(store) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """23 records of partner alpha, 7 of beta (one beta record deleted)."""
    alpha = add_records(store, "alpha", range(23))
    beta = add_records(store, "beta", range(100, 107), access="read-only")
    with store.session() as session:
        store.delete_record(session, "beta", "oai:beta:103")
    return {"alpha": alpha, "beta": beta}


def test_identify(hub_url, collection):  # type: ignore[no-untyped-def]
    root = oai(hub_url, verb="Identify")
    identify = root.find(f"{OAI}Identify")
    assert identify.findtext(f"{OAI}protocolVersion") == "2.0"
    assert identify.findtext(f"{OAI}deletedRecord") == "persistent"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext(f"{OAI}baseURL").endswith("/oai")
    # alpha and beta answer on 127.0.0.1: not endpoints a harvester elsewhere could use
    assert identify.find(".//{http://www.openarchives.org/OAI/2.0/friends/}friends") is None
    repo_id = identify.find(".//{http://www.openarchives.org/OAI/2.0/oai-identifier}repositoryIdentifier")
    assert repo_id.text == "kazneb.kz"


def test_identify_names_only_enabled_partners_with_public_endpoints(hub_url, store):  # type: ignore[no-untyped-def]
    endpoints = {"public": ("https://oai.nlrk.kz/oai", True), "off": ("https://oai.off.kz/oai", False),
                 "loop": ("http://127.0.0.1:8080/oai", True), "lan": ("http://10.0.0.7/oai", True),
                 "sample": ("https://nabrk.example/oai", True), "local": ("http://localhost/oai", True),
                 "files": ("", True)}
    with store.session() as session:
        for partner_id, (url, enabled) in endpoints.items():
            store.upsert_partner(session, partner_id, base_url=url, enabled=enabled)
    identify = oai(hub_url, verb="Identify").find(f"{OAI}Identify")
    friends = identify.findall(".//{http://www.openarchives.org/OAI/2.0/friends/}baseURL")
    assert [f.text for f in friends] == ["https://oai.nlrk.kz/oai"]


def test_list_records_pages_cover_every_record_once(hub_url, collection):  # type: ignore[no-untyped-def]
    identifiers, tokens = harvest(hub_url, "ListRecords", metadataPrefix="oai_dc")
    expected = collection["alpha"] + collection["beta"]
    assert sorted(identifiers) == sorted(expected)
    assert len(identifiers) == len(set(identifiers)) == 30
    assert [t.get("cursor") for t in tokens] == ["0", "10", "20"]
    assert {t.get("completeListSize") for t in tokens} == {"30"}
    assert tokens[-1].text is None  # empty token on the last page


def test_multiple_of_page_size_has_no_extra_empty_page(store, hub_url):  # type: ignore[no-untyped-def]
    add_records(store, "alpha", range(20))  # page size 10 -> exactly two pages
    root = oai(hub_url, verb="ListRecords", metadataPrefix="oai_dc")
    token = root.find(f".//{OAI}resumptionToken")
    root = oai(hub_url, verb="ListRecords", resumptionToken=token.text)
    assert len(root.findall(f".//{OAI}record")) == 10
    last = root.find(f".//{OAI}resumptionToken")
    assert last.text is None and last.get("cursor") == "10" and last.get("completeListSize") == "20"


def test_single_page_list_has_no_token(store, hub_url):  # type: ignore[no-untyped-def]
    add_records(store, "alpha", range(4))
    root = oai(hub_url, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert len(root.findall(f".//{OAI}header")) == 4
    assert root.find(f".//{OAI}resumptionToken") is None


def test_list_identifiers_and_deleted_records(hub_url, collection):  # type: ignore[no-untyped-def]
    root = oai(hub_url, verb="ListIdentifiers", metadataPrefix="marcxml", set="partner:beta")
    headers = root.findall(f".//{OAI}header")
    assert len(headers) == 7
    deleted = [h.findtext(f"{OAI}identifier") for h in headers if h.get("status") == "deleted"]
    assert deleted == [collection["beta"][3]]
    record = oai(hub_url, verb="GetRecord", identifier=deleted[0], metadataPrefix="oai_dc")
    header = record.find(f".//{OAI}header")
    assert header.get("status") == "deleted"
    assert record.find(f".//{OAI}metadata") is None


def test_sets_filter_and_hierarchy(hub_url, collection):  # type: ignore[no-untyped-def]
    ids, _ = harvest(hub_url, "ListIdentifiers", metadataPrefix="oai_dc", set="access:read-only")
    assert sorted(ids) == sorted(collection["beta"])
    ids, _ = harvest(hub_url, "ListIdentifiers", metadataPrefix="oai_dc", set="partner")
    assert len(ids) == 30
    ids, _ = harvest(hub_url, "ListIdentifiers", metadataPrefix="oai_dc", set="lang:rus")
    assert ids and all(i in collection["alpha"] + collection["beta"] for i in ids)
    specs = []
    root = oai(hub_url, verb="ListSets")
    while True:
        specs += [s.text for s in root.iter(f"{OAI}setSpec")]
        token = root.find(f".//{OAI}resumptionToken")
        if token is None or not token.text:
            break
        root = oai(hub_url, verb="ListSets", resumptionToken=token.text)
    for spec in ("partner", "partner:alpha", "partner:beta", "access", "access:open", "access:read-only",
                 "type", "type:Text", "lang", "lang:kaz", "lang:rus", "lang:eng"):
        assert spec in specs
    assert len(specs) == len(set(specs))


def test_sets_every_record_is_in_list_everything(hub_url, store, collection):  # type: ignore[no-untyped-def]
    """``partner`` and ``access`` hold every record, tombstones too, without a row per record."""
    everything = sorted(collection["alpha"] + collection["beta"])
    for spec in ("partner", "access"):
        ids, _ = harvest(hub_url, "ListIdentifiers", metadataPrefix="mods", set=spec)
        assert sorted(ids) == everything
        first = oai(hub_url, verb="ListRecords", metadataPrefix="oai_dc", set=spec)
        assert first.find(f".//{OAI}resumptionToken").get("completeListSize") == "30"
    deleted = oai(hub_url, verb="GetRecord", identifier=collection["beta"][3], metadataPrefix="oai_dc")
    specs = {s.text for s in deleted.iter(f"{OAI}setSpec")}
    assert {"partner", "partner:beta", "access", "access:read-only"} <= specs
    with store.session() as session:
        stored = set(session.scalars(select(RecordSet.set_spec).distinct()))
    assert "partner:beta" in stored and not stored & {"partner", "access"}


def test_set_names_in_three_languages(hub_url, collection):  # type: ignore[no-untyped-def]
    root = oai(hub_url, verb="ListSets")
    names = {s.findtext(f"{OAI}setSpec"): s for s in root.iter(f"{OAI}set")}
    access = names["access"]
    langs = {t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in access.iterfind(".//dc:title", NS)}
    assert langs == {"kk", "ru", "en"}


def test_record_carries_access_level_and_provenance(hub_url, collection):  # type: ignore[no-untyped-def]
    beta = collection["beta"][0]
    root = oai(hub_url, verb="GetRecord", identifier=beta, metadataPrefix="oai_dc")
    rights = [r.text for r in root.iterfind(".//dc:rights", NS)]
    assert "http://purl.org/coar/access_right/c_16ec" in rights
    origin = root.find(".//prov:originDescription", NS)
    assert origin.findtext("prov:baseURL", namespaces=NS) == "http://127.0.0.1:9/beta/oai"
    assert origin.findtext("prov:identifier", namespaces=NS) == "oai:beta:100"
    marc = oai(hub_url, verb="GetRecord", identifier=beta, metadataPrefix="marcxml")
    assert marc.find(".//marc:datafield[@tag='506']", NS) is not None


def test_from_until_are_inclusive_and_day_granularity_works(store, hub_url):  # type: ignore[no-untyped-def]
    add_records(store, "alpha", range(3))
    root = oai(hub_url, verb="ListIdentifiers", metadataPrefix="oai_dc")
    stamps = sorted(d.text for d in root.iter(f"{OAI}datestamp"))
    exact = oai(hub_url, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": stamps[0], "until": stamps[-1]})
    assert len(exact.findall(f".//{OAI}header")) == 3
    day = stamps[0][:10]
    by_day = oai(hub_url, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": day, "until": day})
    assert len(by_day.findall(f".//{OAI}header")) == 3
    later = oai(hub_url, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2999-01-01"})
    assert error_codes(later) == ["noRecordsMatch"]


def test_post_is_answered_like_get(hub_url, collection):  # type: ignore[no-untyped-def]
    root = oai(hub_url, "POST", verb="ListIdentifiers", metadataPrefix="oai_dc", set="partner:beta")
    assert len(root.findall(f".//{OAI}header")) == 7


def test_gzip_when_accepted(hub_url, collection):  # type: ignore[no-untyped-def]
    response = requests.get(f"{hub_url}/oai", params={"verb": "ListRecords", "metadataPrefix": "oai_dc"},
                            headers={"Accept-Encoding": "gzip"}, timeout=30, stream=True)
    assert response.headers["Content-Encoding"] == "gzip"
    raw = response.raw.read(decode_content=False)
    root = assert_valid(gzip.decompress(raw))
    assert len(root.findall(f".//{OAI}record")) == 10


def test_list_metadata_formats(hub_url, collection):  # type: ignore[no-untyped-def]
    root = oai(hub_url, verb="ListMetadataFormats")
    prefixes = {p.text for p in root.iter(f"{OAI}metadataPrefix")}
    assert {"oai_dc", "marcxml"} <= prefixes
    root = oai(hub_url, verb="ListMetadataFormats", identifier=collection["alpha"][0])
    assert {"oai_dc", "marcxml"} <= {p.text for p in root.iter(f"{OAI}metadataPrefix")}


ERROR_CASES = [
    ({}, ["badVerb"]),
    ({"verb": "Frobnicate"}, ["badVerb"]),
    ({"verb": ["Identify", "Identify"]}, ["badVerb"]),
    ({"verb": "Identify", "extra": "1"}, ["badArgument"]),
    ({"verb": "ListRecords"}, ["badArgument"]),
    ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]}, ["badArgument"]),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-45"}, ["badArgument"]),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, ["badArgument"]),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01", "until": "2024-02-01T00:00:00Z"},
     ["badArgument"]),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-02-01", "until": "2024-01-01"},
     ["badArgument"]),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01T00:00:00"}, ["badArgument"]),
    ({"verb": "GetRecord", "identifier": "oai:kazneb.kz:x"}, ["badArgument"]),
    ({"verb": "ListSets", "set": "x"}, ["badArgument"]),
    ({"verb": "ListRecords", "resumptionToken": "garbage"}, ["badResumptionToken"]),
    ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
     ["badArgument", "badResumptionToken"]),
    ({"verb": "ListSets", "resumptionToken": "x"}, ["badResumptionToken"]),
    ({"verb": "ListRecords", "metadataPrefix": "xxx"}, ["cannotDisseminateFormat"]),
    ({"verb": "GetRecord", "identifier": "oai:kazneb.kz:nope", "metadataPrefix": "oai_dc"}, ["idDoesNotExist"]),
    ({"verb": "GetRecord", "identifier": "oai:elsewhere:1", "metadataPrefix": "oai_dc"}, ["idDoesNotExist"]),
    ({"verb": "ListMetadataFormats", "identifier": "oai:kazneb.kz:nope"}, ["idDoesNotExist"]),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "partner:nobody"}, ["noRecordsMatch"]),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "1990-01-01"}, ["noRecordsMatch"]),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "\x00\x01"}, ["badArgument"]),
]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("params", "codes"), ERROR_CASES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_error_conditions(hub_url, collection, params, codes, method):  # type: ignore[no-untyped-def]
    root = oai(hub_url, method, **params)
    assert sorted(error_codes(root)) == sorted(codes)
    request = root.find(f"{OAI}request")
    if {"badVerb", "badArgument"} & set(codes):
        assert dict(request.attrib) == {}, "badVerb/badArgument responses must not echo arguments"


def test_no_set_hierarchy_on_empty_repository(hub_url):  # type: ignore[no-untyped-def]
    root = oai(hub_url, verb="ListSets")
    assert error_codes(root) == ["noSetHierarchy"]
    root = oai(hub_url, verb="ListRecords", metadataPrefix="oai_dc")
    assert error_codes(root) == ["noRecordsMatch"]


def test_tampered_and_cross_verb_tokens_are_refused(hub_url, collection):  # type: ignore[no-untyped-def]
    root = oai(hub_url, verb="ListRecords", metadataPrefix="oai_dc")
    token = root.find(f".//{OAI}resumptionToken").text
    payload, _, signature = token.rpartition(".")
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
    assert error_codes(oai(hub_url, verb="ListRecords", resumptionToken=forged)) == ["badResumptionToken"]
    assert error_codes(oai(hub_url, verb="ListIdentifiers", resumptionToken=token)) == ["badResumptionToken"]
    assert error_codes(oai(hub_url, verb="ListRecords", resumptionToken=token[:-3])) == ["badResumptionToken"]


def test_tokens_survive_a_new_server_process(store, collection, settings):  # type: ignore[no-untyped-def]
    from kazneb.app import create_app
    from tests.services.live_server import live_server

    first, second = create_app(settings), create_app(settings)
    with live_server(first) as url:
        token = oai(url, verb="ListRecords", metadataPrefix="oai_dc").find(f".//{OAI}resumptionToken").text
    with live_server(second) as url:
        root = oai(url, verb="ListRecords", resumptionToken=token)
    assert len(root.findall(f".//{OAI}record")) == 10


def test_illegal_xml_characters_never_reach_a_response(store, hub_url):  # type: ignore[no-untyped-def]
    from crosswalks.model import Title
    from repository.store import IncomingRecord
    from tests.oai_helpers import make_record

    with store.session() as session:
        store.upsert_partner(session, "dirty", names={"en": "Dirty\x07 data"})
        record = make_record(1, titles=[Title("Bad\x00\x1b title \ud800 here")])
        store.write_record(session, IncomingRecord("dirty", "k1", record, raw="\x01raw"))
    root = oai(hub_url, verb="ListRecords", metadataPrefix="oai_dc")
    assert "Bad title  here" in [t.text for t in root.iterfind(".//dc:title", NS)]
    oai(hub_url, verb="ListRecords", metadataPrefix="marcxml")
    oai(hub_url, verb="ListSets")


def test_changes_during_a_harvest_are_never_lost_or_repeated(store, hub_url):  # type: ignore[no-untyped-def]
    """Records updated and inserted mid-list come once in this list or in the next one."""
    ids = add_records(store, "alpha", range(25))
    started = oai(hub_url, verb="ListIdentifiers", metadataPrefix="oai_dc")
    response_date = started.findtext(f"{OAI}responseDate")
    seen = [h.findtext(f"{OAI}identifier") for h in started.iter(f"{OAI}header")]
    time.sleep(3.1)  # past the store's two-second test lag and the one-second granularity
    from repository.store import IncomingRecord
    from tests.oai_helpers import make_record

    with store.session() as session:  # change one record already sent and one not yet sent
        for i in (0, 20):
            store.write_record(session, IncomingRecord("alpha", f"oai:alpha:{i}", make_record(i, edition="2-е изд.")))
    new_ids = add_records(store, "alpha", range(25, 28))
    token = started.find(f".//{OAI}resumptionToken").text
    rest, _ = harvest_from_token(hub_url, token)
    first_list = seen + rest
    assert len(first_list) == len(set(first_list))
    assert not set(new_ids) & set(first_list)
    incremental, _ = harvest(hub_url, "ListIdentifiers", metadataPrefix="oai_dc", **{"from": response_date})
    assert set(first_list) | set(incremental) == set(ids) | set(new_ids)
    assert {ids[0], ids[20]} <= set(incremental)


def harvest_from_token(url: str, token: str) -> tuple[list[str], list]:
    identifiers: list[str] = []
    while token:
        root = oai(url, verb="ListIdentifiers", resumptionToken=token)
        if error_codes(root) == ["noRecordsMatch"]:
            break
        identifiers += [h.findtext(f"{OAI}identifier") for h in root.iter(f"{OAI}header")]
        element = root.find(f".//{OAI}resumptionToken")
        token = element.text if element is not None else None
    return identifiers, []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("accept", "expected"), [
    ("gzip", "gzip"), ("deflate", "deflate"), ("gzip;q=0, deflate", "deflate"), ("br;q=1, gzip;q=0", None),
    ("identity", None), ("gzip;q=bogus", None),
])
def test_content_encoding_negotiation(hub_url, collection, accept, expected):  # type: ignore[no-untyped-def]
    import zlib

    response = requests.get(f"{hub_url}/oai", params={"verb": "Identify"}, headers={"Accept-Encoding": accept},
                            timeout=30, stream=True)
    assert response.headers.get("Content-Encoding") == expected
    raw = response.raw.read(decode_content=False)
    body = {"gzip": gzip.decompress, "deflate": zlib.decompress, None: lambda b: b}[expected](raw)
    assert assert_valid(body).find(f"{OAI}Identify") is not None


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_record_changed_in_the_lists_first_second_is_not_sent_twice(store, hub_url):  # type: ignore[no-untyped-def]
    """Lists end before the current second, so a quick re-stamp cannot put a sent record back in."""
    ids = add_records(store, "alpha", range(20))  # stamped two seconds ago (fixture)
    store.clock = lambda: int(time.time())  # from now on: real time, as in production
    first = oai(hub_url, verb="ListIdentifiers", metadataPrefix="oai_dc")
    sent = [h.findtext(f"{OAI}identifier") for h in first.iter(f"{OAI}header")]
    from repository.store import IncomingRecord
    from tests.oai_helpers import make_record

    with store.session() as session:  # same second as the first request, record already sent
        store.write_record(session, IncomingRecord("alpha", "oai:alpha:0", make_record(0, edition="3-е изд.")))
    rest, _ = harvest_from_token(hub_url, first.find(f".//{OAI}resumptionToken").text)
    whole = sent + rest
    assert len(whole) == len(set(whole)) == 20
    assert set(whole) == set(ids)
    later = oai(hub_url, verb="ListIdentifiers", metadataPrefix="oai_dc",
                **{"from": first.findtext(f"{OAI}responseDate")})
    if error_codes(later) == ["noRecordsMatch"]:  # the update is still in the current second
        time.sleep(1.1)
        later = oai(hub_url, verb="ListIdentifiers", metadataPrefix="oai_dc",
                    **{"from": first.findtext(f"{OAI}responseDate")})
    assert ids[0] in [h.findtext(f"{OAI}identifier") for h in later.iter(f"{OAI}header")]
