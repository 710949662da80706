"""One rule for the characters the hub drops (crosswalks.xmlchars), applied alike by every module."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from crosswalks.marc.marcxml import parse_marcxml
from crosswalks.marc.marcxml_text import scan_marcxml
from crosswalks.namespaces import MARC_NS
from crosswalks.xmlchars import DROPPED, FORBIDDEN, legal_xml
from crosswalks.xmlsplit import safe_parser
from crosswalks.xmltext import clean
from harvester.xmlclean import clean_text
from repository.oai.xml import xml_text

#: XML 1.0's Char production, spelt as the specification spells it.
_XML_CHAR = re.compile("[\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=[]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_ANY_TEXT)
def test_forbidden_is_exactly_what_xml_1_0_cannot_hold(text: str) -> None:
    forbidden = re.compile(f"[{FORBIDDEN}]")
    assert all(bool(forbidden.fullmatch(c)) != bool(_XML_CHAR.fullmatch(c)) for c in text)


@settings(max_examples=300, deadline=None)
@given(_ANY_TEXT | st.sampled_from(["Ð\x90Ð±Ð°Ð¹", "a\x85b\x7f\x9f", "\x00\x1f\ufffe"]))
def test_crosswalk_values_provider_text_and_raw_records_are_cleaned_alike(text: str) -> None:
    """The renderings' values (xmltext), the provider's headers and provenance (oai.xml) and
    the store's raw records and JSON (legal_xml) drop the same characters."""
    dropped = re.compile(f"[{DROPPED}]")
    kept = "".join(c for c in text if not dropped.fullmatch(c))
    assert legal_xml(text) == kept
    assert clean(text) == clean(kept)  # clean also normalises to NFC
    assert xml_text(text) == xml_text(kept)


def test_c1_controls_are_dropped_but_nel_is_kept() -> None:
    assert legal_xml("Абай\x96 жолы\x85\x7f") == "Абай жолы\x85"


def test_the_harvesters_repair_removes_what_a_parser_refuses() -> None:
    """A page is repaired so that it parses (FORBIDDEN, also as character references); the C1
    controls are legal XML and left for the store to drop."""
    repaired, repairs = clean_text("<a>x\x01y&#x1F;\x96</a>")
    assert repaired == "<a>xy\x96</a>" and repairs
    etree.fromstring(repaired.encode())


def test_the_text_marcxml_reader_declines_exactly_what_lxml_refuses() -> None:
    """Built from FORBIDDEN: a C1 control is read as lxml reads it, a forbidden one goes to lxml (which refuses it)."""
    def record(value: str) -> str:
        return (f'<record><leader>00000nam a2200000 a 4500</leader><datafield tag="245" ind1="0" ind2="0">'
                f'<subfield code="a">{value}</subfield></datafield></record>')

    c1 = record("Абай\x96")
    tree = parse_marcxml(etree.fromstring(f'<w xmlns="{MARC_NS}">{c1}</w>'.encode(), safe_parser())[0])
    scanned = scan_marcxml(c1, {"": MARC_NS})
    assert scanned is not None and scanned.fields[0].subfields == tree.fields[0].subfields
    assert scan_marcxml(record("Абай\x01"), {"": MARC_NS}) is None
