"""A scripted OAI-PMH partner on 127.0.0.1, for fault-injection tests and the benchmark.

:class:`ScriptedPartner` is a real HTTP server (``http.server`` in a thread) that serves
its ``items`` as a small OAI-PMH repository and lets a test script, request by request,
how it misbehaves: ``partner.script[n] = fault`` applies ``fault`` to the n-th ListRecords
request (1-based).  A fault receives the :class:`Exchange` about to be sent and may change
it (status, headers, body, delay) or ask for the connection to be reset.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit
from xml.sax.saxutils import escape

from crosswalks.namespaces import DC_NS, OAI_DC_NS, OAI_NS
from harvester.dates import DAYS, SECONDS, format_datestamp, parse_datestamp


@dataclass
class Item:
    """A record the partner holds; ``metadata`` is the payload XML (oai_dc by default)."""

    identifier: str
    datestamp: str = "2024-01-01T00:00:00Z"
    metadata: str = ""
    sets: list[str] = field(default_factory=list)
    deleted: bool = False


def dc_item(identifier: str, title: str, datestamp: str = "2024-01-01T00:00:00Z", /, **extra: str) -> Item:
    """An item whose metadata is a small oai_dc record."""
    fields = "".join(f"<dc:{k}>{escape(v)}</dc:{k}>" for k, v in extra.items())
    xml = (f'<oai_dc:dc xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}">'
           f"<dc:title>{escape(title)}</dc:title>{fields}</oai_dc:dc>")
    return Item(identifier, datestamp, xml)


@dataclass
class Exchange:
    """What the server is about to send; faults edit it."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/xml; charset=utf-8"})
    body: bytes = b""
    delay: float = 0.0
    reset: bool = False


Fault = Callable[[Exchange], None]


class ScriptedPartner:
    """An OAI-PMH repository over real HTTP whose misbehaviour tests script."""

    def __init__(self, items: Iterable[Item] = (), page_size: int = 3, granularity: str = SECONDS,
                 deleted_record: str = "persistent", formats: dict[str, str] | None = None) -> None:
        self.items = list(items)
        self.page_size = page_size
        self.granularity = granularity
        self.accepted_granularity = granularity  # what `from` the server really accepts
        self.deleted_record = deleted_record
        self.formats = formats or {"oai_dc": OAI_DC_NS}
        self.script: dict[int, Fault] = {}
        self.ignore_dates = False
        self.latency = 0.0  # seconds added to every ListRecords reply
        self.token_epoch = 0
        self.last_page_token = "empty"  # empty | missing
        self.list_requests = 0
        self.requests: list[dict[str, str]] = []
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.redirect_to: str | None = None  # answer every request with a 301 to this base URL
        self.tls: ssl.SSLContext | None = None  # serve HTTPS with this context
        self._server: ThreadingHTTPServer | None = None

    # -- server lifecycle ------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "partner not started"
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}/oai"

    def start(self) -> ScriptedPartner:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        if self.tls:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> ScriptedPartner:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- OAI-PMH ---------------------------------------------------------------
    def respond(self, path: str, params: dict[str, str]) -> Exchange:
        self.requests.append(dict(params))
        if path == "/old-oai":
            return Exchange(301, {"Location": "/oai?" + urlencode(params)})
        if self.redirect_to:
            return Exchange(301, {"Location": f"{self.redirect_to}?{urlencode(params)}"})
        verb = params.get("verb", "")
        if verb == "ListRecords":
            self.list_requests += 1
            exchange = self._body(self.list_records(params))
            exchange.delay = self.latency
            fault = self.script.get(self.list_requests)
            if fault:
                fault(exchange)
            return exchange
        handlers = {"Identify": self.identify, "ListMetadataFormats": self.list_metadata_formats}
        if verb not in handlers:
            return self._body(self.error("badVerb", f"illegal verb {verb!r}"))
        return self._body(handlers[verb](params))

    def _body(self, xml: str) -> Exchange:
        return Exchange(body=xml.encode("utf-8"))

    def envelope(self, inner: str) -> str:
        stamp = format_datestamp(self.now(), SECONDS)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<OAI-PMH xmlns="{OAI_NS}">'
                f"<responseDate>{stamp}</responseDate><request>{self.url}</request>{inner}</OAI-PMH>")

    def error(self, code: str, text: str) -> str:
        return self.envelope(f'<error code="{code}">{escape(text)}</error>')

    def identify(self, params: dict[str, str]) -> str:
        return self.envelope(
            "<Identify><repositoryName>Scripted partner</repositoryName>"
            f"<baseURL>{self.url}</baseURL><protocolVersion>2.0</protocolVersion>"
            "<adminEmail>oai@example.org</adminEmail><earliestDatestamp>2000-01-01T00:00:00Z</earliestDatestamp>"
            f"<deletedRecord>{self.deleted_record}</deletedRecord><granularity>{self.granularity}</granularity>"
            "</Identify>")

    def list_metadata_formats(self, params: dict[str, str]) -> str:
        rows = "".join(f"<metadataFormat><metadataPrefix>{p}</metadataPrefix><schema>{ns}.xsd</schema>"
                       f"<metadataNamespace>{ns}</metadataNamespace></metadataFormat>"
                       for p, ns in self.formats.items())
        return self.envelope(f"<ListMetadataFormats>{rows}</ListMetadataFormats>")

    def list_records(self, params: dict[str, str]) -> str:
        if "resumptionToken" in params:
            try:
                epoch, offset, start, until, set_spec, prefix = params["resumptionToken"].split("|")
            except ValueError:
                return self.error("badResumptionToken", "unreadable token")
            if int(epoch) != self.token_epoch:
                return self.error("badResumptionToken", "token expired")
            offset_n = int(offset)
        else:
            start, until = params.get("from", ""), params.get("until", "")
            set_spec, prefix, offset_n = params.get("set", ""), params.get("metadataPrefix", ""), 0
            for value in (start, until):
                if value and len(value) != len(self.accepted_granularity):
                    return self.error("badArgument", f"bad granularity: {value}")
        if prefix not in self.formats:
            return self.error("cannotDisseminateFormat", prefix)
        chosen = self.select(start, until, set_spec)
        if not chosen:
            return self.error("noRecordsMatch", "no records")
        page = chosen[offset_n: offset_n + self.page_size]
        records = "".join(self.render(item) for item in page)
        end = offset_n + len(page)
        if end < len(chosen):
            token = f"{self.token_epoch}|{end}|{start}|{until}|{set_spec}|{prefix}"
            records += (f'<resumptionToken completeListSize="{len(chosen)}" '
                        f'cursor="{offset_n}">{escape(token)}</resumptionToken>')
        elif offset_n and self.last_page_token == "empty":
            records += f'<resumptionToken completeListSize="{len(chosen)}" cursor="{offset_n}"/>'
        return self.envelope(f"<ListRecords>{records}</ListRecords>")

    def select(self, start: str, until: str, set_spec: str) -> list[Item]:
        def keep(item: Item) -> bool:
            if item.deleted and self.deleted_record == "no":
                return False
            if set_spec and set_spec not in item.sets:
                return False
            if self.ignore_dates:
                return True
            stamp = parse_datestamp(item.datestamp)
            return (not start or stamp >= parse_datestamp(start)) and (
                not until or stamp <= _end_of(until))
        return [item for item in self.items if keep(item)]

    def render(self, item: Item) -> str:
        stamp = item.datestamp[:10] if self.granularity == DAYS else item.datestamp
        sets = "".join(f"<setSpec>{escape(s)}</setSpec>" for s in item.sets)
        status = ' status="deleted"' if item.deleted else ""
        header = (f"<header{status}><identifier>{escape(item.identifier)}</identifier>"
                  f"<datestamp>{stamp}</datestamp>{sets}</header>")
        if item.deleted:
            return f"<record>{header}</record>"
        return f"<record>{header}<metadata>{item.metadata}</metadata></record>"


def _end_of(until: str) -> datetime:
    moment = parse_datestamp(until)
    return moment.replace(hour=23, minute=59, second=59) if len(until) == 10 else moment


class FilePartner(ScriptedPartner):
    """Serves recorded responses: ``routes[(verb, resumptionToken or "")]`` is a file to send.

    Files whose name says ``http422`` are sent with that status, as their server did."""

    def __init__(self, routes: dict[tuple[str, str], Path]) -> None:
        super().__init__()
        self.routes = routes

    def respond(self, path: str, params: dict[str, str]) -> Exchange:
        self.requests.append(dict(params))
        key = (params.get("verb", ""), params.get("resumptionToken", ""))
        if key not in self.routes:
            return self._body(self.error("badArgument", f"no recorded response for {key}"))
        path = self.routes[key]
        return Exchange(status=422 if "http422" in path.name else 200, body=path.read_bytes())


def _handler_for(partner: ScriptedPartner) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            parts = urlsplit(self.path)
            exchange = partner.respond(parts.path, dict(parse_qsl(parts.query)))
            if exchange.delay:
                time.sleep(exchange.delay)
            if exchange.reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            self.send_response(exchange.status)
            for name, value in exchange.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(exchange.body)))
            self.end_headers()
            try:
                self.wfile.write(exchange.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    return Handler


# -- faults ------------------------------------------------------------------
def status(code: int, retry_after: str | None = None, body: bytes = b"Service unavailable") -> Fault:
    """Answer ``code`` (with Retry-After when given) instead of the page."""
    def apply(exchange: Exchange) -> None:
        exchange.status, exchange.body = code, body
        exchange.headers = {"Content-Type": "text/plain"}
        if retry_after is not None:
            exchange.headers["Retry-After"] = retry_after
    return apply


def html_page(exchange: Exchange) -> None:
    """A proxy's HTML error page, sent with status 200."""
    exchange.headers = {"Content-Type": "text/html"}
    exchange.body = (b"<!DOCTYPE html><html><head><title>Maintenance</title></head>"
                     b"<body>Back soon</body></html>")


def truncate(exchange: Exchange) -> None:
    """The document stops half way."""
    exchange.body = exchange.body[: len(exchange.body) // 2]


def delay(seconds: float) -> Fault:
    def apply(exchange: Exchange) -> None:
        exchange.delay = seconds
    return apply


def reset(exchange: Exchange) -> None:
    """The connection is reset before any reply."""
    exchange.reset = True


def replace(old: bytes, new: bytes) -> Fault:
    """Edit the body bytes (invalid UTF-8, a wrong declared encoding, a repeated token...)."""
    def apply(exchange: Exchange) -> None:
        exchange.body = exchange.body.replace(old, new)
    return apply


def drop_token(exchange: Exchange) -> None:
    """The page has no resumptionToken element although the list goes on."""
    import re

    exchange.body = re.sub(rb"<resumptionToken[^>]*>[^<]*</resumptionToken>", b"", exchange.body)


def expire_tokens(partner: ScriptedPartner) -> Fault:
    """From this request on, every token issued before is rejected."""
    def apply(exchange: Exchange) -> None:
        partner.token_epoch += 1
        exchange.body = partner.error("badResumptionToken", "token expired").encode()
    return apply
