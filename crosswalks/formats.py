"""The metadata formats the hub publishes: prefix, namespace, schema and renderer of each.

The OAI provider lists :data:`FORMATS` in ListMetadataFormats and pre-renders every
record with each ``render`` at write time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crosswalks.dc import OAI_DC_NS, OAI_DC_SCHEMA
from crosswalks.dc.writer import render_oai_dc, render_oai_dc_utf8
from crosswalks.marc.from_canonical import canonical_to_marcxml, canonical_to_marcxml_utf8
from crosswalks.marc.marcxml import MARC_NS, MARC_SCHEMA
from crosswalks.model import CanonicalRecord
from crosswalks.mods import MODS_NS, MODS_SCHEMA
from crosswalks.mods.writer import render_mods, render_mods_utf8


@dataclass(frozen=True)
class MetadataFormat:
    """One OAI-PMH metadata format; ``render`` returns the payload root element as a string,
    ``render_utf8`` the same in UTF-8 (what the provider stores, made without a wide string)."""

    prefix: str
    namespace: str
    schema: str
    render: Callable[[CanonicalRecord], str]
    render_utf8: Callable[[CanonicalRecord], bytes]


def render_marc21(record: CanonicalRecord) -> str:
    """``marc:record`` (MARC21slim) for a canonical record."""
    return canonical_to_marcxml(record)


FORMATS: dict[str, MetadataFormat] = {
    "oai_dc": MetadataFormat("oai_dc", OAI_DC_NS, OAI_DC_SCHEMA, render_oai_dc, render_oai_dc_utf8),
    "marcxml": MetadataFormat("marcxml", MARC_NS, MARC_SCHEMA, render_marc21, canonical_to_marcxml_utf8),
    "mods": MetadataFormat("mods", MODS_NS, MODS_SCHEMA, render_mods, render_mods_utf8),
}


def format_for(prefix_or_namespace: str) -> MetadataFormat | None:
    """The format with this prefix or namespace (namespaces compared without a trailing slash)."""
    if prefix_or_namespace in FORMATS:
        return FORMATS[prefix_or_namespace]
    wanted = prefix_or_namespace.rstrip("/")
    for metadata_format in FORMATS.values():
        if metadata_format.namespace.rstrip("/") == wanted:
            return metadata_format
    return None
