"""Fixtures for the crosswalk tests: the shared samples folder and the OAI/payload schema."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / ".." / "shared"
SAMPLES = SHARED / "samples"
SCHEMAS = SHARED / "schemas"
os.environ.setdefault("XML_CATALOG_FILES", str(SCHEMAS / "catalog.xml"))


@pytest.fixture(scope="session")
def payload_schema() -> etree.XMLSchema:
    """oai-pmh-full.xsd: validates oai_dc, MARC21slim and MODS 3.8 payloads offline."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "oai-pmh-full.xsd")))


def assert_valid(schema: etree.XMLSchema, xml: str) -> etree._Element:
    element = etree.fromstring(xml)
    assert schema.validate(element), f"{schema.error_log.last_error}\n{xml[:2000]}"
    return element
