"""``oai_dc:dc`` (simple Dublin Core, as DSpace and others publish it) -> canonical record."""

from __future__ import annotations

import re
from typing import Final

from lxml import etree

from crosswalks import access
from crosswalks.model import (
    DOCUMENT_KINDS,
    Agent,
    CanonicalRecord,
    DateInfo,
    Description,
    Identifier,
    Relation,
    Subject,
    Title,
)
from crosswalks.namespaces import DC_NS, XML_NS
from crosswalks.normalize.dates import year_range
from crosswalks.normalize.isbn import parse_isbn, parse_issn
from crosswalks.normalize.languages import language_code
from crosswalks.transliterate import detect_script
from crosswalks.xmltext import element_text, squeeze

_DCMI_TYPES: Final = {t.lower(): t for t in ("Collection", "Dataset", "Event", "Image", "InteractiveResource",
                                      "MovingImage", "PhysicalObject", "Service", "Software", "Sound",
                                      "StillImage", "Text")}
#: dc:type words (en/ru/kk and COAR/eu-repo terms) -> document kind.
TYPE_KINDS: Final[dict[str, str | None]] = {
    **{kind: kind for kind in DOCUMENT_KINDS},
    "monograph": "book", "книга": "book", "кітап": "book", "bookpart": "article", "journalarticle": "article",
    "статья": "article", "мақала": "article", "doctoralthesis": "thesis", "masterthesis": "thesis",
    "bachelorthesis": "thesis", "диссертация": "thesis", "автореферат": "thesis", "periodical": "journal",
    "журнал": "journal", "газета": "newspaper", "газет": "newspaper", "карта": "map", "рукопись": "manuscript",
    "қолжазба": "manuscript", "sound": None, "text": None,
}
#: DCMI types that name a document kind on their own (used when no dc:type word names one).
DCMI_KINDS: Final[dict[str, str]] = {"Sound": "audio", "MovingImage": "video", "StillImage": "image", "Image": "image"}
_DOI: Final = re.compile(r"(?:doi:|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)", re.IGNORECASE)
_MIME: Final = re.compile(r"^[a-z]+/[\w.+-]+$")
_PAGES: Final = re.compile(r"(\d+)\s*(?:p\b|pp\b|pages|с\b|стр|б\b|бет)", re.IGNORECASE)
_XML_LANG: Final = f"{{{XML_NS}}}lang"


def _kind_of(value: str) -> str | None:
    word = value.rsplit("/", 1)[-1].replace(" ", "").lower()
    return TYPE_KINDS.get(word)


def parse_identifier(value: str) -> Identifier:
    """A dc:identifier as a typed identifier (ISBN, ISSN, DOI, URL, else other)."""
    lower = value.lower()
    if "isbn" in lower:
        found = parse_isbn(value)
        if found:
            if found.isbn10:
                return Identifier(found.isbn10, "isbn10", found.valid)
            return Identifier(found.isbn13 or value, "isbn", found.valid)
    if "issn" in lower:
        issn = parse_issn(value)
        if issn:
            return Identifier(issn[0], "issn", issn[1])
    doi = _DOI.fullmatch(value.strip())
    if doi:
        return Identifier(doi.group(1), "doi")
    if lower.startswith(("http://", "https://", "ftp://")):
        return Identifier(value, "url")
    return Identifier(value, "other")


class _DcReader:
    def __init__(self) -> None:
        self.rec = CanonicalRecord()
        self.rec.source.format = "oai_dc"

    def read(self, element: etree._Element) -> CanonicalRecord:
        for child in element:
            tag = child.tag
            handler = _HANDLERS.get(tag)  # comments have a function as tag: never a key
            if handler is None:
                continue
            value = squeeze(element_text(child))
            if value:  # only some elements' language is kept: lxml's get costs more than the rest
                handler(self, value, child.get(_XML_LANG) if tag in _LANGUAGE_KEPT else None)
        self._finish()
        return self.rec

    def _title(self, value: str, lang: str | None) -> None:
        kind = "alternative" if any(t.kind == "main" for t in self.rec.titles) else "main"
        self.rec.titles.append(Title(value, kind, lang=language_code(lang), script=detect_script(value)))

    def _creator(self, value: str, lang: str | None) -> None:
        self.rec.agents.append(Agent(value, "creator", script=detect_script(value)))

    def _contributor(self, value: str, lang: str | None) -> None:
        self.rec.agents.append(Agent(value, "contributor", script=detect_script(value)))

    def _subject(self, value: str, lang: str | None) -> None:
        self.rec.subjects.append(Subject(value, "keyword", "topic", lang=language_code(lang)))

    def _description(self, value: str, lang: str | None) -> None:
        self.rec.descriptions.append(Description(value, "note", lang=language_code(lang)))

    def _publisher(self, value: str, lang: str | None) -> None:
        self.rec.publishers.append(value)

    def _date(self, value: str, lang: str | None) -> None:
        first, last = year_range(value)
        self.rec.dates.append(DateInfo(value, first, last, "issued"))

    def _type(self, value: str, lang: str | None) -> None:
        dcmi = _DCMI_TYPES.get(value.lower())
        kind = _kind_of(value)
        if dcmi and not self.rec.dcmi_type:
            self.rec.dcmi_type = dcmi
        elif kind and not self.rec.kind:
            self.rec.kind = kind
        elif not dcmi and value.lower() not in TYPE_KINDS:
            self.rec.subjects.append(Subject(value, "keyword", "genre"))

    def _format(self, value: str, lang: str | None) -> None:
        if _MIME.match(value) or self.rec.extent:
            self.rec.formats.append(value)
            return
        self.rec.extent = value
        found = _PAGES.search(value)
        self.rec.pages = int(found.group(1)) if found else None

    def _identifier(self, value: str, lang: str | None) -> None:
        self.rec.identifiers.append(parse_identifier(value))

    def _source(self, value: str, lang: str | None) -> None:
        self.rec.relations.append(Relation(value, "source"))

    def _language(self, value: str, lang: str | None) -> None:
        self.rec.languages.append(language_code(value) or value)

    def _relation(self, value: str, lang: str | None) -> None:
        title, _, number = value.partition(" ; ")
        self.rec.relations.append(Relation(title, "other", number=number or None))

    def _coverage(self, value: str, lang: str | None) -> None:
        self.rec.coverage.append(value)

    def _rights(self, value: str, lang: str | None) -> None:
        if access.is_access_uri(value):
            self.rec.access = self.rec.access or access.level_of_coar_uri(value)
            return
        level = _hub_statement_level(value)
        if level:
            self.rec.access = level
        else:
            self.rec.rights.append(value)

    def _finish(self) -> None:
        rec = self.rec
        rec.languages = list(dict.fromkeys(rec.languages))
        if rec.kind and not rec.dcmi_type:
            rec.dcmi_type = DOCUMENT_KINDS.get(rec.kind)
        if not rec.kind and rec.dcmi_type:
            rec.kind = DCMI_KINDS.get(rec.dcmi_type)


#: The fifteen simple DC elements.
DC_ELEMENTS: Final = ("title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
               "format", "identifier", "source", "language", "relation", "coverage", "rights")
#: The reader's method for each element by its namespaced tag (other elements are ignored).
_HANDLERS: Final = {f"{{{DC_NS}}}{name}": getattr(_DcReader, f"_{name}") for name in DC_ELEMENTS}
#: The elements whose ``xml:lang`` the reader keeps (the methods that use their ``lang``).
_LANGUAGE_KEPT: Final = frozenset(f"{{{DC_NS}}}{name}" for name in ("title", "subject", "description"))


def _hub_statement_level(value: str) -> str | None:
    """The level of "statement + terms of use" as the hub's oai_dc writes them."""
    for terms in access.ACCESS_TERMS.values():
        for lang in access.LANGUAGES:
            if value == terms.statement[lang] + " " + terms.terms_of_use[lang]:
                return terms.level
    return access.level_of_statement(value)


def read_oai_dc(element: etree._Element) -> CanonicalRecord:
    """The canonical record for an ``oai_dc:dc`` element (simple DC elements in any order)."""
    return _DcReader().read(element)
