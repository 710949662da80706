"""/api over real HTTP: search answers, paging, records with OAI links, errors naming the parameter."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests
from lxml import etree

from tests.search.corpus import CORPUS


def get(url: str, path: str, **params):  # type: ignore[no-untyped-def]
    return requests.get(url + path, params=params, timeout=30)


def test_search_answer_shape(api_url: str) -> None:
    answer = get(api_url, "/api/search", q="қазақ әдебиеті").json()
    assert answer["total"] == 2
    assert {r["title"] for r in answer["results"]} == {"Қазақ әдебиеті тарихы", "Qazaq ädebietı: zamanaui kezeñ"}
    result = answer["results"][0]
    assert set(result) == {"id", "title", "creators", "year", "languages", "kind", "access", "partners", "holdings",
                           "highlight"}
    assert result["holdings"] == [{"partner": result["partners"][0], "access": result["access"],
                                   "identifier": f"oai:kazneb.kz:{result['id']}"}]  # a record alone: itself
    assert "<mark>" in result["highlight"]["title"]
    assert set(answer["facets"]) == {"language", "kind", "access", "partner", "subject", "year"}
    assert answer["facets"]["language"] == [{"value": "kaz", "count": 2}]
    assert answer["next_cursor"] is None


def test_filters_sort_and_cursor_paging(api_url: str) -> None:
    answer = get(api_url, "/api/search", q="*", language=["rus", "eng"], sort="year_desc", size=2).json()
    assert answer["total"] == 6
    seen = [r["id"] for r in answer["results"]]
    while answer["next_cursor"]:
        answer = get(api_url, "/api/search", q="*", language=["rus", "eng"], sort="year_desc", size=2,
                     cursor=answer["next_cursor"]).json()
        seen.extend(r["id"] for r in answer["results"])
    assert len(seen) == len(set(seen)) == 6
    years = get(api_url, "/api/search", year_from=1990, year_to=2015, sort="year_asc").json()
    assert [r["year"] for r in years["results"]] == [1995, 2005, 2010, 2015]


def test_facets_leave_out_their_own_filter(api_url: str) -> None:
    answer = get(api_url, "/api/search", q="*", language="kaz", access=["open", "read-only"]).json()
    assert answer["total"] == 3 and len(answer["results"]) == 3
    facets = {name: {b["value"]: b["count"] for b in buckets} for name, buckets in answer["facets"].items()}
    assert facets["language"] == {"kaz": 3, "rus": 3, "eng": 3}  # open or read-only, any language
    assert facets["access"] == {"open": 2, "read-only": 1, "preview-24": 1}  # Kazakh, any access
    assert facets["kind"] == {"book": 3}
    assert facets["partner"] == {"nabrk": 2, "kaznu": 1}
    chosen = get(api_url, "/api/search", q="*", language="kaz", subject="Libraries").json()
    assert chosen["total"] == 0
    assert chosen["facets"]["subject"][-1] == {"value": "Libraries", "count": 0}
    assert chosen["facets"]["language"] == [{"value": "eng", "count": 1}, {"value": "kaz", "count": 0}]


def test_record_with_links_to_its_oai_renderings(api_url: str) -> None:
    hit = get(api_url, "/api/search", q='"Война и мир"').json()["results"][0]
    record = get(api_url, "/api/records/" + quote(hit["id"], safe=":/")).json()
    assert record["record"]["titles"][0]["value"] == "Война и мир"
    assert record["access"] == "read-only" and record["actions"] == ["read_online"]
    assert record["partners"] == ["nabrk"]
    assert set(record["links"]["oai"]) == {"oai_dc", "marcxml", "mods"}
    oai = requests.get(record["links"]["oai"]["oai_dc"], timeout=30)
    header_id = etree.fromstring(oai.content).findtext(".//{http://www.openarchives.org/OAI/2.0/}identifier")
    assert oai.status_code == 200 and header_id == record["oai_identifier"] and "Война и мир" in oai.text
    by_oai_id = get(api_url, "/api/records/" + quote(record["oai_identifier"], safe=":/")).json()
    assert by_oai_id["id"] == hit["id"]
    # its source key holds '/', '?', '%', '#' and a space: the links escape what a URL would misread
    assert "?" in hit["id"] and "%" in hit["id"]
    assert requests.get(record["links"]["self"], timeout=30).json()["id"] == hit["id"]
    page = requests.get(record["links"]["page"], timeout=30)
    assert page.status_code == 200 and "Война и мир" in page.text


def test_unknown_record_is_404_json(api_url: str) -> None:
    answer = get(api_url, "/api/records/nabrk.nothing-here")
    assert answer.status_code == 404 and answer.json()["error"] == "not_found"


@pytest.mark.parametrize(("params", "parameter"), [
    ({"size": "0"}, "size"), ({"size": "101"}, "size"), ({"size": "ten"}, "size"),
    ({"sort": "random"}, "sort"), ({"year_from": "MCM"}, "year_from"),
    ({"year_from": "2000", "year_to": "1990"}, "year_to"), ({"access": "secret"}, "access"),
    ({"cursor": "%%%"}, "cursor"), ({"q": "year:someday"}, "q"), ({"colour": "red"}, "colour"),
    ({"q": ["a", "b"]}, "q"), ({"q": "x" * 1001}, "q"), ({"language": ""}, "language"),
])
def test_bad_parameters_are_400_naming_the_parameter(api_url: str, params: dict, parameter: str) -> None:
    answer = get(api_url, "/api/search", **params)
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "bad_parameter" and body["parameter"] == parameter and body["message"]


def test_openapi_document_describes_the_api(api_url: str) -> None:
    document = get(api_url, "/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/search", "/records/{record_id}"} <= set(document["paths"])
    names = {p["name"] for p in document["paths"]["/search"]["get"]["parameters"]}
    assert {"q", "partner", "language", "kind", "access", "year_from", "year_to", "subject", "sort", "size",
            "cursor"} == names
    assert len(CORPUS) == get(api_url, "/api/search").json()["total"]
