"""The pages in headless Chromium (Debian's package) with JavaScript off: search, facet, record, language.

Screenshots go to tests/web/artefacts/ (git-ignored; CI keeps them as artefacts).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.web.chromium import ensure_chromium

ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTEFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=FLAGS, headless=True)
        yield browser
        browser.close()


def new_page(browser: Browser, **options) -> Page:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, locale="en-US", **options)
    return context.new_page()


def test_search_facet_record_and_language_switch(browser: Browser, site_url: str) -> None:
    page = new_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(f"{site_url}/?lang=en")
    page.fill("input[name=q]", "қазақ әдебиеті")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert page.locator("li.result").count() == 2
    assert page.locator("li.result mark").count() >= 2
    page.screenshot(path=str(ARTEFACTS / "search.png"), full_page=True)

    page.locator("a.facet[data-facet=access]", has_text="First 24 pages").click()
    page.wait_for_load_state()
    assert "access=preview-24" in page.url
    assert page.locator("li.result").count() == 1
    assert page.locator("li.result .badge").inner_text() == "First 24 pages"
    page.screenshot(path=str(ARTEFACTS / "facet.png"), full_page=True)

    page.locator("li.result a.title").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Qazaq ädebietı: zamanaui kezeñ"
    assert page.locator(".holding").inner_text() == "kaznu"
    actions = page.locator(".actions .action").all_inner_texts()
    assert actions == ["Download the first 24 pages", "Read online"]
    page.screenshot(path=str(ARTEFACTS / "record.png"), full_page=True)

    page.locator(".languages a", has_text="Русский").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Qazaq ädebietı: zamanaui kezeñ"
    assert page.locator(".actions .action").all_inner_texts() == ["Скачать первые 24 страницы", "Читать онлайн"]
    page.screenshot(path=str(ARTEFACTS / "record-ru.png"), full_page=True)

    page.locator(".languages a", has_text="Қазақша").click()
    page.wait_for_load_state()
    page.goto(f"{site_url}/?q=*")
    assert "жазба табылды" in page.locator(".total").inner_text()
    page.screenshot(path=str(ARTEFACTS / "search-kk.png"), full_page=True)


def test_usable_on_a_phone(browser: Browser, site_url: str) -> None:
    page = new_page(browser, viewport={"width": 360, "height": 740}, is_mobile=True)
    page.goto(f"{site_url}/?q=библиотеки&lang=ru")
    assert page.locator("li.result").count() == 2
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    page.screenshot(path=str(ARTEFACTS / "phone.png"), full_page=True)
