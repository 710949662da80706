"""The metadata formats the hub publishes: prefix, namespace, schema and renderer of each.

The OAI provider lists :data:`FORMATS` in ListMetadataFormats and pre-renders every
record with each ``render`` at write time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crosswalks.dc import OAI_DC_NS, OAI_DC_SCHEMA
from crosswalks.dc.writer import render_oai_dc
from crosswalks.marc.from_canonical import canonical_to_marcxml
from crosswalks.marc.marcxml import MARC_NS, MARC_SCHEMA
from crosswalks.model import CanonicalRecord
from crosswalks.mods import MODS_NS, MODS_SCHEMA
from crosswalks.mods.writer import render_mods


@dataclass(frozen=True)
class MetadataFormat:
    """One OAI-PMH metadata format; ``render`` returns the payload root element as a string."""

    prefix: str
    namespace: str
    schema: str
    render: Callable[[CanonicalRecord], str]


def render_marc21(record: CanonicalRecord) -> str:
    """``marc:record`` (MARC21slim) for a canonical record."""
    return canonical_to_marcxml(record)


FORMATS: dict[str, MetadataFormat] = {
    "oai_dc": MetadataFormat("oai_dc", OAI_DC_NS, OAI_DC_SCHEMA, render_oai_dc),
    "marcxml": MetadataFormat("marcxml", MARC_NS, MARC_SCHEMA, render_marc21),
    "mods": MetadataFormat("mods", MODS_NS, MODS_SCHEMA, render_mods),
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
