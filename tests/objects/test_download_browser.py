"""What a reader takes away, in headless Chromium (Debian's package): the links the record page and the
reading page offer are clicked as a reader clicks them, and the file the browser saves is checked.

* preview-24: the "first 24 pages" link saves a PDF of exactly 24 pages, from a 30-page copy;
* open: the download link saves the deposited file, byte for byte;
* read-only: no page offers a download, and the browser's own requests for the copy's files
  are refused (403) and save nothing.

Screenshots go to tests/web/artefacts/ (git-ignored; CI keeps them as artefacts).  A Chromium that
cannot be found or installed fails these tests (tests/web/chromium.py); nothing is skipped.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

import pikepdf
import pytest
from playwright.sync_api import Browser, Download, Page

from tests.objects.iiif_helpers import DOWNLOAD_CONTROLS
from tests.web.chromium import ARTEFACTS

#: Small pages: the copy is long (30 pages) but quick to deposit and to excerpt.
SMALL_PAGE = {"dpi": 150, "width": 300, "height": 425}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reader(browser: Browser, scripts: bool = False) -> Page:
    context = browser.new_context(java_script_enabled=scripts, locale="en-US", accept_downloads=True,
                                  viewport={"width": 1100, "height": 900})
    return context.new_page()


def clicked_download(page: Page, selector: str) -> Download:
    """Click the one control ``selector`` names and wait for the file the browser saves."""
    control = page.locator(selector)
    assert control.count() == 1, f"{selector}: {control.count()} controls on {page.url}"
    with page.expect_download(timeout=60000) as started:
        control.click()
    download = started.value
    assert download.failure() is None
    return download


def open_record_page(page: Page, url: str, object_id: str) -> None:
    """The reading page, then the record page through its "Back to the record" link (as a reader goes)."""
    page.goto(f"{url}/objects/{object_id}/view?lang=en")
    page.locator("a", has_text="Back to the record").click()
    page.wait_for_load_state("load")
    assert "/record/" in page.url


def test_a_preview_copy_saves_exactly_its_first_24_pages(browser, hub, served, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    book = hub.pdf("Абай жолы.pdf", pages=30, **SMALL_PAGE)
    object_id = hub.deposit([book], record=hub.records[2], access="preview-24").object_id
    page = reader(browser)
    open_record_page(page, served.url, object_id)
    assert page.locator(".actions .action").all_inner_texts() == ["Download the first 24 pages", "Read online"]
    assert page.locator(".action-download").count() == 0
    page.screenshot(path=str(ARTEFACTS / f"download-preview-24-record-{db_url.split(':')[0]}.png"), full_page=True)

    from_record = clicked_download(page, ".actions .action-download_first_24_pages")
    assert from_record.url == f"{served.url}/objects/{object_id}/excerpt"
    assert from_record.suggested_filename == "Абай жолы-pages-1-24.pdf"
    saved = tmp_path / "from-record.pdf"
    from_record.save_as(saved)
    with pikepdf.open(saved) as excerpt, pikepdf.open(book) as whole:
        assert len(whole.pages) == 30 and len(excerpt.pages) == 24
        first = next(iter(whole.pages[0].get_images().values())).read_raw_bytes()
        assert next(iter(excerpt.pages[0].get_images().values())).read_raw_bytes() == first
    assert sha256(saved) != sha256(book)

    page.goto(f"{served.url}/objects/{object_id}/view?lang=en")
    assert page.locator(".action-download").count() == 0
    from_reading = clicked_download(page, ".actions .action-download_first_24_pages")
    page.screenshot(path=str(ARTEFACTS / f"download-preview-24-view-{db_url.split(':')[0]}.png"), full_page=True)
    from_reading.save_as(tmp_path / "from-reading.pdf")
    assert sha256(tmp_path / "from-reading.pdf") == sha256(saved)


def test_an_open_copy_saves_the_deposited_file_byte_for_byte(browser, hub, served, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    book = hub.pdf("Қазақ әдебиеті.pdf", pages=5, **SMALL_PAGE)
    object_id = hub.deposit([book], record=hub.records[0], access="open").object_id
    page = reader(browser)
    open_record_page(page, served.url, object_id)
    assert page.locator(".actions .action").all_inner_texts() == ["Download", "Read online"]
    page.screenshot(path=str(ARTEFACTS / f"download-open-record-{db_url.split(':')[0]}.png"), full_page=True)

    from_record = clicked_download(page, ".actions .action-download")
    assert from_record.suggested_filename == book.name
    from_record.save_as(tmp_path / "from-record.pdf")
    assert sha256(tmp_path / "from-record.pdf") == sha256(book)

    page.goto(f"{served.url}/objects/{object_id}/view?lang=en")
    from_reading = clicked_download(page, ".actions .action-download")
    from_reading.save_as(tmp_path / "from-reading.pdf")
    assert sha256(tmp_path / "from-reading.pdf") == sha256(book)


@pytest.fixture
def read_only(hub):  # type: ignore[no-untyped-def]
    book = hub.pdf("read-only.pdf", pages=3, **SMALL_PAGE)
    return book, hub.deposit([book], record=hub.records[1], access="read-only").object_id


def test_a_read_only_copy_offers_nothing_to_save_and_the_browser_gets_403(browser, read_only, served, db_url) -> None:  # type: ignore[no-untyped-def]
    book, object_id = read_only
    page = reader(browser, scripts=True)
    saved: list[Download] = []
    page.on("download", lambda download: saved.append(download))
    open_record_page(page, served.url, object_id)
    assert page.locator(".actions .action").all_inner_texts() == ["Read online"]
    assert page.locator(DOWNLOAD_CONTROLS).count() == 0
    page.goto(f"{served.url}/objects/{object_id}/view?lang=en")
    page.locator("img.page-image").wait_for(state="attached")
    assert page.locator(DOWNLOAD_CONTROLS).count() == 0

    base = f"/objects/{object_id}"
    paths = [f"{base}/download", f"{base}/files/{quote(book.name)}", f"{base}/download.zip", f"{base}/excerpt"]
    statuses = page.evaluate("paths => Promise.all(paths.map(p => fetch(p).then(r => r.status)))", paths)
    assert statuses == [403, 403, 403, 403]
    refused = page.goto(f"{served.url}{base}/download?lang=en")
    assert refused is not None and refused.status == 403
    assert "may only be read online" in page.locator("body").inner_text()
    page.screenshot(path=str(ARTEFACTS / f"download-read-only-refused-{db_url.split(':')[0]}.png"), full_page=True)
    page.wait_for_timeout(500)  # a download would have started by now
    assert saved == []
