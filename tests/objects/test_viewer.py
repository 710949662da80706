"""The manifest and the reading page over real HTTP, at every level and withdrawn: the route × level table
of issue 20, validated with iiif-prezi3's models, and the page read without JavaScript.

What must hold: a manifest offers a ``rendering`` only where the level allows a download (the
copy for open, the excerpt for preview-24, nothing for read-only); its canvases are as large as
their image services; the reading page's images never ask more than the service gives, and a
read-only copy's page has no download link.
"""

from __future__ import annotations

import json
import re

from iiif_prezi3 import Manifest

from tests.objects.iiif_helpers import CAP, PAGE, withdraw

LEVELS = ["open", "read-only", "preview-24"]
CAPPED = (round(CAP * PAGE[0] / PAGE[1]), CAP)
#: Route × level → status (withdrawn: 403 at every level).
TABLE = {"view": {"open": 200, "read-only": 200, "preview-24": 200},
         "manifest": {"open": 200, "read-only": 200, "preview-24": 200}}



def test_the_route_level_table_for_view_and_manifest(hub, copies, served) -> None:  # type: ignore[no-untyped-def]
    for route, statuses in TABLE.items():
        for level, status in statuses.items():
            assert served.get(f"/objects/{copies[level]}/{route}").status_code == status, (route, level)
    for level, object_id in copies.items():
        withdraw(hub.store, object_id)
        for route in TABLE:
            answer = served.get(f"/objects/{object_id}/{route}", headers={"Accept-Language": "en"})
            assert answer.status_code == 403, (route, level)
            assert 'data-reason="withdrawn"' in answer.text and "withdrawn" in answer.text
    assert served.get("/objects/nosuchcopy/view").status_code == 404
    assert served.get("/objects/nosuchcopy/manifest").status_code == 404


def test_the_manifest_of_each_level_is_valid_and_offers_only_what_the_level_allows(copies, served) -> None:  # type: ignore[no-untyped-def]
    for level, object_id in copies.items():
        answer = served.get(f"/objects/{object_id}/manifest")
        assert answer.headers["Content-Type"].startswith("application/ld+json")
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        document = answer.json()
        Manifest(**{k: v for k, v in document.items() if k != "@context"})  # raises if not Presentation 3.0
        assert document["id"] == f"{served.url}/objects/{object_id}/manifest"
        assert len(document["items"]) == 3
        for number, canvas in enumerate(document["items"], 1):
            assert set(canvas["label"]) == {"kk", "ru", "en"}
            body = canvas["items"][0]["items"][0]["body"]
            service = body["service"][0]
            assert service["id"] == f"{served.url}/iiif/3/{object_id}/p{number}"
            assert body["id"] == service["id"] + "/full/max/0/default.jpg"
            info = served.info(object_id, number)
            size = (canvas["width"], canvas["height"])
            assert size == (info["width"], info["height"]) == (body["width"], body["height"])
            assert (canvas["width"], canvas["height"]) == (PAGE if level == "open" else CAPPED)
            assert service["service"][0] == {"id": info["service"][0]["id"], "type": "AuthProbeService2"}
        for field in document["metadata"]:
            assert set(field["label"]) == {"kk", "ru", "en"}
        probes = [service["id"] for service in document["services"]]
        assert probes == [f"{served.url}/iiif/3/{object_id}/probe", f"{served.url}/iiif/3/{object_id}/download/probe"]
        assert document["homepage"][0]["id"].startswith(f"{served.url}/record/")
        rendering = document.get("rendering")
        if level == "open":
            assert rendering == [{"id": f"{served.url}/objects/{object_id}/download", "type": "Text",
                                  "label": rendering[0]["label"], "format": "application/pdf"}]
        elif level == "preview-24":
            assert [r["id"] for r in rendering] == [f"{served.url}/objects/{object_id}/excerpt"]
        else:
            assert rendering is None and "/download\"" not in answer.text and "/excerpt" not in answer.text
        for item in rendering or []:
            assert served.get(item["id"].removeprefix(served.url)).status_code == 200
        for_mirador = served.get(f"/objects/{object_id}/manifest?probes=none").json()
        assert "services" not in for_mirador and "AuthProbeService2" not in json.dumps(for_mirador)
        assert [c["id"] for c in for_mirador["items"]] == [c["id"] for c in document["items"]]
        assert for_mirador.get("rendering") == document.get("rendering")


def test_the_reading_page_pages_and_zooms_without_javascript(copies, served) -> None:  # type: ignore[no-untyped-def]
    object_id = copies["read-only"]
    first = served.get(f"/objects/{object_id}/view")
    assert first.status_code == 200  # the <img> and links below work with scripts off (Mirador, if installed, adds one)
    images = re.findall(r'<img class="page-image" src="([^"]+)"', first.text)
    assert images == [f"/iiif/3/{object_id}/p1/full/{CAPPED[0]},/0/default.jpg"]
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    second = served.get(f"/objects/{object_id}/view?page=2&zoom=5")
    assert f"/iiif/3/{object_id}/p2/full/{CAPPED[0]},/0/default.jpg" in second.text
    assert 'rel="prev"' in second.text and "zoom-in" not in second.text
    last = served.get(f"/objects/{object_id}/view?page=3")
    assert 'rel="next"' not in last.text
    for bad in ("0", "4", "x", "-1"):
        assert served.get(f"/objects/{object_id}/view?page={bad}").status_code == 404
    assert served.get(images[0]).status_code == 200


def test_the_reading_page_never_asks_more_than_the_service_and_links_only_what_is_allowed(copies, served) -> None:  # type: ignore[no-untyped-def]
    for level, object_id in copies.items():
        width = served.info(object_id)["width"]
        for zoom in range(8):
            page = served.get(f"/objects/{object_id}/view?zoom={zoom}").text
            asked = [int(w) for w in re.findall(r"/full/(\d+),/0/default\.jpg", page)]
            assert asked and all(w <= width for w in asked), (level, zoom, asked)
        links = re.findall(r'href="([^"]+)"', page)
        downloads = [link for link in links if "/download" in link or "/files/" in link]
        excerpts = [link for link in links if "/excerpt" in link]
        assert downloads == ([f"/objects/{object_id}/download"] if level == "open" else [])
        assert excerpts == ([f"/objects/{object_id}/excerpt"] if level == "preview-24" else [])
        assert f"/objects/{object_id}/manifest" in links
    read_only = copies["read-only"]
    assert served.get(f"/objects/{read_only}/download").status_code == 403


def turned_jpeg(path, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    """A JPEG stored ``size`` wide and high whose EXIF orientation (6) shows it turned a quarter."""
    import pyvips

    from objects import generated

    page = generated.page_image(1, size)
    image = pyvips.Image.new_from_memory(page.tobytes(), page.width, page.height, 1, "uchar").copy(
        xres=300 / 25.4, yres=300 / 25.4)
    image.set_type(pyvips.GValue.gint_type, "orientation", 6)
    image.jpegsave(str(path), Q=90)
    return path


def test_the_first_manifest_of_a_long_book_draws_no_page_and_each_canvas_is_its_service(hub, served) -> None:  # type: ignore[no-untyped-def]
    """A 60-page PDF (at 237 dpi: its pages' points are no whole pixels), a TIFF and a turned JPEG:
    the manifest measures every page without drawing one, and every canvas is as large as its
    page's ``info.json`` and ``full/max`` image, both made only when asked for afterwards."""
    from objects import generated

    book = hub.pdf("long.pdf", pages=60, dpi=237, width=611, height=863)
    scan = generated.tiff(hub.folder / "scan.tif", pages=2, dpi=300, width=700, height=1000)
    turned = turned_jpeg(hub.folder / "turned.jpg", (520, 380))
    full = [(611, 863)] * 60 + [(700, 1000)] * 2 + [(380, 520)]
    for level, record in (("read-only", 0), ("open", 1)):
        object_id = hub.deposit([book, scan, turned], record=hub.records[record], access=level).object_id
        pages = served.cache / "pages" / object_id
        answer = served.get(f"/objects/{object_id}/manifest")
        assert answer.status_code == 200
        assert not list(pages.rglob("*.tif")), "the manifest drew pages"
        kept = next(pages.rglob("sizes.json"))
        stamp = kept.stat().st_mtime_ns
        canvases = [(canvas["width"], canvas["height"]) for canvas in answer.json()["items"]]
        expected = full if level == "open" else [
            (round(w * CAP / max(w, h)), round(h * CAP / max(w, h))) for w, h in full]
        assert canvases == expected, level
        assert served.get(f"/objects/{object_id}/manifest").json()["items"] == answer.json()["items"]
        assert kept.stat().st_mtime_ns == stamp  # measured once, then read
        for number, size in enumerate(canvases, 1):
            info = served.info(object_id, number)
            assert (info["width"], info["height"]) == (info["maxWidth"], info["maxHeight"]) == size, (level, number)
        for number in (1, 37, 60, 61, 63):
            assert served.image(object_id, "full/max/0/default.png", number).size == canvases[number - 1]
        assert len(list(pages.rglob("*.tif"))) == 63
