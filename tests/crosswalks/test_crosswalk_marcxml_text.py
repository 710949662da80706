"""MARCXML read from its text (crosswalks.marc.marcxml_text) gives what lxml and parse_marcxml give,
and declines (None) whatever is not the plain shape, so that lxml reads it or reports it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from bench.crosswalk_bench import synthetic_record, write_collection
from crosswalks import files
from crosswalks.files import read_bytes, read_file
from crosswalks.marc.marcxml import parse_marcxml
from crosswalks.marc.marcxml_text import scan_marcxml
from crosswalks.namespaces import MARC_NS
from crosswalks.xmlsplit import safe_parser
from tests.crosswalks.conftest import SAMPLES

DEFAULT = {"": MARC_NS}
PREFIXED = {"marc": MARC_NS}
XML_SAMPLES = sorted(p for p in SAMPLES.rglob("*.xml") if p.is_file())


def through_lxml(text: str, namespaces: dict[str, str]):
    """parse_marcxml's answer for the record text in its namespace context, or the lxml error."""
    declarations = "".join(f' xmlns{":" + p if p else ""}="{u}"' for p, u in namespaces.items())
    try:
        element = etree.fromstring(f"<wrap{declarations}>{text}</wrap>".encode(), safe_parser())[0]
    except etree.XMLSyntaxError as exc:
        return exc
    return parse_marcxml(element)


def record(*fields: str, prefix: str = "", attributes: str = "") -> str:
    return f"<{prefix}record{attributes}>{''.join(fields)}</{prefix}record>"


def datafield(tag: str, *subfields: tuple[str, str], ind1: str = " ", ind2: str = " ", prefix: str = "") -> str:
    inner = "".join(f'<{prefix}subfield code="{c}">{v}</{prefix}subfield>' for c, v in subfields)
    return f'<{prefix}datafield tag="{tag}" ind1="{ind1}" ind2="{ind2}">{inner}</{prefix}datafield>'


def test_generated_records_read_as_lxml_reads_them():
    rng = random.Random(7)
    for number in range(300):
        text = synthetic_record(number, rng)
        scanned = scan_marcxml(text, DEFAULT)
        assert scanned is not None
        assert scanned == through_lxml(text, DEFAULT)


def test_prefixed_and_pretty_printed_record():
    text = ('<marc:record>\n  <marc:leader>01234cam  2200289 i 4500</marc:leader>\n'
            '  <marc:controlfield tag="001">KZ-1</marc:controlfield>\n'
            '  <marc:datafield tag="245" ind1="1" ind2="0">\n'
            '    <marc:subfield code="a">Абай жолы :</marc:subfield>\n'
            '    <marc:subfield code="b">роман-эпопея</marc:subfield>\n  </marc:datafield>\n</marc:record>')
    scanned = scan_marcxml(text, PREFIXED)
    assert scanned is not None and scanned == through_lxml(text, PREFIXED)
    assert scanned.leader == "01234cam  2200289 i 4500"
    assert scanned.control("001") == "KZ-1"
    assert scanned.first("245").subfields == [("a", "Абай жолы :"), ("b", "роман-эпопея")]


def test_references_line_ends_and_odd_values_read_as_lxml_reads_them():
    text = record('<leader>00000nam</leader>',
                  datafield("245", ("a", "Tom &amp; Jerry &lt;1&gt; &quot;q&quot; &apos;s&apos; &#1179;&#x04E9;"),
                            ("b", "line\r\nbreak\rend"), ("", "no code"), ("c", ""), ind1="", ind2="12"),
                  '<controlfield tag="">x&#13;y</controlfield>')
    scanned = scan_marcxml(text, DEFAULT)
    assert scanned is not None
    assert scanned == through_lxml(text, DEFAULT)
    assert scanned.first("245").subfields[0][1] == "Tom & Jerry <1> \"q\" 's' қө"
    assert scanned.first("245").subfields[1][1] == "line\nbreak\nend"  # XML's end-of-line handling
    assert scanned.leader == "00000nam".ljust(20)[:20] + "4500"  # repaired as parse_marcxml repairs it


@pytest.mark.parametrize("text, namespaces", [
    (record('<!-- note -->', datafield("245", ("a", "x"))), DEFAULT),
    (record(datafield("245", ("a", "<![CDATA[x]]>"))), DEFAULT),
    (record('<datafield ind1=" " ind2=" " tag="245"><subfield code="a">x</subfield></datafield>'), DEFAULT),
    (record("<datafield tag='245' ind1=' ' ind2=' '><subfield code='a'>x</subfield></datafield>"), DEFAULT),
    (record(datafield("245", ("a", "x")), '<controlfield tag="001"/>'), DEFAULT),
    (record(datafield("245", ("a", "caf&eacute;"))), DEFAULT),  # undeclared entity: lxml's error
    (record(datafield("245", ("a", "bad &#1; ref"))), DEFAULT),  # a character XML forbids
    (record(datafield("245", ("a", "bad \x01 byte"))), DEFAULT),
    (record(datafield("245", ("a", "end ]]> of CDATA"))), DEFAULT),
    (record(datafield("245", ("a", "x")), prefix="marc:"), DEFAULT),  # undeclared prefix
    (record(datafield("245", ("a", "x"))), {"": "http://example.org/other"}),  # not MARC21slim
    (record(datafield("245", ("a", "x")), attributes=' type="a" type="b"'), DEFAULT),  # repeated attribute
    (record(datafield("245", ("a", "x")), attributes=' xsi:type="a"'), DEFAULT),  # undeclared attribute prefix
    (record(datafield("245", ("a", "x"), prefix="marc:")), DEFAULT),  # a child in another namespace
    (record('<leader>00000nam</leader>'), DEFAULT),  # no fields: lxml's path says so
    (record(datafield("245", ("a", "x"))) + "<trailing/>", DEFAULT),
    (record(datafield("245", ("a", "unclosed"))).replace("</record>", ""), DEFAULT),
])
def test_anything_but_the_plain_shape_is_left_to_lxml(text, namespaces):
    assert scan_marcxml(text, namespaces) is None


def test_declarations_on_the_record_itself_are_honoured():
    own = record(datafield("245", ("a", "x"), prefix="m:"), prefix="m:", attributes=f' xmlns:m="{MARC_NS}"')
    assert scan_marcxml(own, {}) == through_lxml(own, {})
    schema = record(datafield("245", ("a", "x")), attributes=' xsi:schemaLocation="a b" type="Bibliographic"')
    in_scope = {"": MARC_NS, "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
    assert scan_marcxml(schema, in_scope) == through_lxml(schema, in_scope)
    elsewhere = record(datafield("245", ("a", "x")), attributes=' xmlns="http://example.org/other"')
    assert scan_marcxml(elsewhere, DEFAULT) is None


_PIECES = list("aӘқ Ω<>&\"'\r\n\t;#x0123]") + ["&amp;", "&lt;", "&#1179;", "&#x1;", "&bogus;", "\x0b", "\ufffe"]
_VALUE_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)
_LEGAL_PIECES = list("aӘқ Ω>\"'\r\n\t;#x0123") + ["&amp;", "&lt;", "&#1179;", "&#x9;", "&#13;", "\u00a0"]
_LEGAL_TEXT = st.lists(st.sampled_from(_LEGAL_PIECES), max_size=12).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "", "ab"]), _LEGAL_TEXT), min_size=1, max_size=4),
       st.sampled_from(["0", " ", "", "#", "12"]), _LEGAL_TEXT)
def test_legal_text_in_the_plain_shape_is_always_read_as_lxml_reads_it(subfields, indicator, control):
    text = record(f'<controlfield tag="001">{control}</controlfield>', datafield("245", *subfields, ind2=indicator))
    scanned = scan_marcxml(text, DEFAULT)
    assert scanned is not None
    assert scanned == through_lxml(text, DEFAULT)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "", "ab"]), _VALUE_TEXT), min_size=1, max_size=4),
       st.sampled_from(["0", " ", "", "\t", "#"]), _VALUE_TEXT)
def test_any_text_reads_as_lxml_reads_it_or_is_left_to_lxml(subfields, indicator, control):
    """Random values with markup characters, references and forbidden characters: whenever the scan
    answers, lxml answers the same; whenever lxml refuses the record, the scan declines it."""
    text = record(f'<controlfield tag="001">{control}</controlfield>',
                  datafield("245", *subfields, ind1=indicator))
    scanned = scan_marcxml(text, DEFAULT)
    expected = through_lxml(text, DEFAULT)
    if isinstance(expected, Exception):
        assert scanned is None
    elif scanned is not None:
        assert scanned == expected


def _results(path: Path) -> list[tuple]:
    return [(r.position, r.identifier, r.error, r.record.to_dict() if r.record else None, r.raw, r.end)
            for r in read_file(path)]


@pytest.mark.parametrize("path", XML_SAMPLES, ids=lambda p: p.name)
def test_shared_samples_read_the_same_with_and_without_the_text_path(path, monkeypatch):
    with_text_path = _results(path)
    monkeypatch.setattr(files, "scan_marcxml", lambda text, namespaces: None)
    assert with_text_path == _results(path)


def test_plain_marcxml_files_are_read_without_lxml(tmp_path, monkeypatch):
    path = tmp_path / "plain.xml"
    write_collection(path, 50)
    monkeypatch.setattr(files.Piece, "parse", lambda self, parser: pytest.fail("parsed with lxml"))
    results = list(read_file(path))
    assert len(results) == 50 and all(r.ok for r in results)
    assert results[0].identifier == "KZ000000001" and results[0].record.source.format == "marcxml"


def test_a_broken_record_among_plain_ones_gets_lxml_error_and_costs_only_itself():
    good = datafield("245", ("a", "Good"))
    data = (f'<collection xmlns="{MARC_NS}">' + record('<controlfield tag="001">1</controlfield>', good)
            + record('<controlfield tag="001">2</controlfield>', datafield("245", ("a", "caf&eacute;")))
            + record('<controlfield tag="001">3</controlfield>', good) + "</collection>").encode()
    results = list(read_bytes(data))
    assert [r.identifier for r in results if r.ok] == ["1", "3"]
    assert results[1].position == 2 and "malformed XML" in results[1].error and "eacute" in results[1].error
