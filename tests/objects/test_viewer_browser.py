"""The reading page in headless Chromium (Debian's package): without JavaScript, and with Mirador 4 as
``scripts/install_mirador.sh`` installs it (the test runs the script, so the pinned bundle is the one used).

A read-only copy: page 1's image loads, no control offers a download, and the download URL answers
403.  Screenshots go to tests/web/artefacts/ (git-ignored; CI keeps them as artefacts).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.objects.iiif_helpers import CAP, DOWNLOAD_CONTROLS, serving
from tests.web.chromium import ARTEFACTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mirador() -> Path:
    """Mirador installed by the project's own script (a no-op when the pinned version is there)."""
    subprocess.run([str(ROOT / "scripts" / "install_mirador.sh")], check=True, capture_output=True, timeout=600)
    bundle = ROOT / "web" / "static" / "vendor" / "mirador" / "mirador.min.js"
    assert bundle.is_file()
    return bundle


@pytest.fixture
def read_only(hub, settings, tmp_path):  # type: ignore[no-untyped-def]
    """A read-only three-page copy, served over HTTP: (base URL, object id)."""
    book = hub.pdf("read-only.pdf", pages=3, dpi=300, width=600, height=850)
    object_id = hub.deposit([book], record=hub.records[1], access="read-only").object_id
    with serving(settings, hub.store, hub.depository.root, tmp_path / "derivatives") as served:
        yield served, object_id


def test_a_read_only_copy_is_read_without_javascript_and_offers_no_download(browser, read_only, db_url) -> None:  # type: ignore[no-untyped-def]
    served, object_id = read_only
    page = browser.new_context(java_script_enabled=False, locale="en-US").new_page()
    page.goto(f"{served.url}/objects/{object_id}/view?lang=en")
    image = page.locator("img.page-image")
    image.wait_for()
    page.wait_for_load_state("load")
    assert page.evaluate("document.querySelector('img.page-image').naturalWidth") == round(CAP * 600 / 850)
    assert page.locator(DOWNLOAD_CONTROLS).count() == 0
    page.screenshot(path=str(ARTEFACTS / f"viewer-read-only-{db_url.split(':')[0]}.png"), full_page=True)
    page.locator("a[rel=next]").click()
    page.wait_for_load_state("load")
    assert "page=2" in page.url and "/p2/" in image.get_attribute("src")
    assert served.get(f"/objects/{object_id}/download").status_code == 403
    assert served.get(f"/objects/{object_id}/excerpt").status_code == 403


def test_mirador_opens_the_manifest_of_a_read_only_copy(browser, mirador, read_only, db_url) -> None:  # type: ignore[no-untyped-def]
    served, object_id = read_only
    page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{served.url}/objects/{object_id}/view")
    page.locator("#mirador .mirador-viewer").wait_for(timeout=30000)
    page.locator("#mirador canvas").first.wait_for(timeout=30000)
    page.wait_for_function("[...document.querySelectorAll('#mirador canvas')].some(c => c.width > 0)", timeout=30000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(2000)  # OpenSeadragon fades tiles in
    assert not page.locator("#reader").is_visible()
    assert f"{served.url}/objects/{object_id}/manifest?probes=none" in asked
    images = [url for url in asked if f"/iiif/3/{object_id}/p" in url and not url.endswith("info.json")]
    assert any(url.endswith("/p1/info.json") for url in asked), asked  # Mirador asked, not the hidden <img>
    assert page.locator(DOWNLOAD_CONTROLS).count() == 0
    page.screenshot(path=str(ARTEFACTS / f"viewer-mirador-{db_url.split(':')[0]}.png"))
    for url in images:
        answer = served.get(url.removeprefix(served.url))
        assert answer.status_code == 200
    assert served.get(f"/objects/{object_id}/download").status_code == 403
    assert not [error for error in errors if "Mirador" in error], errors
