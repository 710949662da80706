"""Delivery over real HTTP: each route × each level (and withdrawn) × the tricks a reader might try.

The hub runs on 127.0.0.1 (``hub_url``) over the test's store and depository, both databases.
Requests go out through ``http.client`` so a path is sent exactly as written (``../`` and
``%2e%2e%2f`` are not tidied up by the client).  What a level must not give is checked on the
bodies: no response of a read-only copy carries a PDF or any of the original's bytes.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import socket
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pikepdf
import pypdfium2
import pytest

from kazneb.config import Settings
from objects import generated
from objects.catalogue import apply_event, utc_stamp
from tests.conftest import make_settings

KAZAKH_NAME = "Абай жолы.pdf"
LEVELS = ("open", "read-only", "preview-24")
#: Route → the levels it serves (never a withdrawn copy): the table of issue 20.
SERVES = {"download": {"open"}, "file": {"open"}, "zip": {"open"}, "excerpt": {"open", "preview-24"},
          "thumbnail": {"open", "read-only", "preview-24"}}


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """The hub's settings pointed at the depository the ``hub`` fixture fills and a derivatives folder."""
    return make_settings(db_url, **{"objects.root": str(tmp_path / "objects"),
                                    "delivery.derivatives": str(tmp_path / "derivatives")})


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class Site:
    """The hub over HTTP, and the hub whose copies it serves."""

    url: str
    hub: object

    def request(self, path: str, method: str = "GET", **headers: str) -> Reply:
        target = urlsplit(self.url)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in headers.items():
                connection.putheader(name.replace("_", "-"), value)
            connection.endheaders()
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def deposit(self, files: list[Path], access: str, withdrawn: bool = False) -> str:
        object_id = self.hub.deposit(files, access=access).object_id  # type: ignore[attr-defined]
        if withdrawn:
            with self.hub.store.session() as session:  # type: ignore[attr-defined]
                apply_event(session, {"kind": "withdraw", "object": object_id, "at": utc_stamp(),
                                      "reason": "the rights holder withdrew the consent"})
        return object_id


@pytest.fixture
def site(hub, hub_url: str) -> Site:  # type: ignore[no-untyped-def]
    return Site(hub_url, hub)


def sha512(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def pdf_pages(data: bytes) -> int:
    document = pypdfium2.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def page_image(path: Path, number: int) -> bytes:
    """The stored bytes of the image on page ``number`` of a generated scan."""
    with pikepdf.open(path) as pdf:
        return next(iter(pdf.pages[number - 1].get_images().values())).read_raw_bytes()


def stored_bytes(hub, object_id: str, logical_path: str) -> bytes:  # type: ignore[no-untyped-def]
    urn = f"urn:kazneb:object:{object_id}"
    return hub.depository.file_path(urn, hub.depository.logical_files(urn)[logical_path]).read_bytes()


def requests_for(object_id: str, name: str) -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """(route, method, path, headers): every way in to one object's routes."""
    base = f"/objects/{object_id}"
    for route, path in (("download", f"{base}/download"), ("file", f"{base}/files/{quote(name)}"),
                        ("zip", f"{base}/download.zip"), ("excerpt", f"{base}/excerpt"),
                        ("thumbnail", f"{base}/thumbnail")):
        yield route, "GET", path, {}
        yield route, "HEAD", path, {}
        if route not in ("zip", "thumbnail"):  # made as they are sent: no ranges
            yield route, "GET", path, {"Range": "bytes=0-99"}


def tricks_for(object_id: str, other_name: str) -> Iterator[str]:
    """Paths that name something other than a payload file of the head version."""
    base = f"/objects/{object_id}/files"
    yield f"{base}/../consent/consent.pdf"
    yield f"{base}/%2e%2e%2fconsent%2fconsent.pdf"
    yield f"{base}/%2E%2E/%2E%2E/{object_id}/kazneb.json"
    yield f"{base}/..%2fkazneb.json"
    yield f"{base}/consent.pdf"
    yield f"{base}/consent/consent.pdf"
    yield f"{base}/kazneb.json"
    yield f"{base}/files/{quote(KAZAKH_NAME)}"  # the logical path rather than the name
    yield f"{base}/{quote(other_name)}"  # another object's file


def thumbnail_tricks(object_id: str, name: str) -> Iterator[str]:
    """Paths that lead past the thumbnail to something else: no route answers them (404 at every level)."""
    base = f"/objects/{object_id}/thumbnail"
    yield f"{base}/../download"
    yield f"{base}/..%2fdownload"
    yield f"{base}/%2e%2e/files/{quote(name)}"
    yield f"{base}/p1/full/max/0/default.jpg"


@pytest.mark.parametrize("withdrawn", [False, True], ids=["current", "withdrawn"])
@pytest.mark.parametrize("level", LEVELS)
def test_each_route_serves_only_what_the_level_allows(site: Site, level: str, withdrawn: bool) -> None:
    book = site.hub.pdf(KAZAKH_NAME, pages=30)  # type: ignore[attr-defined]
    object_id = site.deposit([book], level, withdrawn)
    other_id = site.deposit([site.hub.pdf("other.pdf", pages=2, seed=7)], "open")  # type: ignore[attr-defined]
    original = book.read_bytes()
    never = {"consent": stored_bytes(site.hub, object_id, "consent/consent.pdf"),
             "kazneb.json": stored_bytes(site.hub, object_id, "kazneb.json")}
    if level != "open" or withdrawn:
        never["the original's end"] = original[-4096:]
        never["page 30's image"] = page_image(book, 30)
    if level == "read-only" or withdrawn:
        never["page 1's image"] = page_image(book, 1)
    failures = []

    def check(what: str, reply: Reply, expected: int) -> None:
        if reply.status != expected:
            failures.append(f"{what}: {reply.status}, expected {expected}")
        for name, data in never.items():
            if data in reply.body:
                failures.append(f"{what}: the body carries {name}")
        if (level == "read-only" or withdrawn) and b"%PDF" in reply.body:
            failures.append(f"{what}: a PDF in the body")

    for route, method, path, headers in requests_for(object_id, KAZAKH_NAME):
        allowed = level in SERVES[route] and not withdrawn
        expected = (206 if headers else 200) if allowed else 403
        reply = site.request(path, method, **headers)
        check(f"{method} {path} {headers}", reply, expected)
        if not allowed and method == "GET" and b"withdrawn" not in reply.body and withdrawn:
            failures.append(f"{path}: the refusal does not say the copy is withdrawn")
    for path in tricks_for(object_id, "other.pdf"):
        check(f"GET {path}", site.request(path), 404 if level == "open" and not withdrawn else 403)
    for path in thumbnail_tricks(object_id, KAZAKH_NAME):
        check(f"GET {path}", site.request(path), 404)
    for path in (f"/objects/{other_id}/files/{quote(KAZAKH_NAME)}", "/objects/zzzzzzzzzz/download",
                 "/objects/zzzzzzzzzz/excerpt", f"/objects/{object_id.upper()}/download",
                 "/objects/..%2f..%2fobjects/download", "/objects/zzzzzzzzzz/thumbnail",
                 f"/objects/{object_id.upper()}/thumbnail", "/objects/..%2f..%2fobjects/thumbnail"):
        check(f"GET {path}", site.request(path), 404)
    own, others = site.request(f"/objects/{object_id}/thumbnail"), site.request(f"/objects/{other_id}/thumbnail")
    if others.body == own.body:  # another object's id gives that object's page 1, never this one's
        failures.append("the thumbnail of another object is this object's")
    assert not failures, "\n".join(failures)


def test_an_open_copy_downloads_byte_for_byte_with_ranges_and_validators(site: Site) -> None:
    book = site.hub.pdf(KAZAKH_NAME, pages=6)  # type: ignore[attr-defined]
    original = book.read_bytes()
    object_id = site.deposit([book], "open")
    download = site.request(f"/objects/{object_id}/download")
    assert download.status == 200 and sha512(download.body) == sha512(original)
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Length"] == str(len(original))
    assert download.headers["Accept-Ranges"] == "bytes"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"Abai_joly.pdf\"; filename*=UTF-8''" + quote(KAZAKH_NAME, safe=""))
    etag, modified = download.headers["ETag"], download.headers["Last-Modified"]
    assert etag == f'"{sha512(original)}"'

    by_name = site.request(f"/objects/{object_id}/files/{quote(KAZAKH_NAME)}")
    assert by_name.body == original and by_name.headers["ETag"] == etag
    decomposed = quote(unicodedata.normalize("NFD", KAZAKH_NAME))  # as a Mac may send the name
    assert site.request(f"/objects/{object_id}/files/{decomposed}").body == original

    size = len(original)
    for asked, start, end in (("bytes=0-99", 0, 99), ("bytes=100-", 100, size - 1), ("bytes=-50", size - 50, size - 1),
                              (f"bytes={size - 10}-{size + 500}", size - 10, size - 1)):
        part = site.request(f"/objects/{object_id}/download", Range=asked)
        assert part.status == 206, asked
        assert part.headers["Content-Range"] == f"bytes {start}-{end}/{size}", asked
        assert part.body == original[start:end + 1], asked
    unsatisfiable = site.request(f"/objects/{object_id}/download", Range=f"bytes={size}-")
    assert unsatisfiable.status == 416 and unsatisfiable.headers["Content-Range"] == f"bytes */{size}"
    assert original not in unsatisfiable.body

    for validator in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        again = site.request(f"/objects/{object_id}/download", **validator)
        assert again.status == 304 and again.body == b"", validator
    stale = site.request(f"/objects/{object_id}/download", If_None_Match='"something-else"')
    assert stale.status == 200 and stale.body == original
    head = site.request(f"/objects/{object_id}/download", "HEAD")
    assert head.status == 200 and head.headers["Content-Length"] == str(size) and head.headers["ETag"] == etag
    assert raw_head(site.url, f"/objects/{object_id}/download").endswith(b"\r\n\r\n")  # and nothing after


def raw_head(url: str, path: str) -> bytes:
    """Everything the server sends for a HEAD request until it closes (http.client would not read a body)."""
    target = urlsplit(url)
    with socket.create_connection((target.hostname, target.port), timeout=30) as connection:
        connection.sendall(f"HEAD {path} HTTP/1.0\r\nHost: {target.netloc}\r\n\r\n".encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def test_a_copy_of_several_files_offers_each_and_one_zip_in_page_order(site: Site) -> None:
    folder = site.hub.folder  # type: ignore[attr-defined]
    files = [generated.pdf(folder / "Том 2.pdf", pages=4, seed=2), generated.tiff(folder / "plates.tif", pages=3),
             generated.pdf(folder / "a-index.pdf", pages=2, seed=3)]
    object_id = site.deposit(files, "open")

    listing = site.request(f"/objects/{object_id}/download", Accept="application/json")
    assert listing.status == 200
    listed = json.loads(listing.body)
    assert [f["name"] for f in listed["files"]] == [f.name for f in files]
    assert listed["zip"] == f"/objects/{object_id}/download.zip"
    page = site.request(f"/objects/{object_id}/download", Accept_Language="kk")
    assert page.status == 200 and b"%PDF" not in page.body
    text = page.body.decode()
    assert "Көшірменің файлдары" in text and f"/objects/{object_id}/download.zip" in text
    assert [text.index(f"/objects/{object_id}/files/{quote(f.name)}") for f in files] == sorted(
        text.index(f"/objects/{object_id}/files/{quote(f.name)}") for f in files)
    for file in files:
        served = site.request(f"/objects/{object_id}/files/{quote(file.name)}")
        assert served.status == 200 and served.body == file.read_bytes(), file.name
    assert site.request(f"/objects/{object_id}/files/plates.tif").headers["Content-Type"] == "image/tiff"

    archive = site.request(f"/objects/{object_id}/download.zip")
    assert archive.status == 200 and archive.headers["Content-Type"] == "application/zip"
    assert archive.headers["Content-Length"] == str(len(archive.body))  # announced before a file was read
    assert archive.headers.get("Transfer-Encoding") is None
    assert archive.headers["Content-Disposition"] == f'attachment; filename="{object_id}.zip"'
    with zipfile.ZipFile(io.BytesIO(archive.body)) as opened:
        assert opened.testzip() is None
        assert opened.namelist() == [f.name for f in files]
        assert all(info.compress_type == zipfile.ZIP_STORED for info in opened.infolist())
        for file in files:
            assert sha512(opened.read(file.name)) == sha512(file.read_bytes()), file.name
    head = site.request(f"/objects/{object_id}/download.zip", "HEAD")
    assert head.status == 200 and head.body == b"" and head.headers["Content-Length"] == str(len(archive.body))


def test_a_preview_copy_gives_exactly_its_first_24_pages_once_built(site: Site, tmp_path: Path) -> None:
    book = site.hub.pdf(KAZAKH_NAME, pages=30)  # type: ignore[attr-defined]
    object_id = site.deposit([book], "preview-24")
    first = site.request(f"/objects/{object_id}/excerpt")
    assert first.status == 200 and first.headers["Content-Type"] == "application/pdf"
    assert pdf_pages(first.body) == 24 and first.body != book.read_bytes()
    assert "filename*=UTF-8''" + quote("Абай жолы-pages-1-24.pdf", safe="") in first.headers["Content-Disposition"]
    cached = list((tmp_path / "derivatives" / "excerpts" / object_id).glob("v1-*.pdf"))
    assert len(cached) == 1 and cached[0].read_bytes() == first.body
    built = cached[0].stat().st_mtime_ns

    again = site.request(f"/objects/{object_id}/excerpt")
    assert again.body == first.body and again.headers["ETag"] == first.headers["ETag"]
    assert cached[0].stat().st_mtime_ns == built  # served from the cache, not built again
    assert site.request(f"/objects/{object_id}/excerpt", If_None_Match=first.headers["ETag"]).status == 304
    part = site.request(f"/objects/{object_id}/excerpt", Range="bytes=0-1023")
    assert part.status == 206 and part.body == first.body[:1024]


def test_a_short_copy_and_a_copy_of_several_files_are_excerpted_by_page(site: Site) -> None:
    folder = site.hub.folder  # type: ignore[attr-defined]
    short = site.deposit([generated.pdf(folder / "short.pdf", pages=10)], "preview-24")
    assert pdf_pages(site.request(f"/objects/{short}/excerpt").body) == 10
    parts = [generated.pdf(folder / f"part{n}.pdf", pages=10, seed=n) for n in (1, 2, 3)]
    several = site.deposit(parts, "preview-24")
    reply = site.request(f"/objects/{several}/excerpt")
    assert pdf_pages(reply.body) == 24
    with pikepdf.open(io.BytesIO(reply.body)) as excerpt, pikepdf.open(parts[2]) as third:
        page_21 = next(iter(excerpt.pages[20].get_images().values())).read_raw_bytes()
        assert page_21 == next(iter(third.pages[0].get_images().values())).read_raw_bytes()
    jpegs = generated.jpeg_pages(folder / "pages", pages=26)
    pictures = site.deposit(jpegs, "preview-24")
    with pikepdf.open(io.BytesIO(site.request(f"/objects/{pictures}/excerpt").body)) as excerpt:
        assert len(excerpt.pages) == 24
        assert next(iter(excerpt.pages[23].get_images().values())).read_raw_bytes() == jpegs[23].read_bytes()


REFUSALS = {  # language → words of the read-only refusal, of the preview-24 refusal, of the withdrawn one
    "kk": ("тек онлайн оқуға болады", "алғашқы 24 бетін", "кері қайтарылып алынды"),
    "ru": ("только читать онлайн", "только первые 24 страницы", "отозвана"),
    "en": ("may only be read online", "Only the first 24 pages", "has been withdrawn"),
}


@pytest.mark.parametrize("language", sorted(REFUSALS))
def test_a_refusal_explains_itself_in_the_readers_language(site: Site, language: str) -> None:
    folder = site.hub.folder  # type: ignore[attr-defined]
    read_only = site.deposit([generated.pdf(folder / "r.pdf", pages=3, seed=1)], "read-only")
    preview = site.deposit([generated.pdf(folder / "p.pdf", pages=3, seed=2)], "preview-24")
    gone = site.deposit([generated.pdf(folder / "w.pdf", pages=3, seed=3)], "open", withdrawn=True)
    words = REFUSALS[language]
    for object_id, expected in ((read_only, words[0]), (preview, words[1]), (gone, words[2])):
        for headers in ({"Accept_Language": f"{language},en;q=0.1"}, {"Cookie": f"kazneb_lang={language}"}):
            reply = site.request(f"/objects/{object_id}/download", **headers)
            assert reply.status == 403 and reply.headers["Content-Language"] == language
            assert expected in reply.body.decode(), (object_id, headers)
        as_json = site.request(f"/objects/{object_id}/download?lang={language}", Accept="application/json")
        assert as_json.status == 403 and as_json.headers["Content-Type"] == "application/json"
        body = json.loads(as_json.body)
        assert body["error"] == "forbidden" and body["language"] == language and expected in body["message"]
        assert ("excerpt" in body["links"]) is (object_id == preview)
    offer = site.request(f"/objects/{preview}/download", Accept_Language=language)
    assert f'href="/objects/{preview}/excerpt"' in offer.body.decode()
    read_only_excerpt = site.request(f"/objects/{read_only}/excerpt", Accept_Language=language)
    assert read_only_excerpt.status == 403 and words[0] in read_only_excerpt.body.decode()
