"""Pure builders for OAI-PMH XML fragments: data in, text out.

Records are rendered once, when they are written, and stored; these functions are
therefore on the write path, and the envelope functions on the read path.  They
build strings rather than trees because a page of pre-rendered records is simply
concatenated between an opening and a closing envelope.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from crosswalks.namespaces import OAI_NS, OAI_SCHEMA, PROVENANCE_NS, PROVENANCE_SCHEMA, XSI_NS
from crosswalks.xmlchars import legal_xml


def xml_text(value: object) -> str:
    """Escape ``value`` for element content, dropping the characters the hub drops (``crosswalks.xmlchars``)."""
    return escape(legal_xml(str(value)))


def xml_attr(value: object) -> str:
    """Quote ``value`` as an attribute value, dropping the characters the hub drops."""
    return quoteattr(legal_xml(str(value)))


@functools.lru_cache(maxsize=256)
def utc_datestamp(seconds: int) -> str:
    """Epoch seconds as an OAI datestamp, ``YYYY-MM-DDThh:mm:ssZ`` (a written batch shares one)."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def header(identifier: str, datestamp: int, set_specs: Iterable[str], deleted: bool) -> str:
    """An OAI ``<header>``; a deleted record's header carries status="deleted"."""
    status = ' status="deleted"' if deleted else ""
    return (
        f"<header{status}><identifier>{xml_text(identifier)}</identifier>"
        f"<datestamp>{utc_datestamp(datestamp)}</datestamp>{set_specs_xml(tuple(set_specs))}</header>"
    )


@functools.lru_cache(maxsize=4096)
def set_specs_xml(set_specs: tuple[str, ...]) -> str:
    """The ``<setSpec>`` elements of a header; records share a few combinations of sets."""
    return "".join(f"<setSpec>{xml_text(s)}</setSpec>" for s in set_specs)


def record(header_xml: bytes, metadata: bytes | None, about_xml: bytes | None) -> bytes:
    """An OAI ``<record>`` as UTF-8; deleted records have a header only.

    Every part comes already encoded: a record's header and provenance are the same in
    every format, so each is encoded once, and mostly ASCII they encode fast on their own,
    where joined to Cyrillic metadata first they would go through the slower wide-text
    encoder.
    """
    if metadata is None:
        return b"".join((b"<record>", header_xml, b"</record>"))
    if about_xml:
        return b"".join((b"<record>", header_xml, b"<metadata>", metadata, b"</metadata><about>", about_xml,
                         b"</about></record>"))
    return b"".join((b"<record>", header_xml, b"<metadata>", metadata, b"</metadata></record>"))


def provenance(
    base_url: str, identifier: str, datestamp: str, namespace: str, harvest_date: str
) -> str:
    """A provenance container (provenance.xsd) saying where a record was harvested from."""
    return (
        f"{_provenance_open(harvest_date, base_url)}<identifier>{xml_text(identifier)}</identifier>"
        f"<datestamp>{xml_text(datestamp)}</datestamp>{_provenance_close(namespace)}"
    )


@functools.lru_cache(maxsize=64)
def _provenance_open(harvest_date: str, base_url: str) -> str:
    """The start of a provenance container: a harvested page's records share it."""
    return (
        f'<provenance xmlns="{PROVENANCE_NS}" xmlns:xsi="{XSI_NS}" '
        f'xsi:schemaLocation="{PROVENANCE_NS} {PROVENANCE_SCHEMA}">'
        f'<originDescription harvestDate={xml_attr(harvest_date)} altered="true">'
        f"<baseURL>{xml_text(base_url)}</baseURL>"
    )


@functools.lru_cache(maxsize=64)
def _provenance_close(namespace: str) -> str:
    return f"<metadataNamespace>{xml_text(namespace)}</metadataNamespace></originDescription></provenance>"


def envelope_open(response_date: str, request_url: str, request_args: dict[str, str]) -> str:
    """The XML declaration, ``<OAI-PMH>``, responseDate and request elements."""
    attrs = "".join(f" {k}={xml_attr(v)}" for k, v in sorted(request_args.items()))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="{XSI_NS}" '
        f'xsi:schemaLocation="{OAI_NS} {OAI_SCHEMA}">'
        f"<responseDate>{response_date}</responseDate>"
        f"<request{attrs}>{xml_text(request_url)}</request>"
    )


ENVELOPE_CLOSE = "</OAI-PMH>"


def error(code: str, message: str) -> str:
    return f"<error code={xml_attr(code)}>{xml_text(message)}</error>"


def resumption_token(token: str, cursor: int, complete_list_size: int | None) -> str:
    """A resumptionToken element; an empty ``token`` marks the last page."""
    size = f' completeListSize="{complete_list_size}"' if complete_list_size is not None else ""
    return f'<resumptionToken cursor="{cursor}"{size}>{xml_text(token)}</resumptionToken>'
