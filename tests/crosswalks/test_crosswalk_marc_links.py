"""Other-script forms (MARC 880) of 246, 240 and 730 titles stay linked to their field through
MARC -> canonical -> MARC and through MODS (altRepGroup), as the 245's and the names' do."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from lxml import etree

from crosswalks.formats import FORMATS
from crosswalks.marc.from_canonical import canonical_to_marc
from crosswalks.marc.marcxml import parse_marcxml, render_marcxml
from crosswalks.marc.marcxml_writer import canonical_to_marcxml
from crosswalks.metadata import read_marcxml, read_metadata
from crosswalks.model import CanonicalRecord, Title, other_script_pairs
from tests.crosswalks.conftest import assert_valid
from tests.crosswalks.strategies import canonical_records
from tests.crosswalks.test_crosswalk_marc_roundtrip import MARC_NS, _df, _lost

#: 880 occurrences numbered as the writer numbers them (245 first, then the other titles in
#: record order), so the field-by-field comparison can ask for every $6 value as it was.
LINKED_TITLES = "".join([
    f'<record xmlns="{MARC_NS}"><leader>00000nam a2200000 i 4500</leader>',
    '<controlfield tag="001">kz-titles</controlfield>',
    _df("100", "1 ", ("a", "Abai Qunanbaiuly,"), ("e", "author.")),
    _df("240", "10", ("6", "880-02"), ("a", "Qara sozder.")),
    _df("245", "10", ("6", "880-01"), ("a", "Words of edification /"), ("c", "Abai.")),
    _df("246", "31", ("6", "880-03"), ("a", "Slova nazidaniia")),
    _df("246", "33", ("a", "Book of words")),
    _df("730", "0 ", ("6", "880-04"), ("a", "Shygarmalar zhinagy.")),
    _df("880", "10", ("6", "245-01/(N"), ("a", "Ғақлия сөздер /"), ("c", "Абай.")),
    _df("880", "10", ("6", "240-02/(N"), ("a", "Қара сөздер.")),
    _df("880", "31", ("6", "246-03/(N"), ("a", "Слова назидания")),
    _df("880", "0 ", ("6", "730-04/(N"), ("a", "Шығармалар жинағы.")),
    "</record>",
])


def _linked_titles() -> tuple:
    element = etree.fromstring(LINKED_TITLES)
    return parse_marcxml(element), read_marcxml(element)


def _pairs(record: CanonicalRecord) -> list[tuple[str, str, str, str | None]]:
    """(title, kind, its other-script form, script) for every non-main title that has one."""
    by_id = {id(t): t for t in record.titles}
    return [(by_id[key].value, by_id[key].kind, other.value, other.script)
            for key, other in other_script_pairs(record.titles).items()]


def test_880s_of_246_240_730_become_forms_right_after_their_titles():
    _, record = _linked_titles()
    assert _pairs(record) == [("Qara sozder", "uniform", "Қара сөздер", "Cyrl"),
                              ("Slova nazidaniia", "parallel", "Слова назидания", "Cyrl"),
                              ("Shygarmalar zhinagy", "uniform", "Шығармалар жинағы", "Cyrl")]
    forms = [(t.value, t.other_script_of) for t in record.titles if t.other_script_of]
    assert forms == [("Қара сөздер", "uniform"), ("Слова назидания", "parallel"),
                     ("Шығармалар жинағы", "uniform"), ("Ғақлия сөздер", "main")]
    assert not any("880" in item for item in record.marc_extra)  # modelled, nothing kept raw


def test_880s_of_246_240_730_are_written_back_linked_both_ways():
    source, record = _linked_titles()
    written = canonical_to_marc(record)
    assert _lost(source, written) == []  # every subfield, $6 linkages included, as the source had it
    links = {f.tag: f.get("6") for f in written.fields if f.tag in ("240", "245", "246", "730") and f.get("6")}
    assert links == {"240": "880-02", "245": "880-01", "246": "880-03", "730": "880-04"}
    others = [(f.get("6"), f.get("a"), f.ind1 + f.ind2) for f in written.fields if f.tag == "880"]
    assert others == [("245-01/(N", "Ғақлия сөздер /", "10"), ("240-02/(N", "Қара сөздер", "10"),
                      ("246-03/(N", "Слова назидания", "31"), ("730-04/(N", "Шығармалар жинағы", "0 ")]
    assert [f.get("6") for f in written.fields if f.tag == "246"] == ["880-03", None]  # "Book of words" has none
    assert render_marcxml(written) == canonical_to_marcxml(record)


def test_links_survive_the_store_and_a_second_round_trip(payload_schema):
    _, record = _linked_titles()
    stored = CanonicalRecord.from_dict(json.loads(json.dumps(record.to_dict())))
    first = canonical_to_marcxml(stored)
    assert first == canonical_to_marcxml(record)
    assert_valid(payload_schema, first)
    again = read_marcxml(etree.fromstring(first))
    assert _pairs(again) == _pairs(record)
    assert canonical_to_marcxml(again) == first


def test_mods_pairs_each_title_with_its_other_script_form(payload_schema):
    _, record = _linked_titles()
    element = assert_valid(payload_schema, FORMATS["mods"].render(record))
    m = "{http://www.loc.gov/mods/v3}"
    infos = [(t.get("altRepGroup"), t.get("type"), t.get("script"), t.findtext(f"{m}title"))
             for t in element.findall(f"{m}titleInfo")]
    assert infos == [("title-2", "uniform", None, "Qara sozder"), ("title-2", None, "Cyrl", "Қара сөздер"),
                     ("title-1", None, None, "Words of edification"),
                     ("title-3", "translated", None, "Slova nazidaniia"), ("title-3", None, "Cyrl", "Слова назидания"),
                     (None, "alternative", None, "Book of words"),
                     ("title-4", "uniform", None, "Shygarmalar zhinagy"),
                     ("title-4", None, "Cyrl", "Шығармалар жинағы"),
                     ("title-1", None, "Cyrl", "Ғақлия сөздер")]
    again = read_metadata(element, "mods")
    assert _pairs(again) == _pairs(record)
    assert [(t.value, t.other_script_of) for t in again.titles if t.other_script_of] == \
        [(t.value, t.other_script_of) for t in record.titles if t.other_script_of]


def test_an_880_without_its_field_stays_unlinked():
    """246-00: no field of its own; it must not be paired with a 246 that happens to come before it."""
    record_xml = LINKED_TITLES.replace(
        "</record>", _df("880", "33", ("6", "246-00/(N"), ("a", "Кітап")) + "</record>")
    written = canonical_to_marc(read_marcxml(etree.fromstring(record_xml)))
    unlinked = [f for f in written.fields if f.tag == "880" and f.get("6").startswith("246-00")]
    assert [(f.get("6"), f.get("a")) for f in unlinked] == [("246-00/(N", "Кітап")]
    assert [f.get("6") for f in written.fields if f.tag == "246"] == ["880-03", None]


def test_a_second_form_of_one_title_is_written_unlinked():
    record = CanonicalRecord(titles=[
        Title("Main", "main"), Title("Alt", "alternative"), Title("Альт", "parallel", other_script_of="alternative"),
        Title("آلت", "parallel", script="Arab", other_script_of="alternative")])
    written = canonical_to_marc(record)
    assert [f.get("6") for f in written.fields if f.tag == "246"] == ["880-01"]
    assert sorted((f.get("6"), f.get("a")) for f in written.fields if f.tag == "880") == [
        ("246-00/(3", "آلت"), ("246-01/(N", "Альт")]


ROUND_TRIP = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIP
@given(canonical_records())
def test_title_links_survive_marcxml_and_mods(record):
    assert len(_pairs(record)) == sum(1 for t in record.titles if t.other_script_of not in (None, "main"))
    for prefix in ("marcxml", "mods"):
        again = read_metadata(etree.fromstring(FORMATS[prefix].render(record)), prefix)
        # MARC writes titles in tag order (240 before 246): the pairs are compared as a set
        assert sorted(p[:3] for p in _pairs(again)) == sorted(p[:3] for p in _pairs(record)), prefix


def test_a_130_main_entry_and_its_880_link_both_ways():
    record_xml = "".join([
        f'<record xmlns="{MARC_NS}"><leader>00000nam a2200000 i 4500</leader>',
        _df("130", "0 ", ("6", "880-01"), ("a", "Qobylandy batyr.")),
        _df("245", "00", ("a", "Qobylandy batyr : epos.")),
        _df("880", "0 ", ("6", "130-01/(N"), ("a", "Қобыланды батыр.")),
        "</record>"])
    source, record = parse_marcxml(etree.fromstring(record_xml)), read_marcxml(etree.fromstring(record_xml))
    assert _pairs(record) == [("Qobylandy batyr", "uniform", "Қобыланды батыр", "Cyrl")]
    written = canonical_to_marc(record)
    assert (written.first("130").get("6"), written.first("880").get("6")) == ("880-01", "130-01/(N")
    assert written.first("880").get("a") == "Қобыланды батыр"
    assert _lost(source, written) == []
