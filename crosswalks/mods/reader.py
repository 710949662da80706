"""MODS 3.x (``mods:mods``) -> canonical record, following the LOC MARC-to-MODS mapping backwards."""

from __future__ import annotations

from urllib.parse import unquote

from lxml import etree

from crosswalks import access
from crosswalks.dc.reader import TYPE_KINDS
from crosswalks.marc import tables
from crosswalks.model import (
    DOCUMENT_KINDS,
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
from crosswalks.mods import COVERAGE_NOTE, RESOURCE_DCMI, RESOURCE_KIND, RESPONSIBILITY_NOTE
from crosswalks.namespaces import MODS_NS, XLINK_NS, XML_NS
from crosswalks.normalize.dates import year_range
from crosswalks.normalize.isbn import parse_isbn, parse_issn
from crosswalks.normalize.languages import language_code
from crosswalks.normalize.punctuation import trim_isbd
from crosswalks.transliterate import detect_script
from crosswalks.xmltext import squeeze

M = f"{{{MODS_NS}}}"
_XML_LANG = f"{{{XML_NS}}}lang"
_TITLE_KINDS = {"translated": "parallel", "uniform": "uniform", "alternative": "alternative",
                "abbreviated": "alternative"}
_AGENT_KINDS = {"personal": "personal", "corporate": "corporate", "conference": "meeting", "family": "personal"}
_RELATED_KINDS = {"series": "series", "host": "host", "preceding": "preceding", "succeeding": "succeeding",
                  "original": "source"}
_NOTE_KINDS = set(tables.NOTE_KINDS.values())
_PAGES_UNITS = ("p", "pp", "pages", "с", "стр", "б", "бет")


def _text(element: etree._Element | None) -> str:
    return squeeze("".join(element.itertext())) if element is not None else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if c.tag == M + name]


class _ModsReader:
    def __init__(self) -> None:
        self.rec = CanonicalRecord()
        self.rec.source.format = "mods"
        self.rec.source.metadata_namespace = MODS_NS
        self.title_groups: dict[str, str] = {}  # altRepGroup -> kind of the first title in it

    def read(self, mods: etree._Element) -> CanonicalRecord:
        if mods.tag == M + "modsCollection":
            mods = next((c for c in mods if c.tag == M + "mods"), mods)
        for child in mods:
            if isinstance(child.tag, str) and child.tag.startswith(M):
                handler = getattr(self, "_" + child.tag[len(M):], None)
                if handler is not None:
                    handler(child)
        self._finish()
        return self.rec

    # -- titles and names -------------------------------------------------------------
    def _titleInfo(self, el: etree._Element) -> None:  # noqa: N802 - MODS element names
        title = _title_value(el)
        if not title:
            return
        kind = _TITLE_KINDS.get(el.get("type") or "", "main")
        group = el.get("altRepGroup")
        other_script_of = None
        if group and group in self.title_groups:  # the same title in another script
            kind, other_script_of = "parallel", self.title_groups[group]
        elif kind == "main" and any(t.kind == "main" for t in self.rec.titles):
            kind = "alternative"
        if group:
            self.title_groups.setdefault(group, kind)
        parts = [_text(p) for p in el if p.tag in (M + "partNumber", M + "partName") and _text(p)]
        self.rec.titles.append(Title(title, kind, subtitle=_text(el.find(M + "subTitle")) or None,
                                     part=". ".join(parts) or None, lang=language_code(el.get("lang")),
                                     script=(el.get("script") if other_script_of else None) or detect_script(title),
                                     other_script_of=other_script_of))

    def _name(self, el: etree._Element) -> None:
        name = _name_value(el)
        if not name:
            return
        roles = [_text(r) for r in el.iter(M + "roleTerm") if _text(r)]
        texts = [_text(r) for r in el.iter(M + "roleTerm") if r.get("type") != "code" and _text(r)]
        codes = [_text(r).lower() for r in el.iter(M + "roleTerm") if r.get("type") == "code" and _text(r)]
        relator = texts[0] if texts else (tables.RELATOR_TERMS.get(codes[0], codes[0]) if codes else None)
        code = codes[0] if codes else tables.RELATOR_CODES.get((relator or "").lower())
        is_creator = el.get("usage") == "primary" or code in tables.AUTHOR_RELATORS or not roles \
            or (relator or "").lower() in ("creator", "author")
        if is_creator and (code in tables.AUTHOR_RELATORS or (relator or "").lower() in ("author", "creator")):
            relator = None
        if not is_creator and (relator or "").lower() in ("contributor",):
            relator = None
        dates = ", ".join(_text(p) for p in _children(el, "namePart") if p.get("type") == "date") or None
        agent = Agent(name, "creator" if is_creator else "contributor", relator,
                      _AGENT_KINDS.get(el.get("type") or "", "personal"), dates, script=detect_script(name))
        _name_links(el, agent)
        self.rec.agents.append(agent)

    # -- type, origin, language, physical description ---------------------------------------
    def _typeOfResource(self, el: etree._Element) -> None:  # noqa: N802
        value = _text(el).lower()
        self.rec.dcmi_type = self.rec.dcmi_type or RESOURCE_DCMI.get(value)
        if el.get("collection") == "yes":
            self.rec.dcmi_type = "Collection"
        if el.get("manuscript") == "yes" and not self.rec.kind:
            self.rec.kind = "manuscript"
        if value in RESOURCE_KIND and not self.rec.kind:
            self.rec.kind = RESOURCE_KIND[value]

    def _genre(self, el: etree._Element) -> None:
        value = _text(el)
        kind = TYPE_KINDS.get(value.lower().replace(" ", ""))
        if kind and (not self.rec.kind or self.rec.kind == "book"):
            self.rec.kind = kind
        elif value and value.lower().replace(" ", "") not in TYPE_KINDS:
            self.rec.subjects.append(Subject(value, (el.get("authority") or "keyword").lower(), "genre"))

    def _originInfo(self, el: etree._Element) -> None:  # noqa: N802
        for place in el.iter(M + "placeTerm"):
            if place.get("type") != "code" and _text(place):
                self.rec.places.append(trim_isbd(_text(place)))
        self.rec.publishers.extend(trim_isbd(_text(p)) for p in _children(el, "publisher") if _text(p))
        for name, kind in (("dateIssued", "issued"), ("dateCreated", "created"), ("copyrightDate", "copyright")):
            self._dates(_children(el, name), kind)
        edition = _text(el.find(M + "edition"))
        if edition:
            self.rec.edition = edition

    def _dates(self, elements: list[etree._Element], kind: str) -> None:
        plain = [e for e in elements if not e.get("point") and not e.get("encoding") and _text(e)]
        for element in plain:
            first, last = year_range(_text(element))
            self.rec.dates.append(DateInfo(_text(element), first, last, kind))
        if plain:
            return
        start = next((_text(e) for e in elements if e.get("point") != "end" and _text(e)), "")
        end = next((_text(e) for e in elements if e.get("point") == "end" and _text(e)), "")
        if start:
            first, last = year_range(start)
            last = year_range(end)[1] if end else last
            original = f"{start}-{end}" if end else start
            self.rec.dates.append(DateInfo(original, first, last, kind))

    def _language(self, el: etree._Element) -> None:
        for term in el.iter(M + "languageTerm"):
            code = language_code(_text(term))
            if code or _text(term):
                self.rec.languages.append(code or _text(term))

    def _physicalDescription(self, el: etree._Element) -> None:  # noqa: N802
        extent = _text(el.find(M + "extent"))
        if extent:
            self.rec.extent = extent
            self.rec.pages = _pages(extent)
        self.rec.formats.extend(_text(m) for m in _children(el, "internetMediaType") if _text(m))

    # -- notes, subjects -----------------------------------------------------------
    def _abstract(self, el: etree._Element) -> None:
        if _text(el):
            self.rec.descriptions.append(Description(_text(el), "abstract", language_code(el.get("lang"))))

    def _tableOfContents(self, el: etree._Element) -> None:  # noqa: N802
        if _text(el):
            self.rec.descriptions.append(Description(_text(el), "toc", language_code(el.get("lang"))))

    def _note(self, el: etree._Element) -> None:
        value = _text(el)
        if not value:
            return
        note_type = (el.get("type") or "").strip()
        if note_type == COVERAGE_NOTE:
            self.rec.coverage.append(value)
            return
        if note_type == RESPONSIBILITY_NOTE and self.rec.titles and not self.rec.titles[0].responsibility:
            self.rec.titles[0].responsibility = value
            return
        kind = note_type if note_type in _NOTE_KINDS or note_type.startswith("note-") else "note"
        self.rec.descriptions.append(Description(value, kind, language_code(el.get("lang"))))

    def _subject(self, el: etree._Element) -> None:
        parts = [c for c in el if isinstance(c.tag, str)]
        values = [_name_value(c) if c.tag == M + "name" else _title_value(c) if c.tag == M + "titleInfo"
                  else _text(c) for c in parts]
        value = " -- ".join(v for v in values if v)
        if not value:
            return
        first = parts[0].tag[len(M):] if parts else "topic"
        kind = {"titleInfo": "title", "occupation": "topic", "hierarchicalGeographic": "geographic",
                "geographicCode": "geographic", "cartographics": "geographic"}.get(first, first)
        scheme = (el.get("authority") or "keyword").lower()
        value_uri = (el.get("valueURI") or "").strip()
        self.rec.subjects.append(Subject(value, scheme, kind, language_code(el.get("lang")),
                                         authority_ids=[value_uri] if value_uri else None))

    def _classification(self, el: etree._Element) -> None:
        value = _text(el)
        if value:
            authority = (el.get("authority") or "other").lower()
            self.rec.subjects.append(Subject(value, tables.SOURCE_CODES.get(authority, authority), "classification"))

    # -- relations, identifiers, links, access --------------------------------------------
    def _relatedItem(self, el: etree._Element) -> None:  # noqa: N802
        title = next((_title_value(t) for t in _children(el, "titleInfo") if _title_value(t)), "")
        number = _text(el.find(f"{M}part/{M}detail/{M}number")) \
            or next((_text(p) for p in el.iter(M + "partNumber") if _text(p)), "")
        identifier = _text(el.find(M + "identifier")) or None
        if title or identifier:
            self.rec.relations.append(Relation(title or identifier or "", _RELATED_KINDS.get(el.get("type") or "",
                                                                                              "other"),
                                               number=number or None, identifier=identifier))

    def _identifier(self, el: etree._Element) -> None:
        value = _text(el)
        if not value:
            return
        kind = (el.get("type") or "other").lower()
        valid = el.get("invalid") != "yes"
        if kind == "isbn":
            found = parse_isbn(value)
            if found and found.isbn10:
                self.rec.identifiers.append(Identifier(found.isbn10, "isbn10", valid and found.valid))
                if found.valid and valid and found.isbn13:
                    self.rec.identifiers.append(Identifier(found.isbn13, "isbn", True))
                return
            self.rec.identifiers.append(Identifier(found.isbn13 if found and found.isbn13 else value, "isbn",
                                                   valid and bool(found and found.valid)))
            return
        if kind == "issn":
            found_issn = parse_issn(value)
            self.rec.identifiers.append(Identifier(found_issn[0] if found_issn else value, "issn",
                                                   valid and bool(found_issn and found_issn[1])))
            return
        scheme = {"uri": "url", "hdl": "handle", "local": "local"}.get(kind, kind)
        self.rec.identifiers.append(Identifier(value, scheme, valid))

    def _location(self, el: etree._Element) -> None:
        for url in _children(el, "url"):
            value = _text(url)
            if not value:
                continue
            note = url.get("note")
            level = access.level_of_statement(note) if note else None
            if level and not self.rec.access:
                self.rec.access = level
            self.rec.objects.append(DigitalObject(value, label=url.get("displayLabel")))

    def _accessCondition(self, el: etree._Element) -> None:  # noqa: N802
        value = _text(el)
        href = el.get(f"{{{XLINK_NS}}}href")
        level = access.level_of_statement(value) if value else None
        if level:
            self.rec.access = self.rec.access if self.rec.access else level
        elif value:
            self.rec.rights.append(value)
        elif href and access.is_access_uri(href):
            self.rec.access = self.rec.access or access.level_of_coar_uri(href)

    def _recordInfo(self, el: etree._Element) -> None:  # noqa: N802
        for ident in _children(el, "recordIdentifier"):
            if _text(ident):
                self.rec.identifiers.insert(0, Identifier(_text(ident), "local"))

    def _finish(self) -> None:
        rec = self.rec
        if rec.kind is None and rec.dcmi_type == "Text":
            rec.kind = "book"
        if rec.kind and not rec.dcmi_type:
            rec.dcmi_type = DOCUMENT_KINDS.get(rec.kind)
        rec.languages = list(dict.fromkeys(rec.languages))


def _name_links(el: etree._Element, agent: Agent) -> None:
    """Authority ids and URIs (nameIdentifier, valueURI), affiliation and other-script forms of a name."""
    ids = [(i.get("type"), _text(i)) for i in _children(el, "nameIdentifier") if _text(i)]
    authority = [v for t, v in ids if t != "uri"]
    value_uri = (el.get("valueURI") or "").strip()
    if value_uri and value_uri not in authority and unquote(value_uri) not in authority:
        authority.insert(0, value_uri)
    agent.authority_ids = authority or None
    agent.uris = [v for t, v in ids if t == "uri"] or None
    agent.affiliation = "; ".join(_text(a) for a in _children(el, "affiliation") if _text(a)) or None
    forms = [_name_value(a) for a in _children(el, "alternativeName")]
    agent.other_forms = [f for f in forms if f] or None


def _title_value(el: etree._Element) -> str:
    title = _text(el.find(M + "title"))
    non_sort = el.find(M + "nonSort")
    if non_sort is not None and non_sort.text:
        title = non_sort.text + ("" if non_sort.text.endswith((" ", "'")) else " ") + title
    return title.strip()


def _name_value(el: etree._Element) -> str:
    parts = _children(el, "namePart")
    family = " ".join(_text(p) for p in parts if p.get("type") == "family")
    given = " ".join(_text(p) for p in parts if p.get("type") == "given")
    plain = ", ".join(_text(p) for p in parts if not p.get("type") and _text(p))
    if family or given:
        return ", ".join(x for x in (family, given) if x)
    return plain or _text(el.find(M + "displayForm"))


def _pages(extent: str) -> int | None:
    words = extent.replace(".", " ").split()
    for number, unit in zip(words, words[1:], strict=False):
        if number.isdigit() and unit.lower() in _PAGES_UNITS:
            return int(number)
    return None


def read_mods(element: etree._Element) -> CanonicalRecord:
    """The canonical record for a ``mods:mods`` element (MODS 3.0 to 3.8)."""
    return _ModsReader().read(element)
