"""A published hub record as one index document (the same dict for every engine).

Display fields keep the original script; ``*_exact`` and ``*_stem`` fields hold the keys from
:mod:`search.text`, space-separated, one per word, which the engines index with a whitespace
tokenizer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from crosswalks.model import CanonicalRecord, Holding
from search import text

#: Searchable field groups: document field → where its text comes from.
KEY_GROUPS = ("title", "creator", "subject", "all")
#: Facet fields: document field → the facet name in API answers.
FACETS = {"languages": "language", "kind": "kind", "access": "access", "partners": "partner",
          "subjects": "subject"}


class HubRecordLike(Protocol):
    """What the builder reads from a store record (``repository.store.HubRecordView``)."""

    local_id: str
    oai_identifier: str
    deleted: bool
    access: str
    partner_ids: list[str]
    canonical: CanonicalRecord

    def holdings(self) -> list[Holding]: ...


def build_document(record: HubRecordLike) -> dict[str, Any]:
    """The index document for one published (not deleted) hub record."""
    canonical = record.canonical
    titles = _titles(canonical)
    creators = [a.name for a in canonical.creators]
    contributors = [a.name for a in canonical.contributors]
    subjects = _unique(s.value for s in canonical.subjects)
    descriptions = [d.value for d in canonical.descriptions]
    identifiers = _identifiers(canonical)
    doc: dict[str, Any] = {
        "id": record.local_id,
        "oai_identifier": record.oai_identifier,
        "title": canonical.main_title or (titles[0] if titles else ""),
        "titles": titles,
        "creators": creators,
        "contributors": contributors,
        "subjects": subjects,
        "description": "\n".join(descriptions),
        "publishers": list(canonical.publishers),
        "year": canonical.year,
        "decade": canonical.year // 10 * 10 if canonical.year is not None else None,
        "languages": _unique(canonical.languages),
        "kind": canonical.kind or "other",
        "partners": sorted(record.partner_ids),
        "access": record.access,
        "identifiers": identifiers,
        "title_sort": text.sort_key(canonical.main_title),
        # shown with the result, never searched: the partner records it publishes, each at its own level
        "holdings": [{"partner": h.partner, "identifier": h.identifier, "access": h.access}
                     for h in record.holdings()],
    }
    everything = [*titles, *creators, *contributors, *subjects, *descriptions, *canonical.publishers,
                  *canonical.places, *(r.title for r in canonical.relations), *identifiers]
    sources = {"title": titles, "creator": creators + contributors, "subject": subjects,
               "all": everything}
    for group, values in sources.items():
        joined = "\n".join(values)
        doc[f"{group}_exact"] = " ".join(text.exact_keys(joined))
        doc[f"{group}_stem"] = " ".join(text.stem_keys(joined))
    return doc


def _titles(canonical: CanonicalRecord) -> list[str]:
    values = []
    for title in canonical.titles:
        values.append(" ".join(p for p in (title.value, title.subtitle, title.part) if p))
    return _unique(values)


def _identifiers(canonical: CanonicalRecord) -> list[str]:
    values: list[str] = []
    for identifier in canonical.identifiers:
        if identifier.scheme.startswith("isbn"):
            values.extend(text.isbn_forms(identifier.value))
        elif identifier.scheme in ("issn", "doi", "local", "other"):
            values.append(identifier.value.strip())
    return _unique(v for v in values if v)


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return list(seen)
