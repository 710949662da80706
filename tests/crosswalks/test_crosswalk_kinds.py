"""DCMI types and MODS typeOfResource name a document kind when no more specific word does."""

from __future__ import annotations

import pytest
from lxml import etree

from crosswalks.formats import FORMATS
from crosswalks.model import CanonicalRecord, Title
from crosswalks.readers import read_metadata

OAI_DC = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Күй</dc:title>{types}</oai_dc:dc>')
MODS = ('<mods xmlns="http://www.loc.gov/mods/v3" version="3.8"><titleInfo><title>Күй</title></titleInfo>'
        '<typeOfResource>{resource}</typeOfResource></mods>')


def _dc(*types: str) -> CanonicalRecord:
    xml = OAI_DC.format(types="".join(f"<dc:type>{t}</dc:type>" for t in types))
    return read_metadata(etree.fromstring(xml), "oai_dc")


@pytest.mark.parametrize(("dcmi", "kind"), [("Sound", "audio"), ("MovingImage", "video"),
                                            ("StillImage", "image"), ("Image", "image"), ("sound", "audio")])
def test_dcmi_type_alone_gives_the_kind(dcmi, kind):
    record = _dc(dcmi)
    assert record.kind == kind
    assert record.dcmi_type.lower() == dcmi.lower()
    assert not record.subjects  # the type word is not kept again as a genre


def test_a_specific_type_word_beats_the_dcmi_kind():
    assert _dc("Image", "map").kind == "map"
    assert _dc("map", "Image").kind == "map"
    assert _dc("Text").kind is None  # Text names no kind: book, article, thesis... are all Text


def test_sound_record_round_trips_through_oai_dc_with_its_kind():
    record = CanonicalRecord(titles=[Title("Күй")], dcmi_type="Sound")
    again = read_metadata(etree.fromstring(FORMATS["oai_dc"].render(record)), "oai_dc")
    assert (again.kind, again.dcmi_type) == ("audio", "Sound")
    third = read_metadata(etree.fromstring(FORMATS["oai_dc"].render(again)), "oai_dc")
    assert (third.kind, third.dcmi_type) == ("audio", "Sound")


@pytest.mark.parametrize(("resource", "kind"), [("sound recording", "audio"), ("sound recording-musical", "audio"),
                                                ("moving image", "video"), ("still image", "image")])
def test_mods_type_of_resource_gives_the_kind(resource, kind):
    record = read_metadata(etree.fromstring(MODS.format(resource=resource)), "mods")
    assert record.kind == kind
