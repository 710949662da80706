"""Round trips: canonical -> MARCXML / MODS -> canonical lose nothing the format carries;
canonical -> oai_dc -> canonical keeps every DC element."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from lxml import etree

from crosswalks.formats import FORMATS
from crosswalks.metadata import read_metadata
from crosswalks.model import CanonicalRecord
from tests.crosswalks.strategies import canonical_records

ROUND_TRIP = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _comparable(record: CanonicalRecord, drop: dict[str, set[str]]) -> dict[str, Any]:
    """to_dict with lists sorted (field order follows tags, not the record) and uncarried keys dropped."""
    data = record.to_dict()
    data.pop("source", None)
    data.pop("marc_extra", None)
    for key, value in list(data.items()):
        if isinstance(value, list):
            items = [{k: v for k, v in item.items() if k not in drop.get(key, set())} if isinstance(item, dict)
                     else item for item in value]
            data[key] = sorted(items, key=repr) if key != "languages" else items
    return data


def _through(record: CanonicalRecord, prefix: str) -> CanonicalRecord:
    return read_metadata(etree.fromstring(FORMATS[prefix].render(record)), prefix)


@ROUND_TRIP
@given(canonical_records())
def test_marcxml_round_trip(record):
    # MARC has no per-title language and no field for a file's page count or checksum
    drop = {"titles": {"script", "lang"}, "agents": {"script", "lang"}, "subjects": {"lang"},
            "descriptions": {"lang"}}
    assert _comparable(_through(record, "marcxml"), drop) == _comparable(record, drop)


@ROUND_TRIP
@given(canonical_records())
def test_mods_round_trip(record):
    # MODS url elements carry no media type; the record's media types stay in physicalDescription
    drop = {"titles": {"script"}, "agents": {"script"}, "objects": {"mimetype"}}
    assert _comparable(_through(record, "mods"), drop) == _comparable(record, drop)


def _dc_elements(xml: str) -> list[tuple[str, str, str]]:
    element = etree.fromstring(xml)
    return sorted((child.tag, child.get("{http://www.w3.org/XML/1998/namespace}lang") or "", child.text or "")
                  for child in element)


@ROUND_TRIP
@given(canonical_records())
def test_oai_dc_round_trip_keeps_every_element(record):
    first = FORMATS["oai_dc"].render(record)
    again = FORMATS["oai_dc"].render(_through(record, "oai_dc"))
    assert _dc_elements(again) == _dc_elements(first)
    names = {tag.rsplit("}", 1)[1] for tag, _, _ in _dc_elements(first)}
    assert {"title", "date", "type", "rights"} <= names
    has_identifier = bool(record.objects) or any(i.scheme != "local" for i in record.identifiers)
    assert ("identifier" in names) == has_identifier
    assert ("creator" in names) == bool(record.creators)
    assert ("contributor" in names) == bool(record.contributors)
