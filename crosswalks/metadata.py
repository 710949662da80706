"""Reading one metadata element (oai_dc, MARCXML, MODS) into a canonical record, by format."""

from __future__ import annotations

from lxml import etree

from crosswalks.dc.reader import read_oai_dc
from crosswalks.errors import CrosswalkError
from crosswalks.marc.marcxml import parse_marcxml
from crosswalks.marc.record import MarcRecord
from crosswalks.marc.to_canonical import marc_to_canonical
from crosswalks.model import CanonicalRecord
from crosswalks.mods.reader import read_mods
from crosswalks.namespaces import MARC_NS, MODS_NS, OAI_DC_NS


def read_marcxml(element: etree._Element) -> CanonicalRecord:
    """The canonical record for a ``marc:record`` element (MARC21slim)."""
    if _local(element.tag) == "collection":
        element = next((c for c in element if _local(c.tag) == "record"), element)
    return marcxml_record(parse_marcxml(element))


def marcxml_record(marc: MarcRecord) -> CanonicalRecord:
    """The canonical record for a MARCXML record already read (from a tree or from its text)."""
    record = marc_to_canonical(marc)
    record.source.format = "marcxml"
    record.source.metadata_namespace = MARC_NS
    return record


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace_of(tag: object) -> str:
    """An element tag's namespace ("" for none, or for a comment's or instruction's tag)."""
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


_BY_PREFIX = {"oai_dc": OAI_DC_NS, "marcxml": MARC_NS, "marc21": MARC_NS, "marc": MARC_NS,
              "mods": MODS_NS, "MARC21": MARC_NS}
_READERS = {OAI_DC_NS.rstrip("/"): read_oai_dc, MARC_NS: read_marcxml, MODS_NS: read_mods}


def read_metadata(element: etree._Element, prefix_or_namespace: str | None = None) -> CanonicalRecord:
    """The canonical record for a metadata element, chosen by prefix, namespace or the element itself.

    Raises :class:`CrosswalkError` for a format the hub cannot read or a record it cannot use.
    """
    namespace = _BY_PREFIX.get(prefix_or_namespace or "", prefix_or_namespace or "") or namespace_of(element.tag)
    reader = _READERS.get(namespace.rstrip("/")) or _READERS.get(namespace_of(element.tag).rstrip("/"))
    if reader is None:
        raise CrosswalkError(f"no reader for metadata format {prefix_or_namespace or element.tag!r}")
    try:
        record = reader(element)
    except CrosswalkError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise CrosswalkError(f"cannot read {_local(element.tag)} record: {exc}") from exc
    record.source.metadata_namespace = record.source.metadata_namespace or namespace
    return record
