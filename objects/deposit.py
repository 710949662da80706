"""A deposit: verify everything, store it as one new OCFL version, catalogue it, log it.

Nothing is acknowledged until every digest has been recomputed and every file opened.  The
checks that need no file come first (partner, agreement, level, record, consent), then each
file's type and pages, then the quality checks; only then are the files read into the staging
folder, once each, with all their digests.  A refusal at any step raises
:class:`~objects.errors.DepositRefused`, is logged, and leaves nothing behind.
"""

from __future__ import annotations

import getpass
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crosswalks.model import ACCESS_LEVELS
from objects import agreements, events
from objects.catalogue import METADATA, utc_stamp
from objects.content import InspectedFile, inspect_file
from objects.errors import DepositRefused
from objects.ids import check_id, new_object_id, object_urn
from objects.models import DigitalObject, ObjectFile
from objects.quality import QualityReport, QualityThresholds, check_quality
from objects.records import RecordRef, find_record
from objects.recovery import complete, recover
from objects.rights import check_rights
from objects.storage import Depository
from repository.models import Partner
from repository.store import Store


@dataclass(frozen=True)
class IncomingFile:
    """A file as the partner hands it over, with the digests the partner computed (if any)."""

    name: str
    path: Path
    digests: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DepositRequest:
    """What ``kazneb deposit`` (or a bag) asks for; ``files`` are in page order."""

    partner_id: str
    files: list[IncomingFile]
    consent: IncomingFile | None
    access: str | None
    record: str | None = None
    object_id: str | None = None
    rights_holder: str | None = None
    copyright: str = "not-evaluated"
    licence: str | None = None
    by: str = field(default_factory=getpass.getuser)
    source: str = "files"


@dataclass(frozen=True)
class Receipt:
    """What the partner is told: the object, its version, every file's digest and pages, the warnings."""

    object_id: str
    version: int
    partner_id: str
    record: str
    access: str
    files: list[dict[str, Any]]
    warnings: list[str]
    unchanged: bool = False

    def lines(self) -> list[str]:
        head = (f"object {self.object_id} version {self.version} (partner {self.partner_id}, record {self.record}, "
                f"{self.access})" + (": already deposited, nothing changed" if self.unchanged else ""))
        files = [f"  {f['name']}  {f.get('media_type') or '-'}  {f.get('pages') or '-'} pages  {f['size']} bytes  "
                 f"sha512:{f['sha512']}" for f in self.files]
        return [head, *files, *(f"  warning: {warning}" for warning in self.warnings)]


@dataclass(frozen=True)
class _Checked:
    """A request that passed every check that needs no storage write."""

    request: DepositRequest
    object_id: str
    record: RecordRef
    access: str
    inspected: list[InspectedFile]
    quality: QualityReport
    #: Objects of the same record whose head may already be this very deposit (a rerun).
    candidates: list[str]


def deposit(store: Store, depository: Depository, request: DepositRequest, thresholds: QualityThresholds,
            today: date | None = None) -> Receipt:
    """Verify and store one deposit; a refusal is logged and raised."""
    recover(store, depository)
    try:
        checked = _check(store, request, thresholds, today or datetime.now(UTC).date())
        return _store(store, depository, checked)
    except DepositRefused as refusal:
        events.append(depository.root, "refused", partner=request.partner_id, source=request.source,
                      subject=refusal.subject, reason=refusal.reason, by=request.by)
        raise


def _check(store: Store, request: DepositRequest, thresholds: QualityThresholds, today: date) -> _Checked:
    with store.reading() as session:
        if session.get(Partner, request.partner_id) is None:
            raise DepositRefused("--partner", f"unknown partner {request.partner_id!r}")
        existing = _existing_object(session, request)
        if existing is not None:
            record = find_record(session, store.oai_identifier(""), existing.partner_id, existing.source_key)
        elif request.record:
            record = find_record(session, store.oai_identifier(""), request.partner_id, request.record)
        else:
            raise DepositRefused("--record", "name the record the copy belongs to (or --object for a new version)")
        access = request.access or (existing.access if existing is not None else "")
        if access not in ACCESS_LEVELS:
            raise DepositRefused("--access", f"{access!r} is not one of {', '.join(ACCESS_LEVELS)}")
        agreements.require_level(session, request.partner_id, access, today)
    _check_rights(request)
    _check_names(request)
    inspected = [inspect_file(f.path, f.name) for f in request.files]
    quality = check_quality(inspected, thresholds, record.pages)
    quality.raise_if_refused()
    object_id = existing.id if existing is not None else new_object_id()
    return _Checked(request, object_id, record, access, inspected, quality, _candidates(store, record, existing))


def _candidates(store: Store, record: RecordRef, existing: DigitalObject | None) -> list[str]:
    if existing is not None:
        return [existing.id]
    with store.reading() as session:
        return list(session.execute(select(DigitalObject.id).where(
            DigitalObject.partner_id == record.partner_id, DigitalObject.source_key == record.source_key)).scalars())


def _existing_object(session, request: DepositRequest) -> DigitalObject | None:  # type: ignore[no-untyped-def]
    if not request.object_id:
        return None
    row = session.get(DigitalObject, check_id(request.object_id))
    if row is None:
        raise DepositRefused("--object", f"no object {request.object_id}")
    if row.partner_id != request.partner_id:
        raise DepositRefused("--object", f"object {request.object_id} is not partner {request.partner_id}'s")
    return row


def _check_rights(request: DepositRequest) -> None:
    consent = request.consent
    if consent is None or not consent.path.is_file() or consent.path.stat().st_size == 0:
        raise DepositRefused("--consent", "the rights holder's consent is missing (or an empty file): "
                             "no copy is stored without it")
    check_rights(request.copyright, request.rights_holder, request.licence)


def _check_names(request: DepositRequest) -> None:
    if not request.files:
        raise DepositRefused("files", "a deposit needs at least one file of the copy")
    seen: dict[str, str] = {}
    for incoming in request.files:
        key = unicodedata.normalize("NFC", incoming.name)
        if key in seen:
            raise DepositRefused(incoming.name, f"has the same name as {seen[key]} once Unicode-normalised")
        seen[key] = incoming.name
        if not incoming.path.is_file():
            raise DepositRefused(incoming.name, "is not a file (a folder, a link or missing)")


def _store(store: Store, depository: Depository, checked: _Checked) -> Receipt:
    request = checked.request
    urn = object_urn(checked.object_id)
    with depository.new_version(urn) as writer:
        payload = [writer.add_file(f.path, f"files/{unicodedata.normalize('NFC', f.name)}", f.digests, name=f.name)
                   for f in request.files]
        consent_path = f"consent/{unicodedata.normalize('NFC', request.consent.name)}"  # type: ignore[union-attr]
        writer.add_file(request.consent.path, consent_path, request.consent.digests,  # type: ignore[union-attr]
                        name=request.consent.name)  # type: ignore[union-attr]
        files = _described(checked, payload)
        for candidate in checked.candidates:
            if (head := _same_as_head(store, candidate, files)) is not None:
                return _receipt(checked, head, files, unchanged=True, object_id=candidate)
        metadata = _metadata(checked, writer.version, files, consent_path)
        writer.add_bytes(json.dumps(metadata, ensure_ascii=False, indent=1).encode(), METADATA)
        pending = writer.publish(f"deposit by partner {request.partner_id} ({request.source})", request.by)
        complete(store, depository, pending)
    return _receipt(checked, writer.version, files)


def _described(checked: _Checked, payload: list) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    return [{"path": stored.logical_path, "name": inspected.name, "position": position,
             "media_type": inspected.media_type, "pages": inspected.pages, "size": stored.size,
             "sha512": stored.sha512, "partner_digests": {a: d for a, d in stored.digests.items() if a != "sha512"}}
            for position, (stored, inspected) in enumerate(zip(payload, checked.inspected, strict=True), start=1)]


def _same_as_head(store: Store, object_id: str, files: list[dict[str, Any]]) -> int | None:
    """The head version if it holds exactly these files (names and bytes): a rerun of the same
    deposit, after a kill or by mistake, adds nothing."""
    with store.reading() as session:
        row = session.get(DigitalObject, object_id)
        if row is None:
            return None
        head = session.execute(select(ObjectFile.logical_path, ObjectFile.sha512).where(
            ObjectFile.object_id == object_id, ObjectFile.version == row.head, ObjectFile.role == "payload")).all()
    same = sorted(tuple(pair) for pair in head) == sorted((f["path"], f["sha512"]) for f in files)
    return row.head if same else None


def _metadata(checked: _Checked, version: int, files: list[dict[str, Any]], consent_path: str) -> dict[str, Any]:
    request, record = checked.request, checked.record
    return {"kind": "object", "object": checked.object_id, "version": version, "partner": request.partner_id,
            "record": {"source_key": record.source_key, "local_id": record.local_id},
            "access": checked.access, "rights_holder": request.rights_holder, "copyright": request.copyright,
            "licence": request.licence, "deposited_by": request.by, "deposited_at": utc_stamp(),
            "consent": request.consent.name, "consent_path": consent_path,  # type: ignore[union-attr]
            "source": request.source, "files": files, "quality": checked.quality.to_json()}


def _receipt(checked: _Checked, version: int, files: list[dict[str, Any]], unchanged: bool = False,
             object_id: str | None = None) -> Receipt:
    return Receipt(object_id or checked.object_id, version, checked.request.partner_id, checked.record.local_id,
                   checked.access,
                   [{"name": f["name"], "media_type": f["media_type"], "pages": f["pages"], "size": f["size"],
                     "sha512": f["sha512"]} for f in files],
                   [finding.message for finding in checked.quality.warnings], unchanged)
