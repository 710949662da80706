"""Rebuilding the catalogue from the storage root alone: its OCFL objects and its event log.

The log is replayed in order, so state that made no new version (a level change, a
withdrawal, a notice, what fixity audits found) comes back too; then any stored version the
log does not mention (a log damaged or cut short) is catalogued from its own metadata file,
and reported.  Last, every record with a copy follows its copies again
(``objects/publication.py``): the records whose level the rebuilt catalogue changes are
published again, and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from objects import events, fixity
from objects.catalogue import apply_event, catalogue_version, clear, remember_head
from objects.ids import agreement_urn, object_urn
from objects.models import ObjectVersion
from objects.publication import RecordLevel, follow_all
from objects.recovery import recover
from objects.storage import Depository
from repository.store import Store


@dataclass
class RebuildReport:
    objects: int = 0
    agreements: int = 0
    versions: int = 0
    events: int = 0
    unlogged: list[str] = field(default_factory=list)
    #: Records published again because the rebuilt catalogue gives them another level or link.
    republished: list[RecordLevel] = field(default_factory=list)


def rebuild(store: Store, depository: Depository) -> RebuildReport:
    """Empty the catalogue and fill it again from ``depository``."""
    recover(store, depository)
    report = RebuildReport()
    with store.session() as session:
        clear(session)
        session.flush()
        for entry in events.read(depository.root):
            report.events += 1
            _replay(session, depository, entry, report)
            session.flush()
        for urn in depository.urns():
            _catalogue_unlogged(session, depository, urn, report)
        session.flush()
        report.republished = follow_all(store, session)
        remember_head(session, events.head(depository.root))
    return report


def _replay(session, depository: Depository, entry: dict, report: RebuildReport) -> None:  # type: ignore[no-untyped-def,type-arg]
    kind = entry.get("kind")
    if kind == "deposit":
        catalogue_version(session, depository, object_urn(entry["object"]), int(entry["version"]))
        report.versions += 1
        report.objects += int(entry["version"]) == 1
    elif kind == "agreement-add":
        catalogue_version(session, depository, agreement_urn(entry["agreement"]), int(entry.get("version", 1)))
        report.agreements += 1
    elif kind in events.STATE_KINDS:
        apply_event(session, entry)
    elif kind in fixity.EVENT_KINDS:
        fixity.replay(session, entry)


def _catalogue_unlogged(session, depository: Depository, urn: str, report: RebuildReport) -> None:  # type: ignore[no-untyped-def]
    """Versions in the root that no log entry named: catalogued from their own metadata."""
    kind, identifier = urn.split(":")[2], urn.rsplit(":", 1)[-1]
    head = int(depository.inventory(urn)["head"][1:])
    if kind == "agreement":
        from objects.models import Agreement

        if session.get(Agreement, identifier) is None:
            catalogue_version(session, depository, urn, 1)
            report.agreements += 1
            report.unlogged.append(f"{urn} v1")
        return
    known = set(session.execute(select(ObjectVersion.version).where(ObjectVersion.object_id == identifier)).scalars())
    for version in range(1, head + 1):
        if version not in known:
            catalogue_version(session, depository, urn, version)
            report.versions += 1
            report.objects += version == 1
            report.unlogged.append(f"{urn} v{version}")
