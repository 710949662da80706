"""MARCXML in -> canonical -> MARCXML out keeps the subfields of rewritten fields that no
canonical part holds: 245 $h/$k, 020 $q/$c, 041 $h, a partner's own 856 $z ($0 is modelled)."""

from __future__ import annotations

from lxml import etree

from crosswalks.formats import FORMATS
from crosswalks.marc.from_canonical import canonical_to_marc
from crosswalks.marc.marcxml import render_marcxml
from crosswalks.marc.marcxml_writer import canonical_to_marcxml
from crosswalks.metadata import read_marcxml
from crosswalks.namespaces import MARC_NS
from tests.crosswalks.conftest import assert_valid

SOURCE = f"""<record xmlns="{MARC_NS}">
  <leader>00000nam a2200000 i 4500</leader>
  <controlfield tag="001">kz-42</controlfield>
  <controlfield tag="008">200101s2020    kz            000 0 kaz d</controlfield>
  <datafield tag="020" ind1=" " ind2=" "><subfield code="a">9786010000003</subfield>
    <subfield code="q">(pbk.)</subfield><subfield code="c">2500 tg</subfield></datafield>
  <datafield tag="041" ind1="1" ind2=" "><subfield code="a">kaz</subfield><subfield code="h">rus</subfield></datafield>
  <datafield tag="245" ind1="0" ind2="0"><subfield code="a">Абай жолы</subfield>
    <subfield code="h">[electronic resource] :</subfield><subfield code="b">роман</subfield>
    <subfield code="k">Collection.</subfield></datafield>
  <datafield tag="650" ind1=" " ind2="7"><subfield code="a">Kazakh fiction</subfield>
    <subfield code="0">http://id.loc.gov/authorities/subjects/sh85071999</subfield>
    <subfield code="2">lcsh</subfield></datafield>
  <datafield tag="856" ind1="4" ind2="0"><subfield code="u">https://partner.kz/abai.pdf</subfield>
    <subfield code="z">Scanned from the 1942 edition</subfield></datafield>
</record>"""


def _subfields(xml: str, tag: str) -> list[tuple[str, str]]:
    element = etree.fromstring(xml)
    return [(s.get("code"), s.text) for d in element.iter(f"{{{MARC_NS}}}datafield") if d.get("tag") == tag
            for s in d]


def _round_trip() -> tuple[str, str]:
    record = read_marcxml(etree.fromstring(SOURCE))
    record.access = "open"
    return canonical_to_marcxml(record), render_marcxml(canonical_to_marc(record))


def test_rewritten_fields_keep_their_other_subfields(payload_schema):
    direct, through_fields = _round_trip()
    assert direct == through_fields  # both writer paths agree
    assert_valid(payload_schema, direct)
    title = _subfields(direct, "245")
    assert ("h", "[electronic resource] :") in title and ("k", "Collection.") in title
    assert [c for c, _ in title] == ["a", "h", "b", "k"]
    assert title[0] == ("a", "Абай жолы")  # the mark moved to the $h that brought its own
    assert ("q", "(pbk.)") in _subfields(direct, "020") and ("c", "2500 tg") in _subfields(direct, "020")
    assert _subfields(direct, "041") == [("a", "kaz"), ("h", "rus")]
    subject = _subfields(direct, "650")
    assert ("0", "http://id.loc.gov/authorities/subjects/sh85071999") in subject and ("a", "Kazakh fiction") in subject
    link = _subfields(direct, "856")
    assert ("z", "Scanned from the 1942 edition") in link
    assert sum(code == "z" for code, _ in link) == 2  # the partner's note and the hub's access note


def test_kept_subfields_survive_a_second_round_and_are_not_doubled():
    first, _ = _round_trip()
    again = read_marcxml(etree.fromstring(first))
    assert again.access == "open"  # the hub's own 856 $z note is read as the access level, not kept
    second = FORMATS["marcxml"].render(again)
    for tag in ("245", "020", "041", "650", "856"):
        assert _subfields(second, tag) == _subfields(first, tag), tag


def test_unmatched_kept_subfields_do_not_make_fields_of_their_own():
    record = read_marcxml(etree.fromstring(SOURCE))
    record.subjects.clear()
    record.objects.clear()
    out = FORMATS["marcxml"].render(record)
    assert _subfields(out, "650") == [] and _subfields(out, "856") == []


def test_malformed_kept_entries_are_skipped_not_fatal():
    record = read_marcxml(etree.fromstring(SOURCE))
    record.marc_extra += [{"245": {"kept_subfields": [["h"], "x", ["k", "", "a"]], "match": "абай жолы"}},
                          {"650": {"kept_subfields": "not a list"}}, {"020": {"kept_subfields": 7}}]
    out = FORMATS["marcxml"].render(record)
    assert ("h", "[electronic resource] :") in _subfields(out, "245")  # the good entry still applies


def test_an_older_kept_authority_id_is_not_written_twice():
    """Records stored before $0 was modelled kept it as a 6XX kept subfield: written once."""
    record = read_marcxml(etree.fromstring(SOURCE))
    uri = "http://id.loc.gov/authorities/subjects/sh85071999"
    assert record.subjects[0].authority_ids == [uri]
    record.marc_extra.append({"650": {"kept_subfields": [["0", uri, "a"]], "match": "kazakh fiction"}})
    assert _subfields(FORMATS["marcxml"].render(record), "650").count(("0", uri)) == 1
