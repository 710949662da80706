"""Restore: a partner's deposited copy handed back as a BagIt bag, proven byte-identical first.

A partner that lost its own copy of a record gets it back as it went in: the payload files of
one version of its object, in page order, with the rights holder's consent, in a KazNEB bag
that can be deposited again as it is.  The bag is built beside DEST and moved there only once
bagit has recomputed every digest and each file's SHA-512 equals the one computed when it was
deposited (:func:`objects.bags.write_bag`), so a file damaged in storage is never handed over
as the partner's copy.  Every reason to refuse is checked before a byte is written.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from objects import events
from objects.bags import info_tags, write_bag
from objects.catalogue import read_metadata, remember_head
from objects.errors import DepositRefused, RestoreRefused, StorageError
from objects.ids import check_id, object_urn
from objects.models import DigitalObject, ObjectFile, ObjectVersion
from objects.records import find_record
from objects.storage import Depository
from repository.models import Partner
from repository.store import Store

PAYLOAD_FOLDER = "files/"


@dataclass(frozen=True)
class RestoreRequest:
    """What ``kazneb restore`` asks for: one of the partner's objects, named itself or by its record."""

    partner_id: str
    dest: Path
    object_id: str | None = None
    record: str | None = None
    version: int | None = None  # None: the latest (the head)
    by: str = field(default_factory=getpass.getuser)


@dataclass(frozen=True)
class RestoredFile:
    """A file of the restored version: where it is in the object, and its name in the bag's ``data/``."""

    logical_path: str
    name: str
    sha512: str
    size: int
    pages: int | None


@dataclass(frozen=True)
class Restored:
    """What the operator is told: which version went where, and each file's deposited SHA-512."""

    object_id: str
    version: int
    head: int
    partner_id: str
    record: str  # the hub's OAI identifier
    local_id: str
    dest: Path
    files: list[RestoredFile]
    consent: RestoredFile

    def lines(self) -> list[str]:
        head = (f"restored object {self.object_id} version {self.version} of {self.head} (partner {self.partner_id}, "
                f"record {self.record}) to {self.dest}")
        files = [f"  data/{f.name}  {f.pages or '-'} pages  {f.size} bytes  sha512:{f.sha512}"
                 for f in [*self.files, self.consent]]
        return [head, *files, "  every file's SHA-512 is the one computed at deposit; the bag is valid BagIt "
                "and follows the KazNEB deposit profile"]


def restore(store: Store, depository: Depository, request: RestoreRequest) -> Restored:
    """Write the requested copy as a bag at ``request.dest`` and log it; a refusal writes nothing."""
    if request.dest.exists() or request.dest.is_symlink():
        raise RestoreRefused("DEST", f"{request.dest} already exists; name a folder that does not exist yet")
    try:
        with store.reading() as session:
            restored = _chosen(session, store, request)
    except RestoreRefused:
        raise
    except DepositRefused as refusal:  # raised by the lookups shared with deposits
        raise RestoreRefused(refusal.subject, refusal.reason) from None
    urn = object_urn(restored.object_id)
    stored = _stored_paths(depository, urn, restored)
    write_bag(request.dest, [(f.name, stored[f.logical_path]) for f in restored.files],
              (restored.consent.name, stored[restored.consent.logical_path]),
              _bag_info(restored, read_metadata(depository, urn, restored.version)),
              expected={f.name: f.sha512 for f in [*restored.files, restored.consent]})
    _log(store, depository, restored, request.by)
    return restored


def _chosen(session: Session, store: Store, request: RestoreRequest) -> Restored:
    """The object and version asked for, with their files as the catalogue has them."""
    if session.get(Partner, request.partner_id) is None:
        raise RestoreRefused("--partner", f"unknown partner {request.partner_id!r}")
    row = _by_object(session, request) if request.object_id else _by_record(session, store, request)
    version = row.head if request.version is None else request.version
    if session.get(ObjectVersion, (row.id, version)) is None:
        raise RestoreRefused("--version", f"object {row.id} has versions 1 to {row.head}; there is no version "
                             f"{version}")
    files = list(session.execute(select(ObjectFile).where(
        ObjectFile.object_id == row.id, ObjectFile.version == version, ObjectFile.role.in_(("payload", "consent")))
        .order_by(ObjectFile.position, ObjectFile.logical_path)).scalars())
    payload = [_restored_file(f) for f in files if f.role == "payload"]
    consents = [_restored_file(f) for f in files if f.role == "consent"]
    if not payload or len(consents) != 1:
        raise StorageError(f"object {row.id} version {version} is catalogued without its files or its consent: "
                           "rebuild the catalogue (kazneb objects rebuild)")
    return Restored(row.id, version, row.head, row.partner_id, store.oai_identifier(row.local_id), row.local_id,
                    request.dest, payload, consents[0])


def _by_object(session: Session, request: RestoreRequest) -> DigitalObject:
    row = session.get(DigitalObject, check_id(str(request.object_id), "--object"))
    if row is None:
        raise RestoreRefused("--object", f"no object {request.object_id}")
    if row.partner_id != request.partner_id:
        raise RestoreRefused("--object", f"object {row.id} is partner {row.partner_id}'s, not partner "
                             f"{request.partner_id}'s: a partner restores only its own copies")
    return row


def _by_record(session: Session, store: Store, request: RestoreRequest) -> DigitalObject:
    """The one copy of the record; a record with several copies is refused, naming them."""
    record = find_record(session, store.oai_identifier(""), request.partner_id, str(request.record))
    rows = list(session.execute(select(DigitalObject).where(
        DigitalObject.partner_id == record.partner_id, DigitalObject.source_key == record.source_key)
        .order_by(DigitalObject.created_at, DigitalObject.id)).scalars())
    named = store.oai_identifier(record.local_id)
    if not rows:
        raise RestoreRefused("--record", f"record {named} has no copy deposited by partner {request.partner_id}")
    if len(rows) > 1:
        listed = ", ".join(f"{row.id} ({row.access}, version {row.head})" for row in rows)
        raise RestoreRefused("--record", f"record {named} has {len(rows)} copies: {listed}; name one with --object")
    return rows[0]


def _restored_file(row: ObjectFile) -> RestoredFile:
    """Payload files keep the name they were deposited under (``files/p1.tif`` → ``p1.tif``);
    the consent keeps its ``consent/`` folder, which is where a bag carries it."""
    name = row.logical_path.removeprefix(PAYLOAD_FOLDER) if row.role == "payload" else row.logical_path
    return RestoredFile(row.logical_path, name, row.sha512, row.size, row.pages)


def _stored_paths(depository: Depository, urn: str, restored: Restored) -> dict[str, Path]:
    """Logical path → where its bytes lie in the storage root (versions share unchanged content)."""
    content = depository.logical_files(urn, restored.version)
    missing = [f.logical_path for f in [*restored.files, restored.consent] if f.logical_path not in content]
    if missing:
        raise StorageError(f"{urn} version {restored.version} has no {missing[0]} in its inventory, though the "
                           "catalogue lists it: rebuild the catalogue (kazneb objects rebuild)")
    return {logical: depository.file_path(urn, path) for logical, path in content.items()}


def _bag_info(restored: Restored, metadata: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """The deposit's own tags, as that version recorded them (its level and rights at the time)."""
    tags = info_tags(partner=restored.partner_id, record=restored.record, access=metadata["access"],
                     copyright=metadata["copyright"], rights_holder=metadata.get("rights_holder"),
                     licence=metadata.get("licence"), deposited_by=metadata.get("deposited_by"))
    return {**tags, "External-Identifier": f"{object_urn(restored.object_id)} v{restored.version}",
            "External-Description": f"Restored from the KazNEB depository: object {restored.object_id} version "
                                    f"{restored.version}, deposited {metadata['deposited_at']}."}


def _log(store: Store, depository: Depository, restored: Restored, by: str) -> None:
    events.append(depository.root, "restore", object=restored.object_id, version=restored.version,
                  partner=restored.partner_id, record=restored.local_id, files=len(restored.files),
                  dest=str(restored.dest.resolve()), by=by)
    with store.session() as session:
        remember_head(session, events.head(depository.root))
