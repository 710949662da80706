"""Canonical record -> MARC 21 (the MARC writer).

Builds a correct leader and 008, the fields the crosswalk understands with ISBD
punctuation, the access level in 506/540 and in 856 $z, and writes back the
``marc_extra`` fields a MARC source carried, so nothing it understood is lost.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any, Final

from crosswalks import access
from crosswalks.marc import tables
from crosswalks.marc.kept import KeptSubfields, is_kept_entry, part_code
from crosswalks.marc.record import MarcField, MarcRecord, field_from_json
from crosswalks.marc.unimarc import is_unimarc_entry
from crosswalks.model import Agent, CanonicalRecord, DateInfo, Relation, Subject, Title, other_script_pairs
from crosswalks.transliterate import detect_script

_ARTICLES: Final = re.compile(r"^(the |a |an |der |die |das |le |la |les |l')", re.IGNORECASE)
_AGENT_TAGS: Final = {"personal": ("100", "700"), "corporate": ("110", "710"), "meeting": ("111", "711")}
_SUBJECT_NAME_TAGS: Final = {"personal": "600", "corporate": "610", "meeting": "611"}
_RELATION_KIND_TAG: Final = {"host": "773", "preceding": "780", "succeeding": "785", "version": "775", "source": "786",
                             "other": "787"}
_LINKAGE: Final = re.compile(r"\d{3}-(\d{2})")
_CONTROL_TAG: Final = re.compile(r"^00[1-9A-Za-z]$")
_DATA_TAG: Final = re.compile(r"^(0[1-9A-Z][0-9A-Z]|0[1-9a-z][0-9a-z]|[1-9A-Z][0-9A-Z]{2}|[1-9a-z][0-9a-z]{2})$")


def _end(text: str, mark: str) -> str:
    """Text followed by ISBD ``mark`` unless it already ends with punctuation of its own."""
    text = text.rstrip()
    if not mark or text.endswith(mark.strip()):
        return text
    if mark == "." and text[-1:] in ".?!":
        return text
    return text + mark


def _sub(code: str, value: str | None) -> list[tuple[str, str]]:
    return [(code, value)] if value else []


class MarcWriter:
    """The MARC 21 fields of one canonical record (``build``); :mod:`crosswalks.marc.marcxml_writer`
    writes the same fields straight to markup by overriding where a field is put."""

    def __init__(self, rec: CanonicalRecord) -> None:
        self.rec = rec
        self.fields: list[MarcField] = []
        extra: list[dict] = []
        kept: list[dict] = []
        for item in rec.marc_extra:
            if is_unimarc_entry(item):
                continue  # a UNIMARC source's field: its tag means something else in MARC 21
            (kept if is_kept_entry(item) else extra).append(item)
        self.extra = [field_from_json(item) for item in extra]
        self.kept = KeptSubfields(kept)
        self.last_link: int | None = None  # the last 880 occurrence number given out

    def _next_link(self) -> str:
        """A new 880 occurrence number, after those of the source's kept 880s."""
        if self.last_link is None:
            found = (_LINKAGE.match(f.get("6") or "") for f in self.extra if f.tag == "880")
            self.last_link = max((int(m.group(1)) for m in found if m), default=0)
        self.last_link += 1
        return f"{self.last_link:02d}"

    def _linked(self, tag: str, ind1: str, ind2: str, subfields: list[tuple[str, str]],
                other: list[tuple[str, str]], script: str | None) -> None:
        """A field and its other-script 880, linked both ways by $6."""
        occurrence = self._next_link()
        tag, ind1, ind2, subfields = self.kept.merge(tag, ind1, ind2, [("6", f"880-{occurrence}"), *subfields])
        self._put(tag, ind1, ind2, subfields)  # the 880 gets the indicators the source's field had
        code = tables.SCRIPT_MARC.get(script or "")
        self.add("880", ind1, ind2, [("6", f"{tag}-{occurrence}" + (f"/{code}" if code else "")), *other])

    def _unlinked(self, tag: str, ind1: str, ind2: str, other: list[tuple[str, str]], script: str | None) -> None:
        """An 880 without a field of its own (occurrence 00)."""
        code = tables.SCRIPT_MARC.get(script or "")
        self.add("880", ind1, ind2, [("6", f"{tag}-00" + (f"/{code}" if code else "")), *other])

    def add(self, tag: str, ind1: str, ind2: str, subfields: list[tuple[str, str]]) -> None:
        """Write a field, with what the source kept for it."""
        if tag in self.kept.pending:  # most fields have nothing kept: no call
            tag, ind1, ind2, subfields = self.kept.merge(tag, ind1, ind2, subfields)
        self._put(tag, ind1, ind2, subfields)

    def _put(self, tag: str, ind1: str, ind2: str, subfields: list[tuple[str, str]]) -> None:
        for _, value in subfields:
            if not value:
                subfields = [(c, v) for c, v in subfields if v]
                break
        if subfields:
            self.fields.append(MarcField(tag, ind1, ind2, subfields))

    def add_fixed_fields(self, key: tuple, fields: Callable[..., list[FieldSpec]], *args: Any) -> None:
        """Fields whose content does not come from the record's own text (types, access terms):
        ``fields(*args)`` depends on ``key`` only, so the markup writer can reuse its output."""
        for tag, ind1, ind2, subfields in fields(*args):
            self.add(tag, ind1, ind2, subfields)

    def build(self) -> MarcRecord:
        self._write_fields()
        self.fields.sort(key=_TAG_ORDER)  # control tags (00X) sort before data tags
        return MarcRecord(self._leader(), self.fields)

    def _has_field(self, tag: str) -> bool:
        return any(f.tag == tag for f in self.fields)

    def _add_field(self, marc_field: MarcField) -> None:
        self.fields.append(marc_field)

    def _write_fields(self) -> None:
        rec = self.rec
        local = rec.identifiers_of("local")
        if local:
            self._add_field(MarcField("001", value=local[0]))
        self._add_field(MarcField("008", value=self._fixed_008()))
        self._identifiers(local[1:])
        self._languages()
        self._classification()
        self._names()
        self._titles()
        self.add("250", " ", " ", [("a", _end(rec.edition, "."))] if rec.edition else [])
        self._publication()
        self._extent_and_types()
        self._series()
        self._notes()
        self._access()
        self._subjects()
        self._relations()
        self._holdings()
        self._links()
        self._merge_extra()

    # -- leader and 008 ----------------------------------------------------------
    def _leader(self) -> str:
        rec = self.rec
        type_code, level = tables.KIND_LEADER.get(rec.kind or "", ("", ""))
        if not type_code:
            type_code = tables.DCMI_LEADER.get(rec.dcmi_type or "", "a")
            level = "c" if rec.dcmi_type == "Collection" else "m"
        return f"00000n{type_code}{level} a2200000 i 4500"

    def _fixed_008(self) -> str:
        """The 008 from the source's (kept for its other positions) with the record's dates,
        place, kind and language; built as slices of one string (no list of 40 characters)."""
        rec = self.rec
        base = next((f.value for f in self.extra if f.tag == "008" and f.value), None)
        fixed = ((base or "") + " " * 40)[:40]
        entered, ending = (fixed[0:6], fixed[38:40]) if base else (_entered(rec.source.datestamp), " d")
        issued = next((d for d in rec.dates if d.kind == "issued" and d.year_from), None)
        country = _country(rec.places)
        if country == _NO_COUNTRY and base and base[15:18].strip():
            country = fixed[15:18]  # a place the table does not know keeps the source's code
        nature = fixed[24:28]
        if rec.kind == "thesis" and "m" not in nature:
            nature = "m" + nature[1:]
        serial = fixed[21]
        if rec.kind in ("newspaper", "journal"):
            serial = "n" if rec.kind == "newspaper" else "p"
        language = rec.languages[0] if rec.languages and len(rec.languages[0]) == 3 else "|||"
        return (entered + _date_positions(issued) + country + fixed[18:21] + serial + fixed[22:24] + nature
                + fixed[28:35] + language + ending)

    # -- 0XX -----------------------------------------------------------------------
    def _identifiers(self, more_local: list[str]) -> None:
        for ident in self.rec.identifiers:
            if ident.scheme in ("isbn", "isbn10"):
                self.add("020", " ", " ", [("a" if ident.valid else "z", ident.value)])
        for ident in self.rec.identifiers:
            if ident.scheme == "issn":
                self.add("022", " ", " ", [("a" if ident.valid else "y", ident.value)])
        for ident in self.rec.identifiers:
            if ident.scheme in ("isbn", "isbn10", "issn", "local"):
                continue
            if ident.scheme == "other":
                self.add("024", "8", " ", [("a", ident.value)])
            else:
                source = {"url": "uri", "handle": "hdl"}.get(ident.scheme, ident.scheme)
                self.add("024", "7", " ", [("a", ident.value), ("2", source)])
        for value in more_local:
            self.add("035", " ", " ", [("a", value)])

    def _languages(self) -> None:
        codes = [code for code in self.rec.languages if code]
        if len(codes) > 1 or (codes and len(codes[0]) != 3) or (codes and self.kept.has("041")):
            self.add("041", "0", " ", [("a", code) for code in codes])

    def _classification(self) -> None:
        for subject in self.rec.subjects:
            if subject.kind != "classification":
                continue
            tag = tables.CLASSIFICATION_SCHEME_TAG.get(subject.scheme)
            if tag:
                self.add(tag, " " if tag != "050" else "0", " " if tag != "082" else "4", [("a", subject.value)])
            else:
                source = "rubbk" if subject.scheme == "bbk" else subject.scheme
                self.add("084", " ", " ", [("a", subject.value), ("2", source)])

    # -- names and titles -----------------------------------------------------------------
    def _names(self) -> None:
        creators = [a for a in self.rec.agents if a.role == "creator"]
        main = creators[0] if creators else None
        if main is not None:
            self._name(main, _AGENT_TAGS.get(main.kind, _AGENT_TAGS["personal"])[0])
        for agent in self.rec.agents:
            if agent is not main:
                self._name(agent, _AGENT_TAGS.get(agent.kind, _AGENT_TAGS["personal"])[1])

    def _name(self, agent: Agent, tag: str) -> None:
        relator = agent.relator
        if relator is None and agent.role == "creator" and tag.startswith("7"):
            relator = "author"
        code = tables.RELATOR_CODES.get((relator or "").lower())
        ind1 = ("1" if "," in agent.name else "0") if agent.kind == "personal" else "2"
        name_code = "a"
        term_code = "j" if agent.kind == "meeting" else "e"
        subfields = [(name_code, agent.name)]
        if agent.dates:
            subfields.append(("d", agent.dates))
        if agent.affiliation:
            subfields.append(("u", agent.affiliation))
        if relator or agent.relator_term:
            subfields.append((term_code, relator or agent.relator_term or ""))
        if code:
            subfields.append(("4", code))
        if agent.authority_ids is None and agent.uris is None and not agent.other_forms:
            self.add(tag, ind1, " ", _punctuate_name(subfields))  # the usual case
            return
        links = [("0", v) for v in agent.authority_ids or ()] + [("1", v) for v in agent.uris or ()]
        if not agent.other_forms:
            self.add(tag, ind1, " ", _punctuate_name(subfields) + links)  # $0/$1 follow the final mark
            return
        first, *more = agent.other_forms
        others = [_punctuate_name([("a", form)] + subfields[1:]) for form in agent.other_forms]
        self._linked(tag, ind1, " ", _punctuate_name(subfields) + links, others[0], _script_of(first))
        for form, other in zip(more, others[1:], strict=True):
            self._unlinked(tag, ind1, " ", other, _script_of(form))

    def _titles(self) -> None:
        has_main_entry = any(a.role == "creator" for a in self.rec.agents)
        mains = [t for t in self.rec.titles if t.kind == "main"]
        main = mains[0] if mains else (self.rec.titles[0] if self.rec.titles else None)
        scripts = [t for t in self.rec.titles if t.other_script_of] if len(self.rec.titles) > 1 else None
        linked = next((t for t in scripts if t.other_script_of == "main"), None) if scripts else None
        if main is not None and linked is not None:
            self._linked("245", "1" if has_main_entry else "0", _nonfiling(main.value), _title_subfields(main, True),
                         _title_subfields(linked, True), linked.script)
        elif main is not None:
            self.add("245", "1" if has_main_entry else "0", _nonfiling(main.value), _title_subfields(main, True))
        pairs = other_script_pairs(self.rec.titles) if scripts else {}
        paired = {id(t) for t in pairs.values()}
        for title in scripts or ():
            if title is not linked and id(title) not in paired:  # a form without its title: an 880 of its own
                tag = "730" if title.other_script_of == "uniform" else "246"
                ind = ("0", " ") if tag == "730" else ("3", "1" if title.other_script_of == "parallel" else "3")
                self._unlinked(tag, *ind, _title_subfields(title, False), title.script)
        for title in self.rec.titles:
            if title is main or title.other_script_of:
                continue
            if title.kind == "uniform":
                tag = "240" if has_main_entry and not self._has_field("240") else "730"
                tag = "130" if not has_main_entry and not self._has_field("130") else tag
                self._title_field(tag, "1" if tag == "240" else "0", "0" if tag == "240" else " ",
                                  [("a", title.value)] + _part(title), pairs.get(id(title)))
            else:
                self._title_field("246", "3", "1" if title.kind == "parallel" else "3", _title_subfields(title, False),
                                  pairs.get(id(title)))

    def _title_field(self, tag: str, ind1: str, ind2: str, subfields: list[tuple[str, str]],
                     other: Title | None) -> None:
        """A 246/240/730/130, linked both ways to an 880 when the title has an other-script form."""
        if other is None:
            self.add(tag, ind1, ind2, subfields)
            return
        form = _title_subfields(other, False) if tag == "246" else [("a", other.value)] + _part(other)
        self._linked(tag, ind1, ind2, subfields, form, other.script or _script_of(other.value))

    # -- publication, extent, types ------------------------------------------------------
    def _publication(self) -> None:
        rec = self.rec
        issued = [d for d in rec.dates if d.kind == "issued"]
        if not (self.kept.splits and self._split_publication(issued)):
            subfields = [("a", p) for p in rec.places] + [("b", p) for p in rec.publishers]
            subfields += [("c", d.original) for d in issued[:1]]
            if subfields:
                self.add("264", " ", "1", _punctuate_264(subfields))
            for date in issued[1:]:
                self.add("264", " ", "1", [("c", date.original)])
        for date in rec.dates:
            if date.kind == "copyright":
                self.add("264", " ", "4", [("c", date.original)])
            elif date.kind == "created":
                self.add("264", " ", "0", [("c", date.original)])

    def _split_publication(self, issued: list[DateInfo]) -> bool:
        """The source's own issued 260/264 fields (kept.py, publication_split): places, publishers
        and dates dealt back out in its order; False (the writer's one 264) when the record no
        longer has as many of each as the source's fields held."""
        codes = "".join(c for c, _ in self.kept.splits)
        if (codes.count("a"), codes.count("b"), codes.count("c")) != (
                len(self.rec.places), len(self.rec.publishers), len(issued)):
            return False
        values = {"a": iter(self.rec.places), "b": iter(self.rec.publishers), "c": (d.original for d in issued)}
        for field_codes, ind in self.kept.splits:
            self.add("264", ind[0], ind[1], _punctuate_264([(c, next(values[c])) for c in field_codes]))
        return True

    def _extent_and_types(self) -> None:
        rec = self.rec
        extent = rec.extent or (f"{rec.pages} p." if rec.pages else None)
        if extent:
            self.add("300", " ", " ", _extent_subfields(extent))
        self.add_fixed_fields(("types", rec.kind, bool(rec.objects)), _type_fields, rec.kind, bool(rec.objects))
        for value in rec.formats:
            self.add("347", " ", " ", [("b", value)])

    def _series(self) -> None:
        # a source's transcribed 490 (kept in marc_extra) stays; the series heading then goes to 830
        traced = any(f.tag == "490" for f in self.extra)
        for relation in self.rec.relations:
            if relation.kind != "series":
                continue
            if traced:
                self.add("830", " ", "0", _punctuate_series([("a", relation.title)] + _sub("v", relation.number)))
            else:
                subfields = [("a", relation.title)] + _sub("x", relation.identifier) + _sub("v", relation.number)
                self.add("490", "0", " ", _punctuate_series(subfields))

    # -- notes, access, rights ---------------------------------------------------------
    def _notes(self) -> None:
        for description in self.rec.descriptions:
            kind = description.kind
            tag = tables.NOTE_TAGS.get(kind) or (kind[5:] if kind.startswith("note-") else "500")
            if not _DATA_TAG.match(tag):
                tag = "500"
            ind1 = "0" if tag == "505" else " "
            self.add(tag, ind1, " ", [("a", description.value)])
        for value in self.rec.coverage:
            self.add("522", " ", " ", [("a", value)])

    def _access(self) -> None:
        terms = access.terms_for(self.rec.access)
        if terms is not None:
            self.add_fixed_fields(("506", terms.level), _restriction_fields, terms)
        for text in self.rec.rights:
            self.add("540", " ", " ", [("a", text)])
        if terms is not None:
            self.add_fixed_fields(("540", terms.level), _terms_of_use_fields, terms)

    # -- subjects, relations, links ------------------------------------------------------------
    def _subjects(self) -> None:
        for subject in self.rec.subjects:
            if subject.kind != "classification":
                self._subject(subject)

    def _subject(self, subject: Subject) -> None:
        head, *subdivisions = [p.strip() for p in subject.value.split(" -- ")]
        if subject.scheme == "keyword" and subject.kind == "topic":
            self.add("653", " ", " ", [("a", subject.value)])
            return
        tag = tables.SUBJECT_KIND_TAG.get(subject.kind, "650")
        ind2 = tables.SUBJECT_SCHEME_IND2.get(subject.scheme.lower(), "7")
        ind1 = "1" if tag == "600" and "," in head else "0" if tag == "600" else " "
        subfields = [("a", head)] + [("x", part) for part in subdivisions if part]
        if ind2 == "7":
            subfields.append(("2", subject.scheme))
        if subject.authority_ids or subject.uris:
            subfields += [("0", v) for v in subject.authority_ids or ()] + [("1", v) for v in subject.uris or ()]
        self.add(tag, ind1, ind2, subfields)

    def _relations(self) -> None:
        for relation in self.rec.relations:
            if relation.kind != "series":
                self._relation(relation)

    def _relation(self, relation: Relation) -> None:
        tag = _RELATION_KIND_TAG.get(relation.kind, "787")
        subfields = [("t", relation.title)] + _sub("g", relation.number) + _sub("o", relation.identifier)
        self.add(tag, "0", "0" if tag in ("780", "785") else " ", subfields)

    def _holdings(self) -> None:
        """852 per partner holding a merged work: the partner ($a), its record ($p), its copy's page ($u)
        and level ($z)."""
        for holding in self.rec.holdings:
            level = [("z", f"access: {holding.access}")] if holding.access else []
            self.add("852", " ", " ", [("a", holding.partner), ("p", holding.identifier)]
                     + _sub("u", holding.copy_url) + level)

    def _links(self) -> None:
        terms = access.terms_for(self.rec.access)
        for obj in self.rec.objects:
            subfields = _sub("3", obj.label) + [("u", obj.url)] + _sub("q", obj.mimetype)
            if terms is not None:
                subfields.append(("z", terms.link_note))
            self.add("856", "4", "0", subfields)

    def _merge_extra(self) -> None:
        for extra in self.extra:
            if extra.tag == "008":
                continue
            if extra.is_control and _CONTROL_TAG.match(extra.tag):
                self._add_field(extra)
            elif not extra.is_control and _DATA_TAG.match(extra.tag) and extra.subfields:
                extra.ind1, extra.ind2 = _indicator(extra.ind1), _indicator(extra.ind2)
                self._add_field(extra)


_TAG_ORDER: Final = operator.attrgetter("tag")


FieldSpec = tuple[str, str, str, list[tuple[str, str]]]  # tag, ind1, ind2, subfields


def _type_fields(kind: str | None, online: bool) -> list[FieldSpec]:
    """336-338: content type by document kind, media and carrier by whether there are digital objects."""
    content = tables.KIND_CONTENT.get(kind or "", ("text", "txt"))
    media = ("computer", "c") if online else ("unmediated", "n")
    carrier = ("online resource", "cr") if online else ("volume", "nc")
    return [("336", " ", " ", [("a", content[0]), ("b", content[1]), ("2", "rdacontent")]),
            ("337", " ", " ", [("a", media[0]), ("b", media[1]), ("2", "rdamedia")]),
            ("338", " ", " ", [("a", carrier[0]), ("b", carrier[1]), ("2", "rdacarrier")])]


def _restriction_fields(terms: access.AccessTerms) -> list[FieldSpec]:
    """506 in each language: the level's statement, COAR label and URI."""
    ind1 = "0" if terms.level == "open" else "1"
    return [("506", ind1, " ", [("a", terms.statement[lang]), ("f", terms.coar_label), ("u", terms.coar_uri)])
            for lang in access.LANGUAGES]


def _terms_of_use_fields(terms: access.AccessTerms) -> list[FieldSpec]:
    """540 in each language: the level's terms of use."""
    return [("540", " ", " ", [("a", terms.terms_of_use[lang])]) for lang in access.LANGUAGES]


def _script_of(text: str) -> str | None:
    """ISO 15924 script of a name form, for its 880's script code (CJK and Arabic by range)."""
    found = detect_script(text)
    if found in ("Cyrl", "Latn"):
        return found
    if any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in text):
        return "Hani"
    return "Arab" if any("\u0600" <= ch <= "\u06ff" for ch in text) else None


def _indicator(value: str) -> str:
    return value if len(value) == 1 and (value.isdigit() or value.islower() or value == " ") else " "


def _entered(datestamp: str | None) -> str:
    """008/00-05, date entered (yymmdd), from the source's datestamp; 000000 without one."""
    text = datestamp or ""
    if (len(text) >= 10 and text[4] == "-" and text[7] == "-"  # the usual ISO date: sliced, no regex
            and text[:4].isdecimal() and text[5:7].isdecimal() and text[8:10].isdecimal()):
        return text[2:4] + text[5:7] + text[8:10]
    digits = _NON_DIGITS.sub("", text)
    return digits[2:8] if len(digits) >= 8 else "000000"


def _date_positions(date: DateInfo | None) -> str:
    """008/06-14: type of date and the two years."""
    if date is None or date.year_from is None:
        return "nuuuuuuuu"
    first = f"{date.year_from:04d}"[:4]
    if date.year_to not in (None, date.year_from):
        last = f"{date.year_to:04d}"[:4]
        if date.year_from % 10 == 0 and date.year_to == date.year_from + 9:
            return "s" + first[:3] + "u" + "    "
        return "m" + first + last
    return "s" + first + "    "


def _country(places: list[str]) -> str:
    for place in places:
        code = tables.PLACE_COUNTRY.get(place.strip("[]. ").lower())
        if code:
            return (code + "   ")[:3]
    return _NO_COUNTRY


_NO_COUNTRY: Final = "xx "
_NON_DIGITS: Final = re.compile(r"\D")
_EXTENT_MARK: Final = re.compile(r"( : | ; | \+ )")


def _nonfiling(title: str) -> str:
    match = _ARTICLES.match(title)
    return str(len(match.group(1))) if match else "0"


def _part(title: Title) -> list[tuple[str, str]]:
    if not title.part:
        return []
    return [(part_code(title.part), title.part)]


def _title_subfields(title: Title, final_dot: bool) -> list[tuple[str, str]]:
    subfields = [("a", title.value)]
    if title.subtitle:
        subfields.append(("b", title.subtitle))
    subfields += _part(title)
    if title.responsibility:
        subfields.append(("c", title.responsibility))
    marks = {"b": " :", "n": ".", "p": ".", "c": " /"}
    for index in range(len(subfields) - 1):
        code, value = subfields[index]
        subfields[index] = (code, _end(value, marks[subfields[index + 1][0]]))
    if final_dot:
        code, value = subfields[-1]
        subfields[-1] = (code, _end(value, "."))
    return subfields


def _extent_subfields(extent: str) -> list[tuple[str, str]]:
    """"186 с. : ил. ; 21 см" -> $a 186 с. : $b ил. ; $c 21 см."""
    subfields: list[tuple[str, str]] = []
    code = "a"
    for token in _EXTENT_MARK.split(extent):
        if token in (" : ", " ; ", " + "):
            subfields[-1] = (subfields[-1][0], subfields[-1][1] + token.rstrip())
            code = {" : ": "b", " ; ": "c", " + ": "e"}[token]
        elif token:
            subfields.append((code, token))
    return subfields


def _punctuate_name(subfields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for index, (code, value) in enumerate(subfields):
        following = subfields[index + 1][0] if index + 1 < len(subfields) else ""
        if code != "4" and following in ("d", "e", "j"):
            value = _end(value, ",")
        elif code != "4" and following in ("", "4"):
            value = _end(value, ".")
        out.append((code, value))
    return out


def _punctuate_264(subfields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for index, (code, value) in enumerate(subfields):
        following = subfields[index + 1][0] if index + 1 < len(subfields) else ""
        mark = {"a": " ;", "b": " :", "c": ","}.get(following, "") if following else ""
        if code == "a" and following == "b":
            mark = " :"
        elif code == "b" and following == "c":
            mark = ","
        elif code == "b" and following == "b":
            mark = " :"
        elif code == "a" and following == "c":
            mark = ","
        out.append((code, _end(value, mark) if mark else value))
    return out


def _punctuate_series(subfields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for index, (code, value) in enumerate(subfields):
        following = subfields[index + 1][0] if index + 1 < len(subfields) else ""
        mark = {"x": ",", "v": " ;"}.get(following, "")
        out.append((code, _end(value, mark) if mark else value))
    return out


def canonical_to_marc(record: CanonicalRecord) -> MarcRecord:
    """The MARC 21 record the hub publishes for a canonical record."""
    return MarcWriter(record).build()
