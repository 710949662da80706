"""Rendering a hub record for the provider, once, when it is written.

For each metadata format the provider offers, the whole OAI ``<record>`` (header,
metadata, provenance) is rendered here and stored, so that serving a page is a range
scan and a string join.  The bare ``<header>`` (ListIdentifiers) starts the record
right after ``<record>``: its length is stored beside it and the query cuts it out,
so it is not rendered or stored apart.

A record with a live deposited copy is rendered with one more digital object in front of the
partner's own: its page on the hub (:func:`with_copy_link`), which oai_dc writes as a
``dc:identifier``, MARC as an 856 whose ``$z`` names the level, and MODS as a
``location/url`` "object in context".  The link is added here, not kept in the stored
canonical record: the copy is the hub's, not something the partner said about its record.

Only an open record republishes the partner's own links to its files (:func:`without_partner_files`):
for a read-only or preview-24 record they would be a download around the hub's enforced routes
(issue 20, section 5), so they are left out of every format, and the record's page — where the
hub's reading page, and for preview-24 the excerpt, are offered — takes their place.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from urllib.parse import quote

from crosswalks.formats import FORMATS
from crosswalks.model import CanonicalRecord, DigitalObject, Relation
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
        about_xml: str | Sequence[str] | None,
    ) -> Iterator[tuple[str, bytes, int]]:
        """(prefix, record XML in UTF-8, length of its header in bytes) for each metadata format.

        ``about_xml``: one ``<about>`` container's content, or several (a cluster's record has one
        per holding: ``xml.record`` opens the first and closes the last, they are joined here)."""
        header_xml = xml.header(identifier, datestamp, set_specs, deleted).encode("utf-8")
        abouts = [about_xml] if isinstance(about_xml, str) else list(about_xml or ())
        about = "</about><about>".join(abouts).encode("utf-8") if abouts else None
        for prefix, fmt in FORMATS.items():
            metadata = None if deleted or record is None else fmt.render_utf8(record)
            yield prefix, xml.record(header_xml, metadata, about), len(header_xml)


#: How the link to a deposited copy's page is labelled (MARC 856 $3, MODS url/@displayLabel).
COPY_LINK_LABEL = "Electronic copy in the Kazakhstan National Electronic Library"


def record_path(local_id: str) -> str:
    """The path of a record's page on the hub (``web/pages.py``), its local id quoted as a URL path
    (a local id may hold '%', '?' and '#')."""
    return "/record/" + quote(local_id, safe=":/")


def record_page(base_url: str, local_id: str) -> str:
    """The public address of a record's page: where a deposited copy is reached from."""
    return base_url.rstrip("/") + record_path(local_id)


def with_copy_link(record: CanonicalRecord, page_url: str) -> CanonicalRecord:
    """``record`` with the link to its page first among its digital objects (a copy, not a change
    of the stored record)."""
    link = DigitalObject(page_url, label=COPY_LINK_LABEL, in_context=True)
    return dataclasses.replace(record, objects=[link, *record.objects])


def with_editions(record: CanonicalRecord, editions: list[dict[str, str]],
                  identifier: Callable[[str], str]) -> CanonicalRecord:
    """``record`` with the hub's records of its work in other languages (``hub_records.editions``)
    listed after its own relations as other versions, each by title and OAI ``identifier`` (a
    copy, not a change of the stored record)."""
    versions = [Relation(edition["title"], "version", identifier=identifier(edition["id"])) for edition in editions]
    return dataclasses.replace(record, relations=[*record.relations, *versions])


#: The only level at which the partner's links to its files are republished.
FILES_REPUBLISHED_AT = "open"


def without_partner_files(record: CanonicalRecord, access: str | None) -> CanonicalRecord:
    """``record`` as it may be published at ``access``: unchanged when open, else without the partner's
    digital objects (the hub's own in-context link, if present, stays).  The hub cannot tell a
    partner's file link from its viewer page, so every partner link goes: a missing link is
    mended by the record's page, a leaked file is not mended."""
    if access == FILES_REPUBLISHED_AT or not record.objects:
        return record
    kept = [obj for obj in record.objects if obj.in_context]
    return record if len(kept) == len(record.objects) else dataclasses.replace(record, objects=kept)


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
