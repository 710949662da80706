"""UNIMARC / RUSMARC bibliographic records -> canonical record.

Kazakh and Russian library systems often export UNIMARC-family records (RUSMARC,
KazMARC).  They share ISO 2709 with MARC 21 but not the tags, so they are told
apart (:func:`is_unimarc`) and read with their own table.  Fields the table does not
read, or reads only in part (a 410 with embedded $1 fields, a 200 $b), are kept whole in
``marc_extra`` under a marked tag (``{"unimarc:454": {...}}``, :func:`unimarc_entry`):
nothing is lost, and the MARC 21 writer skips them, since UNIMARC tags mean other
things in MARC 21.
"""

from __future__ import annotations

from crosswalks.marc import tables
from crosswalks.marc.record import MarcField, MarcRecord, field_to_json
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

#: UNIMARC relator codes (numeric) -> MARC relator code.
UNIMARC_RELATORS: dict[str, str] = {
    "070": "aut", "340": "edt", "730": "trl", "440": "ill", "220": "com", "727": "ths", "651": "edt",
    "600": "pht", "230": "cmp", "590": "prf", "080": "win", "075": "aft", "100": "ant",
}
_NOTE_KINDS = {"300": "note", "320": "bibliography", "327": "toc", "328": "thesis", "330": "abstract"}
_AGENT_TAGS = {"700": ("personal", "creator"), "701": ("personal", "creator"), "702": ("personal", "contributor"),
               "710": ("corporate", "creator"), "711": ("corporate", "creator"),
               "712": ("corporate", "contributor")}
_SUBJECT_TAGS = {"600": "name", "601": "name", "606": "topic", "607": "geographic", "608": "genre"}
#: tag -> subfield codes :func:`_read` takes; a field with any other code is kept whole as well.
_READ_CODES: dict[str, frozenset[str]] = {tag: frozenset(codes) for tag, codes in {
    "010": "az", "011": "a", "017": "a2", "101": "a", "200": "adefghi", "205": "a", "210": "acd", "214": "acd",
    "215": "acde", "225": "avx", "410": "tavx", "500": "a", "510": "a", "517": "a",
    "600": "abgxyz2", "601": "abgxyz2", "606": "axyz2", "607": "axyz2", "608": "axyz2", "610": "a", "675": "a",
    "686": "a2", **{tag: "abfg34" for tag in _AGENT_TAGS}, "856": "uq"}.items()}
_NOTE_READ = frozenset("a")
#: The mark on a kept UNIMARC field's tag: not a MARC 21 tag, so no MARC 21 reader or writer takes it for one.
UNIMARC_PREFIX = "unimarc:"


def is_unimarc(marc: MarcRecord) -> bool:
    """UNIMARC when the title is in 200 (not 245) and 100 $a is the coded-data string (YYYYMMDD...)."""
    if marc.first("245") is not None:
        return False
    title = marc.first("200")
    coded = marc.first("100")
    coded_value = coded.get("a") if coded is not None else None
    return title is not None and bool(coded_value and len(coded_value) >= 20 and coded_value[:8].isdigit())


def _t(value: str | None) -> str:
    return trim_isbd(value) if value else ""


def _name(field: MarcField) -> str:
    entry = _t(field.get("a"))
    rest = _t((field.get("b") or "").lstrip(", "))
    expansion = _t(field.get("g"))
    return f"{entry}, {expansion or rest}" if (expansion or rest) else entry


def unimarc_to_canonical(marc: MarcRecord) -> CanonicalRecord:
    """The canonical record for a UNIMARC/RUSMARC bibliographic record."""
    rec = CanonicalRecord()
    rec.source.format = "unimarc"
    for field in marc.fields:
        if _read(rec, field) is False or not _read_whole(field):
            rec.marc_extra.append(unimarc_entry(field))
    if not rec.kind:
        rec.kind = {"a": "book"}.get(marc.leader[6:7], None) if marc.leader[7:8] != "s" else "journal"
    rec.dcmi_type = tables.LEADER_DCMI.get(marc.leader[6:7])
    rec.languages = list(dict.fromkeys(rec.languages))
    return rec


def unimarc_entry(field: MarcField) -> dict:
    """A UNIMARC field as kept in ``marc_extra``: MARC-in-JSON under its marked tag ("unimarc:454")."""
    ((tag, body),) = field_to_json(field).items()
    return {UNIMARC_PREFIX + tag: body}


def is_unimarc_entry(item: dict) -> bool:
    """True for a kept UNIMARC field (the MARC 21 writer skips these)."""
    return len(item) == 1 and next(iter(item)).startswith(UNIMARC_PREFIX)


def _read_whole(f: MarcField) -> bool:
    """True when :func:`_read` took every subfield of the field (001 is the only control field read)."""
    if f.value is not None:
        return f.tag == "001"
    read = _READ_CODES.get(f.tag) or (_NOTE_READ if f.tag[:1] == "3" else None)
    return read is not None and all(code in read for code, _ in f.subfields)


def _read(rec: CanonicalRecord, f: MarcField) -> bool:  # noqa: C901 - one branch per UNIMARC block
    """Read one field into the record; False when no rule takes it."""
    tag = f.tag
    if tag == "001" and f.value:
        rec.identifiers.append(Identifier(f.value.strip(), "local"))
    elif tag == "010":
        found = parse_isbn(f.get("a") or f.get("z") or "")
        if found and found.isbn10:
            rec.identifiers.append(Identifier(found.isbn10, "isbn10", found.valid))
        if found and found.isbn13 and (found.valid or not found.isbn10):
            rec.identifiers.append(Identifier(found.isbn13, "isbn", found.valid))
    elif tag == "011":
        issn = parse_issn(f.get("a") or "")
        if issn:
            rec.identifiers.append(Identifier(issn[0], "issn", issn[1]))
    elif tag == "017" and f.get("a"):
        rec.identifiers.append(Identifier(f.get("a") or "", (f.get("2") or "other").lower()))
    elif tag == "101":
        rec.languages.extend(language_code(v) or v for v in f.values("a") if v.strip())
    elif tag == "200":
        _title(rec, f)
    elif tag == "205":
        rec.edition = _t(f.get("a")) or None
    elif tag in ("210", "214"):
        rec.places.extend(strip_brackets(_t(v)) for v in f.values("a") if _t(v))
        rec.publishers.extend(strip_brackets(_t(v)) for v in f.values("c") if _t(v))
        for value in f.values("d"):
            first, last = year_range(_t(value))
            rec.dates.append(DateInfo(_t(value), first, last, "issued"))
    elif tag == "215":
        pieces = [_t(v) for c, v in f.subfields if c in "acde" and _t(v)]
        rec.extent = " ; ".join(pieces) or None
        digits = [w for w in (rec.extent or "").replace(",", " ").split() if w.isdigit()]
        rec.pages = int(digits[0]) if digits else None
    elif tag in ("225", "410"):
        title = _t(f.get("a") or f.get("t"))
        if title:
            rec.relations.append(Relation(title, "series", number=_t(f.get("v")) or None,
                                          identifier=_t(f.get("x")) or None))
    elif tag.startswith("3") and f.get("a"):
        rec.descriptions.append(Description(" ".join(f.values("a")).strip(), _NOTE_KINDS.get(tag, "note")))
    elif tag in ("500", "510", "517"):
        kind = {"500": "uniform", "510": "parallel", "517": "alternative"}[tag]
        if _t(f.get("a")):
            rec.titles.append(Title(_t(f.get("a")), kind, script=detect_script(f.get("a"))))
    elif tag in _SUBJECT_TAGS:
        parts = [_name(f) if tag in ("600", "601") else _t(f.get("a"))]
        parts += [_t(v) for c, v in f.subfields if c in "xyz" and _t(v)]
        if parts[0]:
            rec.subjects.append(Subject(" -- ".join(p for p in parts if p), (f.get("2") or "keyword").strip(),
                                        _SUBJECT_TAGS[tag]))
    elif tag == "610":
        rec.subjects.extend(Subject(_t(v), "keyword", "topic") for v in f.values("a") if _t(v))
    elif tag == "675" and f.get("a"):
        rec.subjects.append(Subject(_t(f.get("a")), "udc", "classification"))
    elif tag == "686" and f.get("a"):
        source = (f.get("2") or "").lower()
        rec.subjects.append(Subject(_t(f.get("a")), "bbk" if source.startswith("rubbk") else source or "other",
                                    "classification"))
    elif tag in _AGENT_TAGS:
        _agent(rec, f)
    elif tag == "856":
        for url in f.values("u"):
            rec.objects.append(DigitalObject(url.strip(), mimetype=_t(f.get("q")) or None))
    else:
        return False
    return True


def _title(rec: CanonicalRecord, f: MarcField) -> None:
    title = _t(f.get("a"))
    if not title:
        return
    responsibility = " ; ".join(_t(v) for v in f.values("f", "g") if _t(v)) or None
    part = ". ".join(_t(v) for v in f.values("h", "i") if _t(v)) or None
    rec.titles.insert(0, Title(title, "main", subtitle=_t(f.get("e")) or None, part=part,
                               script=detect_script(title), responsibility=responsibility))
    rec.titles.extend(Title(_t(v), "parallel", script=detect_script(v)) for v in f.values("d") if _t(v))


def _agent(rec: CanonicalRecord, f: MarcField) -> None:
    kind, role = _AGENT_TAGS[f.tag]
    name = _name(f) if kind == "personal" else _t(" ".join(f.values("a", "b")))
    if not name:
        return
    code = UNIMARC_RELATORS.get((f.get("4") or "").strip())
    relator = tables.RELATOR_TERMS.get(code) if code else None
    if code in tables.AUTHOR_RELATORS:
        role, relator = "creator", None
    ids = [v.strip() for v in f.values("3") if v.strip()] or None  # the authority record number
    rec.agents.append(Agent(name, role, relator, kind, dates=_t(f.get("f")) or None, script=detect_script(name),
                            authority_ids=ids))
