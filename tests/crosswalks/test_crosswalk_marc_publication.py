"""Several issued 260/264 fields stay separate through MARC -> canonical -> MARC (kept.py
publication splits), while oai_dc and MODS still get every place, publisher and date."""

from __future__ import annotations

import json

from lxml import etree

from crosswalks.formats import FORMATS
from crosswalks.marc.from_canonical import canonical_to_marc
from crosswalks.marc.marcxml import parse_marcxml, render_marcxml
from crosswalks.marc.marcxml_writer import canonical_to_marcxml
from crosswalks.metadata import read_marcxml, read_metadata
from crosswalks.model import CanonicalRecord
from tests.crosswalks.conftest import assert_valid
from tests.crosswalks.test_crosswalk_marc_roundtrip import MARC_NS, _df, _lost, _pairs


def _record(*fields: str) -> str:
    return "".join([f'<record xmlns="{MARC_NS}"><leader>00000nam a2200000 i 4500</leader>',
                    '<controlfield tag="001">kz-264</controlfield>',
                    _df("245", "00", ("a", "Abai zholy.")), *fields, "</record>"])


#: A first printing, a later one (ind1 3: current) with materials specified, and a copyright date.
TWO_PRINTINGS = _record(
    _df("264", " 1", ("a", "Almaty :"), ("b", "Zhazushy,"), ("c", "2019.")),
    _df("264", "31", ("3", "2nd printing:"), ("a", "Astana :"), ("b", "Foliant,"), ("c", "2021.")),
    _df("264", " 4", ("c", "©2019")),
)


def _read(xml: str):
    element = etree.fromstring(xml)
    return parse_marcxml(element), read_marcxml(element)


def _264s(written) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(f.ind1 + f.ind2, f.subfields) for f in written.fields if f.tag in ("260", "264")]


def test_two_issued_264s_are_written_back_as_two_fields(payload_schema):
    source, record = _read(TWO_PRINTINGS)
    assert record.places == ["Almaty", "Astana"] and record.publishers == ["Zhazushy", "Foliant"]
    assert [(d.original, d.kind) for d in record.dates] == [("2019", "issued"), ("2021", "issued"),
                                                             ("©2019", "copyright")]
    written = canonical_to_marc(record)
    assert _264s(written) == [
        (" 1", [("a", "Almaty :"), ("b", "Zhazushy,"), ("c", "2019")]),
        ("31", [("3", "2nd printing:"), ("a", "Astana :"), ("b", "Foliant,"), ("c", "2021")]),
        (" 4", [("c", "©2019")])]
    assert _lost(source, written) == []
    assert render_marcxml(written) == canonical_to_marcxml(record)
    assert_valid(payload_schema, canonical_to_marcxml(record))


def test_two_260s_and_a_source_order_of_subfields_come_back():
    source, record = _read(_record(
        _df("260", "  ", ("a", "Almaty :"), ("b", "Zhazushy ;"), ("a", "Moskva :"), ("b", "Nauka,"), ("c", "1995.")),
        _df("260", "2 ", ("a", "Astana :"), ("b", "Foliant,"), ("c", "2001."))))
    written = canonical_to_marc(record)
    assert _264s(written) == [
        ("  ", [("a", "Almaty :"), ("b", "Zhazushy ;"), ("a", "Moskva :"), ("b", "Nauka,"), ("c", "1995")]),
        ("2 ", [("a", "Astana :"), ("b", "Foliant,"), ("c", "2001")])]
    assert [f.tag for f in written.fields if f.tag in ("260", "264")] == ["260", "260"]
    assert _lost(source, written) == []


def test_a_real_260_keeps_its_order_of_places_and_publishers():
    """bad_eacc_encoding.dat: 260 $a $b $a $b $c (Tokyo : publisher ; Herndon, Va. : distributor)."""
    (source, record), = _pairs("pymarc/bad_eacc_encoding.dat")
    field = canonical_to_marc(record).first("260")
    assert [c for c, _ in field.subfields] == [c for c, _ in source.first("260").subfields] == list("ababc")


def test_one_plain_264_needs_no_entry():
    _, record = _read(_record(_df("264", " 1", ("a", "Almaty :"), ("b", "Zhazushy,"), ("c", "2019."))))
    assert record.marc_extra == []
    assert _264s(canonical_to_marc(record)) == [(" 1", [("a", "Almaty :"), ("b", "Zhazushy,"), ("c", "2019")])]


def test_the_store_and_a_second_round_trip_keep_the_fields():
    _, record = _read(TWO_PRINTINGS)
    stored = CanonicalRecord.from_dict(json.loads(json.dumps(record.to_dict())))
    first = canonical_to_marcxml(stored)
    assert first == canonical_to_marcxml(record)
    again = read_marcxml(etree.fromstring(first))
    assert canonical_to_marcxml(again) == first
    entries = [json.dumps(item, sort_keys=True) for item in again.marc_extra if "264" in item]
    assert entries == [json.dumps(item, sort_keys=True) for item in record.marc_extra]  # the source had no 008


def test_an_edited_record_gets_the_writers_one_264_with_every_value():
    _, record = _read(TWO_PRINTINGS)
    record.places.append("Shymkent")
    written = canonical_to_marc(record)
    assert _264s(written)[:2] == [
        (" 1", [("a", "Almaty ;"), ("a", "Astana ;"), ("a", "Shymkent :"), ("b", "Zhazushy :"), ("b", "Foliant,"),
                ("c", "2019")]),
        (" 1", [("c", "2021")])]


def test_a_broken_split_entry_is_ignored():
    _, record = _read(TWO_PRINTINGS)
    for item in record.marc_extra:
        if "split" in item.get("264", {}):
            item["264"]["split"] = "xyz"
    written = canonical_to_marc(record)
    assert [c for _, subfields in _264s(written)[:1] for c, _ in subfields] == ["a", "a", "b", "b", "c"]


def test_oai_dc_and_mods_get_every_place_publisher_and_date(payload_schema):
    _, record = _read(TWO_PRINTINGS)
    dc = assert_valid(payload_schema, FORMATS["oai_dc"].render(record))
    d = "{http://purl.org/dc/elements/1.1/}"
    assert [e.text for e in dc.iter(f"{d}publisher")] == ["Zhazushy", "Foliant"]
    assert [e.text for e in dc.iter(f"{d}date")] == ["2019", "2021", "2019"]
    mods = assert_valid(payload_schema, FORMATS["mods"].render(record))
    m = "{http://www.loc.gov/mods/v3}"
    assert [e.text for e in mods.iter(f"{m}placeTerm")] == ["Almaty", "Astana"]
    assert [e.text for e in mods.iter(f"{m}publisher")] == ["Zhazushy", "Foliant"]
    again = read_metadata(mods, "mods")
    assert (again.places, again.publishers) == (record.places, record.publishers)
    assert [(d.original, d.kind) for d in again.dates] == [(d.original, d.kind) for d in record.dates]
