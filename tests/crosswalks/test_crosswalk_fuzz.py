"""Whatever bytes arrive, reading gives one result per record, each with a record or an error."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from crosswalks.files import read_bytes
from crosswalks.formats import FORMATS
from crosswalks.model import (
    Agent,
    CanonicalRecord,
    DateInfo,
    Description,
    DigitalObject,
    Identifier,
    Relation,
    Subject,
    Title,
)
from crosswalks.mods import writer as mods_writer
from crosswalks.namespaces import MARC_NS, MODS_NS, OAI_NS
from crosswalks.normalize.dates import year_range
from crosswalks.xmlsplit import safe_parser
from tests.crosswalks.conftest import SAMPLES, assert_valid

CONTAINERS = {f"{{{OAI_NS}}}OAI-PMH", f"{{{MARC_NS}}}collection", "collection", f"{{{MODS_NS}}}modsCollection"}
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MARC_SAMPLE = (SAMPLES / "pymarc" / "test.dat").read_bytes()[:3000]
XML_SAMPLES = [(SAMPLES / name).read_bytes()[:6000] for name in
               ("pyoai/fake1/00005.xml", "pymarc/batch.xml", "ingestion3/oai-page.xml", "ingestion3/nypl.xml",
                "invenio-oaiharvester/sample_empty_response.xml", "sickle/Identify.xml")]
BOMS = [b"", b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe"]


def check_results(data: bytes) -> None:
    """Assert every result of reading ``data`` is a record or an error naming what is wrong, and that
    a non-empty input gives at least one record or error unless it is a complete, empty container."""
    results = list(read_bytes(data))
    for result in results:
        assert (result.record is None) != (result.error is None) or result.deleted
        if result.error:  # the caller adds the position: the error must not name it
            assert result.error.strip() and not re.match(r"record \d", result.error)
            assert result.describe().startswith(f"record {result.position}: " if result.position else "file: ")
    assert any(r.record is not None or r.error for r in results) or is_empty_container(data), data[:300]
    file_level = [r for r in results if r.position == 0]
    assert not file_level or len(file_level) == 1 and file_level[0] is results[-1]


def is_empty_container(data: bytes) -> bool:
    """True for well-formed XML, an OAI-PMH response or a MARCXML/MODS collection, holding no record
    element: the one kind of input that may read as nothing (lxml's own parse is the judge)."""
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError:
        return False
    if root.tag not in CONTAINERS:
        return False
    return not any(isinstance(e.tag, str) and etree.QName(e).localname in ("record", "mods", "dc")
                   for e in root.iter())


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(data):
    check_results(data)


@FUZZ
@given(st.sampled_from(BOMS), st.binary(max_size=60) | st.sampled_from([b"<", b"<?xml", b"<!--", b"<a>", b"12345"]))
def test_byte_order_marks_then_anything(bom, data):
    check_results(bom + data)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(MARC_SAMPLE) - 1), st.integers(0, 255)), max_size=12))
def test_mutated_iso2709(mutations):
    data = bytearray(MARC_SAMPLE)
    for offset, value in mutations:
        data[offset] = value
    check_results(bytes(data))


@FUZZ
@given(st.sampled_from(XML_SAMPLES), st.lists(st.tuples(st.integers(0, 5999), st.sampled_from(b"<>&/\"'x\x00\xff ")),
                                              max_size=8), st.integers(0, 6000))
def test_mutated_xml(sample, mutations, cut):
    """oai_dc in OAI-PMH, MARCXML, MODS in OAI-PMH, bare MODS, an empty OAI-PMH response and an Identify
    response, cut short and with bytes changed."""
    data = bytearray(sample[:cut])
    for offset, value in mutations:
        if offset < len(data):
            data[offset] = value
    check_results(bytes(data))


any_text = st.text(max_size=40)  # control characters, lone surrogates, markup characters included


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=any_text, name=any_text, note=any_text, place=any_text, date=any_text, subject=any_text,
       url=any_text, extra=any_text, level=st.sampled_from([None, "open", "read-only", "preview-24"]))
def test_any_text_renders_valid_xml(payload_schema, title, name, note, place, date, subject, url, extra, level):
    record = CanonicalRecord(
        titles=[Title(title, subtitle=note, responsibility=name)], agents=[Agent(name), Agent(note, "contributor")],
        descriptions=[Description(note, "abstract")], places=[place], publishers=[name],
        dates=[DateInfo(date, *year_range(date))], subjects=[Subject(subject, "lcsh"), Subject(subject, "udc",
                                                                                               "classification")],
        identifiers=[Identifier(extra, "local"), Identifier(extra, "doi")], relations=[Relation(title, number=note)],
        objects=[DigitalObject(url, label=extra)], rights=[extra], coverage=[place], access=level, edition=note,
        marc_extra=[{"590": {"ind1": "x", "ind2": " ", "subfields": [{"a": extra}]}}, {"008": extra},
                    {extra[:3] or "x": {"ind1": extra[:1], "ind2": "", "subfields": [{extra[:1] or "a": note}]}}],
        languages=[extra[:3], note], formats=[extra], extent=note, kind=extra or None, dcmi_type=note or None,
    )
    record.titles.append(Title(note, kind=extra, lang=extra, part=extra))
    record.titles.append(Title(extra, "parallel", script=note, other_script_of="main"))
    record.agents.append(Agent(extra, "contributor", relator=note, kind=extra, dates=extra))
    record.agents.append(Agent(name, authority_ids=[extra, "http://id.example/" + extra], uris=[url],
                               affiliation=note, other_forms=[extra, note]))
    record.subjects.append(Subject(note, scheme=extra, kind=extra))
    record.subjects.append(Subject(subject, "lcsh", authority_ids=["https://" + extra, extra], uris=[note]))
    record.descriptions.append(Description(extra, kind="note-" + extra[:3]))
    record.identifiers.append(Identifier(note, scheme=extra, valid=False))
    record.source.partner = extra
    for metadata_format in FORMATS.values():
        assert_valid(payload_schema, metadata_format.render(record))


#: URL-like text: schemes or none, every character class quoting treats differently, escapes.
url_like = st.builds(str.__add__, st.sampled_from(["http://", "https://", "urn:", "a+b.c-d:", "1a:", "", " "]),
                     st.lists(st.sampled_from(list("az09-._~:/?@!$&'()*+,;=%#[] \té\u0451") + ["%2F", "%zz"]),
                              max_size=30).map("".join))


@given(url=url_like)
def test_a_url_left_as_it_is_is_what_quoting_gives(url):
    assert mods_writer._uri(url) == mods_writer._quoted_uri(url)
