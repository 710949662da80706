"""Rendering a hub record for the provider, once, when it is written.

For each metadata format the provider offers, the whole OAI ``<record>`` (header,
metadata, provenance) and the bare ``<header>`` are rendered here and stored, so
that serving a page is a range scan and a string join.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from crosswalks.formats import FORMATS
from crosswalks.model import CanonicalRecord
from repository.models import Partner, SourceRecord
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
        record: CanonicalRecord,
        source: SourceRecord,
        partner: Partner | None,
    ) -> Iterator[tuple[str, str, str]]:
        """(prefix, header XML, record XML) for each metadata format."""
        header_xml = xml.header(identifier, datestamp, set_specs, deleted)
        about = None if deleted else provenance_of(source, partner)
        for prefix, fmt in FORMATS.items():
            metadata = None if deleted else fmt.render(record)
            yield prefix, header_xml, xml.record(header_xml, metadata, about)


def provenance_of(source: SourceRecord, partner: Partner | None) -> str:
    """The provenance container describing where ``source`` came from."""
    base_url = (partner.base_url if partner and partner.base_url else None) or f"urn:kazneb:partner:{source.partner_id}"
    harvested = datetime.fromtimestamp(source.harvested_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return xml.provenance(
        base_url=base_url,
        identifier=source_identifier_uri(source),
        datestamp=valid_utc(source.source_datestamp) or harvested,
        namespace=source.metadata_namespace or "urn:kazneb:unknown-namespace",
        harvest_date=harvested,
    )


def source_identifier_uri(source: SourceRecord) -> str:
    """The partner's identifier as a URI (file positions become ``urn:kazneb:file:...``)."""
    key = source.source_key
    if ":" in key.split("/")[0]:
        return key.replace(" ", "%20")
    from urllib.parse import quote

    return "urn:kazneb:file:" + quote(key, safe="/#.-_")


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
