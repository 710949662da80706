"""Canonical record -> ``oai_dc:dc``.

Unlike the LOC stylesheet: creators and contributors both kept, publisher and date
never empty elements, each description once, ISSN and DOI included, and the access
level stated as a COAR URI plus plain statements in kk/ru/en.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from crosswalks import access
from crosswalks.model import CanonicalRecord, DateInfo, Identifier
from crosswalks.namespaces import DC_NS, OAI_DC_NS, OAI_DC_SCHEMA, XSI_NS
from crosswalks.normalize.dates import range_text
from crosswalks.xmltext import escape, known_escape

_OPEN: Final = (f'<oai_dc:dc xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}" '
         f'xmlns:xsi="{XSI_NS}" '
         f'xsi:schemaLocation="{OAI_DC_NS} {OAI_DC_SCHEMA}">')
_W3CDTF: Final = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$|^\d{4}-\d{4}$")
#: ISO 639-2 -> xml:lang (BCP 47) for the languages whose short code is used.
XML_LANG: Final[dict[str, str]] = {"kaz": "kk", "rus": "ru", "eng": "en", "ger": "de", "fre": "fr", "tur": "tr",
                            "uzb": "uz", "kir": "ky", "chi": "zh", "ukr": "uk"}


def _element(name: str, value: str | None, lang: str | None = None) -> str:
    if not value or not (text := (known_escape(value) or escape(value)).strip()):
        return ""
    lang_attr = f' xml:lang="{escape(lang)}"' if lang else ""
    return f"<dc:{name}{lang_attr}>{text}</dc:{name}>"


def dc_date(date: DateInfo) -> str:
    """The original when it is already W3CDTF-like, else the normalised year or range."""
    original = date.original.strip()
    if _W3CDTF.match(original):
        return original
    return range_text(date.year_from, date.year_to) or original


def dc_identifier(ident: Identifier) -> str:
    if ident.scheme in ("isbn", "isbn10"):
        return f"URN:ISBN:{ident.value}"
    if ident.scheme == "issn":
        return f"URN:ISSN:{ident.value}"
    if ident.scheme == "doi" and not ident.value.startswith("http"):
        return f"https://doi.org/{ident.value}"
    return ident.value


def title_text(title) -> str:
    text = title.value
    if title.subtitle:
        text += " : " + title.subtitle
    if title.part:
        text += ". " + title.part
    return text


@functools.cache
def _access_rights(level: str | None) -> str:
    """dc:rights for a level: the COAR URI, then statement and terms in kk, ru, en (built once)."""
    terms = access.terms_for(level)
    if terms is None:
        return ""
    parts = [_element("rights", terms.coar_uri)]
    parts += [_element("rights", terms.statement[lang] + " " + terms.terms_of_use[lang], lang)
              for lang in access.LANGUAGES]
    return "".join(parts)


def render_oai_dc(record: CanonicalRecord) -> str:
    """The ``oai_dc:dc`` element as a string (no XML declaration)."""
    return "".join(oai_dc_parts(record))


def oai_dc_parts(record: CanonicalRecord) -> list[str]:
    """:func:`render_oai_dc` in the parts it joins (see ``MetadataFormat.render_utf8``)."""
    out: list[str] = [_OPEN]
    for title in sorted(record.titles, key=lambda t: t.kind != "main"):  # dc readers take the first as main
        out.append(_element("title", title_text(title), XML_LANG.get(title.lang or "")))
    for agent in record.agents:
        out.append(_element("creator" if agent.role == "creator" else "contributor", agent.name))
    for subject in record.subjects:
        if subject.kind not in ("genre", "geographic"):
            out.append(_element("subject", subject.value))
    for description in record.descriptions:
        if description.kind != "language":
            out.append(_element("description", description.value, XML_LANG.get(description.lang or "")))
    for publisher in record.publishers:
        out.append(_element("publisher", publisher))
    for date in record.dates:
        out.append(_element("date", dc_date(date)))
    out.append(_element("type", record.dcmi_type))
    out.append(_element("type", record.kind))
    for subject in record.subjects:
        if subject.kind == "genre":
            out.append(_element("type", subject.value))
    formats = list(dict.fromkeys(record.formats + [o.mimetype for o in record.objects if o.mimetype]))
    for value in formats:
        out.append(_element("format", value))
    out.append(_element("format", record.extent))
    for ident in record.identifiers:
        if ident.scheme != "local":  # the partner's record number means nothing outside its catalogue
            out.append(_element("identifier", dc_identifier(ident)))
    for obj in record.objects:
        out.append(_element("identifier", obj.url))
    for relation in record.relations:
        if relation.kind == "source":
            out.append(_element("source", relation.identifier or relation.title))
    for language in record.languages:
        out.append(_element("language", language))
    for relation in record.relations:
        if relation.kind == "version" and relation.identifier:  # a record harvesters can follow
            out.append(_element("relation", relation.identifier))
        elif relation.kind != "source":
            text = relation.title + (f" ; {relation.number}" if relation.number else "")
            out.append(_element("relation", text))
    for value in record.coverage:
        out.append(_element("coverage", value))
    for subject in record.subjects:
        if subject.kind == "geographic":  # LOC crosswalk: 651 is coverage
            out.append(_element("coverage", subject.value))
    out.append(_access_rights(record.access))
    for text in record.rights:
        out.append(_element("rights", text))
    out.append("</oai_dc:dc>")
    return out
