"""UNIMARC fields the UNIMARC table does not read (or reads in part) are kept in the canonical
record under a marked tag, and never written into MARC 21 output as if they were MARC 21."""

from __future__ import annotations

import json
from collections import Counter

from lxml import etree

from crosswalks.files import read_file
from crosswalks.formats import FORMATS
from crosswalks.marc.from_canonical import canonical_to_marc
from crosswalks.marc.marcxml import parse_marcxml, render_marcxml
from crosswalks.marc.marcxml_writer import canonical_to_marcxml
from crosswalks.marc.record import field_to_json
from crosswalks.marc.unimarc import is_unimarc_entry, unimarc_entry
from crosswalks.metadata import read_marcxml
from crosswalks.model import CanonicalRecord
from tests.crosswalks.conftest import SAMPLES, assert_valid

#: Fields of the Italian UNIMARC sample the table reads whole: everything else must be kept.
READ_WHOLE = {"001", "010", "101", "200", "210", "215", "700", "702"}


def _sample():
    (result,) = [r for r in read_file(SAMPLES / "pymarc/testunimarc.dat") if r.record is not None]
    return parse_marcxml(etree.fromstring(result.raw.encode())), result.record


def _without_nonsort_marks(items: list[dict]) -> list[dict]:
    """The raw MARCXML of a result leaves out the NSB/NSE marks (0x88/0x89) the record's values keep."""
    return json.loads(json.dumps(items).replace("\\u0088", "").replace("\\u0089", ""))


def test_every_unread_field_is_kept_whole_under_a_marked_tag():
    source, record = _sample()
    assert record.source.format == "unimarc"
    kept = [field_to_json(f) for f in source.fields if f.tag not in READ_WHOLE]
    assert _without_nonsort_marks(record.marc_extra) == [unimarc_entry(f) for f in source.fields
                                                         if f.tag not in READ_WHOLE]
    assert {"a": "\x88Il \x89ciclo delle fondazioni"} in record.marc_extra[4]["unimarc:410"]["subfields"]
    assert Counter(next(iter(item)) for item in record.marc_extra) == Counter(
        {"unimarc:005": 1, "unimarc:100": 1, "unimarc:102": 1, "unimarc:410": 2, "unimarc:454": 1,
         "unimarc:790": 1, "unimarc:801": 1, "unimarc:899": 40})
    assert [list(item.values())[0] for item in _without_nonsort_marks(record.marc_extra)] == [
        list(item.values())[0] for item in kept]
    assert record.marc_extra[1] == {"unimarc:100": {"ind1": " ", "ind2": " ", "subfields": [
        {"a": "19961119d1996    ||||0itac50      ba"}]}}
    assert all(is_unimarc_entry(item) for item in record.marc_extra)


def test_a_read_field_with_unread_subfields_is_kept_too():
    """410 $1 (embedded fields) is not read: the whole 410 is kept beside the series it gave."""
    _, record = _sample()
    series = [item["unimarc:410"]["subfields"] for item in record.marc_extra if "unimarc:410" in item]
    assert series[0] == [{"1": "001IT\\ICCU\\CFI\\0012751"}, {"1": "2001 "}, {"a": "Bestsellers"}, {"v": "641"}]
    assert ("Bestsellers", "641") in [(r.title, r.number) for r in record.relations]


def test_authority_record_numbers_become_authority_ids():
    _, record = _sample()
    assert [(a.name, a.authority_ids) for a in record.agents] == [
        ("Asimov, Isaac", ["IT\\ICCU\\CFIV\\007327"]), ("Fruttero, Carlo", ["IT\\ICCU\\CFIV\\007373"]),
        ("Lucentini, Franco", ["IT\\ICCU\\CFIV\\007375"]), ("Scaglia, Cesare", ["IT\\ICCU\\RAVV\\003503"])]


def test_marc21_output_holds_no_unimarc_field(payload_schema):
    _, record = _sample()
    written = canonical_to_marc(record)
    assert not {"005", "102", "410", "454", "790", "801", "899"} & {f.tag for f in written.fields}
    assert written.first("100").subfields == [("a", "Asimov, Isaac."), ("0", "IT\\ICCU\\CFIV\\007327")]
    assert "19961119d1996" not in render_marcxml(written)
    xml = canonical_to_marcxml(record)
    assert xml == render_marcxml(written)
    again = read_marcxml(assert_valid(payload_schema, xml))
    assert again.source.format == "marcxml" and not any(is_unimarc_entry(item) for item in again.marc_extra)


def test_the_store_keeps_the_unimarc_fields_and_every_format_validates(payload_schema):
    _, record = _sample()
    stored = CanonicalRecord.from_dict(json.loads(json.dumps(record.to_dict())))
    assert stored.marc_extra == record.marc_extra
    assert canonical_to_marcxml(stored) == canonical_to_marcxml(record)
    for metadata_format in FORMATS.values():
        assert_valid(payload_schema, metadata_format.render(stored))


def test_a_unimarc_entry_in_a_marc21_record_is_skipped_too():
    record = CanonicalRecord.from_dict({"titles": [{"value": "Abai zholy"}], "marc_extra": [
        {"unimarc:200": {"ind1": "1", "ind2": " ", "subfields": [{"a": "Abai zholy"}]}},
        {"unimarc:005": "20091021165606.1"},
        {"590": {"ind1": " ", "ind2": " ", "subfields": [{"a": "Local note."}]}}]})
    written = canonical_to_marc(record)
    assert [f.tag for f in written.fields if f.tag in ("005", "200", "590")] == ["590"]
