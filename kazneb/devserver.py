"""Raw UTF-8 in the request line, as Werkzeug's development server hands it to the app.

``curl 'http://127.0.0.1:8080/api/search?q=абай'`` sends the UTF-8 bytes unencoded.
http.server reads the request line as Latin-1, and Werkzeug's ``make_environ`` then
encodes that text as UTF-8 once more, so the query reaches the app as mojibake and finds
nothing (the percent-encoded form works).  gunicorn refuses such a request line, and
servers that follow PEP 3333 pass the bytes on as Latin-1, which Werkzeug reads right: only
the development server (``kazneb serve``, ``kazneb demo``, the tests' live server) needs this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def utf8_request_line(wsgi_app: WSGIApp) -> WSGIApp:
    """``wsgi_app`` seeing a raw UTF-8 path or query as if the client had percent-encoded it."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if str(environ.get("SERVER_SOFTWARE", "")).startswith("Werkzeug/"):
            _repair(environ)
        return wsgi_app(environ, start_response)

    return app


def _repair(environ: dict[str, Any]) -> None:
    """Rebuild PATH_INFO and QUERY_STRING from the request line's own bytes, as PEP 3333 wants."""
    raw = environ.get("RAW_URI")
    if not isinstance(raw, str) or raw.isascii():
        return
    target = urlsplit(raw.encode("latin-1").decode("utf-8"))  # undoes make_environ's extra encoding
    path = f"/{target.netloc}{target.path}" if not target.scheme and target.netloc else target.path
    environ["PATH_INFO"] = unquote_to_bytes(path.encode("latin-1")).decode("latin-1")
    environ["QUERY_STRING"] = "".join(c if c.isascii() else f"%{ord(c):02X}" for c in target.query)
