"""Every shared sample that holds records is read, and every record renders valid oai_dc, MARCXML and MODS.

Field values are checked for chosen real records: Russian Windows-1251 MARC, MARC-8
diacritics, LOC MARCXML inside OAI-PMH, MODS (NYPL, Harvard), DSpace oai_dc.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from crosswalks.files import read_file
from crosswalks.formats import FORMATS
from crosswalks.metadata import read_metadata
from crosswalks.normalize.punctuation import trim_isbd
from tests.crosswalks.conftest import SAMPLES, assert_valid

ALL_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix in (".xml", ".dat", ".mrc"))
#: Files that hold records, with (readable records, deleted records, failures) in each.
RECORD_FILES: dict[str, tuple[int, int, int]] = {
    "pymarc/1251.dat": (6, 0, 0),
    "pymarc/test.dat": (10, 0, 0),
    "pymarc/marc8.dat": (1, 0, 0),
    "pymarc/diacritic.dat": (1, 0, 0),
    "pymarc/bad_eacc_encoding.dat": (1, 0, 0),
    "pymarc/testunimarc.dat": (1, 0, 0),
    "pymarc/utf8_with_leader_flag.dat": (1, 0, 0),
    "pymarc/utf8_without_leader_flag.dat": (1, 0, 0),
    "pymarc/bad_records.mrc": (4, 0, 4),
    "pymarc/utf8_invalid.mrc": (0, 0, 1),
    "pymarc/batch.xml": (2, 0, 0),
    "pymarc/utf8.xml": (1, 0, 0),
    "ingestion3/gpo.xml": (1, 0, 0),
    "ingestion3/hathi.xml": (1, 0, 0),
    "ingestion3/michigan_bad.xml": (1, 0, 0),
    "ingestion3/mt.xml": (1, 0, 0),
    "ingestion3/nypl.xml": (1, 0, 0),
    "ingestion3/oai-page.xml": (10, 0, 0),
    "invenio-oaiharvester/sample_arxiv_response_utf8.xml": (1, 0, 0),
    "invenio-oaiharvester/sample_inspire_response_listrecords.xml": (2, 0, 0),
    "invenio-oaiharvester/sample_oai_dc_response.xml": (1, 0, 0),
    "oaipmh-scythe/get_record__2__GetRecord_oai_dc.xml": (1, 0, 0),
    "oaipmh-scythe/list_records__5__ListRecords_oai_dc_page1_resumptionToken.xml": (3, 0, 0),
    "oaipmh-scythe/list_records__8__ListRecords_resumed_noTokenElement.xml": (3, 0, 0),
    "oaipmh-scythe/list_records__9__ListRecords_resumed_deleted.xml": (2, 1, 0),
    "oaipmh-scythe/get_record__1__GetRecord_datacite.xml": (0, 0, 1),
    "oaipmh-scythe/list_records__4__ListRecords_datacite_page1.xml": (0, 0, 50),
    "pyoai/fake1/00005.xml": (16, 0, 0),
    "pyoai/fake2/00000.xml": (0, 1, 0),
    "sickle/GetRecord_utf8test.xml": (1, 0, 0),
    "sickle/ListRecords.xml": (1, 1, 0),
    "www.openarchives.org/ex-sec2.5.xml": (1, 0, 0),
    "www.openarchives.org/ex-sec4.5b.xml": (2, 0, 0),
    "www.openarchives.org/oai%3Alcoa1.loc.gov%3Aloc.gmd%2Fg3914c.cw0369000_GetRecord.xml": (1, 0, 0),
    "www.openarchives.org/rights-ex-sec3a.xml": (1, 0, 0),
}


def _name(path: Path) -> str:
    return path.relative_to(SAMPLES).as_posix()


def _results(name: str):
    return list(read_file(SAMPLES / name))


#: Files without records that are complete, empty OAI-PMH responses: no records and no error.
EMPTY_RESPONSES = {"invenio-oaiharvester/sample_empty_response.xml",
                   "oaipmh-scythe/list_records__2__ListRecords_noRecordsMatch_http422.xml",
                   "sickle/noRecordsMatch.xml"}


def test_the_sample_list_is_complete():
    """A new sample file with records must be added to RECORD_FILES; every other file gives one
    file-level "no records found" error, except the empty OAI-PMH responses, which give nothing."""
    for path in ALL_FILES:
        name = _name(path)
        if name in RECORD_FILES:
            continue
        results = list(read_file(path))
        if name in EMPTY_RESPONSES:
            assert results == [], name
            continue
        assert len(results) == 1 and results[0].position == 0 and results[0].record is None, name
        assert results[0].error.startswith("file: no records found: "), (name, results[0].error)
        assert results[0].describe() == results[0].error


@pytest.mark.parametrize(("name", "why"), [
    ("sickle/Identify.xml", "the OAI-PMH response is Identify, which holds no records"),
    ("sickle/ListIdentifiers.xml", "the OAI-PMH response is ListIdentifiers, which holds no records"),
    ("sickle/badArgument.xml", "the OAI-PMH response is an error (badArgument)"),
    ("sickle/ListRecordsBroken.xml", "it is neither XML nor ISO 2709 MARC (it starts with b'broken xml')"),
    ("pyoai/fake3/00001.xml", "not well-formed XML: </OAI-PMH> closes <bogus>"),
    ("www.openarchives.org/branding-test1.xml", "the root element <branding> is not OAI-PMH, MARCXML, MODS or oai_dc"),
])
def test_why_a_file_has_no_records(name, why):
    assert [r.error for r in _results(name)] == [f"file: no records found: {why}"]


@pytest.mark.parametrize("name", sorted(RECORD_FILES))
def test_sample_records_read_and_render_valid(name, payload_schema):
    results = _results(name)
    ok = [r for r in results if r.record is not None]
    deleted = [r for r in results if r.deleted]
    failed = [r for r in results if r.error]
    assert (len(ok), len(deleted), len(failed)) == RECORD_FILES[name]
    assert [r.position for r in results] == list(range(1, len(results) + 1))
    for result in failed:
        assert result.error.strip() and not result.error.startswith(f"record {result.position}"), result.error
        assert result.describe() == f"record {result.position}: {result.error}"
    for result in ok:
        record = result.record
        assert record.titles or record.agents or record.marc_extra  # UNIMARC: kept as MARC fields
        record.access = "read-only"
        for metadata_format in FORMATS.values():
            element = assert_valid(payload_schema, metadata_format.render(record))
            again = read_metadata(element, metadata_format.prefix)
            assert again.access == "read-only"
            if record.main_title:  # MARC's closing full stop and oai_dc's "title : subtitle" aside
                assert trim_isbd(again.main_title).startswith(trim_isbd(record.main_title))


def test_russian_windows_1251_marc():
    first = _results("pymarc/1251.dat")[0]
    record = first.record
    assert first.identifier == "ru03-000001RKP"
    assert record.main_title == "Основы гидравлического расчета инженерных сетей"
    assert record.titles[0].responsibility == "Т. Н. Ильина"
    assert record.titles[0].script == "Cyrl"
    assert [a.name for a in record.creators] == ["Ильина, Татьяна Николаевна"]
    assert record.publishers == ["Изд-во Ассоц. строит. вузов"]
    assert record.year == 2005 and record.pages == 186
    assert record.languages == ["rus"]
    assert record.identifiers_of("isbn") == ["9785930933420"]
    assert record.identifiers_of("isbn10") == ["5930933421"]
    assert ("38.1я73", "bbk") in [(s.value, s.scheme) for s in record.subjects]
    assert ("624.01:532.5(075.8)", "udc") in [(s.value, s.scheme) for s in record.subjects]
    assert "Трубопроводы -- Гидравлический расчет" in [s.value for s in record.subjects]
    assert {"920": {"ind1": " ", "ind2": " ", "subfields": [{"a": "5-93093-342-1"}, {"9": "1000 экз."}]}} \
        in record.marc_extra


def test_marc8_diacritics_become_nfc_unicode():
    record = _results("pymarc/marc8.dat")[0].record
    uniform = [t for t in record.titles if t.kind == "uniform"]
    assert uniform[0].value == "De la solitude à la communauté"
    assert "\u00e0" in uniform[0].value and "\u0300" not in uniform[0].value  # precomposed (NFC)
    assert record.dates[0].original == "c1962" and record.year == 1962
    assert record.places == ["Philadelphia"] and record.publishers == ["Westminster Press"]


def test_utf8_leader_flag_right_or_wrong_gives_the_same_record():
    with_flag = _results("pymarc/utf8_with_leader_flag.dat")[0].record
    without_flag = _results("pymarc/utf8_without_leader_flag.dat")[0].record
    assert with_flag.to_dict() == without_flag.to_dict()


def test_loc_marcxml_in_oai_getrecord():
    result = _results("www.openarchives.org/oai%3Alcoa1.loc.gov%3Aloc.gmd%2Fg3914c.cw0369000_GetRecord.xml")[0]
    record = result.record
    assert result.identifier == "oai:lcoa1.loc.gov:loc.gmd/g3914c.cw0369000"
    assert result.datestamp == "2002-08-14T08:03:58Z" and result.sets == ["gmd"]
    assert record.main_title == "E. & G. W. Blunt's map of Charleston and vicinity"
    assert record.kind == "map" and record.dcmi_type == "Image"
    assert record.creators[0].kind == "corporate"
    assert record.year == 1862
    assert record.objects[0].url == "http://hdl.loc.gov/loc.gmd/g3914c.cw0369000"
    dc = FORMATS["oai_dc"].render(record)
    assert "<dc:coverage>Charleston Region (S.C.) -- History -- Civil War, 1861-1865 -- Maps</dc:coverage>" in dc


def test_mods_from_nypl():
    record = _results("ingestion3/nypl.xml")[0].record
    assert record.main_title == "Jedediah Buxton [National Calculator, 1705-1780]"
    assert record.kind == "image" and record.dcmi_type == "StillImage"
    assert record.agents[0].name == "Kay, John (1742-1826)" and record.agents[0].relator == "Engraver"
    assert ("Portraits", "lctgm", "genre") in [(s.value, s.scheme, s.kind) for s in record.subjects]
    assert [d.kind for d in record.descriptions] == ["note", "abstract"]


def test_dspace_oai_dc():
    results = _results("pyoai/fake1/00005.xml")
    first = results[0]
    assert first.identifier == "hdl:1765/308" and first.sets == ["1:2"]
    record = first.record
    assert record.main_title == "Kijken in het brein: Over de mogelijkheden van neuromarketing"
    assert [a.name for a in record.contributors][:1] == ["Smidts, A."]
    assert "neuromarketing" in [s.value for s in record.subjects]
    assert record.source.identifier == "hdl:1765/308"


def test_deleted_oai_records_are_flagged_not_failed():
    results = _results("sickle/ListRecords.xml")
    assert results[0].deleted and results[0].record is None and results[0].error is None
    assert results[0].identifier == "oai:test.example.com:1585310"


def test_loc_stylesheet_faults_not_repeated():
    """Contributors kept, no empty publisher/date, each 520 once, 264 read (CROSSWALKS.md 1b)."""
    marcxml = """<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 i 4500</leader>
      <controlfield tag="008">200101s2020    kz            000 0 kaz d</controlfield>
      <datafield tag="100" ind1="1" ind2=" "><subfield code="a">Әуезов, Мұхтар,</subfield>
        <subfield code="e">author.</subfield></datafield>
      <datafield tag="245" ind1="1" ind2="0"><subfield code="a">Абай жолы :</subfield>
        <subfield code="b">роман-эпопея /</subfield><subfield code="c">Мұхтар Әуезов.</subfield></datafield>
      <datafield tag="264" ind1=" " ind2="1"><subfield code="a">Алматы :</subfield>
        <subfield code="b">Жазушы,</subfield><subfield code="c">2020.</subfield></datafield>
      <datafield tag="520" ind1=" " ind2=" "><subfield code="a">Эпопея туралы.</subfield></datafield>
      <datafield tag="700" ind1="1" ind2=" "><subfield code="a">Иванов, Иван,</subfield>
        <subfield code="e">редактор.</subfield></datafield></record>"""
    record = read_metadata(etree.fromstring(marcxml), "marcxml")
    dc = FORMATS["oai_dc"].render(record)
    assert dc.count("<dc:description>") == 1
    assert "<dc:contributor>Иванов, Иван</dc:contributor>" in dc
    assert "<dc:creator>Әуезов, Мұхтар</dc:creator>" in dc
    assert "<dc:publisher>Жазушы</dc:publisher>" in dc and "<dc:date>2020</dc:date>" in dc
    assert "<dc:language>kaz</dc:language>" in dc
    assert "<dc:publisher/>" not in dc and "<dc:date/>" not in dc and "<dc:language/>" not in dc
    assert record.contributors[0].relator == "редактор"


def test_unimarc_record_is_read_with_its_own_tags():
    record = _results("pymarc/testunimarc.dat")[0].record
    assert record.source.format == "unimarc"
    assert record.main_title == "L'altra faccia della spirale"
    assert [a.name for a in record.creators] == ["Asimov, Isaac"]
    assert [a.name for a in record.contributors] == ["Fruttero, Carlo", "Lucentini, Franco", "Scaglia, Cesare"]
    assert record.publishers == ["A. Mondadori"] and record.places == ["Milano"] and record.year == 1996
    assert record.languages == ["ita"] and record.pages == 201
    assert record.identifiers_of("isbn") == ["9788804406822"]
    assert ("Il ciclo delle fondazioni", "4") in [(r.title, r.number) for r in record.relations]
    # unread fields are kept under a marked tag: UNIMARC tags would mean other things in MARC 21
    assert record.marc_extra and all(next(iter(item)).startswith("unimarc:") for item in record.marc_extra)


def test_traced_series_keeps_490_and_830():
    marcxml = """<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 i 4500</leader>
      <datafield tag="245" ind1="0" ind2="0"><subfield code="a">Абай жолы</subfield></datafield>
      <datafield tag="490" ind1="1" ind2=" "><subfield code="a">Әлем әдебиеті ;</subfield>
        <subfield code="v">т. 5</subfield></datafield>
      <datafield tag="830" ind1=" " ind2="0"><subfield code="a">Әлем әдебиеті (Алматы) ;</subfield>
        <subfield code="v">5</subfield></datafield></record>"""
    record = read_metadata(etree.fromstring(marcxml), "marcxml")
    assert [(r.title, r.number) for r in record.relations] == [("Әлем әдебиеті (Алматы)", "5")]
    out = etree.fromstring(FORMATS["marcxml"].render(record))
    tags = [f.get("tag") for f in out if f.get("tag") in ("490", "830")]
    assert tags == ["490", "830"]
    again = read_metadata(out, "marcxml")
    assert [(r.title, r.number) for r in again.relations] == [("Әлем әдебиеті (Алматы)", "5")]
