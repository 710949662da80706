"""Faults found in review (issue 17), over real HTTP: redirects that leave the site, raw UTF-8 URLs."""

from __future__ import annotations

import json
import socket

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


def raw_get(url: str, target: bytes) -> tuple[int, bytes]:
    """GET ``target`` sent byte for byte, as ``curl`` sends a URL typed with Cyrillic letters."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: " + host.encode() + b"\r\n\r\n")
        reply = b"".join(iter(lambda: conn.recv(65536), b""))
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_a_raw_utf8_query_finds_what_the_percent_encoded_one_finds(site_url: str) -> None:
    encoded = requests.get(f"{site_url}/api/search", params={"q": "абай"}, timeout=30).json()
    assert encoded["total"] >= 1
    status, body = raw_get(site_url, "/api/search?q=абай".encode())
    assert status == 200 and json.loads(body)["total"] == encoded["total"]


def test_a_raw_utf8_path_reaches_the_app_as_utf8(site_url: str) -> None:
    status, body = raw_get(site_url, "/api/records/жоқ?x=ä".encode())
    assert status == 404 and "жоқ" in json.loads(body)["message"]
    status, body = raw_get(site_url, b"/api/search?q=%D0%B0&q2=\xff")  # not UTF-8: refused by name, no 500
    assert status == 400 and json.loads(body)["parameter"] == "q2"
