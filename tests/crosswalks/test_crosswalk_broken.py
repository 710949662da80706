"""Broken input is reported per record, names the record, and never stops the batch.

Covers a bad leader, a truncated record, invalid UTF-8, a wrong declared encoding
(ISO 2709 and XML), XML with an undeclared entity, with a DOCTYPE and external
entities (never resolved), and malformed XML.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crosswalks.files import read_bytes, read_file
from crosswalks.marc.iso2709 import split_records
from crosswalks.xmlsplit import split_xml
from tests.crosswalks.conftest import SAMPLES as SAMPLES_DIR


def iso2709(fields: list[tuple[str, str]], encoding: str = "utf-8", flag: str = "a") -> bytes:
    """A MARC 21 record: fields are (tag, data) with data as "ind1 ind2 \\x1fa..." or control text."""
    directory, data = b"", b""
    for tag, text in fields:
        body = text.encode(encoding) + b"\x1e"
        directory += tag.encode() + f"{len(body):04d}{len(data):05d}".encode()
        data += body
    base = 24 + len(directory) + 1
    length = base + len(data) + 1
    leader = f"{length:05d}nam {flag}22{base:05d} i 4500".encode()
    return leader + directory + b"\x1e" + data + b"\x1d"


def record(title: str, encoding: str = "utf-8", flag: str = "a", number: str = "1") -> bytes:
    return iso2709([("001", number), ("245", f"10\x1fa{title}")], encoding, flag)


def _titles(results) -> list[str | None]:
    return [r.record.main_title if r.record else None for r in results]


def test_bad_leader_costs_one_record():
    bad = bytearray(record("Second", number="2"))
    bad[0:5] = b"x2y3z"
    results = list(read_bytes(record("First") + bytes(bad) + record("Third", number="3")))
    assert _titles(results) == ["First", None, "Third"]
    assert results[1].error == "bad leader: record length 'x2y3z' is not a number"
    assert results[1].raw.startswith("x2y3z")


def test_truncated_last_record():
    data = record("First") + record("Second")[:-30]
    results = list(read_bytes(data))
    assert _titles(results) == ["First", None]
    assert results[1].error.startswith("truncated")


def test_field_running_past_the_end_of_its_record():
    good = record("Whole")
    broken = good[:40] + good[60:]  # directory now points past the data
    results = list(read_bytes(broken + record("After")))
    assert results[0].record is None and results[0].error
    assert not results[0].error.startswith("record") and results[0].describe().startswith("record 1: ")
    assert _titles(results)[1:] == ["After"]


def test_invalid_utf8_is_reported():
    bad = iso2709([("001", "2"), ("245", "10\x1faBad ")]).replace(b"Bad ", b"B\xff\xfe ")
    results = list(read_bytes(record("First") + bad + record("Third")))
    assert _titles(results) == ["First", None, "Third"]
    assert results[1].error == "invalid UTF-8 although ldr/09 says UTF-8"


def test_wrong_leader_flag_windows_1251_read_as_cyrillic():
    lying = record("Абай жолы және басқа шығармалар".replace("ә", "а").replace("ғ", "г").replace("қ", "к"),
                   encoding="cp1251", flag="a")
    unflagged_utf8 = record("Қазақстан тарихы", flag=" ")
    results = list(read_bytes(lying + unflagged_utf8))
    assert _titles(results) == ["Абай жолы жане баска шыгармалар", "Қазақстан тарихы"]


def test_forced_encoding_for_a_whole_file():
    data = record("Москва", encoding="cp1251", flag=" ")
    assert _titles(read_bytes(data, encoding="cp1251")) == ["Москва"]


MARC_COLLECTION = """<?xml version="1.0" encoding="{encoding}"?>{doctype}
<collection xmlns="http://www.loc.gov/MARC21/slim">{records}</collection>"""


def marcxml(title: str, number: str) -> str:
    return (f'<record><leader>00000nam a2200000 i 4500</leader><controlfield tag="001">{number}</controlfield>'
            f'<datafield tag="245" ind1="1" ind2="0"><subfield code="a">{title}</subfield></datafield></record>')


def collection(*titles: str, encoding: str = "UTF-8", doctype: str = "") -> str:
    records = "".join(marcxml(t, str(n)) for n, t in enumerate(titles, start=1))
    return MARC_COLLECTION.format(encoding=encoding, doctype=doctype, records=records)


def test_undeclared_entity_costs_one_record():
    results = list(read_bytes(collection("First", "Has &nbsp; entity", "Third").encode()))
    assert _titles(results) == ["First", None, "Third"]
    assert results[1].error.startswith("malformed XML")
    assert "nbsp" in results[1].error
    assert results[1].identifier is None and "&nbsp;" in results[1].raw


def test_external_entities_are_never_resolved(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    doctype = (f'<!DOCTYPE collection [<!ENTITY xxe SYSTEM "{secret.as_uri()}">'
               '<!ENTITY inner "expanded">]>')
    path = tmp_path / "xxe.xml"
    path.write_text(collection("Leak &xxe;", "Inner &inner;", "Clean", doctype=doctype))
    results = list(read_file(path))
    assert _titles(results) == [None, None, "Clean"]
    for result in results:
        assert "TOP-SECRET-VALUE" not in (result.raw + (result.error or "") + repr(result.record))
    assert "xxe" in results[0].error


def test_wrong_declared_encoding_in_xml():
    text = collection("First", "Второй", "Third")
    data = text.replace("Второй", "@@").encode("utf-8").replace(b"@@", "Второй".encode("cp1251"))
    results = list(read_bytes(data))
    assert _titles(results) == ["First", None, "Third"]
    assert results[1].error == "bytes that are not valid in the file's declared encoding"


def test_declared_windows_1251_xml_is_decoded():
    data = collection("Қазақ", "Русский", encoding="windows-1251").replace("Қазақ", "Казах").encode("cp1251")
    assert _titles(read_bytes(data)) == ["Казах", "Русский"]


def test_malformed_record_and_truncated_file():
    text = collection("First", "Second", "Third").replace(">Second<", ">Se<b>cond<")
    truncated = text[: text.rindex("Third") + 3]
    results = list(read_bytes(truncated.encode()))
    assert _titles(results) == ["First", None, None]
    assert results[1].error.startswith("malformed XML")
    assert results[2].error == "truncated, the file ends inside the record"


def test_marcxml_with_collapsed_leader_is_repaired():
    text = collection("Leader").replace("00000nam a2200000 i 4500", "00000nam a22 i 4500")
    result = next(iter(read_bytes(text.encode())))
    assert result.record.main_title == "Leader"


def test_not_a_record_file():
    results = list(read_bytes(b"hello, this is not a catalogue"))
    assert len(results) == 1 and results[0].record is None
    assert "neither XML nor ISO 2709" in results[0].error


def test_oai_record_with_unknown_metadata_format_is_reported():
    response = """<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>
      <record><header><identifier>oai:x:1</identifier><datestamp>2020-01-01</datestamp></header>
        <metadata><thing xmlns="urn:unknown">x</thing></metadata></record>
      <record><header><identifier>oai:x:2</identifier><datestamp>2020-01-01</datestamp></header>
        <metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
          xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Two</dc:title></oai_dc:dc></metadata></record>
    </ListRecords></OAI-PMH>"""
    results = list(read_bytes(response.encode()))
    assert results[0].error.startswith("OAI record oai:x:1: no reader for metadata format")
    assert results[0].identifier == "oai:x:1"
    assert _titles(results)[1] == "Two" and results[1].identifier == "oai:x:2"


def test_marcxml_without_namespace():
    text = collection("Bare one", "Bare two").replace(' xmlns="http://www.loc.gov/MARC21/slim"', "")
    results = list(read_bytes(text.encode()))
    assert _titles(results) == ["Bare one", "Bare two"]
    assert [r.identifier for r in results] == ["1", "2"]


def test_record_boundaries_found_across_any_chunking():
    """Records split over read boundaries (here 7-byte reads) are found exactly as in one read."""
    data = (SAMPLES_DIR / "pyoai" / "fake1" / "00005.xml").read_bytes()
    whole = [(p.position, p.text, p.error) for p in split_xml([data])]
    pieces = [(p.position, p.text, p.error) for p in split_xml(data[i:i + 7] for i in range(0, len(data), 7))]
    assert len(whole) == 16 and pieces == whole
    marc = record("One") + record("Two") + record("Three")
    assert list(split_records(marc[i:i + 5] for i in range(0, len(marc), 5))) == list(split_records([marc]))


def test_errors_leave_the_position_to_the_caller():
    # importer and harvester write "record N: <error>": the error itself must not name N again
    good = record("Whole")
    results = list(read_bytes(record("First") + good[:40] + good[60:] + b"12345"))
    failed = [r for r in results if r.error]
    assert [r.position for r in failed] == [2, 3]
    for result in failed:
        assert "record 2" not in result.error and "record 3" not in result.error
        assert result.describe() == f"record {result.position}: {result.error}"


OAI_OPEN = b'<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>x</responseDate>'


@pytest.mark.parametrize(("data", "why"), [
    (b"\xfe\xff", "the file holds no XML element"),
    (b"\xff\xfe", "the file holds no XML element"),
    (b"\xef\xbb\xbf", "it is neither XML nor ISO 2709 MARC (it starts with b'\\xef\\xbb\\xbf')"),
    (b"\xfe\xff\x00\x01garbage!", "the file holds no XML element"),
    (b"\x00\x01\x02\x03", "it is neither XML nor ISO 2709 MARC (it starts with b'\\x00\\x01\\x02\\x03')"),
    (b"", "the file is empty"),
    (b'<?xml version="1.0"?>', "the file holds no XML element"),
    (b"<!-- a comment that never", "the file holds no XML element"),
    (OAI_OPEN + b"<ListRecords>", "the file ends inside <ListRecords> before the first record"),
    (OAI_OPEN + b"<ListRecords><rec", "the file ends inside the tag '<rec'"),
    (OAI_OPEN + b"<ListRecords><recrd/></ListRecords></OAI-PMH>",
     "the OAI-PMH ListRecords holds <recrd>, not <record>"),
    (OAI_OPEN + b'<error code="badVerb">no</error></OAI-PMH>', "the OAI-PMH response is an error (badVerb)"),
    (OAI_OPEN + b"<ListSets><set/></ListSets></OAI-PMH>", "the OAI-PMH response is ListSets, which holds no records"),
    (b"<catalogue><book/></catalogue>", "the root element <catalogue> is not OAI-PMH, MARCXML, MODS or oai_dc"),
])
def test_a_file_without_records_gives_one_file_level_error(data, why):
    results = list(read_bytes(data))
    assert [(r.position, r.record, r.error) for r in results] == [(0, None, f"file: no records found: {why}")]
    assert results[0].describe() == f"file: no records found: {why}"


def test_white_space_read_as_iso2709_gives_a_file_level_error():
    results = list(read_bytes(b" \r\n \n", format="marc21"))
    assert [r.error for r in results] == ["file: no records found: no ISO 2709 record in the file"]


def test_oai_response_cut_right_after_record_is_a_truncated_record():
    results = list(read_bytes(OAI_OPEN + b"<ListRecords><record>"))
    assert [(r.position, r.error) for r in results] == [(1, "truncated, the file ends inside the record")]


@pytest.mark.parametrize("data", [
    OAI_OPEN + b"<ListRecords/></OAI-PMH>",
    OAI_OPEN + b"<ListRecords><resumptionToken completeListSize='0'/></ListRecords></OAI-PMH>",
    OAI_OPEN + b'<error code="noRecordsMatch"/></OAI-PMH>',
    b'<collection xmlns="http://www.loc.gov/MARC21/slim"></collection>',
    b'<mods:modsCollection xmlns:mods="http://www.loc.gov/mods/v3"/>',
])
def test_complete_empty_responses_and_collections_read_as_no_records(data):
    assert list(read_bytes(data)) == []


def test_comments_and_instructions_inside_a_datafield_are_skipped():
    """A comment or processing instruction among subfields is not read as a subfield."""
    text = ('<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 i 4500</leader>'
            '<controlfield tag="001">c1</controlfield><datafield tag="245" ind1="1" ind2="0">'
            '<!-- cataloguer: check --><subfield code="a">Абай жолы /</subfield><?pi data?>'
            '<subfield code="c">Мұхтар Әуезов.</subfield></datafield></record>')
    [result] = list(read_bytes(text.encode()))
    assert result.record.main_title == "Абай жолы"
    assert result.record.titles[0].responsibility == "Мұхтар Әуезов"
    assert "check" not in str(result.record.to_dict())
