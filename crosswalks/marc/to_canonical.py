"""MARC 21 record -> canonical record.

Follows the LOC MARC-to-DC crosswalk document (not its stylesheet's faults): every
name is kept (1XX/7XX with relators), 264 is read as well as 260, dates fall back
to 008/07-14, 041 languages are all kept, 520 is read once.  Fields no rule reads go
to ``marc_extra`` untouched so MARC in gives the same MARC out.
"""

from __future__ import annotations

import operator
import re
from typing import Final

from crosswalks import access
from crosswalks.marc import tables
from crosswalks.marc.kept import (
    PLAIN_CODES,
    is_note,
    is_own_publication,
    is_plain,
    kept_entry,
    publication_split,
    read_codes,
)
from crosswalks.marc.record import MarcField, MarcRecord, field_to_json
from crosswalks.marc.unimarc import is_unimarc, unimarc_to_canonical
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
from crosswalks.normalize.dates import year_range
from crosswalks.normalize.isbn import parse_isbn, parse_issn
from crosswalks.normalize.languages import language_code
from crosswalks.normalize.punctuation import strip_brackets, trim_isbd
from crosswalks.transliterate import detect_script

_NAME_TAGS: Final = {"100": "personal", "110": "corporate", "111": "meeting",
              "700": "personal", "710": "corporate", "711": "meeting", "720": "personal"}
_RELATION_TAGS: Final = {"773": "host", "780": "preceding", "785": "succeeding", "786": "source",
                  "760": "other", "762": "other", "765": "other", "767": "other", "770": "other",
                  "772": "other", "774": "other", "775": "other", "776": "other", "777": "other",
                  "787": "other"}
_PAGES: Final = re.compile(r"(\d+)\s*(?:p\b|pp\b|pages|с\b|стр|б\b|бет|s\.|л\b)", re.IGNORECASE)
_SUBDIVISIONS: Final = ("v", "x", "y", "z")
_DERIVED_TAGS: Final = {"336", "337", "338"}
_EXTENT_MARKS: Final = {"b": " : ", "c": " ; ", "e": " + "}
_NAME_AUTHOR_READ: Final = "abcqdej016u6"  # a main entry's codes read when its author code ($4) is kept
_LINK_CODES: Final = frozenset("01u6")  # authority id, real-world URI, affiliation ($u: names only), 880 linkage
_LINKAGE: Final = re.compile(r"(\d{3})-(\d{2})(?:/([^/]*))?")
_CODE: Final = operator.itemgetter(0)
_NONE: Final[frozenset[str]] = frozenset()
_PUBLICATION_CODES: Final = frozenset("abc")


#: A subfield's value trimmed of ISBD punctuation, "" for none (trim_isbd itself: one call less per value).
_text = trim_isbd


def _qualified(code: str, value: str) -> list[tuple[str, str]]:
    """An old-style 020 $a "ISBN (qualifier)" as $a ISBN $q qualifier: the qualifier is kept."""
    isbn, _, rest = value.strip().partition(" ")
    return [(code, isbn), ("q", rest.strip())] if code == "a" and rest.strip() else [(code, value)]


def _values(field: MarcField, code: str) -> list[str] | None:
    return [v.strip() for c, v in field.subfields if c == code and v.strip()] or None


def _first_text(field: MarcField, codes: str) -> str | None:
    return next((strip_brackets(_text(v)) for c, v in field.subfields if c in codes), None)


def _join(field: MarcField, codes: str, sep: str = " ") -> str:
    values = [v for c, v in field.subfields if c in codes]
    if not values:
        return ""
    if len(values) == 1:
        return trim_isbd(values[0])
    return trim_isbd(sep.join(t for t in map(trim_isbd, values) if t))


class _Builder:
    """Walks the fields once, each tag to its reader method; the rest become marc_extra."""

    def __init__(self, marc: MarcRecord) -> None:
        self.marc = marc
        self.rec = CanonicalRecord()
        self.have_main_entry = False
        self.linked: dict[str, Agent] = {}  # "700-02" -> the agent of the field an 880 links to
        self.linked_titles: dict[str, Title] = {}  # "246-03" -> the title of the field an 880 links to
        self.issued_fields = 0  # issued 260/264 fields read so far
        self.first_issued: tuple[str, str] | None = None  # the first one's (codes, ind1), until a second comes
        self.plain = False  # the field being read needs no kept entry (see build)

    def build(self) -> CanonicalRecord:
        for marc_field in self.marc.fields:
            handler = _HANDLERS.get(marc_field.tag)
            if handler is None and is_note(marc_field.tag):
                handler = _Builder._note
            if handler is not None:  # a field needs no kept entry when all its codes are plain (most do)
                plain = PLAIN_CODES.get(marc_field.tag)
                self.plain = plain is not None and plain.issuperset(map(_CODE, marc_field.subfields))
            if handler is None or handler(self, marc_field) is False:
                if marc_field.tag not in _DERIVED_TAGS:
                    self.rec.marc_extra.append(field_to_json(marc_field))
        self._from_leader_and_008()
        _dedupe(self.rec)
        return self.rec

    def _keep(self, f: MarcField, key_text: str | None = None, retag: bool = False, key_codes: str = "",
              force: bool = False) -> None:
        """Subfields of a field the crosswalk rewrites that no canonical part holds, and the
        source's split of values it joins (see kept.py); ``retag`` when the writer would write
        the field under another tag (or, for a one-language 041, not at all).  The key is
        ``key_text``, or the first value of ``key_codes`` (found only when an entry is made);
        ``force`` makes an entry whatever the codes."""
        if not (retag or force) and is_plain(f.tag, f.subfields):
            return  # handlers call this only when build's check did not already say so
        if key_codes:
            key_text = _first_text(f, key_codes)
        entry = kept_entry(f.tag, f.subfields, key_text, (f.tag, f.ind1, f.ind2) if retag or force else None)
        if entry is not None:
            self.rec.marc_extra.append(entry)

    # -- control fields and identifiers ------------------------------------------
    def _f001(self, f: MarcField) -> None:
        if f.value and f.value.strip():
            self.rec.identifiers.append(Identifier(f.value.strip(), "local"))

    def _f008(self, f: MarcField) -> bool:
        return False  # read in _from_leader_and_008, and kept for its other positions

    def _f020(self, f: MarcField) -> bool | None:
        qualified = False
        for code, value in f.subfields:
            if code not in "az":
                continue
            qualified = qualified or code == "a" and " " in value.strip()  # "9780415782654 (hardback)"
            found = parse_isbn(value)
            if found is None:
                self.rec.identifiers.append(Identifier(_text(value), "isbn", valid=False))
                continue
            valid = found.valid and code == "a"
            if found.isbn10:
                self.rec.identifiers.append(Identifier(found.isbn10, "isbn10", valid=valid))
            if found.isbn13 and (valid or not found.isbn10):
                self.rec.identifiers.append(Identifier(found.isbn13, "isbn", valid=valid))
        if qualified:
            f = MarcField(f.tag, f.ind1, f.ind2, [sf for c, v in f.subfields for sf in _qualified(c, v)])
        if qualified or not self.plain:
            self._keep(f, key_codes="az")
        return None

    def _f022(self, f: MarcField) -> None:
        first: str | None = None
        for code, value in f.subfields:
            if code in "ayz":
                found = parse_issn(value)
                if found:
                    self.rec.identifiers.append(Identifier(found[0], "issn", valid=found[1] and code == "a"))
                    first = first or found[0]
        if not self.plain:
            self._keep(f, first)

    def _f024(self, f: MarcField) -> None:
        value = _text(f.get("a"))
        if not value:
            return
        scheme = (f.get("2") or "").strip().lower() if f.ind1 == "7" else "other"
        scheme = {"uri": "url", "hdl": "handle"}.get(scheme, scheme or "other")
        self.rec.identifiers.append(Identifier(value, scheme))
        if not self.plain:
            self._keep(f, value)

    def _f035(self, f: MarcField) -> bool | None:
        if not f.get("a"):
            return False  # nothing read: kept whole
        for value in f.values("a"):
            self.rec.identifiers.append(Identifier(value.strip(), "local"))
        if not self.plain:
            self._keep(f, key_codes="a")
        return None

    def _f041(self, f: MarcField) -> None:
        before = len(self.rec.languages)
        for code, value in f.subfields:
            if code in "adj":
                for start in range(0, len(value.strip()), 3):  # old records pack "kazrus"
                    lang = language_code(value.strip()[start:start + 3]) or value.strip()[start:start + 3]
                    self.rec.languages.append(lang)
        # one language (008 alone would hold it) or a translation (ind1 1): the source's 041 is written back
        retag = len(self.rec.languages) - before == 1 or f.ind1 not in "0 "
        if retag or not self.plain:
            self._keep(f, None, retag=retag)

    # -- titles ------------------------------------------------------------------
    def _f245(self, f: MarcField) -> None:
        title = _join(f, "a")
        if not title:
            return
        self.rec.titles.append(Title(
            value=title, kind="main", subtitle=_join(f, "b") or None,
            part=_join(f, "np", ". ") or None, script=detect_script(title),
            responsibility=_join(f, "c") or None))
        if not self.plain:
            self._keep(f, title)

    def _f246(self, f: MarcField) -> None:
        title = _join(f, "a")
        if title:
            kind = "parallel" if f.ind2 == "1" else "alternative"
            self.rec.titles.append(Title(title, kind, subtitle=_join(f, "b") or None,
                                         part=_join(f, "np", ". ") or None, script=detect_script(title)))
            self._link_title(f)
            if not self.plain:
                self._keep(f, title)

    def _uniform(self, f: MarcField) -> None:
        title = _join(f, "a")
        if title:
            self.rec.titles.append(Title(title, "uniform", part=_join(f, "lnp", ". ") or None,
                                         script=detect_script(title)))
            self._link_title(f)
            if not self.plain:
                self._keep(f, title)

    def _link_title(self, f: MarcField) -> None:
        """Remember the title just read when an 880 links to its field ($6 880-03)."""
        link = _LINKAGE.match(f.get("6") or "") if "6" in map(_CODE, f.subfields) else None
        if link:
            self.linked_titles[f"{f.tag}-{link.group(2)}"] = self.rec.titles[-1]

    # -- responsibility ----------------------------------------------------------
    def _name(self, f: MarcField) -> None:
        name = _join(f, "abcq") if f.tag[1:] != "11" else _join(f, "acdn")
        if not name:
            return
        terms = [t for t in map(_text, f.values("e" if f.tag[1:] != "11" else "j")) if t]
        codes = [v.strip().lower().rstrip(".") for v in f.values("4") if v.strip()]
        relator = ", ".join(terms) if terms else (tables.RELATOR_TERMS.get(codes[0], codes[0]) if codes else None)
        relator_code = codes[0] if codes else tables.RELATOR_CODES.get((relator or "").lower())
        main_entry = f.tag.startswith("1")
        role = "creator" if main_entry or relator_code in tables.AUTHOR_RELATORS else "contributor"
        dropped = role == "creator" and relator_code in tables.AUTHOR_RELATORS
        if dropped:
            relator = None  # an author is the default for a creator
        dates = _text(f.get("d")) if f.tag[1:] != "11" else None
        agent = Agent(name=name, role=role, relator=relator, kind=_NAME_TAGS[f.tag], dates=dates or None,
                      script=detect_script(name))
        if dropped and main_entry and terms:
            agent.relator_term = ", ".join(terms)
        if not _LINK_CODES.isdisjoint(map(_CODE, f.subfields)):
            agent.authority_ids, agent.uris = _values(f, "0"), _values(f, "1")
            agent.affiliation = _join(f, "u", "; ") or None
            link = _LINKAGE.match(f.get("6") or "")  # "880-02"
            if link:
                self.linked[f"{f.tag}-{link.group(2)}"] = agent
        self.rec.agents.append(agent)
        # a main entry's "author" code ($4 aut) is not written by the writer (a 7XX's is): kept; so
        # are indicators the writer would not give (ind1 1 of a jurisdiction, 3 of a family name)
        own_ind1 = ("1" if "," in name else "0") if agent.kind == "personal" else "2"
        read = _NAME_AUTHOR_READ if dropped and main_entry and codes else None
        if f.ind1 == own_ind1 and read is None and PLAIN_CODES.get(f.tag, _NONE).issuperset(map(_CODE, f.subfields)):
            return  # the usual case, checked here: every name passes by
        entry = kept_entry(f.tag, f.subfields, name, (f.tag, f.ind1, f.ind2) if f.ind1 != own_ind1 else None, read)
        if entry is not None:
            self.rec.marc_extra.append(entry)

    def _f880(self, f: MarcField) -> bool | None:
        """An other-script form of a title or name, linked by $6 to its field; other 880s are kept whole."""
        link = _LINKAGE.match(f.get("6") or "")
        if link is None:
            return False
        tag, occurrence, script_code = link.groups()
        script = tables.SCRIPT_CODES.get(script_code or "")
        kind_of = tables.LINKED_TITLE_KINDS.get(tag)
        read = read_codes(tag)
        if kind_of is not None:
            title = _join(f, "a")
            if not title:
                return False
            if kind_of == "alternative" and f.ind2 == "1":
                kind_of = "parallel"
            rendered = self.linked_titles.get(f"{tag}-{occurrence}") if tag != "245" else None
            other = Title(
                title, "parallel", subtitle=_join(f, "b") or None, part=_join(f, "np", ". ") or None,
                script=script or detect_script(title), other_script_of=rendered.kind if rendered else kind_of,
                responsibility=(_join(f, "c") or None) if tag == "245" else None)
            self._add_other_script(other, rendered)
        else:
            agent = self.linked.get(f"{tag}-{occurrence}")
            name = _join(f, "acdn" if tag[1:] == "11" else "abcq")
            if agent is None or not name:
                return False
            agent.other_forms = [*(agent.other_forms or []), name]
            title = name
            if tag[:1] == "1" and agent.relator is None:
                read = _NAME_AUTHOR_READ  # its "author" code is kept, as the 1XX's
        entry = kept_entry("880", f.subfields, title, read=read)
        if entry is not None:
            self.rec.marc_extra.append(entry)
        return None

    def _add_other_script(self, title: Title, rendered: Title | None) -> None:
        """An 880's title right after the 246/240/730 title it renders: the writer links them by
        that order (model.other_script_pairs).  A 245's goes last; one without a field of its own
        (or a title's second form) right after the main title, where it pairs with nothing."""
        titles = self.rec.titles
        if title.other_script_of == "main":
            titles.append(title)
            return
        if rendered is not None:
            at = next((i for i, t in enumerate(titles) if t is rendered), None)
            if at is not None and not (at + 1 < len(titles) and titles[at + 1].other_script_of == rendered.kind):
                titles.insert(at + 1, title)
                return
        main = next((i for i, t in enumerate(titles) if t.kind == "main"), None)
        titles.insert(main + 1 if main is not None else len(titles), title)

    # -- edition, publication, extent ------------------------------------------------
    def _f250(self, f: MarcField) -> None:
        self.rec.edition = _join(f, "ab", " / ") or None
        if not self.plain:
            self._keep(f, self.rec.edition)

    def _f260(self, f: MarcField) -> None:
        self._publication(f, "issued")
        self._keep(f, retag=True, key_codes="abc")  # the writer writes 264

    def _f264(self, f: MarcField) -> bool | None:
        kind = {"1": "issued", "4": "copyright", "0": "created"}.get(f.ind2)
        if kind is None:
            return False  # distribution / manufacture statements: kept as they are
        self._publication(f, kind)
        if not self.plain:
            self._keep(f, key_codes="abc")
        return None

    def _publication(self, f: MarcField, kind: str) -> None:
        if kind == "issued":
            before = len(self.rec.places) + len(self.rec.publishers) + len(self.rec.dates)
            self.rec.places.extend(p for p in (strip_brackets(_text(v)) for v in f.values("a")) if p)
            self.rec.publishers.extend(p for p in (strip_brackets(_text(v)) for v in f.values("b")) if p)
        for value in f.values("c"):
            original = _text(value)
            if original:
                first, last = year_range(original)
                self.rec.dates.append(DateInfo(original, first, last, kind))
        if kind == "issued":
            added = len(self.rec.places) + len(self.rec.publishers) + len(self.rec.dates) - before
            if added:
                self._split_publication(f, added)

    def _split_publication(self, f: MarcField, added: int) -> None:
        """Each issued 260/264's own codes, kept (kept.py, publication_split) when the writer's one 264
        would not give the source's fields back: several fields, another order, a 264 ind1 2 or 3.
        The first field's entry waits for a second one, so a record with one plain 264 gets none."""
        codes = "".join([c for c, _ in f.subfields if c in _PUBLICATION_CODES])
        if len(codes) != added:  # a value left empty by trimming gave nothing: its code is not the source's split
            codes = "".join(c for c, v in f.subfields
                            if c in "ab" and strip_brackets(_text(v)) or c == "c" and _text(v))
        ind1 = f.ind1 if f.tag == "264" and f.ind1 in ("2", "3") else " "
        self.issued_fields += 1
        if self.issued_fields == 1 and is_own_publication(codes, ind1):
            self.first_issued = (codes, ind1)  # the entry is made only if a second field comes
            return
        if self.first_issued is not None:
            self.rec.marc_extra.append(publication_split(*self.first_issued))
            self.first_issued = None
        self.rec.marc_extra.append(publication_split(codes, ind1))

    def _f300(self, f: MarcField) -> None:
        pieces = [(c, _text(v)) for c, v in f.subfields if c in "abce" and _text(v)]
        self.rec.extent = "".join((_EXTENT_MARKS.get(c, " ") if i else "") + v
                                  for i, (c, v) in enumerate(pieces)) or None
        found = _PAGES.search(self.rec.extent or "")
        self.rec.pages = int(found.group(1)) if found else None
        if not self.plain:
            self._keep(f, key_codes="a")

    def _f347(self, f: MarcField) -> None:
        self.rec.formats.extend(_text(v) for v in f.values("b") if _text(v))
        if not self.plain:
            self._keep(f, key_codes="b")

    # -- series and relations ------------------------------------------------------
    def _f490(self, f: MarcField) -> bool | None:
        if f.ind1 == "1" and any(other.tag == "830" for other in self.marc.fields):
            return False  # traced: the 830 carries the series; keep the transcribed form
        self._series(f)
        return None

    def _series(self, f: MarcField) -> None:
        title = _join(f, "anp", ". ")
        if title:
            self.rec.relations.append(Relation(title, "series", number=_text(f.get("v")) or None,
                                               identifier=_text(f.get("x")) or None))
            if f.tag == "440" or not self.plain:
                self._keep(f, title, retag=f.tag == "440")  # written as 490

    def _relation(self, f: MarcField) -> None:
        title_code = "t" if f.get("t") else "a" if f.get("a") else "s"
        title = _join(f, title_code)
        id_code = next((c for c in "oxzw" if f.get(c)), "")
        identifier = _text(f.get(id_code)) if id_code else None
        number_code = "g" if f.get("g") else "n"
        if not (title or identifier):
            return
        self.rec.relations.append(Relation(title or identifier or "", _RELATION_TAGS[f.tag],
                                           number=_text(f.get(number_code)) or None, identifier=identifier or None))
        # what the writer writes ($t, $o, $g) is read; a heading ($a), other identifiers or numbers are kept
        used = {(title_code, v) for v in f.values(title_code)}
        used |= {(id_code, f.get(id_code) or ""), (number_code, f.get(number_code) or "")}
        unread = MarcField(f.tag, f.ind1, f.ind2, [sf for sf in f.subfields if sf not in used])
        self._keep(unread, title or identifier, retag=_RELATION_TAGS[f.tag] == "other" and f.tag != "787")

    # -- notes, access, rights, coverage -----------------------------------------
    def _note(self, f: MarcField) -> None:
        text = " ".join(v.strip() for c, v in f.subfields if c not in "3568" and v.strip())
        if text:
            kind = tables.NOTE_KINDS.get(f.tag, f"note-{f.tag}")
            self.rec.descriptions.append(Description(text, kind))
            if not self.plain:
                self._keep(f, text)

    def _f506(self, f: MarcField) -> None:
        labels = {t.coar_label for t in access.ACCESS_TERMS.values()}
        terms = [v for v in f.values("f") if v.strip() not in labels]
        self._rights_text(" ".join(f.values("a") + terms).strip(), f.get("u"))

    def _f540(self, f: MarcField) -> None:
        self._rights_text(" ".join(f.values("a")).strip(), f.get("u"))

    def _rights_text(self, text: str, uri: str | None) -> None:
        level = access.level_of_statement(text) if text else None
        if level:
            self.rec.access = self.rec.access or level
        elif text:
            self.rec.rights.append(text)
        elif uri and access.is_access_uri(uri):
            self.rec.access = self.rec.access or access.level_of_coar_uri(uri)

    def _f522(self, f: MarcField) -> None:
        self.rec.coverage.extend(v.strip() for v in f.values("a") if v.strip())
        if not self.plain:
            self._keep(f, key_codes="a")

    # -- subjects and classification ---------------------------------------------------
    def _subject(self, f: MarcField) -> None:
        main_codes = "abcdq" if f.tag in ("600", "610") else "acdn" if f.tag == "611" else "a"
        head = _join(f, main_codes) if f.tag != "630" else _join(f, "adfklmnoprst")
        parts = [head] + [_text(v) for c, v in f.subfields if c in _SUBDIVISIONS and _text(v)]
        value = " -- ".join(p for p in parts if p)
        if not value:
            return
        if f.tag == "653":
            scheme = "keyword"
        elif f.ind2 == "7":
            scheme = (f.get("2") or "local").strip()
        else:
            scheme = tables.SUBJECT_IND2.get(f.ind2, "keyword")
        subject = Subject(value, scheme, tables.SUBJECT_TAGS[f.tag])
        if not _LINK_CODES.isdisjoint(map(_CODE, f.subfields)):
            subject.authority_ids, subject.uris = _values(f, "0"), _values(f, "1")
        self.rec.subjects.append(subject)
        retag = f.tag in ("610", "611")
        if retag or not self.plain:
            self._keep(f, parts[0] if parts[0] else value.split(" -- ")[0], retag=retag)

    def _classification(self, f: MarcField) -> None:
        value = _join(f, "ab", " ")
        if value:
            self.rec.subjects.append(Subject(value, tables.CLASSIFICATION_TAGS[f.tag], "classification"))
            if not self.plain:
                self._keep(f, value)

    def _f084(self, f: MarcField) -> None:
        source = (f.get("2") or "").strip().lower()
        scheme = "bbk" if source.startswith("rubbk") else tables.SOURCE_CODES.get(source, source or "other")
        for value in f.values("a"):
            if _text(value):
                self.rec.subjects.append(Subject(_text(value), scheme, "classification"))
        force = source.startswith("rubbk") and source != "rubbk"  # rubbkm: its $2 is kept
        if force or not self.plain:
            self._keep(f, key_codes="a", force=force)

    # -- links -----------------------------------------------------------------------
    def _f856(self, f: MarcField) -> None:
        urls = [u.strip() for u in f.values("u") if u.strip()]
        if urls and f.ind2 != "2":
            if not self.plain:
                self._keep(f, urls[0])
        for url in f.values("u"):
            url = url.strip()
            if not url:
                continue
            if f.ind2 == "2":
                self.rec.identifiers.append(Identifier(url, "url"))
                continue
            notes = [access.level_of_statement(note) for note in f.values("z") if note.strip()]
            level = next((found for found in notes if found), None)
            if level and not self.rec.access:
                self.rec.access = level
            self.rec.objects.append(DigitalObject(url, mimetype=_text(f.get("q")) or None,
                                                  label=_text(f.get("3")) or _text(f.get("y")) or None))

    # -- leader and 008 ------------------------------------------------------------
    def _from_leader_and_008(self) -> None:
        leader = self.marc.leader
        fixed = self.marc.control("008") or ""
        rec = self.rec
        rec.kind = _kind(leader, fixed, rec)
        rec.dcmi_type = "Collection" if leader[7:8] == "c" else tables.LEADER_DCMI.get(leader[6:7])
        language = language_code(fixed[35:38]) if len(fixed) >= 38 and fixed[35:38].strip(" |") else None
        if language and language not in rec.languages:
            rec.languages.insert(0, language)
        if not any(d.kind == "issued" for d in rec.dates) and len(fixed) >= 15:
            rec.dates.append(_date_from_008(fixed))
            if rec.dates[-1].original == "":
                rec.dates.pop()


_DISPATCH: Final[dict[str, str]] = {
    **{tag: f"_f{tag}" for tag in ("001", "008", "020", "022", "024", "035", "041", "245", "246", "250", "260", "880",
                                   "264", "300", "347", "490", "856",
                                   "506", "540", "522", "084")},
    **{tag: "_classification" for tag in tables.CLASSIFICATION_TAGS},
    "130": "_uniform", "240": "_uniform", "730": "_uniform", "830": "_series", "440": "_series",
    **{tag: "_name" for tag in _NAME_TAGS},
    **{tag: "_subject" for tag in tables.SUBJECT_TAGS},
    **{tag: "_relation" for tag in _RELATION_TAGS},
}


_HANDLERS: Final = {tag: getattr(_Builder, name) for tag, name in _DISPATCH.items()}


def _kind(leader: str, fixed: str, rec: CanonicalRecord) -> str | None:
    type_code, level = leader[6:7], leader[7:8]
    if type_code in ("a", "t") and level == "s":
        return "newspaper" if fixed[21:22] == "n" else "journal"
    if type_code in ("a", "t") and level in ("a", "b"):
        return "article"
    if type_code == "t":
        return "manuscript"
    if type_code == "a":
        is_thesis = "m" in fixed[24:28] or any(d.kind == "thesis" for d in rec.descriptions)
        return "thesis" if is_thesis else "book"
    return {"i": "audio", "j": "audio", "g": "video", "k": "image", "e": "map", "f": "map"}.get(type_code)


def _date_from_008(fixed: str) -> DateInfo:
    date_type, first_text, last_text = fixed[6:7], fixed[7:11], fixed[11:15]
    first, _ = year_range(first_text.replace("u", "-")) if first_text.strip(" |") else (None, None)
    last = None
    if date_type in ("m", "i", "k", "q") and last_text.strip(" |u9"):
        last, _ = year_range(last_text.replace("u", "-"))
    if first is None:
        return DateInfo("")
    original = first_text if last in (None, first) else f"{first_text}-{last_text}"
    if "u" in first_text:
        first, last = year_range(first_text.replace("u", "-"))
    return DateInfo(original, first, last or first, "issued")


def _dedupe(rec: CanonicalRecord) -> None:
    seen: set[tuple[str, str]] = set()
    unique: list[Identifier] = []
    for ident in rec.identifiers:
        if (ident.scheme, ident.value) not in seen:
            seen.add((ident.scheme, ident.value))
            unique.append(ident)
    rec.identifiers = unique
    rec.languages = list(dict.fromkeys(rec.languages))


def marc_to_canonical(marc: MarcRecord) -> CanonicalRecord:
    """The canonical record for one MARC 21 (or UNIMARC/RUSMARC) bibliographic record."""
    if is_unimarc(marc):
        return unimarc_to_canonical(marc)
    record = _Builder(marc).build()
    record.source.format = record.source.format or "marc21"
    return record
