"""``/objects/<id>/thumbnail`` over real HTTP: page 1 as a small JPEG at every level, never larger than
the page the image service gives, never the deposited bytes; refused for a withdrawn copy in the
reader's language; named by the manifest with its true size.
"""

from __future__ import annotations

import io

import pikepdf
import requests
from iiif_prezi3 import Manifest
from PIL import Image, ImageChops, ImageStat

from tests.objects.iiif_helpers import CAP, PAGE, serving, withdraw
from web.thumbnail import SIDE, thumbnail_size

#: PAGE (600 x 850) shrunk until its long side is the thumbnail's.
SMALL = (round(PAGE[0] * SIDE / PAGE[1]), SIDE)


def picture(body: bytes) -> Image.Image:
    found = Image.open(io.BytesIO(body))
    found.load()
    return found


def difference(one: Image.Image, other: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(one.convert("L"), other.convert("L"))).mean[0]


def test_thumbnail_size_keeps_the_shape_and_never_enlarges() -> None:
    assert thumbnail_size(600, 850) == SMALL
    assert thumbnail_size(2000, 1000) == (SIDE, SIDE // 2)
    assert thumbnail_size(100, 200) == (100, 200)
    assert thumbnail_size(SIDE, 3) == (SIDE, 3)
    assert thumbnail_size(10000, 1) == (SIDE, 1)


def test_each_level_gets_page_one_small_and_never_the_deposited_bytes(hub, copies, served) -> None:  # type: ignore[no-untyped-def]
    for level, object_id in copies.items():
        answer = served.get(f"/objects/{object_id}/thumbnail")
        assert answer.status_code == 200, (level, answer.text)
        assert answer.headers["Content-Type"] == "image/jpeg"
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        found = picture(answer.content)
        assert found.format == "JPEG" and found.size == SMALL, (level, found.size)
        book = hub.folder / f"book-{level}.pdf"
        with pikepdf.open(book) as pdf:
            stored = next(iter(pdf.pages[0].get_images().values())).read_raw_bytes()
        assert stored not in answer.content and b"%PDF" not in answer.content
        page_1 = served.image(object_id, f"full/{SMALL[0]},{SMALL[1]}/0/default.jpg", page=1)
        page_2 = served.image(object_id, f"full/{SMALL[0]},{SMALL[1]}/0/default.jpg", page=2)
        assert difference(found, page_1) < 2 < difference(found, page_2), level

        again = served.get(f"/objects/{object_id}/thumbnail", headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""
        head = requests.head(f"{served.url}/objects/{object_id}/thumbnail", timeout=60)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["Content-Length"] == str(len(answer.content))
        ignored = served.get(f"/objects/{object_id}/thumbnail?page=2&size=4000&width=850")
        assert ignored.content == answer.content  # one page, one size: the others are the image service's


def test_a_thumbnail_is_never_larger_than_the_capped_page(hub, copies, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    small_cap = 200
    assert small_cap < SIDE < CAP
    with serving(settings, hub.store, hub.depository.root, tmp_path / "small",
                 **{"delivery.image_max_side": small_cap}) as served:
        for level, object_id in copies.items():
            found = picture(served.get(f"/objects/{object_id}/thumbnail").content)
            capped = (round(small_cap * PAGE[0] / PAGE[1]), small_cap)
            assert found.size == (SMALL if level == "open" else capped), level
            manifest = served.get(f"/objects/{object_id}/manifest").json()
            assert (manifest["thumbnail"][0]["width"], manifest["thumbnail"][0]["height"]) == found.size


def test_the_manifest_names_the_thumbnail_with_its_true_size(copies, served) -> None:  # type: ignore[no-untyped-def]
    for level, object_id in copies.items():
        document = served.get(f"/objects/{object_id}/manifest").json()
        Manifest(**{k: v for k, v in document.items() if k != "@context"})  # raises if not Presentation 3.0
        thumbnail = document["thumbnail"]
        assert thumbnail == [{"id": f"{served.url}/objects/{object_id}/thumbnail", "type": "Image",
                              "format": "image/jpeg", "width": SMALL[0], "height": SMALL[1]}], level
        found = picture(served.get(thumbnail[0]["id"].removeprefix(served.url)).content)
        assert found.size == (thumbnail[0]["width"], thumbnail[0]["height"])


WITHDRAWN = {"kk": "кері қайтарылып алынды", "ru": "отозвана", "en": "has been withdrawn"}


def test_a_withdrawn_copy_has_no_thumbnail_and_is_told_why(hub, copies, served) -> None:  # type: ignore[no-untyped-def]
    object_id = copies["read-only"]
    assert served.get(f"/objects/{object_id}/thumbnail").status_code == 200
    withdraw(hub.store, object_id)
    for language, words in WITHDRAWN.items():
        answer = served.get(f"/objects/{object_id}/thumbnail", headers={"Accept-Language": language})
        assert answer.status_code == 403 and answer.headers["Content-Language"] == language
        assert answer.headers["Content-Type"].startswith("text/html") and words in answer.text, language
        as_json = served.get(f"/objects/{object_id}/thumbnail?lang={language}", headers={"Accept": "application/json"})
        assert as_json.status_code == 403 and as_json.json()["reason"] == "withdrawn"
    assert served.get(f"/objects/{copies['open']}/thumbnail").status_code == 200  # only that copy
    for missing in ("zzzzzzzzzz", copies["open"].upper(), "..%2f..%2fobjects"):
        assert served.get(f"/objects/{missing}/thumbnail").status_code == 404, missing
