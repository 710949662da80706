"""The pages over HTTP: actions per access level, bad parameters, unknown records, the language switch."""

from __future__ import annotations

import re
from html import unescape

import requests


def page(url: str, path: str, **params) -> requests.Response:  # type: ignore[no-untyped-def]
    return requests.get(url + path, params=params, timeout=30, allow_redirects=False)


def record_path(url: str, q: str) -> str:
    html = page(url, "/", q=q, lang="en").text
    return unescape(re.search(r'href="(/record/[^"]+)"', html).group(1))


def test_actions_follow_the_access_level(site_url: str) -> None:
    expected = {'"Libraries of the Steppe"': ["Download", "Read online"],
                '"Абай жолы"': ["Read online"],
                '"Война и мир"': ["Read online"],  # its local id holds '?', '%', '#' and a space
                '"zamanaui kezeñ"': ["Download the first 24 pages", "Read online"]}
    for q, actions in expected.items():
        html = page(site_url, record_path(site_url, q), lang="en").text
        shown = re.findall(r'class="action action-[^"]*"[^>]*>([^<]+)<', html)
        assert shown == actions, q


def test_page_paging_links_walk_all_results(site_url: str) -> None:
    html = page(site_url, "/", q="*", lang="en").text
    seen = re.findall(r'href="/record/([^"]+)"', html)
    while (following := re.search(r'<a rel="next" class="next" href="([^"]+)"', html)):
        html = requests.get(site_url + following.group(1).replace("&amp;", "&"), timeout=30).text
        seen += re.findall(r'href="/record/([^"]+)"', html)
    assert len(seen) == len(set(seen)) == 10


def test_bad_parameter_page_names_it(site_url: str) -> None:
    answer = page(site_url, "/", size="huge", lang="en")
    assert answer.status_code == 400 and "<code>size</code>" in answer.text


def test_unknown_record_page_is_404(site_url: str) -> None:
    assert page(site_url, "/record/kaznu.none").status_code == 404


def test_language_switch_sets_a_cookie_and_stays_on_the_site(site_url: str) -> None:
    answer = page(site_url, "/lang/ru", next="/?q=abai")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/?q=abai")
    assert "kazneb_lang=ru" in answer.headers["Set-Cookie"]
    for elsewhere in ("https://elsewhere.example/", "//elsewhere.example/", "/\\elsewhere.example/"):
        assert page(site_url, "/lang/ru", next=elsewhere).headers["Location"] == "/"
    russian = requests.get(site_url + "/?q=*", cookies={"kazneb_lang": "ru"}, timeout=30).text
    assert "Найдено записей: 10" in russian


def test_a_chosen_facet_value_stays_with_its_count_and_the_others_stay_selectable(site_url: str) -> None:
    html = page(site_url, "/", q="*", language="kaz", lang="en").text
    assert "4 records found" in html
    facet = re.compile(r'<a class="facet ?(active)?" data-facet="language" href="([^"]+)">(?:✓ )?([^<]+)</a> '
                       r'<span class="count">(\d+)</span>')
    shown = {label: (bool(active), link.replace("&amp;", "&"), int(count))
             for active, link, label, count in facet.findall(html)}
    assert {label: (active, count) for label, (active, _, count) in shown.items()} == {
        "Kazakh": (True, 4), "Russian": (False, 3), "English": (False, 3)}
    assert "language=kaz" not in shown["Kazakh"][1]  # the chosen value's link unticks it
    both = requests.get(site_url + shown["Russian"][1], params={"lang": "en"}, timeout=30).text
    assert "7 records found" in both  # a second language is ORed with the first


def test_a_record_with_a_deposited_copy_shows_its_copys_level(tmp_path, request) -> None:  # type: ignore[no-untyped-def]
    """The page shows the level the store publishes: a deposited copy's level wins over its
    partner's, and the page follows the copy there and back (``Store.set_copy_level`` is what the
    depository calls; tests/objects/test_record_follows_copy.py does it through deposits)."""
    from urllib.parse import unquote

    from tests.services.live_server import live_server
    from tests.web.conftest import build_app

    app, _ = build_app("embedded", tmp_path, request)
    store = app.extensions["kazneb_store"]

    def actions(url: str, path: str) -> list[str]:
        return re.findall(r'class="action action-[^"]*"[^>]*>([^<]+)<', page(url, path, lang="en").text)

    with live_server(app) as url:
        path = record_path(url, '"Libraries of the Steppe"')
        local_id = unquote(path.removeprefix("/record/"))
        assert actions(url, path) == ["Download", "Read online"]
        with store.session() as session:
            store.set_copy_level(session, local_id, "read-only")
        assert actions(url, path) == ["Read online"]
        assert 'class="badge access-read-only"' in page(url, path, lang="en").text
        with store.session() as session:
            store.set_copy_level(session, local_id, None, "open")
        assert actions(url, path) == ["Download", "Read online"]
