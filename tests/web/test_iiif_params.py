"""The Image API 3.0 request parameters (section 4), rule by rule, on a 1,414 x 2,000 service."""

from __future__ import annotations

import pytest

from web.iiif.errors import IIIFError
from web.iiif.params import Region, parse, parse_quality_format, parse_region, parse_rotation, parse_size

W, H = 1414, 2000


def status(call, *args) -> int:  # type: ignore[no-untyped-def]
    try:
        call(*args)
    except IIIFError as error:
        return error.status
    return 200


@pytest.mark.parametrize(("text", "expected"), [
    ("full", Region(0, 0, W, H)),
    ("square", Region(0, 293, W, W)),
    ("125,15,120,140", Region(125, 15, 120, 140)),
    ("1400,1990,100,100", Region(1400, 1990, 14, 10)),  # cut at the edge, no empty space added
    ("pct:41.6,7.5,40,70", Region(588, 150, 566, 1400)),
    ("pct:50,50,100,100", Region(707, 1000, 707, 1000)),
])
def test_regions(text: str, expected: Region) -> None:
    assert parse_region(text, W, H) == expected


@pytest.mark.parametrize("text", ["0,0,0,10", "0,0,10,0", "1414,0,10,10", "0,2000,10,10", "pct:100,0,5,5",
                                  "pct:0,0,0,5", "1,2,3", "-1,0,5,5", "1.5,0,5,5", "pct:1,2,3", "Full", "",
                                  "square ", "pct:1e3,0,5,5"])
def test_bad_regions_are_400(text: str) -> None:
    assert status(parse_region, text, W, H) == 400


@pytest.mark.parametrize(("text", "region", "expected"), [
    ("max", (W, H), (W, H)),
    ("^max", (W, H), (W, H)),
    ("^max", (100, 100), (1414, 1414)),  # upscaled until a limit is met
    ("max", (100, 100), (100, 100)),
    ("707,", (W, H), (707, 1000)),
    (",1000", (W, H), (707, 1000)),
    ("pct:50", (W, H), (707, 1000)),
    ("^pct:150", (100, 100), (150, 150)),
    ("300,400", (W, H), (300, 400)),  # distorted, as asked
    ("!500,500", (W, H), (354, 500)),
    ("!5000,5000", (W, H), (W, H)),  # no larger than the region without ^
    ("^!5000,5000", (100, 200), (1000, 2000)),  # no larger than the service's limits with it
    ("^!360,360", (150, 100), (360, 240)),
    ("^1414,", (W, H), (W, H)),
    ("^200,", (100, 100), (200, 200)),
])
def test_sizes(text: str, region: tuple[int, int], expected: tuple[int, int]) -> None:
    assert parse_size(text, *region, W, H) == expected


@pytest.mark.parametrize(("text", "region"), [
    ("1415,", (W, H)), (",2001", (W, H)), ("101,", (100, 100)), ("pct:101", (W, H)), ("1414,2001", (W, H)),
    ("^1415,", (W, H)), ("^,2001", (W, H)), ("^pct:101", (W, H)), ("^3000,3000", (W, H)), ("^pct:2000", (100, 100)),
    ("0,", (W, H)), (",0", (W, H)), ("pct:0", (W, H)), ("pct:0.01", (W, H)), ("!0,0", (W, H)), ("full", (W, H)),
    ("max ", (W, H)), ("^", (W, H)), ("^^max", (W, H)), ("w,h", (W, H)), ("!10", (W, H)), ("-5,", (W, H)),
])
def test_bad_sizes_are_400(text: str, region: tuple[int, int]) -> None:
    assert status(parse_size, text, *region, W, H) == 400


@pytest.mark.parametrize(("text", "expected"), [
    ("0", (False, 0)), ("90", (False, 90)), ("180", (False, 180)), ("270", (False, 270)), ("360", (False, 0)),
    ("!0", (True, 0)), ("!90", (True, 90)), ("90.0", (False, 90)),
])
def test_rotations(text: str, expected: tuple[bool, int]) -> None:
    assert parse_rotation(text) == expected


@pytest.mark.parametrize(("text", "code"), [("22.5", 501), ("!45", 501), ("361", 400), ("-90", 400), ("!", 400),
                                            ("90!", 400), ("ninety", 400), ("", 400)])
def test_other_rotations(text: str, code: int) -> None:
    assert status(parse_rotation, text) == code


@pytest.mark.parametrize(("text", "code"), [
    ("default.jpg", 200), ("color.jpg", 200), ("gray.png", 200), ("bitonal.jpg", 200), ("default.png", 200),
    ("grey.jpg", 400), ("native.jpg", 400), ("default", 400), ("default.", 400), ("default.JPG", 400),
    ("default.tif", 501), ("default.gif", 501), ("default.jp2", 501), ("default.pdf", 501), ("default.webp", 501),
    ("default.exe", 400), ("default.jpg.png", 400),
])
def test_quality_and_format(text: str, code: int) -> None:
    assert status(parse_quality_format, text) == code


def test_a_whole_request() -> None:
    request = parse("pct:0,0,50,50", "!200,200", "!90", "gray.png", (W, H), (W, H))
    assert (request.region, request.width, request.height) == (Region(0, 0, 707, 1000), 141, 200)
    assert (request.mirror, request.rotation, request.quality, request.format) == (True, 90, "gray", "png")
