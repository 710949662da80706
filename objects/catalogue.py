"""Filling the catalogue tables from what the storage root says, never the other way round.

A deposit, a recovery and a rebuild all catalogue a version the same way: from the version's
own ``kazneb.json`` and its OCFL inventory.  State changes that make no new version (a level
change, a withdrawal, a notice) come from the event log, through :func:`apply_event`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from objects import events
from objects.ids import id_of_urn
from objects.models import Agreement, DigitalObject, ObjectFile, ObjectVersion, StoredFile
from objects.storage import Depository
from repository.models import Installation

METADATA = "kazneb.json"
EVENTS_HEAD = "events_head"


def read_metadata(depository: Depository, urn: str, version: int | None = None) -> dict[str, Any]:
    """The hub's metadata file of one version (the head by default)."""
    content_path = depository.logical_files(urn, version)[METADATA]
    return json.loads(depository.file_path(urn, content_path).read_text(encoding="utf-8"))


def catalogue_version(session: Session, depository: Depository, urn: str, version: int) -> None:
    """Catalogue one stored version (an object's or an agreement's); idempotent.  The inventory
    is read once and handed to each step."""
    kind, _ = id_of_urn(urn)
    inventory = depository.inventory(urn)
    state = inventory["versions"][f"v{version}"]["state"]
    metadata_digest = next(digest for digest, paths in state.items() if METADATA in paths)
    metadata = json.loads(depository.file_path(urn, inventory["manifest"][metadata_digest][0])
                          .read_text(encoding="utf-8"))
    if kind == "agreement":
        _catalogue_agreement(session, metadata)
    else:
        _catalogue_object_version(session, depository, urn, inventory, version, metadata)
    _catalogue_stored_files(session, depository, urn, inventory, version, metadata)


def _catalogue_agreement(session: Session, metadata: dict[str, Any]) -> None:
    row = session.get(Agreement, metadata["agreement"]) or Agreement(id=metadata["agreement"])
    row.partner_id = metadata["partner"]
    row.number = metadata["number"]
    row.signed = metadata["signed"]
    row.term_years = metadata["term_years"]
    row.levels = list(metadata["levels"])
    row.scan_name = metadata["scan"]
    row.recorded_at = _seconds(metadata["recorded_at"])
    row.recorded_by = metadata["recorded_by"]
    session.add(row)


def _catalogue_object_version(session: Session, depository: Depository, urn: str, inventory: dict[str, Any],
                              version: int, metadata: dict[str, Any]) -> None:
    if session.get(ObjectVersion, (metadata["object"], version)) is not None:
        return
    at = _seconds(metadata["deposited_at"])
    row = session.get(DigitalObject, metadata["object"])
    if row is None:
        row = DigitalObject(id=metadata["object"], created_at=at, withdrawn=False)
    record = metadata["record"]
    row.partner_id, row.source_key, row.local_id = metadata["partner"], record["source_key"], record["local_id"]
    row.access, row.head, row.updated_at = metadata["access"], version, at
    row.rights_holder, row.copyright, row.licence = (metadata.get("rights_holder"), metadata["copyright"],
                                                     metadata.get("licence"))
    session.add(row)
    session.flush()
    session.add(ObjectVersion(object_id=row.id, version=version, created_at=at, deposited_by=metadata["deposited_by"],
                              consent_name=metadata["consent"], quality=metadata.get("quality", {})))
    _catalogue_files(session, depository, urn, inventory, version, metadata)


def _catalogue_files(session: Session, depository: Depository, urn: str, inventory: dict[str, Any], version: int,
                     metadata: dict[str, Any]) -> None:
    state = inventory["versions"][f"v{version}"]["state"]
    by_path = {logical: digest for digest, paths in state.items() for logical in paths}
    described = {entry["path"]: entry for entry in metadata["files"]}
    for logical, digest in by_path.items():
        entry = described.get(logical, {})
        role = "metadata" if logical == METADATA else ("consent" if logical == metadata.get("consent_path")
                                                       else "payload")
        session.add(ObjectFile(
            object_id=metadata["object"], version=version, logical_path=logical, role=role,
            position=entry.get("position"),
            size=entry["size"] if "size" in entry else _size(depository, urn, inventory, digest),
            sha512=digest, media_type=entry.get("media_type"), pages=entry.get("pages"),
            content_path=inventory["manifest"][digest][0], partner_digests=entry.get("partner_digests", {})))


def _catalogue_stored_files(session: Session, depository: Depository, urn: str, inventory: dict[str, Any],
                            version: int, metadata: dict[str, Any]) -> None:
    """The files this version added to the storage (a checked state: they were hashed as they came in)."""
    at = _seconds(metadata.get("deposited_at") or metadata["recorded_at"])
    for digest, paths in inventory["manifest"].items():
        for content_path in paths:
            if content_path.startswith(f"v{version}/") and session.get(StoredFile, (urn, content_path)) is None:
                size = depository.file_path(urn, content_path).stat().st_size
                session.add(StoredFile(ocfl_id=urn, content_path=content_path, size=size, sha512=digest,
                                       checked_at=at, status="ok"))


def apply_event(session: Session, entry: dict[str, Any]) -> None:
    """Apply a state change that made no new version (the deposit events are versions)."""
    kind = entry.get("kind")
    if kind == "set-access":
        _object(session, entry).access = entry["access"]
    elif kind == "withdraw":
        row = _object(session, entry)
        row.withdrawn, row.withdrawn_reason = True, entry.get("reason")
    elif kind == "reinstate":
        row = _object(session, entry)
        row.withdrawn, row.withdrawn_reason = False, None
    elif kind == "agreement-terminate":
        agreement = session.get(Agreement, entry["agreement"])
        if agreement is not None:
            agreement.notice = entry["notice"]


def _object(session: Session, entry: dict[str, Any]) -> DigitalObject:
    row = session.get(DigitalObject, entry["object"])
    if row is None:
        raise LookupError(f"event {entry.get('seq')}: object {entry['object']} is not catalogued")
    row.updated_at = _seconds(entry["at"])
    return row


def remember_head(session: Session, head: events.Head) -> None:
    """Keep the event log's last entry in the database: the anchor that shows a cut-off end."""
    row = session.get(Installation, EVENTS_HEAD) or Installation(key=EVENTS_HEAD)
    row.value = f"{head.seq}:{head.hash}"
    session.add(row)


def remembered_head(session: Session) -> events.Head | None:
    value = session.execute(select(Installation.value).where(Installation.key == EVENTS_HEAD)).scalar()
    if not value:
        return None
    seq, digest = value.split(":", 1)
    return events.Head(int(seq), digest)


def clear(session: Session) -> None:
    """Empty the catalogue (before a rebuild)."""
    for table in (StoredFile, ObjectFile, ObjectVersion, DigitalObject, Agreement):
        session.execute(delete(table))
    session.execute(delete(Installation).where(Installation.key == EVENTS_HEAD))


def _size(depository: Depository, urn: str, inventory: dict[str, Any], digest: str) -> int:
    return depository.file_path(urn, inventory["manifest"][digest][0]).stat().st_size


def _seconds(stamp: str) -> int:
    return int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def utc_stamp(seconds: float | None = None) -> str:
    """A time as the metadata files and the log write it."""
    moment = datetime.fromtimestamp(seconds, UTC) if seconds is not None else datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
