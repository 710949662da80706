"""Helpers for provider tests: sample records, schema validation, reading responses."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from lxml import etree

from crosswalks.model import Agent, CanonicalRecord, DateInfo, Description, Identifier, Subject, Title
from repository.store import IncomingRecord, Store

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
NS = {"oai": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/",
      "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/", "marc": "http://www.loc.gov/MARC21/slim",
      "prov": "http://www.openarchives.org/OAI/2.0/provenance"}

TITLES = [
    ("Абай жолы", "kaz"), ("Библиотеки Казахстана", "rus"), ("Qara sözder", "kaz"),
    ("Digital libraries in Central Asia", "eng"), ("Қазақ әдебиеті тарихы", "kaz"),
]


def make_record(i: int, **changes: object) -> CanonicalRecord:
    """A small but realistic canonical record, different for each ``i``."""
    title, lang = TITLES[i % len(TITLES)]
    record = CanonicalRecord(
        titles=[Title(f"{title} {i}", lang=lang)],
        agents=[Agent(f"Автор {i}", role="creator")],
        subjects=[Subject("Қазақ әдебиеті", scheme="keyword")],
        descriptions=[Description(f"Сипаттама {i}", kind="abstract")],
        publishers=["Фолиант"],
        dates=[DateInfo(str(1990 + i % 30), 1990 + i % 30, 1990 + i % 30)],
        kind="book",
        dcmi_type="Text",
        languages=[lang],
        identifiers=[Identifier(f"local-{i}", scheme="local")],
    )
    for key, value in changes.items():
        setattr(record, key, value)
    return record


def add_records(store: Store, partner_id: str, numbers: range, **kwargs: object) -> list[str]:
    """Write records ``numbers`` for ``partner_id``; returns their OAI identifiers."""
    from repository.identifiers import local_id_for

    with store.session() as session:
        if session.get(__import__("repository.models", fromlist=["Partner"]).Partner, partner_id) is None:
            store.upsert_partner(session, partner_id, names={"en": partner_id.upper(), "kk": partner_id},
                                 base_url=f"http://127.0.0.1:9/{partner_id}/oai")
        for i in numbers:
            store.write_record(session, IncomingRecord(
                partner_id=partner_id, source_key=f"oai:{partner_id}:{i}", record=make_record(i),
                raw=f"<raw>{i}</raw>", source_datestamp="2026-01-01T00:00:00Z", metadata_prefix="oai_dc",
                metadata_namespace="http://www.openarchives.org/OAI/2.0/oai_dc/", **kwargs))
    return [store.oai_identifier(local_id_for(partner_id, f"oai:{partner_id}:{i}")) for i in numbers]


@functools.cache
def oai_schema() -> etree.XMLSchema:
    os.environ.setdefault("XML_CATALOG_FILES", str(SHARED / "schemas" / "catalog.xml"))
    return etree.XMLSchema(etree.parse(str(SHARED / "schemas" / "oai-pmh-full.xsd")))


def assert_valid(body: bytes) -> etree._Element:
    """Parse an OAI-PMH response and assert it validates, payloads included."""
    root = etree.fromstring(body)
    schema = oai_schema()
    if not schema.validate(root):
        raise AssertionError(f"invalid OAI-PMH response: {schema.error_log}\n{body[:3000]!r}")
    return root


def error_codes(root: etree._Element) -> list[str]:
    return [e.get("code") for e in root.findall(f"{OAI}error")]
