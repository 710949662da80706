"""The IIIF image service and its probes over real HTTP, on copies deposited at every level.

The cap is the image: for read-only and preview-24 copies, ``info.json`` gives the capped size,
no answer is larger than the cap whatever it asks, and the tiles put together make the capped
page and nothing sharper.  Open copies give the original's pixels.  A withdrawn copy gives no
image, and its probe says so.
"""

from __future__ import annotations

import http.client
import io
from urllib.parse import urlsplit

from PIL import Image, ImageChops, ImageStat

from objects import derivatives, generated
from tests.objects.iiif_helpers import CAP, PAGE, serving, tiles, withdraw

LEVELS = ["open", "read-only", "preview-24"]
CAPPED = (round(CAP * PAGE[0] / PAGE[1]), CAP)
IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
AUTH_CONTEXT = "http://iiif.io/api/auth/2/context.json"



def test_info_json_describes_the_page_at_the_size_the_level_allows(copies, served) -> None:  # type: ignore[no-untyped-def]
    for level, object_id in copies.items():
        answer = served.get(f"/iiif/3/{object_id}/p2/info.json")
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == f'application/ld+json;profile="{IMAGE_CONTEXT}"'
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        assert answer.headers["Link"] == '<http://iiif.io/api/image/3/level2.json>;rel="profile"'
        info = answer.json()
        assert list(info)[0] == "@context" and info["@context"] == [AUTH_CONTEXT, IMAGE_CONTEXT]
        assert info["id"] == f"{served.url}/iiif/3/{object_id}/p2"
        assert (info["type"], info["protocol"], info["profile"]) == ("ImageService3", "http://iiif.io/api/image",
                                                                     "level2")
        expected = PAGE if level == "open" else CAPPED
        assert (info["width"], info["height"]) == expected
        assert (info["maxWidth"], info["maxHeight"]) == expected
        assert all(isinstance(info[key], int) for key in ("width", "height", "maxWidth", "maxHeight"))
        assert info["tiles"] == [{"type": "Tile", "width": 512, "height": 512,
                                  "scaleFactors": [1, 2] if level == "open" else [1]}]
        assert info["sizes"][-1] == {"type": "Size", "width": expected[0], "height": expected[1]}
        assert all(max(size["width"], size["height"]) <= max(expected) for size in info["sizes"])
        assert "sizeUpscaling" in info["extraFeatures"] and "gray" in info["extraQualities"]
        probe = info["service"][0]
        assert probe["id"] == f"{served.url}/iiif/3/{object_id}/probe" and probe["type"] == "AuthProbeService2"
        access = probe["service"][0]
        assert (access["type"], access["profile"]) == ("AuthAccessService2", "external")
        assert access["service"] == [{"id": f"{served.url}/iiif/3/auth/token", "type": "AuthAccessTokenService2"}]


def test_info_json_content_negotiation_and_base_uri_redirect(copies, served) -> None:  # type: ignore[no-untyped-def]
    object_id = copies["open"]
    plain = served.get(f"/iiif/3/{object_id}/p1/info.json", headers={"Accept": "application/json"})
    assert plain.headers["Content-Type"] == "application/json"
    linked = served.get(f"/iiif/3/{object_id}/p1/info.json", headers={"Accept": "application/ld+json"})
    assert linked.headers["Content-Type"].startswith("application/ld+json")
    base = served.get(f"/iiif/3/{object_id}/p1")
    assert base.status_code == 303 and base.headers["Location"].endswith(f"/iiif/3/{object_id}/p1/info.json")
    preflight = requests_options(served.url + f"/iiif/3/{object_id}/probe")
    assert preflight.status == 200 and preflight.getheader("Access-Control-Allow-Origin") == "*"
    assert "Authorization" in preflight.getheader("Access-Control-Allow-Headers")


def requests_options(url: str) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("OPTIONS", parts.path, headers={"Origin": "https://viewer.example",
                                                       "Access-Control-Request-Method": "GET",
                                                       "Access-Control-Request-Headers": "Authorization"})
    return connection.getresponse()


#: (request, status for open, status for a capped copy); sizes written for a 600 x 850 page capped to 212 x 300.
REQUESTS = [
    ("full/max/0/default.jpg", 200, 200),
    ("pct:0,0,100,100/max/0/default.jpg", 200, 200),
    ("full/pct:100/0/default.jpg", 200, 200),
    ("full/^max/0/default.jpg", 200, 200),
    ("square/max/0/default.jpg", 200, 200),
    ("0,0,512,512/max/0/default.jpg", 200, 200),
    ("0,0,99999,99999/max/0/default.jpg", 200, 200),  # cut at the page's edge
    ("10,10,100,100/^max/0/default.png", 200, 200),  # the region enlarged up to the service's own size
    ("full/max/90/gray.jpg", 200, 200),
    ("full/max/!180/bitonal.png", 200, 200),
    ("full/!150,150/0/color.jpg", 200, 200),
    ("full/^!5000,5000/0/default.jpg", 200, 200),  # as large as the limits allow
    ("full/^601,/0/default.jpg", 400, 400),  # upscaled beyond the service
    ("full/^301,/0/default.jpg", 200, 400),  # beyond the cap, within the open page
    ("full/^,851/0/default.jpg", 400, 400),
    ("full/^pct:200/0/default.jpg", 400, 400),
    ("full/^2000,2000/0/default.jpg", 400, 400),
    ("full/601,/0/default.jpg", 400, 400),  # larger than the region without ^
    ("full/213,/0/default.jpg", 200, 400),
    ("full/pct:101/0/default.jpg", 400, 400),
    ("600,0,10,10/max/0/default.jpg", 400, 400),  # wholly outside the open page
    ("212,0,10,10/max/0/default.jpg", 200, 400),  # wholly outside the capped page
    ("0,0,0,10/max/0/default.jpg", 400, 400),
    ("pct:100,0,10,10/max/0/default.jpg", 400, 400),
]


def test_every_level_answers_the_table_and_no_capped_answer_exceeds_the_cap(copies, served) -> None:  # type: ignore[no-untyped-def]
    for level, object_id in copies.items():
        info = served.info(object_id)
        for request, open_status, capped_status in REQUESTS:
            expected = open_status if level == "open" else capped_status
            answer = served.get(f"/iiif/3/{object_id}/p1/{request}")
            assert answer.status_code == expected, f"{level} {request}: {answer.status_code} {answer.text}"
            assert answer.headers["Access-Control-Allow-Origin"] == "*"
            if answer.status_code != 200:
                assert answer.headers["Content-Type"].startswith("text/plain") and answer.text.strip()
                continue
            picture = Image.open(io.BytesIO(answer.content))
            assert picture.format == ("PNG" if request.endswith(".png") else "JPEG")
            assert max(picture.size) <= max(info["width"], info["height"])
            if level != "open":
                assert max(picture.size) <= CAP, f"{request} answered {picture.size}"
        assert served.image(object_id, "full/max/0/default.jpg").size == (info["width"], info["height"])
        assert served.image(object_id, "full/^max/0/default.jpg").size == (info["width"], info["height"])
        side = min(info["width"], info["height"])  # a 100-pixel square enlarged until it meets a limit
        assert served.image(object_id, "10,10,100,100/^max/0/default.png").size == (side, side)


def test_the_tiles_of_a_capped_copy_make_the_capped_page_and_nothing_sharper(hub, served) -> None:  # type: ignore[no-untyped-def]
    scan = generated.tiff(hub.folder / "big.tif", pages=1, dpi=300, width=1800, height=2400, color=True)
    object_id = hub.deposit([scan], record=hub.records[0], access="read-only").object_id
    info = served.info(object_id)
    assert (info["width"], info["height"]) == (225, 300)
    for scale in info["tiles"][0]["scaleFactors"]:
        page = Image.new("RGB", (-(-info["width"] // scale), -(-info["height"] // scale)))
        for request, place in tiles(info, scale):
            tile = served.image(object_id, request)
            assert max(tile.size) <= CAP
            page.paste(tile, place)
        assert page.size == (225, 300)
    whole = served.image(object_id, "full/max/0/default.png").convert("RGB")
    assert whole.size == page.size
    assert max(ImageStat.Stat(ImageChops.difference(whole, page)).mean) < 2


def test_an_open_copy_gives_the_original_pixels(hub, served) -> None:  # type: ignore[no-untyped-def]
    scan = generated.tiff(hub.folder / "scan.tif", pages=2, dpi=300, width=1000, height=1300, color=True)
    pages = generated.jpeg_pages(hub.folder / "jpegs", pages=2, width=640, height=800)
    book = hub.pdf("open.pdf", pages=1, dpi=300, width=700, height=990)
    object_id = hub.deposit([book, scan, *pages], record=hub.records[2], access="open").object_id
    sizes = [(700, 990), (1000, 1300), (1000, 1300), (640, 800), (640, 800)]
    for number, size in enumerate(sizes, 1):
        info = served.info(object_id, number)
        assert (info["width"], info["height"]) == size
        assert served.image(object_id, "full/max/0/default.jpg", number).size == size
    assert served.get(f"/iiif/3/{object_id}/p6/info.json").status_code == 404
    original = Image.open(scan)
    original.seek(1)
    served_page = served.image(object_id, "full/max/0/default.png", 3).convert("RGB")
    assert max(ImageStat.Stat(ImageChops.difference(original.convert("RGB"), served_page)).mean) < 3


def test_a_withdrawn_copy_gives_no_image_and_its_probe_says_so(hub, copies, served) -> None:  # type: ignore[no-untyped-def]
    object_id = copies["read-only"]
    assert served.get(f"/iiif/3/{object_id}/p1/full/max/0/default.jpg").status_code == 200
    withdraw(hub.store, object_id)
    for path in ("p1/info.json", "p1/full/max/0/default.jpg", "p1/0,0,100,100/100,/0/default.jpg", "p4/info.json"):
        answer = served.get(f"/iiif/3/{object_id}/{path}")
        assert answer.status_code == 403 and "withdrawn" in answer.text
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
    probe = served.get(f"/iiif/3/{object_id}/probe")
    assert probe.status_code == 200
    result = probe.json()
    assert result["@context"] == AUTH_CONTEXT and result["type"] == "AuthProbeResult2"
    assert result["status"] == 403 and result["heading"]["en"] == ["Withdrawn"] and "substitute" not in result
    assert set(result["heading"]) == set(result["note"]) == {"kk", "ru", "en"}
    assert served.get(f"/iiif/3/{object_id}/download/probe").json()["status"] == 403


def test_the_probes_say_what_each_level_allows(copies, served) -> None:  # type: ignore[no-untyped-def]
    for level, object_id in copies.items():
        probe = served.get(f"/iiif/3/{object_id}/probe", headers={"Authorization": "Bearer whatever"})
        assert probe.status_code == 200 and probe.headers["Access-Control-Allow-Origin"] == "*"
        result = probe.json()
        assert result["status"] == 200 and "substitute" not in result  # the page images are served at every level
        assert result["heading"]["en"] == [{"open": "Open access", "read-only": "Read online only",
                                            "preview-24": "Read online; the first 24 pages may be copied"}[level]]
        if level != "open":
            assert f"at most {CAP} pixels" in result["note"]["en"][0]
        download = served.get(f"/iiif/3/{object_id}/download/probe").json()
        assert download["status"] == (200 if level == "open" else 403)
        if level == "preview-24":
            assert download["substitute"] == [{
                "id": f"{served.url}/objects/{object_id}/excerpt", "type": "Text", "format": "application/pdf",
                "label": {"kk": ["Алғашқы 24 бет (PDF)"], "ru": ["Первые 24 страницы (PDF)"],
                          "en": ["The first 24 pages (PDF)"]}}]
        else:
            assert "substitute" not in download
    assert served.get("/iiif/3/k7m2x9qd4a/probe").status_code == 404


def test_the_token_service_posts_a_token_to_the_viewer_only(served) -> None:  # type: ignore[no-untyped-def]
    page = served.get("/iiif/3/auth/token", params={"messageId": "m1", "origin": "https://viewer.example"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert '"type": "AuthAccessToken2"' in page.text and '"messageId": "m1"' in page.text
    assert page.text.count('"https://viewer.example"') == 1
    sneaky = served.get("/iiif/3/auth/token", params={"messageId": "</script><script>alert(1)//",
                                                      "origin": "https://viewer.example"})
    assert sneaky.status_code == 200 and "</script><script>" not in sneaky.text
    for params in ({"messageId": "m1"}, {"origin": "https://viewer.example"},
                   {"messageId": "m1", "origin": "javascript:alert(1)"}):
        assert served.get("/iiif/3/auth/token", params=params).status_code == 400


#: Malformed parameters are 400; valid ones this service does not offer are 501.
SYNTAX = [
    ("nonsense/max/0/default.jpg", 400), ("1,2,3/max/0/default.jpg", 400), ("-1,0,10,10/max/0/default.jpg", 400),
    ("pct:a,0,1,1/max/0/default.jpg", 400), ("full/full/0/default.jpg", 400), ("full/0,/0/default.jpg", 400),
    ("full/,0/0/default.jpg", 400), ("full/pct:0/0/default.jpg", 400), ("full/!0,10/0/default.jpg", 400),
    ("full/max/-90/default.jpg", 400), ("full/max/361/default.jpg", 400), ("full/max/x/default.jpg", 400),
    ("full/max/22.5/default.jpg", 501), ("full/max/!45/default.png", 501), ("full/max/0/native.jpg", 400),
    ("full/max/0/default.gif", 501), ("full/max/0/default.tif", 501), ("full/max/0/default.xyz", 400),
    ("full/max/0/default", 400), ("full/max/360/default.jpg", 200), ("full/max/0/color.png", 200),
]


def test_request_syntax_is_answered_as_the_image_api_says(copies, served) -> None:  # type: ignore[no-untyped-def]
    object_id = copies["preview-24"]
    for request, status in SYNTAX:
        answer = served.get(f"/iiif/3/{object_id}/p1/{request}")
        assert answer.status_code == status, f"{request}: {answer.status_code} {answer.text}"


def test_no_such_copy_or_page_is_404_and_paths_lead_nowhere_else(hub, copies, served) -> None:  # type: ignore[no-untyped-def]
    object_id = copies["open"]
    agreement = "p1-15-2024"  # an OCFL object of the depository, not a copy
    for path in (f"{object_id}/p0/info.json", f"{object_id}/p4/info.json", f"{object_id}/p4/full/max/0/default.jpg",
                 f"{object_id}/page1/info.json", f"{object_id}/p01/info.json", "k7m2x9qd4a/p1/info.json",
                 f"{agreement}/p1/info.json", "NOT_AN_ID/p1/info.json", f"{object_id}/p1/full/max/0/a/default.jpg"):
        assert served.get(f"/iiif/3/{path}").status_code == 404, path
    parts = urlsplit(served.url)
    for raw in (f"/iiif/3/{object_id}/p1/../../../../etc/passwd", f"/iiif/3/{object_id}/..%2F..%2Fetc/info.json",
                f"/iiif/3/..%2F{object_id}/p1/info.json", f"/iiif/3/{object_id}/p1/..%2F..%2F/max/0/default.jpg",
                f"/iiif/3/{object_id}%2Fp1/p1/info.json"):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request("GET", raw)
        answer = connection.getresponse()
        body = answer.read()
        assert answer.status in (308, 400, 404), f"{raw}: {answer.status}"  # 308: werkzeug merges "//"
        assert b"root:" not in body


def test_the_first_view_of_a_page_makes_its_derivative(hub, copies, served) -> None:  # type: ignore[no-untyped-def]
    object_id = copies["preview-24"]
    target = derivatives.page_path(served.cache, object_id, 1, 3, "capped")
    assert not target.exists()
    assert served.image(object_id, "full/max/0/default.jpg", 3).size == CAPPED
    assert target.exists() and not derivatives.page_path(served.cache, object_id, 1, 3, "full").exists()
    assert not derivatives.page_path(served.cache, object_id, 1, 2, "capped").exists()


def test_page_images_are_rate_limited_per_client(hub, copies, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    object_id = copies["read-only"]
    with serving(settings, hub.store, hub.depository.root, tmp_path / "limited",
                 **{"delivery.image_rate_limit": "3 per minute"}) as limited:
        for _ in range(3):
            assert limited.get(f"/iiif/3/{object_id}/p1/0,0,100,100/100,/0/default.jpg").status_code == 200
        refused = limited.get(f"/iiif/3/{object_id}/p1/full/max/0/default.jpg")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 61  # the rest of the minute's window
        assert refused.headers["Access-Control-Allow-Origin"] == "*"
        assert limited.get(f"/iiif/3/{object_id}/p1/info.json").status_code == 200  # information is not counted
        assert limited.get(f"/iiif/3/{object_id}/probe").status_code == 200


def test_behind_a_trusted_proxy_each_reader_has_a_count_of_their_own(hub, copies, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"/iiif/3/{copies['open']}/p1/0,0,50,50/50,/0/default.jpg"

    def status(served, forwarded: str) -> int:  # type: ignore[no-untyped-def]
        return served.get(url, headers={"X-Forwarded-For": forwarded}).status_code

    with serving(settings, hub.store, hub.depository.root, tmp_path / "proxied",
                 **{"delivery.image_rate_limit": "2 per minute", "delivery.trusted_proxies": 1}) as proxied:
        assert [status(proxied, "10.0.0.1") for _ in range(3)] == [200, 200, 429]
        assert status(proxied, "10.0.0.2") == 200  # another reader behind the same proxy
        assert status(proxied, "6.6.6.6, 10.0.0.1") == 429  # what a client puts before the proxy's entry is not its
    with serving(settings, hub.store, hub.depository.root, tmp_path / "direct",
                 **{"delivery.image_rate_limit": "2 per minute"}) as direct:
        assert [status(direct, f"10.0.0.{n}") for n in range(3)] == [200, 200, 429]  # untrusted: the connection's
