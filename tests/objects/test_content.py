"""Reading a deposited file: type from its content, pages counted, every refusal naming the file."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from objects import generated
from objects.content import MEDIA_TYPES, InspectedFile, inspect_file, natural_order
from objects.errors import DepositRefused

ROOT = Path(__file__).resolve().parents[2]


def refusal(path: Path, name: str | None = None) -> DepositRefused:
    with pytest.raises(DepositRefused) as caught:
        inspect_file(path, name)
    assert caught.value.subject == (name or path.name)
    assert str(caught.value).startswith(f"{caught.value.subject}: ")
    return caught.value


# -- accepted files and their pages ---------------------------------------------------------------

def test_a_scanned_pdf_and_its_pages(tmp_path: Path) -> None:
    inspected = inspect_file(generated.pdf(tmp_path / "book.pdf", pages=7))
    assert inspected == InspectedFile("book.pdf", tmp_path / "book.pdf", "application/pdf", 7)


def test_a_born_digital_pdf_is_accepted(tmp_path: Path) -> None:
    assert inspect_file(generated.born_digital_pdf(tmp_path / "report.pdf", pages=3)).pages == 3


@pytest.mark.parametrize("options", [{}, {"bigtiff": True}, {"bits": 1, "compression": "ccittfax4"},
                                     {"compression": "none", "color": True}])
def test_a_multi_page_tiff_and_its_pages(tmp_path: Path, options: dict) -> None:
    inspected = inspect_file(generated.tiff(tmp_path / "scan.tif", pages=4, **options))
    assert (inspected.media_type, inspected.pages) == ("image/tiff", 4)


@pytest.mark.parametrize("byte_order", ["<", ">"])
def test_a_tiff_in_either_byte_order(tmp_path: Path, byte_order: str) -> None:
    inspected = inspect_file(generated.directory_first_tiff(tmp_path / "p.tif", byte_order=byte_order))
    assert (inspected.media_type, inspected.pages) == ("image/tiff", 1)


def test_a_pyramid_level_is_not_a_page(tmp_path: Path) -> None:
    import pyvips

    source = generated.tiff(tmp_path / "flat.tif", pages=1, width=1200, height=1600)
    pyvips.Image.new_from_file(str(source)).tiffsave(str(tmp_path / "pyramid.tif"), tile=True, pyramid=True)
    assert inspect_file(tmp_path / "pyramid.tif").pages == 1


def test_a_jpeg_is_one_page(tmp_path: Path) -> None:
    [page] = generated.jpeg_pages(tmp_path, pages=1)
    assert inspect_file(page) == InspectedFile("p1.jpg", page, "image/jpeg", 1)


def test_media_types_are_the_three_accepted() -> None:
    assert MEDIA_TYPES == ("application/pdf", "image/tiff", "image/jpeg")


# -- the type comes from the content ----------------------------------------------------------------

def test_a_pdf_named_jpg_is_a_pdf(tmp_path: Path) -> None:
    generated.pdf(tmp_path / "book.pdf", pages=2).rename(tmp_path / "cover.jpg")
    assert inspect_file(tmp_path / "cover.jpg").media_type == "application/pdf"


def test_a_jpeg_named_tif_is_a_jpeg(tmp_path: Path) -> None:
    [page] = generated.jpeg_pages(tmp_path, pages=1)
    assert inspect_file(page.rename(tmp_path / "p1.tif")).media_type == "image/jpeg"


def test_a_text_file_named_pdf_is_refused(tmp_path: Path) -> None:
    (tmp_path / "book.pdf").write_text("This is the book, honestly.\n")
    assert "unknown type" in refusal(tmp_path / "book.pdf").reason


def test_a_png_is_refused_as_unknown(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("L", (20, 20), 255).save(tmp_path / "page.png")
    assert "unknown type" in refusal(tmp_path / "page.png").reason


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p1.jpg").write_bytes(b"")
    assert refusal(tmp_path / "p1.jpg").reason == "is empty."


def test_the_refusal_names_the_partners_name_not_the_path(tmp_path: Path) -> None:
    (tmp_path / "upload-7f3a").write_text("not a scan")
    assert refusal(tmp_path / "upload-7f3a", "Абай жолы/p001.tif").subject == "Абай жолы/p001.tif"


# -- PDF refusals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_pdf_is_refused(tmp_path: Path, keep: float) -> None:
    path = generated.truncated(generated.pdf(tmp_path / "book.pdf", pages=5), keep)
    assert refusal(path).reason.startswith("is truncated")


def test_a_linearized_pdf_cut_after_its_first_page_section_is_refused(tmp_path: Path) -> None:
    path = generated.pdf(tmp_path / "book.pdf", pages=5)
    with pikepdf.open(path, allow_overwriting_input=True) as document:
        document.save(path, linearize=True)
    data = path.read_bytes()
    path.write_bytes(data[:data.index(b"%%EOF") + 6])  # a fast-web-view PDF has an early %%EOF
    assert refusal(path).reason.startswith(("cannot be read as a PDF", "is damaged"))


def test_a_pdf_that_opens_only_after_repair_is_refused(tmp_path: Path) -> None:
    reason = refusal(generated.damaged_pdf(tmp_path / "book.pdf")).reason
    assert reason.startswith("is damaged: it opens only after repair")
    assert str(tmp_path) not in reason  # qpdf's messages lose the server path


@pytest.mark.parametrize("password", ["", "secret"])
def test_an_encrypted_pdf_is_refused_even_with_an_empty_password(tmp_path: Path, password: str) -> None:
    reason = refusal(generated.encrypted_pdf(tmp_path / "book.pdf", user_password=password)).reason
    assert "encrypted" in reason and "without encryption" in reason


def test_a_pdf_without_pages_is_refused(tmp_path: Path) -> None:
    assert refusal(generated.empty_pdf(tmp_path / "nothing.pdf")).reason == "has no pages."


def test_garbage_after_a_pdf_header_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")
    assert refusal(tmp_path / "x.pdf").reason.startswith(("cannot be read as a PDF", "is damaged"))


# -- TIFF refusals -----------------------------------------------------------------------------------

@pytest.mark.parametrize("keep", [0.3, 0.7, 0.99])
def test_a_truncated_tiff_is_refused(tmp_path: Path, keep: float) -> None:
    path = generated.truncated(generated.tiff(tmp_path / "scan.tif", pages=3), keep)
    assert refusal(path).reason.startswith("is truncated")


def test_a_tiff_whose_image_data_runs_past_its_end_is_refused(tmp_path: Path) -> None:
    path = generated.truncated(generated.directory_first_tiff(tmp_path / "p.tif"), 0.8)
    reason = refusal(path).reason
    assert reason.startswith("is truncated or damaged: the image data of page 1 would run to byte")


def test_a_tiff_with_a_looping_directory_chain_is_refused(tmp_path: Path) -> None:
    path = generated.directory_first_tiff(tmp_path / "p.tif")
    data = bytearray(path.read_bytes())
    entries = struct.unpack("<H", data[8:10])[0]
    data[10 + 12 * entries:14 + 12 * entries] = struct.pack("<I", 8)  # next directory: itself
    path.write_bytes(data)
    assert "loops back" in refusal(path).reason


def test_a_tiff_compressed_in_a_way_not_read_everywhere_is_refused(tmp_path: Path) -> None:
    path = generated.directory_first_tiff(tmp_path / "p.tif")
    data = bytearray(path.read_bytes())
    assert struct.unpack("<HH", data[46:50]) == (259, 3)  # the fourth entry: Compression, a SHORT
    data[54:56] = struct.pack("<H", 34712)  # JPEG 2000
    path.write_bytes(data)
    assert "compression scheme 34712" in refusal(path).reason


def test_a_tiff_without_pages_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.tif").write_bytes(b"II*\0\0\0\0\0")
    assert refusal(tmp_path / "p.tif").reason == "has no pages."


def test_a_tiff_header_cut_short_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.tif").write_bytes(b"II*\0\x08")
    assert refusal(tmp_path / "p.tif").reason.startswith("is truncated")


# -- JPEG refusals -----------------------------------------------------------------------------------

def test_a_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    [page] = generated.jpeg_pages(tmp_path, pages=1)
    assert "end-of-image marker" in refusal(generated.truncated(page, 0.6)).reason


def test_a_jpeg_cut_short_but_given_an_end_marker_fails_its_decode(tmp_path: Path) -> None:
    [page] = generated.jpeg_pages(tmp_path, pages=1, width=800, height=1100)
    generated.truncated(page, 0.6)
    with page.open("ab") as file:
        file.write(b"\xff\xd9")
    assert refusal(page).reason.startswith("cannot be decoded as a JPEG")


# -- natural order -----------------------------------------------------------------------------------

def test_natural_order_sorts_numbers_by_value_and_ignores_case() -> None:
    names = ["p10.jpg", "P2.jpg", "p1.jpg", "cover.jpg", "p2.tif", "p100.jpg", "Index.pdf"]
    assert natural_order(names) == ["cover.jpg", "Index.pdf", "p1.jpg", "P2.jpg", "p2.tif", "p10.jpg", "p100.jpg"]


def test_natural_order_is_stable_for_equal_keys() -> None:
    assert natural_order(["p01.jpg", "P1.jpg", "p1.jpg"]) == ["p01.jpg", "P1.jpg", "p1.jpg"]
    assert natural_order(["b/p2", "a/p10", "a/p9"]) == ["a/p9", "a/p10", "b/p2"]
    assert natural_order([]) == []


# -- memory --------------------------------------------------------------------------------------------

#: Run in a fresh interpreter; reports the peak resident memory of that process alone.  Linux's
#: ``ru_maxrss`` would not do: it keeps the peak of the process that spawned it across exec (the
#: pytest process, with all it generated), so the child reads its own high-water mark (VmHWM).
PROBE = """
import json, sys
from objects.content import inspect_file
inspected = inspect_file(sys.argv[1])
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"pages": inspected.pages, "rss_mb": int(peak.split()[1]) / 1024}))
"""


def test_inspecting_a_200_mb_tiff_keeps_memory_flat(tmp_path: Path) -> None:
    path = generated.tiff(tmp_path / "big.tif", pages=2, width=10_000, height=10_000, compression="none")
    assert path.stat().st_size > 200_000_000
    result = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True,
                            text=True, check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=60)
    measured = json.loads(result.stdout)
    assert measured["pages"] == 2
    assert measured["rss_mb"] < 100, measured
