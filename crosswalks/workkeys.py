"""The keys a record is matched on, computed once from its canonical record.

Consolidation (``consolidation/``) decides whether two partners' records describe the same
work.  It compares these keys, never the records themselves, so a record is transliterated and
its identifiers checked once, when the store writes it, and a million records are matched
without touching a crosswalk again.  Every text key is a *skeleton* (``crosswalks/romanise.py``):
the same string for a Kazakh title in Cyrillic, in any of the Latin alphabets and
romanisations, and in common informal spellings.

:func:`blocks` names the groups a record is compared within: two records are compared only
when they share a block, which is what keeps matching a million records fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Bumped whenever :func:`work_keys` or :func:`blocks` changes what it computes: stored keys of an
#: older version are computed again (``kazneb cluster keys``).
KEYS_VERSION = 1


@dataclass(frozen=True)
class WorkKeys:
    """What matching knows about one source record.  Empty values are "", None or ()."""

    #: Skeleton of the main title, without its subtitle and part.
    title: str = ""
    #: Skeleton of the subtitle (MARC 245 $b), "" when there is none.
    subtitle: str = ""
    #: Skeletons of the record's other titles: parallel, uniform, alternative, other-script forms.
    other_titles: tuple[str, ...] = ()
    #: One skeleton per creator, its words sorted ("aitmatov singis" for "Айтматов, Шыңғыс" and
    #: "Shyngys Aitmatov"), with the skeletons of the name's other forms (MARC 880) beside it.
    creators: tuple[str, ...] = ()
    #: The creators' authority identifiers (MARC $0, MODS valueURI), as written.
    authorities: tuple[str, ...] = ()
    year: int | None = None
    #: Volume or part number ("2" for "т. 2", "II", "2-том", "Vol. 2"), None when not a volume.
    volume: str | None = None
    #: Issue number of a serial issue, None otherwise.
    issue: str | None = None
    #: Edition number ("2" for "2-е изд.", "2nd ed.", "Екінші басылым") or, when no number can be
    #: read, the statement's skeleton; None when the record states no edition.
    edition: str | None = None
    #: The canonical record's kind (book, journal, article, ...), None when unknown.
    kind: str | None = None
    #: True for a component part (an article, a chapter): a record with a host relation.
    component: bool = False
    #: Skeleton of the host's title, "" when not a component part.
    host: str = ""
    #: Language codes as the canonical record holds them (ISO 639-2), in its order.
    languages: tuple[str, ...] = ()
    #: Skeleton of the first publisher's name.
    publisher: str = ""
    #: Number of pages, when the extent says.
    pages: int | None = None
    #: Valid ISBNs as ISBN-13 without hyphens (ISBN-10 converted); invalid ones are left out.
    isbns: tuple[str, ...] = ()
    #: Valid ISSNs as "NNNN-NNNX".
    issns: tuple[str, ...] = ()
    #: Other standard identifiers, "scheme:value" with the value normalised (DOI lower-cased).
    other_ids: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """A compact JSON-ready dict: empty values left out."""
        raise NotImplementedError

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkKeys:
        """Inverse of :meth:`to_dict`."""
        raise NotImplementedError


def work_keys(record: Any) -> WorkKeys:
    """The keys of a canonical record (``crosswalks.model.CanonicalRecord``)."""
    raise NotImplementedError


def blocks(keys: WorkKeys) -> list[str]:
    """The blocks a record is compared within, without duplicates."""
    raise NotImplementedError
