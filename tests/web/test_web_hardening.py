"""Faults found in review (issue 17), over real HTTP: redirects that leave the site, raw UTF-8 URLs."""

from __future__ import annotations

import pytest
import requests

ELSEWHERE = [
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example", " //evil.example",
    "/\\evil.example", "\\\\evil.example", "/\t\\evil.example", "https:evil.example", "HTTPS://evil.example",
    "//evil.example", "///evil.example", "/\r\nSet-Cookie:x=1", "javascript:alert(1)",
    "/\x00/evil.example", "/\x7f/evil.example",
]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_language_switch_never_leaves_the_site(site_url: str, target: str) -> None:
    answer = requests.get(f"{site_url}/lang/en", params={"next": target}, timeout=30, allow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"
    assert "Set-Cookie: x" not in answer.text and "x=1" not in answer.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("target", ["/?q=abai&lang=kk", "/record/kaznu:x%3Fy", "/record/Абай жолы", "/%2F/x",
                                    "/%0D%0ASet-Cookie:x=1"])
def test_language_switch_returns_to_paths_on_the_site(site_url: str, target: str) -> None:
    answer = requests.get(f"{site_url}/lang/en", params={"next": target}, timeout=30, allow_redirects=False)
    location = answer.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and location != "/"
