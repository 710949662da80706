"""The ``/oai`` route: parse, answer, stream — every error as HTTP 200 with ``<error>``."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace

from flask import Blueprint, Response, current_app, request

from repository import installation
from repository.oai import xml
from repository.oai.arguments import Pairs, parse_request
from repository.oai.errors import BadArgument, BadVerb, OAIError, OAIErrors
from repository.oai.tokens import TokenCodec
from repository.oai.verbs import VERB_HANDLERS, Repository

oai_blueprint = Blueprint("oai", __name__)


@oai_blueprint.route("/oai", methods=["GET", "POST"])
def endpoint() -> Response:
    pairs = _request_pairs()
    store = current_app.extensions["kazneb_store"]
    settings = current_app.config["KAZNEB_SETTINGS"]
    repo = current_app.extensions.get("kazneb_oai")
    if repo is None:  # built once per app: settings do not change while it serves
        repo = current_app.extensions["kazneb_oai"] = repository_from(settings)
    with store.read_connection() as conn:
        moment = store.fence.reader_now(conn)  # every record stamped before it is visible now
        now = xml.utc_datestamp(moment)
        try:
            oai_request = replace(parse_request(pairs), now=moment)
            handler = VERB_HANDLERS[oai_request.verb]
            with conn.begin():  # the snapshot starts after the fence
                # read on every request: after `kazneb secret rotate` every worker signs with the new one
                repo = replace(repo, tokens=TokenCodec(installation.secret_in(conn, settings["hub.secret_key"])))
                body = handler(conn, repo, oai_request)
                first = next(body)  # runs the queries; data errors surface here
            chunks: Iterable[bytes] = _chain(first, body)
            opening = xml.envelope_open(now, repo.base_url, dict(oai_request.args, verb=oai_request.verb))
        except (OAIError, OAIErrors) as exc:
            errors = exc.errors if isinstance(exc, OAIErrors) else [exc]
            echo = {} if any(isinstance(e, BadVerb | BadArgument) for e in errors) else dict(pairs)
            opening = xml.envelope_open(now, repo.base_url, echo)
            chunks = [xml.error(e.code, e.message).encode() for e in errors]
    return _respond(opening, chunks)


def _request_pairs() -> list[tuple[str, str]]:
    """Arguments from the query string (GET) or the form body (POST)."""
    if request.method == "POST" and not _is_utf8(request.get_data(cache=True)):  # read before the form
        return Pairs(unreadable="the request body is not UTF-8 (OAI-PMH arguments are UTF-8, then URL-encoded)")
    source = request.form if request.method == "POST" else request.args
    return [(k, v) for k, values in source.lists() for v in values]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _respond(opening: str, chunks: Iterable[bytes]) -> Response:
    def body() -> Iterator[bytes]:
        yield opening.encode("utf-8")
        yield from chunks
        yield xml.ENVELOPE_CLOSE.encode("utf-8")

    encoding = _chosen_encoding(request.headers.get("Accept-Encoding", ""))
    response = Response(_compress(body(), encoding) if encoding else body(), mimetype="text/xml")
    response.charset = "utf-8"
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    return response


def _chosen_encoding(accept: str) -> str | None:
    """gzip or deflate when the client accepts it (a zero quality value refuses it)."""
    accepted = {}
    for part in accept.split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            accepted[name.strip().lower()] = float(quality)
        except ValueError:
            accepted[name.strip().lower()] = 0.0
    for name in ("gzip", "deflate"):
        if accepted.get(name, 0.0) > 0:
            return name
    return None


def _compress(chunks: Iterator[bytes], encoding: str) -> Iterator[bytes]:
    wbits = 31 if encoding == "gzip" else 15
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    buffer: list[bytes] = []
    size = 0
    for chunk in chunks:
        buffer.append(chunk)
        size += len(chunk)
        if size >= 65536:
            yield compressor.compress(b"".join(buffer))
            buffer, size = [], 0
    yield compressor.compress(b"".join(buffer)) + compressor.flush()


def repository_from(settings) -> Repository:  # type: ignore[no-untyped-def]
    """The provider's settings; the token secret is filled in per request (see ``endpoint``)."""
    return Repository(
        name=settings["hub.name"],
        base_url=settings.oai_base_url,
        admin_email=settings["hub.admin_email"],
        namespace=settings["hub.namespace"],
        page_size=settings["oai.page_size"],
        identifiers_page_size=settings["oai.identifiers_page_size"],
        sets_page_size=settings["oai.sets_page_size"],
        tokens=TokenCodec(settings["hub.secret_key"]),
    )
