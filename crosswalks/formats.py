"""The metadata formats the hub publishes: prefix, namespace, schema and renderer of each.

The OAI provider lists :data:`FORMATS` in ListMetadataFormats and pre-renders every
record with each ``render_utf8`` at write time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crosswalks.dc.writer import oai_dc_parts
from crosswalks.marc.marcxml_writer import marcxml_parts
from crosswalks.model import CanonicalRecord
from crosswalks.mods.writer import mods_parts
from crosswalks.namespaces import MARC_NS, MARC_SCHEMA, MODS_NS, MODS_SCHEMA, OAI_DC_NS, OAI_DC_SCHEMA


@dataclass(frozen=True)
class MetadataFormat:
    """One OAI-PMH metadata format, written by ``parts``: the payload root element's markup in
    pieces, which ``render`` joins into a string and ``render_utf8`` into the UTF-8 the
    provider stores."""

    prefix: str
    namespace: str
    schema: str
    parts: Callable[[CanonicalRecord], list[str]]

    def render(self, record: CanonicalRecord) -> str:
        return "".join(self.parts(record))

    def render_utf8(self, record: CanonicalRecord) -> bytes:
        return self.render(record).encode()


FORMATS: dict[str, MetadataFormat] = {
    "oai_dc": MetadataFormat("oai_dc", OAI_DC_NS, OAI_DC_SCHEMA, oai_dc_parts),
    "marcxml": MetadataFormat("marcxml", MARC_NS, MARC_SCHEMA, marcxml_parts),
    "mods": MetadataFormat("mods", MODS_NS, MODS_SCHEMA, mods_parts),
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
