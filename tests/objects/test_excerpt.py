"""The excerpt: a new PDF of a copy's first 24 pages that carries nothing of the later ones.

Built from real generated scans tangled the ways that make "delete the later pages" leak them
(tests/objects/tangled.py), and read back with pikepdf and pdfium, never with the code that built it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import pyvips

from objects import generated
from objects.excerpt import SourceFile, build
from objects.excerpt_check import ExcerptError, Taken, verify
from tests.objects.tangled import LINKED_PAGE, OUTLINE_PAGES, image_digests, stream_digests, tangled_pdf

PDF, TIFF, JPEG = "application/pdf", "image/tiff", "image/jpeg"
#: Keys that carry outlines, names, attachments, JavaScript, forms, actions or links.
NOT_PAGES = {"/Outlines", "/Names", "/Dests", "/AcroForm", "/OpenAction", "/AA", "/JS", "/JavaScript",
             "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/Annots", "/AF"}


def excerpt_of(tmp_path: Path, *sources: tuple[Path, str]) -> Path:
    target = tmp_path / "excerpt.pdf"
    build([SourceFile(path, media_type, path.name) for path, media_type in sources], target)
    return target


def pdfium_pages(path: Path) -> int:
    document = pypdfium2.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


def rendered(path: Path, index: int) -> bytes:
    document = pypdfium2.PdfDocument(path)
    try:
        return document[index].render(scale=0.5).to_pil().tobytes()
    finally:
        document.close()


def keys_anywhere(pdf: pikepdf.Pdf) -> set[str]:
    found: set[str] = set()
    for item in pdf.objects:
        if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
            found |= set(item.keys())
    return found | set(pdf.Root.keys())


def test_a_tangled_scan_gives_its_first_24_pages_and_nothing_of_the_rest(tmp_path: Path) -> None:
    source = tangled_pdf(tmp_path / "tangled.pdf", pages=120)
    with pikepdf.open(source) as original:  # the tangles are really there
        assert len(original.open_outline().root) == len(OUTLINE_PAGES) and original.attachments
        assert {"/OpenAction", "/AcroForm", "/Names"} <= set(original.Root.keys())
        assert "/Annots" in original.pages[0].obj
    target = excerpt_of(tmp_path, (source, PDF))

    assert pdfium_pages(target) == 24
    with pikepdf.open(source) as original, pikepdf.open(target) as excerpt:
        assert len(excerpt.pages) == 24
        assert set(excerpt.Root.keys()) == {"/Type", "/Pages"}
        assert keys_anywhere(excerpt) & NOT_PAGES == set()
        assert not excerpt.attachments and not excerpt.open_outline().root
        early = image_digests(original, range(1, 25))
        later = image_digests(original, range(25, 121)) - early
        assert len(later) == 96
        assert stream_digests(excerpt) & later == set(), "an image of a page beyond 24 is in the excerpt"
        assert image_digests(excerpt, range(1, 25)) == early  # every image of the first pages, shared ones too
        assert sum(isinstance(item, pikepdf.Stream) and item.get("/Subtype") == pikepdf.Name.Image
                   for item in excerpt.objects) == 24
    for index in (0, 1, 2, 23):  # page 2 draws a shared image, page 3 draws through a form
        assert rendered(target, index) == rendered(source, index)
    assert target.stat().st_size < source.stat().st_size / 4


def test_a_copy_shorter_than_24_pages_is_excerpted_whole(tmp_path: Path) -> None:
    source = tangled_pdf(tmp_path / "short.pdf", pages=10)
    target = excerpt_of(tmp_path, (source, PDF))
    assert pdfium_pages(target) == 10
    with pikepdf.open(source) as original, pikepdf.open(target) as excerpt:
        assert set(excerpt.Root.keys()) == {"/Type", "/Pages"}
        assert keys_anywhere(excerpt) & NOT_PAGES == set()
        assert image_digests(excerpt, range(1, 11)) == image_digests(original, range(1, 11))


def test_pages_run_across_the_files_of_a_copy(tmp_path: Path) -> None:
    parts = [generated.pdf(tmp_path / f"part{n}.pdf", pages=10, seed=n) for n in (1, 2, 3)]
    target = excerpt_of(tmp_path, *((part, PDF) for part in parts))
    with pikepdf.open(target) as excerpt, pikepdf.open(parts[2]) as third:
        assert len(excerpt.pages) == 24
        assert image_digests(excerpt, range(21, 25)) == image_digests(third, range(1, 5))
        assert stream_digests(excerpt) & (image_digests(third, range(5, 11)) - image_digests(third, range(1, 5))) \
            == set()


def test_the_check_refuses_pages_deleted_from_a_copy(tmp_path: Path) -> None:
    """What "cut" excerpts look like: the check finds the catalog's leftovers, then the shared images."""
    source = tangled_pdf(tmp_path / "tangled.pdf", pages=120)
    cut, cleaned = tmp_path / "cut.pdf", tmp_path / "cut-and-cleaned.pdf"
    with pikepdf.open(source) as pdf:
        del pdf.pages[24:]
        pdf.save(cut)
        for key in set(pdf.Root.keys()) - {"/Type", "/Pages"}:
            del pdf.Root[key]
        del pdf.pages[0].obj["/Annots"]
        pdf.save(cleaned)
    assert cleaned.stat().st_size > source.stat().st_size * 0.9  # every page image is still inside
    with pikepdf.open(source) as original:
        with pytest.raises(ExcerptError, match="catalog"):
            verify(cut, 24, [Taken(original, 24, "tangled.pdf")])
        with pytest.raises(ExcerptError, match="96 stream"):
            verify(cleaned, 24, [Taken(original, 24, "tangled.pdf")])
        with pytest.raises(ExcerptError, match="24 pages, not 25"):
            verify(cleaned, 25, [Taken(original, 25, "tangled.pdf")])


def test_a_link_to_a_later_page_does_not_bring_it_along(tmp_path: Path) -> None:
    """Page 1 links to page 61: the link is left behind, and page 61's image with it."""
    source = tangled_pdf(tmp_path / "tangled.pdf", pages=LINKED_PAGE + 5, shared_resources=False)
    target = excerpt_of(tmp_path, (source, PDF))
    with pikepdf.open(source) as original, pikepdf.open(target) as excerpt:
        linked = image_digests(original, range(LINKED_PAGE, LINKED_PAGE + 1))
        assert linked and not stream_digests(excerpt) & linked


def test_a_tiff_copy_gives_its_first_24_pages_without_loss(tmp_path: Path) -> None:
    source = generated.tiff(tmp_path / "book.tif", pages=30)
    target = excerpt_of(tmp_path, (source, TIFF))
    assert pdfium_pages(target) == 24
    with pikepdf.open(target) as excerpt:
        for number in (1, 13, 24):
            image = pikepdf.PdfImage(next(iter(excerpt.pages[number - 1].get_images().values()))).as_pil_image()
            page = pyvips.Image.new_from_file(str(source), page=number - 1)
            assert image.tobytes() == page.write_to_memory(), f"page {number} differs from the TIFF's"


def test_a_black_and_white_tiff_stays_one_bit(tmp_path: Path) -> None:
    source = generated.tiff(tmp_path / "bw.tif", pages=26, bits=1, compression="ccittfax4")
    target = excerpt_of(tmp_path, (source, TIFF))
    with pikepdf.open(target) as excerpt:
        assert len(excerpt.pages) == 24
        image = next(iter(excerpt.pages[5].get_images().values()))
        assert int(image.BitsPerComponent) == 1
        page = pyvips.Image.new_from_file(str(source), page=5)
        assert pikepdf.PdfImage(image).as_pil_image().convert("L").tobytes() == page.write_to_memory()


def test_jpeg_pages_are_embedded_byte_for_byte(tmp_path: Path) -> None:
    pages = generated.jpeg_pages(tmp_path / "pages", pages=30)
    target = excerpt_of(tmp_path, *((page, JPEG) for page in pages))
    with pikepdf.open(target) as excerpt:
        assert len(excerpt.pages) == 24
        for number, page in enumerate(excerpt.pages, 1):
            image = next(iter(page.get_images().values()))
            assert image.Filter == pikepdf.Name.DCTDecode
            assert hashlib.sha256(image.read_raw_bytes()).digest() == \
                hashlib.sha256(pages[number - 1].read_bytes()).digest(), f"page {number}"


def test_a_file_that_cannot_be_read_is_an_excerpt_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot a pdf at all\n%%EOF\n")
    with pytest.raises(ExcerptError, match="broken.pdf"):
        excerpt_of(tmp_path, (broken, PDF))
