"""Subfields of rewritten fields that the canonical record does not hold, and their layout.

The crosswalk reads the fields it understands into canonical parts and writes them anew,
so without help a MARC round trip would lose (1) the subfields it does not read (245 $h/$k,
020 $q/$c, 264 $3, 300 $3/$f, 490 $l/$y/$z, 856 $d/$f, a partner's own 856 $z, $6/$8
linkage, ...) and (2) the way it split a value it joins: a name in $a $b $c $q, a heading
with $v/$y/$z subdivisions, a title part in $n and $p, an edition in $a and $b, a note in
several subfields, a class number in $a $b.

:data:`READ_CODES` says, per tag, which codes the crosswalk reads; every other subfield is
kept in ``marc_extra`` as ``{"245": {"kept_subfields": [[code, value, after], ...], "match":
key, "layout": [[code, value], ...]}}``.  ``layout`` (only when the writer's own split would
differ) is the source's subfields of the joined value.  The writer takes the entry of the
field it writes whose :func:`match_key` equals ``key``, puts the layout in place of its own
subfields of that value when they hold the same text, and puts each kept subfield back
after the last subfield coded ``after`` (the code before it in the source).  A field whose
key (title, ISBN, heading, URL) changed gets nothing back: the kept parts belonged to the
old value.
"""

from __future__ import annotations

import operator
import re
from typing import Any, Final

from crosswalks import access
from crosswalks.marc import tables
from crosswalks.normalize.isbn import parse_isbn
from crosswalks.normalize.punctuation import trim_isbd

_NAME_READ: Final = "abcqde4016u6"
_MEETING_READ: Final = "acdnj4016u6"
_SUBDIVISIONS: Final = "vxyz"
_HEADS: Final = {"600": "abcdq", "610": "abcdq", "611": "acdn", "630": "adfklmnoprst"}

#: tag -> subfield codes the crosswalk reads (and writes back from the canonical record).
#: Every other code of these tags is kept.  Names and titles read their $6: an 880 linked
#: to them becomes an other-script form and the writer links it afresh.
READ_CODES: Final[dict[str, str]] = {
    "020": "az", "022": "ayz", "024": "a2", "035": "a", "041": "adj", "084": "a2",
    "100": _NAME_READ, "110": _NAME_READ, "111": _MEETING_READ, "700": _NAME_READ, "710": _NAME_READ,
    "711": _MEETING_READ, "720": _NAME_READ,
    "245": "abcnp6", "246": "abnp6", "130": "alnp6", "240": "alnp6", "730": "alnp6",
    "250": "ab", "260": "abc", "264": "abc", "300": "abce", "347": "b", "490": "anpvx", "440": "anpvx",
    "830": "anpv", "522": "a",
    "856": "uq3yz",
    **{tag: "ab" for tag in tables.CLASSIFICATION_TAGS},
    **{tag: _HEADS.get(tag, "a") + _SUBDIVISIONS + "201" for tag in tables.SUBJECT_TAGS},
    **{tag: "" for tag in ("760", "762", "765", "767", "770", "772", "773", "774", "775", "776",
                                    "777", "780", "785", "786", "787")},
}
NOTE_READ: Final = "".join(chr(c) for c in range(33, 127) if chr(c) not in "3568")
#: tag -> (source codes of a joined value, the codes the writer writes it in, the code
#: sequences of the writer's own split: no layout is kept when the source's is one of them).
LAYOUTS: Final[dict[str, tuple[str, str, re.Pattern[str]]]] = {
    **{tag: ("abcq", "a", re.compile("a")) for tag in ("100", "110", "700", "710", "720")},
    **{tag: ("acdn", "a", re.compile("a")) for tag in ("111", "711")},
    **{tag: ("np", "np", re.compile("[np]")) for tag in ("245", "246")},
    **{tag: ("lnp", "np", re.compile("[np]")) for tag in ("130", "240", "730")},
    "250": ("ab", "a", re.compile("a")),
    "084": ("a2", "a2", re.compile("")),  # only the $2 source code: see _needs_layout
    "856": ("3y", "3", re.compile("3")),  # link text ($y) apart from materials specified ($3)
    **{tag: ("ab", "a", re.compile("a")) for tag in tables.CLASSIFICATION_TAGS},
    **{tag: (_HEADS.get(tag, "a") + _SUBDIVISIONS, "ax", re.compile("ax*")) for tag in tables.SUBJECT_TAGS},
}
_NOTE_LAYOUT: Final = (NOTE_READ, "a", re.compile("a"))
#: tag -> codes whose first value ties a written field to its source field (default "a").
_KEY_CODES: Final = {"020": "az", "022": "ayz", "264": "abc", "347": "b", "856": "u",
              **{tag: "t" for tag in READ_CODES if tag[:2] in ("76", "77", "78")}}
_KEY_LENGTH: Final = 64
#: Source tags the writer writes as another tag.
_WRITTEN_TAG: Final = {"260": "264", "440": "490", "610": "600", "611": "600",
                **{tag: "787" for tag in ("760", "762", "765", "767", "770", "772", "774", "775", "776", "777")}}
#: Layout codes that hold no part of the written value: 084's source code, 856's $y beside a $3.
_IGNORED: Final = {"084": "2", "856": "y"}
_MARK: Final = re.compile(r"\s*(?: [:/;=]|[,.])$")

KeptSubfield = tuple[str, str, str]


def is_note(tag: str) -> bool:
    return tag[:1] == "5" and tag not in tables.NOT_NOTES


def read_codes(tag: str) -> str:
    return READ_CODES.get(tag) or (NOTE_READ if is_note(tag) else "")


def part_code(part: str) -> str:
    """The subfield the writer puts a title part in: $n for a number, $p for a name."""
    return "n" if part[:1].isdigit() or part[:2] in ("Т.", "T.", "Ч.", "Б.") else "p"


def _keep_value(tag: str, value: str) -> bool:
    """A partner's 856 $z is kept; the hub's own access note is written afresh."""
    return bool(value.strip()) and not (tag == "856" and access.level_of_statement(value))


def kept_subfields(tag: str, subfields: list[tuple[str, str]], read: str | None = None) -> list[KeptSubfield]:
    """The subfields of a source field to keep, each with the code of the subfield before it."""
    read = read_codes(tag) if read is None else read
    kept: list[KeptSubfield] = []
    before = ""
    for code, value in subfields:
        if (code not in read or code == "z" and tag == "856") and _keep_value(tag, value):
            kept.append((code, value, before))
        before = code
    return kept


def layout_of(tag: str, subfields: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The source's split of a joined value, when the writer would split it otherwise."""
    rule = LAYOUTS.get(tag) or (_NOTE_LAYOUT if is_note(tag) else None)
    if rule is None:
        return None
    layout = [(c, v) for c, v in subfields if c in rule[0]]
    return layout if layout and _needs_layout(tag, layout, rule[2]) else None


def _needs_layout(tag: str, layout: list[tuple[str, str]], own: re.Pattern[str]) -> bool:
    if tag == "084":
        source = next((v.strip().lower() for c, v in layout if c == "2"), "")
        return source.startswith("rubbk") and source != "rubbk"
    codes = "".join(c for c, _ in layout)
    if not own.fullmatch(codes):
        return True
    return codes in ("n", "p") and tag in LAYOUTS and part_code(trim_isbd(layout[0][1])) != codes


def match_key(tag: str, text: str | None) -> str:
    """What ties a written field to the source field: its title, ISBN, heading, URL or text."""
    text = (text or "").strip()
    if tag == "041":
        return ""
    if tag == "020":
        found = parse_isbn(text)
        return (found.isbn13 or text) if found else text
    if tag == "856":
        return text
    return trim_isbd(text).strip("[] ").casefold()[:_KEY_LENGTH]


def _plain_codes(tag: str) -> frozenset[str]:
    """Codes a field of ``tag`` may hold without needing an entry: read, and split as the writer splits."""
    read = set(read_codes(tag))
    rule = LAYOUTS.get(tag) or (_NOTE_LAYOUT if is_note(tag) else None)
    if rule is not None:  # of the joined value's codes only those the writer writes it in; $n/$p never
        read -= set(rule[0]) - set(rule[1].replace("n", "").replace("p", ""))
    # 084 $2 is plain: the reader forces an entry for a source code other than rubbk (rubbkm)
    read.discard("z" if tag == "856" else "")
    return frozenset(read)


#: tag -> :func:`_plain_codes`; a field whose codes are all plain (most fields) is passed by in C.
PLAIN_CODES: Final[dict[str, frozenset[str]]] = {}
_CODE: Final = operator.itemgetter(0)


def is_plain(tag: str, subfields: list[tuple[str, str]]) -> bool:
    """True when a field needs no entry (the reader's fast path, checked before anything else)."""
    plain = PLAIN_CODES.get(tag)
    if plain is None:
        if len(PLAIN_CODES) >= 4096:
            PLAIN_CODES.clear()
        plain = PLAIN_CODES[tag] = _plain_codes(tag)
    return plain.issuperset(map(_CODE, subfields))


def kept_entry(tag: str, subfields: list[tuple[str, str]], key_text: str | None,
               written: tuple[str, str, str] | None = None, read: str | None = None) -> dict[str, Any] | None:
    """The ``marc_extra`` item keeping a field's unread subfields and layout, or None when not needed.

    ``written`` is the (tag, ind1, ind2) of a source field the writer writes under another tag
    (260 as 264, 610 as 600, 776 as 787, 440 as 490, a one-language 041 not at all): the entry
    is then always made, and gives the writer the source's tag and indicators back.  ``read``:
    the codes read, for an 880 (those of the field it links to)."""
    if written is None and read is None and is_plain(tag, subfields):
        return None
    kept = kept_subfields(tag, subfields, read)
    layout = layout_of(tag, subfields)
    if not kept and not layout and written is None:
        return None
    body: dict[str, Any] = {"kept_subfields": [list(k) for k in kept], "match": match_key(tag, key_text)}
    if layout:
        body["layout"] = [list(sf) for sf in layout]
    if written is None:
        return {tag: body}
    body["tag"], body["ind"] = written[0], written[1] + written[2]
    return {_WRITTEN_TAG.get(written[0], written[0]): body}


#: Keys only a kept entry has (a MARC-in-JSON field has ind1/ind2/subfields); the store prunes
#: empty values, so an entry may have lost "kept_subfields": [] or "match": "".
_ENTRY_KEYS: Final = frozenset(("kept_subfields", "layout", "match", "tag", "split"))
_OWN_PUBLICATION: Final = re.compile("a*b*c?")


def publication_split(codes: str, ind1: str) -> dict[str, Any]:
    """The entry keeping one issued 260/264's split: the codes of the places ($a), publishers ($b)
    and dates ($c) it gave, in order ("ab", "abc", "abab"), and its indicators as a 264.  The
    canonical record joins every issued field's values into one list each; with these entries the
    writer deals them back out, one 264 per source field (:attr:`KeptSubfields.splits`)."""
    return {"264": {"split": codes, "ind": ind1 + "1"}}


def is_own_publication(codes: str, ind1: str) -> bool:
    """True when the writer's own 264 (places, publishers, one date; ind1 blank) gives this field back."""
    return ind1 == " " and (codes == "abc" or _OWN_PUBLICATION.fullmatch(codes) is not None)


def is_kept_entry(item: dict[str, Any]) -> bool:
    body = next(iter(item.values()), None) if len(item) == 1 else None
    return isinstance(body, dict) and not _ENTRY_KEYS.isdisjoint(body)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _written_key(tag: str, subfields: list[tuple[str, str]]) -> str:
    main = _KEY_CODES.get(tag, "a")
    first = next((v for c, v in subfields if c in main), None)
    if tag[:1] == "6" and first:
        first = first.split(" -- ")[0]
    return match_key(tag, first)


def _squash(values: list[str]) -> str:
    """Text without punctuation, spacing or case: what a layout and a written split must share."""
    return "".join(ch for ch in "".join(values).casefold() if ch.isalnum())


class _Entry:
    __slots__ = ("match", "kept", "layout", "tag", "ind")

    def __init__(self, body: dict[str, Any]) -> None:
        self.match = str(body.get("match", ""))[:_KEY_LENGTH]
        tag, ind = body.get("tag"), body.get("ind")
        self.tag = tag if isinstance(tag, str) and len(tag) == 3 and tag.isalnum() else None
        self.ind = ind if isinstance(ind, str) and len(ind) == 2 else None
        self.kept = [(str(k[0]), str(k[1]), str(k[2])) for k in _as_list(body.get("kept_subfields"))
                     if isinstance(k, (list, tuple)) and len(k) == 3 and k[1]]  # a hand-edited entry may be off
        self.layout = [(str(s[0]), str(s[1])) for s in _as_list(body.get("layout"))
                       if isinstance(s, (list, tuple)) and len(s) == 2 and s[1]]


class KeptSubfields:
    """The kept subfields of one record, handed out once each to the field they belong in."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        """``entries``: the record's kept entries (:func:`is_kept_entry`)."""
        self.pending: dict[str, list[_Entry]] = {}
        #: (codes, indicators) of each issued 260/264 of the source, in order (publication_split)
        self.splits: list[tuple[str, str]] = []
        for item in entries:
            ((tag, body),) = item.items()
            if "split" in body:
                self._add_split(body)
                continue
            entry = _Entry(body)
            if entry.kept or entry.layout or entry.tag:
                self.pending.setdefault(tag, []).append(entry)

    def _add_split(self, body: dict[str, Any]) -> None:
        codes, ind = body.get("split"), body.get("ind")
        if isinstance(codes, str) and codes and set(codes) <= set("abc"):  # a hand-edited entry may be off
            self.splits.append((codes, ind if isinstance(ind, str) and len(ind) == 2 and ind[0] in " 23" else " 1"))

    def has(self, tag: str) -> bool:
        return bool(self.pending.get(tag))

    def merge(self, tag: str, ind1: str, ind2: str,
              subfields: list[tuple[str, str]]) -> tuple[str, str, str, list[tuple[str, str]]]:
        """The field with the source's tag, indicators, layout and kept subfields put back."""
        entries = self.pending.get(tag)
        if not entries or not subfields:
            return tag, ind1, ind2, subfields
        key = _written_key(tag, subfields)
        index = _choose(tag, subfields, entries, key)
        if index is None:
            return tag, ind1, ind2, subfields
        entry = entries.pop(index)
        if entry.layout and _fits(tag, subfields, entry.layout):
            subfields = _apply_layout(tag, subfields, entry.layout)
        if entry.kept:
            subfields = _insert(tag, list(subfields), entry.kept)
        if entry.tag:
            return entry.tag, entry.ind[0] if entry.ind else ind1, entry.ind[1] if entry.ind else ind2, subfields
        return tag, ind1, ind2, subfields


def _choose(tag: str, subfields: list[tuple[str, str]], entries: list[_Entry], key: str) -> int | None:
    """The entry of the written field.  Fields of one heading ("United States -- History",
    "United States -- Antiquities") share a key: the entry whose layout holds the same text is
    theirs, else one without a layout, else (an edited value) the first that has kept subfields."""
    matching = [i for i, entry in enumerate(entries) if entry.match == key]
    if len(matching) == 1 and not entries[matching[0]].layout:
        return matching[0]  # the usual case
    fitting = [i for i in matching if entries[i].layout and _fits(tag, subfields, entries[i].layout)]
    fitting += [i for i in matching if not entries[i].layout] + [i for i in matching if entries[i].kept]
    return fitting[0] if fitting else None


def _fits(tag: str, subfields: list[tuple[str, str]], layout: list[tuple[str, str]]) -> bool:
    """True when the layout splits the same text as the writer's subfields (not an edited value)."""
    written = (LAYOUTS.get(tag) or _NOTE_LAYOUT)[1]
    ignored = _IGNORED.get(tag, "") if tag != "856" or any(c == "3" for c, _ in layout) else ""
    own = _squash([v for c, v in subfields if c in written and c not in ignored])
    return bool(own) and own == _squash([v for c, v in layout if c not in ignored])


def _apply_layout(tag: str, subfields: list[tuple[str, str]], layout: list[tuple[str, str]]) -> list[tuple[str, str]]:
    written = (LAYOUTS.get(tag) or _NOTE_LAYOUT)[1]
    places = [i for i, (c, _) in enumerate(subfields) if c in written]
    rest = [sf for i, sf in enumerate(subfields) if i not in places]
    return rest[:places[0]] + layout + rest[places[0]:]


def _insert(tag: str, subfields: list[tuple[str, str]], kept: list[KeptSubfield]) -> list[tuple[str, str]]:
    for code, value, after in kept:
        if (code, value) in subfields:
            continue  # already written (an older entry kept what the record now models)
        if not after:  # first in the source field: first again (after a $6 linkage)
            position = 1 if subfields and subfields[0][0] == "6" and code != "6" else 0
        else:
            position = max((i + 1 for i, (c, _) in enumerate(subfields) if c == after), default=len(subfields))
        if tag in ("245", "880") and position > 0:
            value = _move_mark(subfields, position - 1, value)
        subfields.insert(position, (code, value))
    return subfields


def _move_mark(subfields: list[tuple[str, str]], index: int, value: str) -> str:
    """ISBD punctuation ends the run before the next element: it moves from the written
    subfield to the kept one inserted after it (unless that one brings its own)."""
    code, written = subfields[index]
    mark = _MARK.search(written)
    if not mark:
        return value
    subfields[index] = (code, written[:mark.start()])
    return value if _MARK.search(value) else value + mark.group(0)
