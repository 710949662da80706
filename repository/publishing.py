"""Rendering a hub record for the provider, once, when it is written.

For each metadata format the provider offers, the whole OAI ``<record>`` (header,
metadata, provenance) is rendered here and stored, so that serving a page is a range
scan and a string join.  The bare ``<header>`` (ListIdentifiers) starts the record
right after ``<record>``: its length is stored beside it and the query cuts it out,
so it is not rendered or stored apart.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import datetime
from urllib.parse import quote

from crosswalks.formats import FORMATS
from crosswalks.model import CanonicalRecord
from repository.oai import xml


class Publisher:
    """Renders hub records in every registered metadata format."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def render(
        self,
        identifier: str,
        datestamp: int,
        set_specs: Sequence[str],
        deleted: bool,
        record: CanonicalRecord | None,
        about_xml: str | None,
    ) -> Iterator[tuple[str, bytes, int]]:
        """(prefix, record XML in UTF-8, length of its header in bytes) for each metadata format."""
        header_xml = xml.header(identifier, datestamp, set_specs, deleted).encode("utf-8")
        about = about_xml.encode("utf-8") if about_xml else None
        for prefix, fmt in FORMATS.items():
            metadata = None if deleted or record is None else fmt.render_utf8(record)
            yield prefix, xml.record(header_xml, metadata, about), len(header_xml)


def provenance_of(base_url: str | None, partner_id: str, source_key: str, source_datestamp: str | None,
                  namespace: str | None, harvested_at: int) -> str:
    """The provenance container describing where a partner record came from."""
    harvested = xml.utc_datestamp(harvested_at)
    return xml.provenance(
        base_url=base_url or f"urn:kazneb:partner:{partner_id}",
        identifier=source_identifier_uri(source_key),
        datestamp=valid_utc(source_datestamp) or harvested,
        namespace=namespace or "urn:kazneb:unknown-namespace",
        harvest_date=harvested,
    )


def source_identifier_uri(key: str) -> str:
    """The partner's identifier as a URI (file positions become ``urn:kazneb:file:...``)."""
    if ":" in key.split("/")[0]:
        return key.replace(" ", "%20")
    return "urn:kazneb:file:" + quote(key, safe="/#.-_")


@functools.lru_cache(maxsize=4096)
def valid_utc(value: str | None) -> str | None:
    """``value`` if it is a UTC date or datetime provenance.xsd accepts, else None."""
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"):
        try:
            datetime.strptime(value, fmt)
            return value
        except ValueError:
            continue
    return None
