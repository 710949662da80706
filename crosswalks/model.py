"""The canonical record: the one shape every partner record is turned into.

Readers (MARC 21, MARCXML, Dublin Core, MODS) produce a :class:`CanonicalRecord`;
the store keeps it as JSON (:meth:`CanonicalRecord.to_dict`), and writers render it
back out as oai_dc, MARCXML and MODS.  Nothing downstream of a reader looks at the
source format again, except :attr:`CanonicalRecord.marc_extra`, which carries MARC
fields no mapping understands so that MARC in gives the same MARC out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

AccessLevel = Literal["open", "read-only", "preview-24"]
ACCESS_LEVELS: tuple[str, ...] = ("open", "read-only", "preview-24")

#: Kinds of document the hub distinguishes, and the DCMI type each one implies.
DOCUMENT_KINDS: dict[str, str] = {
    "book": "Text",
    "newspaper": "Text",
    "journal": "Text",
    "article": "Text",
    "thesis": "Text",
    "manuscript": "Text",
    "audio": "Sound",
    "video": "MovingImage",
    "image": "StillImage",
    "map": "Image",
}


@dataclass
class Title:
    """A title; ``kind`` is main, parallel, uniform or alternative."""

    value: str
    kind: str = "main"
    subtitle: str | None = None
    part: str | None = None
    lang: str | None = None
    script: str | None = None
    #: Statement of responsibility as transcribed with the title (MARC 245 $c).
    responsibility: str | None = None
    #: For the same title in another script (a MARC 880): the kind of the title it renders
    #: ("main" for 245, "uniform", or "alternative"/"parallel" for a 246).  The form of a title
    #: other than the main one comes right after that title in ``titles`` (see other_script_pairs).
    other_script_of: str | None = None


def other_script_pairs(titles: list[Title]) -> dict[int, Title]:
    """id() of each non-main title -> its other-script form: the next title, when that one's
    ``other_script_of`` is this title's kind.  Order is what links them: a kind alone does not
    say which of two 246s an 880 renders."""
    pairs: dict[int, Title] = {}
    for title, following in zip(titles, titles[1:], strict=False):
        if title.kind != "main" and not title.other_script_of and following.other_script_of == title.kind:
            pairs[id(title)] = following
    return pairs


@dataclass
class Agent:
    """A person, body or meeting responsible for the work.

    ``role`` is ``creator`` for main entries and authors, ``contributor`` for the
    rest; ``relator`` keeps the MARC relator term or code (editor, trl, ...).
    """

    name: str
    role: str = "creator"
    relator: str | None = None
    kind: str = "personal"  # personal, corporate, meeting
    dates: str | None = None
    lang: str | None = None
    script: str | None = None
    #: The relator term as transcribed when ``relator`` is left empty (a main entry's "автор."),
    #: written back to MARC $e.
    relator_term: str | None = None
    # The lists below are None when empty (most agents): cheaper to build by the thousand.
    #: Authority record ids or URIs (MARC $0, MODS valueURI/nameIdentifier): what dedup matches on.
    authority_ids: list[str] | None = None
    #: URIs of the real-world person or body (MARC $1).
    uris: list[str] | None = None
    affiliation: str | None = None  # MARC $u, MODS affiliation
    #: The same name in another script (a MARC 880 linked to the name's field).
    other_forms: list[str] | None = None


@dataclass
class Subject:
    """A subject heading, keyword or class number; ``scheme`` is udc, bbk, lcsh, keyword, ..."""

    value: str
    scheme: str = "keyword"
    kind: str = "topic"  # topic, geographic, temporal, name, genre, classification
    lang: str | None = None
    #: Authority record ids or URIs of the heading (MARC $0, MODS valueURI) and real-world URIs
    #: ($1); None when empty, as for agents.
    authority_ids: list[str] | None = None
    uris: list[str] | None = None


@dataclass
class Description:
    """Free text about the work; ``kind`` is abstract, note, toc."""

    value: str
    kind: str = "note"
    lang: str | None = None


@dataclass
class DateInfo:
    """A date as written in the source plus the years it normalises to."""

    original: str
    year_from: int | None = None
    year_to: int | None = None
    kind: str = "issued"  # issued, created, copyright


@dataclass
class Identifier:
    """An identifier; ``scheme`` is isbn, isbn10, issn, doi, url, local, other."""

    value: str
    scheme: str = "other"
    valid: bool = True


@dataclass
class Relation:
    """A link to another work; ``kind`` is series, host, preceding, succeeding, other, or version
    (the same work in another edition or language: the hub's own related records, never read from
    a partner's record)."""

    title: str
    kind: str = "series"
    number: str | None = None
    identifier: str | None = None


@dataclass
class DigitalObject:
    """A deposited electronic copy (file or viewer URL) of the work."""

    url: str
    mimetype: str | None = None
    label: str | None = None
    pages: int | None = None
    checksum: str | None = None  # "sha256:<hex>", for fixity
    #: True for the hub's page of a deposited copy (MODS ``url/@access="object in context"``) rather
    #: than the file itself; never stored (the store adds that link as it renders, see
    #: ``repository/publishing.py``), so None, not False, by default: nothing in the stored JSON.
    in_context: bool | None = None


@dataclass
class Holding:
    """One partner's record of a work the hub publishes as one (consolidation): who holds it, at
    which level its copy is offered, and where the hub offers that copy."""

    partner: str
    #: The partner's record as the hub knew it alone: its own OAI identifier.
    identifier: str
    access: str | None = None
    #: The hub's reading page of the partner's deposited copy, when it has one.
    copy_url: str | None = None


@dataclass
class SourceInfo:
    """Where the record came from (copied into OAI provenance)."""

    partner: str | None = None
    identifier: str | None = None  # OAI identifier, or file name and position
    datestamp: str | None = None
    metadata_namespace: str | None = None
    format: str | None = None  # oai_dc, marcxml, marc21, mods


@dataclass
class CanonicalRecord:
    """One catalogue record in the hub's own terms."""

    titles: list[Title] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    descriptions: list[Description] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    dates: list[DateInfo] = field(default_factory=list)
    edition: str | None = None
    kind: str | None = None
    dcmi_type: str | None = None
    formats: list[str] = field(default_factory=list)
    extent: str | None = None
    pages: int | None = None
    languages: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    coverage: list[str] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)
    access: str | None = None
    objects: list[DigitalObject] = field(default_factory=list)
    #: The partners' records merged into this one (empty for a record published alone).
    holdings: list[Holding] = field(default_factory=list)
    source: SourceInfo = field(default_factory=SourceInfo)
    #: MARC fields no mapping understands, kept as MARC-in-JSON field dicts.
    marc_extra: list[dict[str, Any]] = field(default_factory=list)

    # -- convenience accessors -------------------------------------------------
    @property
    def main_title(self) -> str | None:
        """The first main title, else the first title of any kind."""
        for title in self.titles:
            if title.kind == "main":
                return title.value
        return self.titles[0].value if self.titles else None

    @property
    def creators(self) -> list[Agent]:
        return [a for a in self.agents if a.role == "creator"]

    @property
    def contributors(self) -> list[Agent]:
        return [a for a in self.agents if a.role != "creator"]

    @property
    def year(self) -> int | None:
        """The first normalised year of the first date that has one."""
        for date in self.dates:
            if date.year_from is not None:
                return date.year_from
        return None

    def identifiers_of(self, scheme: str) -> list[str]:
        return [i.value for i in self.identifiers if i.scheme == scheme]

    # -- JSON ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, with empty values left out to keep the store small."""
        return prune_empty(_as_plain(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CanonicalRecord:
        """Inverse of :meth:`to_dict`; unknown keys are ignored."""
        nested = {
            "titles": Title,
            "agents": Agent,
            "subjects": Subject,
            "descriptions": Description,
            "dates": DateInfo,
            "identifiers": Identifier,
            "relations": Relation,
            "objects": DigitalObject,
            "holdings": Holding,
        }
        kwargs: dict[str, Any] = {}
        names = {f.name for f in dataclasses.fields(cls)}
        for key, value in data.items():
            if key not in names:
                continue
            if key in nested:
                kwargs[key] = [_build(nested[key], item) for item in value]
            elif key == "source":
                kwargs[key] = _build(SourceInfo, value)
            else:
                kwargs[key] = value
        return cls(**kwargs)


def _build(klass: type, data: dict[str, Any]) -> Any:
    names = {f.name for f in dataclasses.fields(klass)}
    return klass(**{k: v for k, v in data.items() if k in names})


def _as_plain(value: Any) -> Any:
    """Like dataclasses.asdict, without its deep copies (the store hashes this often)."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _as_plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, list):
        return [_as_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_plain(v) for k, v in value.items()}
    return value


def prune_empty(value: Any) -> Any:
    """Plain dicts and lists without their empty values (None, "", [], {}) at every depth."""
    if isinstance(value, dict):
        pruned = {k: prune_empty(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [prune_empty(v) for v in value]
    return value
