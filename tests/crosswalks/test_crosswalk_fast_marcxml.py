"""The direct MARCXML writer (no field objects) writes exactly what the MarcRecord path writes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from crosswalks.files import read_file
from crosswalks.formats import FORMATS
from crosswalks.marc.from_canonical import canonical_to_marc
from crosswalks.marc.marcxml import render_marcxml
from crosswalks.marc.marcxml_writer import canonical_to_marcxml
from crosswalks.model import CanonicalRecord, Title
from tests.crosswalks.conftest import SAMPLES
from tests.crosswalks.strategies import canonical_records

MARC_SAMPLES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix in (".xml", ".dat", ".mrc"))


def _both(record: CanonicalRecord) -> tuple[str, str]:
    return canonical_to_marcxml(record), render_marcxml(canonical_to_marc(record))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(canonical_records())
def test_direct_writer_matches_field_objects(record):
    direct, through_fields = _both(record)
    assert direct == through_fields
    assert FORMATS["marcxml"].render(record) == direct


@pytest.mark.parametrize("path", MARC_SAMPLES, ids=lambda p: p.name)
def test_direct_writer_matches_on_shared_samples(path):
    records = [result.record for result in read_file(path) if result.record is not None]
    for record in records:
        for level in (None, "open", "preview-24"):
            record.access = level
            direct, through_fields = _both(record)
            assert direct == through_fields


def test_direct_writer_keeps_extra_fields_in_tag_order():
    # kept source fields: a control field, an odd indicator, an empty data field, a second 240 candidate
    record = CanonicalRecord(titles=[Title("Абай жолы"), Title("Путь Абая", "uniform"), Title("Abai", "uniform")])
    record.marc_extra = [{"005": "20240101000000.0"}, {"008": "240101s1995    kz            000 0 kaz d"},
                         {"999": {"ind1": "x!", "ind2": "", "subfields": [{"a": "local & <kept>"}]}},
                         {"930": {"ind1": "1", "ind2": " ", "subfields": []}},
                         {"240": {"ind1": "1", "ind2": "0", "subfields": [{"a": "Kept uniform"}]}}]
    direct, through_fields = _both(record)
    assert direct == through_fields
    assert direct.index('tag="005"') < direct.index('tag="008"') < direct.index('tag="245"') < direct.index('tag="999"')
    assert "local &amp; &lt;kept&gt;" in direct and 'tag="930"' not in direct


def test_kept_fields_keep_their_empty_subfields():
    # a source's own field is written as it came; only the writer's own fields drop empty values
    record = CanonicalRecord(titles=[Title("Абай жолы")])
    record.marc_extra = [{"999": {"ind1": " ", "ind2": " ", "subfields": [{"a": ""}, {"b": "kept"}]}}]
    direct, through_fields = _both(record)
    assert direct == through_fields
    assert '<marc:subfield code="a"></marc:subfield><marc:subfield code="b">kept</marc:subfield>' in direct
