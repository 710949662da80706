"""Canonical record -> MODS 3.8 (``mods:mods``), after the LOC MARC-to-MODS mapping.

Carries what MODS can: titles by type, names with marcrelator roles, origin info,
languages, extent, notes by type, subjects and classifications with authorities,
related items, identifiers, one ``location/url`` per digital object (its note
names the access level) and ``accessCondition`` with the COAR URI in kk/ru/en.
"""

from __future__ import annotations

import functools
import re
from typing import Final
from urllib.parse import quote

from crosswalks import access
from crosswalks.marc import tables
from crosswalks.model import Agent, CanonicalRecord, Holding, Subject, Title, other_script_pairs
from crosswalks.mods import COVERAGE_NOTE, RESPONSIBILITY_NOTE, TYPE_OF_RESOURCE
from crosswalks.namespaces import MODS_NS, MODS_SCHEMA, XLINK_NS, XSI_NS
from crosswalks.transliterate import detect_script
from crosswalks.xmltext import escape, known_escape

_OPEN: Final = (f'<mods:mods xmlns:mods="{MODS_NS}" xmlns:xlink="{XLINK_NS}" '
         f'xmlns:xsi="{XSI_NS}" version="3.8" '
         f'xsi:schemaLocation="{MODS_NS} {MODS_SCHEMA}">')
_TITLE_TYPES: Final = {"parallel": "translated", "uniform": "uniform", "alternative": "alternative"}
_AGENT_TYPES: Final = {"personal": "personal", "corporate": "corporate", "meeting": "conference"}
_RELATED_TYPES: Final = {"series": "series", "host": "host", "preceding": "preceding", "succeeding": "succeeding",
                  "source": "original", "version": "otherVersion"}
_IDENTIFIER_TYPES: Final = {"isbn": "isbn", "isbn10": "isbn", "issn": "issn", "doi": "doi", "url": "uri",
                     "handle": "hdl", "local": "local"}
_SUBJECT_CHILD: Final = {"topic": "topic", "geographic": "geographic", "temporal": "temporal", "genre": "genre",
                  "name": "name", "title": "titleInfo"}
_DCMI_RESOURCE: Final = {"Text": "text", "Sound": "sound recording", "StillImage": "still image",
                  "Image": "still image", "MovingImage": "moving image", "Software": "software, multimedia",
                  "PhysicalObject": "three dimensional object", "Collection": "mixed material"}


_TEXT: Final = ' type="text"'
_LANGUAGE_CODE: Final = ' type="code" authority="iso639-2b"'


def _el(name: str, value: str | None, attrs: str = "") -> str:
    """``<mods:name attrs>value</mods:name>``, or nothing for an empty value."""
    if not value:
        return ""
    text = known_escape(value) or escape(value)
    return f"<mods:{name}{attrs}>{text}</mods:{name}>" if text.strip() else ""


_OTHER_SCRIPT: Final = ' altType="other script"'
_IS_URI: Final = re.compile(r"https?://[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]+)?([/?#]\S*)?$")  # a URI with a host
_BARE_PERCENT: Final = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


#: A URL that :func:`_quoted_uri` leaves as it is, when every "%" in it starts an escape: a scheme,
#: then only characters quoting keeps, no "#" and no space at the ends (most catalogue links).
_PLAIN_URI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9_.~:/?@!$&'()*+,;=%-]*")


def _uri(url: str) -> str:
    """A URL as xs:anyURI wants it: spaces, brackets and non-ASCII percent-encoded."""
    if _PLAIN_URI.fullmatch(url) and ("%" not in url or not _BARE_PERCENT.search(url)):
        return url
    return _quoted_uri(url)


def _quoted_uri(url: str) -> str:
    uri = quote(_BARE_PERCENT.sub("%25", url.strip()), safe=":/?#@!$&'()*+,;=%~-._")
    head, hash_mark, fragment = uri.partition("#")
    uri = head + hash_mark + fragment.replace("#", "%23")  # one fragment only
    return uri if _SCHEME.match(uri) else uri.replace(":", "%3A")  # a relative reference may not hold ":"


def _script(text: str) -> str | None:
    found = detect_script(text)
    return found if found in ("Cyrl", "Latn") else None


def _wrap(name: str, inner: str, attrs: str = "") -> str:
    """A container element, or nothing when it would be empty (MODS wants a child in each)."""
    return f"<mods:{name}{attrs}>{inner}</mods:{name}>" if inner else ""


def _a(name: str, value: str | None) -> str:
    """One attribute, or nothing when the value is empty."""
    return f' {name}="{known_escape(value) or escape(value)}"' if value else ""


def _title_info(title: Title, primary: bool, group: str | None = None) -> str:
    """A titleInfo; ``group`` pairs the main title and its other-script form (altRepGroup)."""
    inner = _el("title", title.value) + _el("subTitle", title.subtitle)
    if title.part:
        inner += _el("partNumber" if title.part[:1].isdigit() else "partName", title.part)
    attrs = (' usage="primary"' if primary else "") + _a("lang", title.lang)
    if title.other_script_of is None:
        return _wrap("titleInfo", inner, _a("type", _TITLE_TYPES.get(title.kind)) + attrs + _a("altRepGroup", group))
    kind = title.kind if group is None else None  # paired with the main title: no type of its own
    attrs = _a("type", _TITLE_TYPES.get(kind or "")) + attrs + _a("script", title.script)
    return _wrap("titleInfo", inner, attrs + _a("altRepGroup", group))


def _title_groups(titles: list[Title]) -> dict[int, str]:
    """altRepGroup of each other title and its other-script form (a 246/240/730 and its 880):
    "title-2", "title-3", ... ("title-1" is the main title's pair)."""
    groups: dict[int, str] = {}
    for number, (title_id, other) in enumerate(other_script_pairs(titles).items(), start=2):
        groups[title_id] = groups[id(other)] = f"title-{number}"
    return groups


def _name_links(agent: Agent) -> tuple[str, str]:
    """(valueURI attribute, nameIdentifier elements): authority ids as type "authority", $1 URIs as "uri"."""
    ids = agent.authority_ids or []
    value_uri = next((i for i in ids if _IS_URI.match(i)), None)
    inner = "".join(_el("nameIdentifier", i, ' type="authority"') for i in ids)
    inner += "".join(_el("nameIdentifier", u, ' type="uri"') for u in agent.uris or ())
    return (_a("valueURI", _uri(value_uri)) if value_uri else ""), inner


def _alternative_names(agent: Agent) -> str:
    return "".join(_wrap("alternativeName", _el("namePart", form), _OTHER_SCRIPT + _a("script", _script(form)))
                   for form in agent.other_forms or ())


def _name(agent: Agent, primary: bool) -> str:
    relator = agent.relator or ("author" if agent.role == "creator" else "contributor")
    code = tables.RELATOR_CODES.get(relator.lower())
    role = _el("roleTerm", relator, ' type="text" authority="marcrelator"' if code else ' type="text"')
    if code:
        role += _el("roleTerm", code, ' type="code" authority="marcrelator"')
    inner = _el("namePart", agent.name) + _el("namePart", agent.dates, ' type="date"')
    if not inner:
        return ""
    attrs = _a("type", _AGENT_TYPES.get(agent.kind, "personal")) + (' usage="primary"' if primary else "")
    if agent.authority_ids or agent.uris or agent.affiliation or agent.other_forms:
        value_uri, identifiers = _name_links(agent)
        attrs += value_uri
        inner += _el("affiliation", agent.affiliation) + identifiers + _alternative_names(agent)
    return _wrap("name", inner + _wrap("role", role), attrs)


def _origin(record: CanonicalRecord) -> str:
    inner = "".join(_wrap("place", _el("placeTerm", p, _TEXT)) for p in record.places)
    inner += "".join(_el("publisher", p) for p in record.publishers)
    element = {"issued": "dateIssued", "created": "dateCreated", "copyright": "copyrightDate"}
    for date in record.dates:
        inner += _el(element.get(date.kind, "dateOther"), date.original)
    issued = next((d for d in record.dates if d.kind == "issued" and d.year_from), None)
    if issued is not None:
        if issued.year_to not in (None, issued.year_from):
            inner += _el("dateIssued", str(issued.year_from), ' encoding="w3cdtf" keyDate="yes" point="start"')
            inner += _el("dateIssued", str(issued.year_to), ' encoding="w3cdtf" point="end"')
        else:
            inner += _el("dateIssued", str(issued.year_from), ' encoding="w3cdtf" keyDate="yes"')
    inner += _el("edition", record.edition)
    if record.kind:
        inner += _el("issuance", "continuing" if record.kind in ("newspaper", "journal") else "monographic")
    return f'<mods:originInfo eventType="publication">{inner}</mods:originInfo>' if inner else ""


def _subject(subject: Subject) -> str:
    if subject.kind == "classification":
        authority = "rubbk" if subject.scheme == "bbk" else subject.scheme
        return _el("classification", subject.value, _a("authority", authority))
    head, *subdivisions = [p.strip() for p in subject.value.split(" -- ")]
    child = _SUBJECT_CHILD.get(subject.kind, "topic")
    if child == "name":
        first = _wrap("name", _el("namePart", head))
    elif child == "titleInfo":
        first = _wrap("titleInfo", _el("title", head))
    else:
        first = _el(child, head)
    rest = "".join(_el("topic", part) for part in subdivisions)
    heading_authority = None if subject.scheme == "keyword" else subject.scheme
    attrs = _a("authority", heading_authority) + _a("lang", subject.lang)
    if subject.authority_ids:  # MODS has a place for the heading's authority URI only
        value_uri = next((i for i in subject.authority_ids if _IS_URI.match(i)), None)
        attrs += _a("valueURI", _uri(value_uri)) if value_uri else ""
    return _wrap("subject", first + rest, attrs)


def _related(record: CanonicalRecord) -> str:
    out = []
    for relation in record.relations:
        inner = _wrap("titleInfo", _el("title", relation.title))
        inner += _el("identifier", relation.identifier)
        if relation.number:
            inner += _wrap("part", _wrap("detail", _el("number", relation.number)))
        out.append(_wrap("relatedItem", inner, _a("type", _RELATED_TYPES.get(relation.kind))))
    return "".join(out)


@functools.cache
def _access_conditions(level: str | None) -> str:
    """The accessCondition elements stating a level (the same for every record: built once)."""
    terms = access.terms_for(level)
    if terms is None:
        return ""
    out = [_el("accessCondition", terms.statement[lang],
               f' type="restriction on access" xlink:href="{terms.coar_uri}" lang="{lang}"')
           for lang in access.LANGUAGES]
    out += [_el("accessCondition", terms.terms_of_use[lang], f' type="use and reproduction" lang="{lang}"')
            for lang in access.LANGUAGES]
    return "".join(out)


def _rights(record: CanonicalRecord) -> str:
    return "".join(_el("accessCondition", text, ' type="use and reproduction"') for text in record.rights)


def render_mods(record: CanonicalRecord) -> str:
    """The ``mods:mods`` element (MODS 3.8) as a string, no XML declaration."""
    return "".join(mods_parts(record))


def mods_parts(record: CanonicalRecord) -> list[str]:
    """:func:`render_mods` in the parts it joins (see ``MetadataFormat.render_utf8``)."""
    out = [_OPEN]
    mains = [t for t in record.titles if t.kind == "main"]
    paired = next((t for t in record.titles if t.other_script_of == "main"), None) \
        if mains and len(record.titles) > 1 else None
    groups = _title_groups(record.titles) if len(record.titles) > 1 else {}
    for title in record.titles:
        group = "title-1" if paired is not None and (title is mains[0] or title is paired) else groups.get(id(title))
        out.append(_title_info(title, bool(mains) and title is mains[0], group))
    creators = [a for a in record.agents if a.role == "creator"]
    for agent in record.agents:
        out.append(_name(agent, bool(creators) and agent is creators[0]))
    resource = TYPE_OF_RESOURCE.get(record.kind or "") or _DCMI_RESOURCE.get(record.dcmi_type or "")
    if resource:
        manuscript = "yes" if record.kind == "manuscript" else None
        collection = "yes" if record.dcmi_type == "Collection" else None
        out.append(_el("typeOfResource", resource, _a("manuscript", manuscript) + _a("collection", collection)))
    out.append(_el("genre", record.kind))
    for subject in record.subjects:
        if subject.kind == "genre":
            authority = None if subject.scheme == "keyword" else subject.scheme
            out.append(_el("genre", subject.value, _a("authority", authority)))
    out.append(_origin(record))
    for code in record.languages:
        out.append(_wrap("language", _el("languageTerm", code, _LANGUAGE_CODE)))
    physical = _el("extent", record.extent) + "".join(_el("internetMediaType", f) for f in record.formats)
    if physical:
        out.append(f"<mods:physicalDescription>{physical}</mods:physicalDescription>")
    for description in record.descriptions:
        if description.kind == "abstract":
            out.append(_el("abstract", description.value, _a("lang", description.lang)))
        elif description.kind == "toc":
            out.append(_el("tableOfContents", description.value, _a("lang", description.lang)))
        else:
            note_type = None if description.kind == "note" else description.kind
            out.append(_el("note", description.value, _a("type", note_type) + _a("lang", description.lang)))
    for title in mains[:1]:
        out.append(_el("note", title.responsibility, f' type="{RESPONSIBILITY_NOTE}"'))
    out.extend(_el("note", value, f' type="{COVERAGE_NOTE}"') for value in record.coverage)
    out.extend(_subject(s) for s in record.subjects if s.kind != "genre")
    out.append(_related(record))
    local = record.identifiers_of("local")
    for ident in record.identifiers:
        if ident.scheme == "local" and ident.value == local[0]:
            continue
        out.append(_el("identifier", ident.value, _a("type", _IDENTIFIER_TYPES.get(ident.scheme, ident.scheme))
                       + ("" if ident.valid else ' invalid="yes"')))
    terms = access.terms_for(record.access)
    for obj in record.objects:
        attrs = _a("displayLabel", obj.label) + _a("note", terms.link_note if terms else None)
        attrs += (' access="object in context"' if obj.in_context else ' access="raw object"')
        attrs += ' usage="primary display"' if obj is record.objects[0] else ""
        url = _el("url", _uri(obj.url), attrs)
        out.append(_wrap("location", url))
    out.extend(_holding(holding) for holding in record.holdings)
    out += (_access_conditions(record.access), _rights(record))
    info = _el("recordIdentifier", local[0]) if local else ""
    info += _el("recordContentSource", record.source.partner)
    out.append(f"<mods:recordInfo>{info}<mods:recordOrigin>KazNEB Hub</mods:recordOrigin></mods:recordInfo>")
    out.append("</mods:mods>")
    return out


def _holding(holding: Holding) -> str:
    """A partner holding the work: its name, its record, its copy's level and the copy's page."""
    copy = _el("electronicLocator", _uri(holding.copy_url) if holding.copy_url else None)
    copy += _el("note", f"access: {holding.access}" if holding.access else None)
    copy += _el("itemIdentifier", holding.identifier)
    return _wrap("location", _el("physicalLocation", holding.partner)
                 + _wrap("holdingSimple", _wrap("copyInformation", copy)))
