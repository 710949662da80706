"""What every step of one run's writing shares: the store and its open transaction, the
partner, the run, the outcome counts, and (for a harvest) the format the records came in.

A page's records, a file's records and a quarantined record tried again all go through the
same steps (crosswalk, write, or quarantine); passing one :class:`RunContext` keeps those
steps' signatures to what differs between calls.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from harvester.partners import PartnerConfig
from repository.store import Store


@dataclass
class Outcomes:
    """Counts of what happened to records (new, updated, unchanged, deleted, quarantined)."""

    counts: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, outcome: str, example: str | None = None) -> None:
        self.counts[outcome] += 1
        if example is not None:
            kept = self.examples.setdefault(outcome, [])
            if len(kept) < 5:
                kept.append(example)


@dataclass
class RunContext:
    """One run's writing, inside one write transaction (``session``)."""

    store: Store
    session: Session
    partner: PartnerConfig
    run_id: int | None
    outcomes: Outcomes
    #: The OAI metadata prefix and namespace asked for (a harvest; empty for files).
    prefix: str = ""
    namespace: str = ""
