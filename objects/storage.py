"""The depository: an OCFL 1.1 storage root where every copy is kept unaltered.

One OCFL object per deposited copy (``urn:kazneb:object:<id>``) and per cooperation agreement
(``urn:kazneb:agreement:<id>``); versions are immutable.  ocfl-py builds and validates the
inventories; the files themselves are written here, because each one must be read only once
while all its digests are computed (``objects/digests.py``).

Writes are atomic.  A version is staged beside the root (``<root>.staging``, the same volume),
then renamed into place: a new object as a whole folder, a new version as its ``vN`` folder
followed by the object's root inventory (each file replaced atomically).  A *pending* note,
written before the rename and removed once the catalogue and the event log know the version,
lets :func:`objects.recovery.recover` finish or discard a write that was killed half-way.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from objects.digests import copy_with_digests
from objects.errors import DepositRefused, StorageError
from objects.ocfl_lib import ocfl

LAYOUT = "0003-hash-and-id-n-tuple-storage-layout"
DIGEST = "sha512"
INVENTORY = "inventory.json"
SIDECAR = "inventory.json.sha512"


@dataclass(frozen=True)
class StoredVersionFile:
    """A file written into a version: where it is (logically and on disk) and its digests."""

    logical_path: str
    content_path: str
    size: int
    sha512: str
    digests: dict[str, str]


@dataclass(frozen=True)
class Pending:
    """A version on its way into the root: the note that survives a kill."""

    urn: str
    version: int
    note: Path
    extra: dict[str, Any] = field(default_factory=dict)


class Depository:
    """The storage root at ``root``, with its staging folder beside it."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.staging = self.root.parent / (self.root.name + ".staging")
        #: Maps an object's URI to its folder (the layout extension 0003), made once.
        self._layout = ocfl.StorageRoot(root=str(self.root), layout_name=LAYOUT)

    @classmethod
    def from_settings(cls, settings) -> Depository:  # type: ignore[no-untyped-def]
        """``objects.root`` (or KAZNEB_OBJECTS_DIR), else the folder beside the SQLite database."""
        configured = str(settings.get("objects.root") or "").strip()
        root = Path(configured) if configured else settings.beside_database("objects")
        if root is None:
            raise StorageError("objects.root must name the folder of the depository's storage root: the database "
                               "has no folder to keep it beside")
        return cls(root)

    # -- the root ---------------------------------------------------------------------------
    def open(self) -> Depository:
        """Create the storage root (and its staging folder) if there is none yet."""
        if not (self.root / "0=ocfl_1.1").exists():
            if self.root.exists() and any(self.root.iterdir()):
                raise StorageError(f"{self.root} is not an OCFL storage root and is not empty")
            if self.root.exists():
                self.root.rmdir()
            self.root.parent.mkdir(parents=True, exist_ok=True)
            ocfl.StorageRoot(root=str(self.root), layout_name=LAYOUT).initialize(spec_version="1.1")
        for folder in ("pending", "work", "locks"):
            (self.staging / folder).mkdir(parents=True, exist_ok=True)
        return self

    def object_dir(self, urn: str) -> Path:
        return self.root / self._layout.object_path(urn)

    def exists(self, urn: str) -> bool:
        return (self.object_dir(urn) / INVENTORY).exists()

    def inventory(self, urn: str) -> dict[str, Any]:
        """The object's root inventory as JSON (a :class:`StorageError` if the object is absent)."""
        path = self.object_dir(urn) / INVENTORY
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise StorageError(f"{urn} is not in the storage root {self.root}") from exc

    def urns(self) -> Iterator[str]:
        """Every object's URI, found by walking the root (the catalogue is not trusted for this)."""
        for folder, dirs, files in os.walk(self.root):
            if INVENTORY in files and any(name.startswith("0=ocfl_object") for name in files):
                dirs[:] = []
                yield json.loads((Path(folder) / INVENTORY).read_text(encoding="utf-8"))["id"]

    def file_path(self, urn: str, content_path: str) -> Path:
        return self.object_dir(urn) / content_path

    def logical_files(self, urn: str, version: int | None = None) -> dict[str, str]:
        """Logical path → content path of one version (the head by default)."""
        inventory = self.inventory(urn)
        state = inventory["versions"][f"v{version}" if version else inventory["head"]]["state"]
        return {logical: inventory["manifest"][digest][0] for digest, paths in state.items() for logical in paths}

    def validate(self) -> tuple[list[str], list[str]]:
        """ocfl-py's validator over the whole root: (errors, warnings)."""
        root = ocfl.StorageRoot(root=str(self.root))
        root.validate(validate_objects=True, check_digests=True, log_warnings=True, max_errors=100_000)
        lines = [line for _, text in (root.errors or []) for line in str(text).splitlines()]
        lines += [str(message) for message in (root.log.messages if root.log else [])]
        errors = [line for line in lines if "][W" not in line and not line.startswith("[W")]
        return errors, [line for line in lines if line not in errors]

    # -- writing ----------------------------------------------------------------------------
    @contextmanager
    def locked(self, urn: str) -> Iterator[None]:
        """One writer per object at a time, across processes."""
        with open(self._lock_file(urn), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _lock_file(self, urn: str) -> Path:
        return self.staging / "locks" / (urn.rsplit(":", 1)[-1] + ".lock")

    @contextmanager
    def new_version(self, urn: str) -> Iterator[VersionWriter]:
        """Stage the next version of ``urn`` (its first if it does not exist yet); the staging
        folder is removed whatever happens, so a refused deposit leaves nothing behind."""
        work = self.staging / "work" / uuid.uuid4().hex
        work.mkdir(parents=True)
        try:
            with open(work / ".lock", "a") as alive, self.locked(urn):
                fcntl.flock(alive, fcntl.LOCK_EX)  # recovery leaves a folder alone while this is held
                yield VersionWriter(self, urn, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            if not self.exists(urn):  # a new id nothing was stored under: nobody else can want its lock
                self._lock_file(urn).unlink(missing_ok=True)

    def pending(self) -> list[Pending]:
        """Versions whose write was interrupted before it was settled."""
        notes = sorted((self.staging / "pending").glob("*.json")) if self.staging.exists() else []
        found = []
        for note in notes:
            data = json.loads(note.read_text(encoding="utf-8"))
            found.append(Pending(data["urn"], data["version"], note, data.get("extra", {})))
        return found

    def settle(self, pending: Pending) -> None:
        """The version is in the root, the catalogue and the log: forget its note."""
        pending.note.unlink(missing_ok=True)

    def prune(self, urn: str) -> None:
        """Remove the empty folders a write killed before its rename left on the object's path
        (OCFL forbids empty folders in the storage hierarchy)."""
        _remove_empty_folders(self.object_dir(urn), self.root)

    def roll_forward(self, urn: str) -> int:
        """Finish a new version whose folder was renamed into the object but whose root inventory
        was not yet replaced; return the object's head (0: the object does not exist)."""
        objdir = self.object_dir(urn)
        if not (objdir / INVENTORY).exists():
            return 0
        head = int(json.loads((objdir / INVENTORY).read_text(encoding="utf-8"))["head"][1:])
        while (objdir / f"v{head + 1}" / SIDECAR).exists():
            head += 1
        for name in (INVENTORY, SIDECAR):
            _replace_with_copy(objdir / f"v{head}" / name, objdir / name)
        return head


class VersionWriter:
    """The version being staged: files are added, then :meth:`publish` puts it in the root."""

    def __init__(self, depository: Depository, urn: str, work: Path) -> None:
        self.depository = depository
        self.urn = urn
        self.work = work
        self.objdir = depository.object_dir(urn)
        if (self.objdir / INVENTORY).exists():
            depository.roll_forward(urn)
            self.inventory = ocfl.Object(path=str(self.objdir)).parse_inventory()
            self.inventory.add_version(state={})
        else:
            self.inventory = ocfl.Inventory()
            self.inventory.id = urn
            self.inventory.spec_version = "1.1"
            self.inventory.digest_algorithm = DIGEST
            self.inventory.init_manifest_and_versions()
            self.inventory.add_version()
        self.vdir = self.inventory.head
        self.files: list[StoredVersionFile] = []

    @property
    def version(self) -> int:
        return int(self.vdir[1:])

    def add_file(self, source: Path, logical_path: str, expected: dict[str, str] | None = None,
                 name: str | None = None) -> StoredVersionFile:
        """Copy ``source`` into the version, computing SHA-512 and every algorithm in ``expected``;
        a digest that differs from the partner's refuses the deposit, naming the file."""
        logical_path = _logical(logical_path)
        expected = {alg.lower(): value.lower() for alg, value in (expected or {}).items()}
        content_path = f"{self.vdir}/content/{logical_path}"
        staged = self.work / self.vdir / "content" / logical_path
        staged.parent.mkdir(parents=True, exist_ok=True)
        size, digests = copy_with_digests(source, staged, [DIGEST, *expected])
        for algorithm, value in expected.items():
            if digests[algorithm] != value:
                raise DepositRefused(name or logical_path, f"{algorithm.upper()} checksum mismatch: the partner's "
                                     f"manifest says {value}, the file's content gives {digests[algorithm]}")
        return self._record(StoredVersionFile(logical_path, content_path, size, digests[DIGEST], digests), staged)

    def add_bytes(self, data: bytes, logical_path: str) -> StoredVersionFile:
        """A small file the hub writes itself (the version's ``kazneb.json``)."""
        source = self.work / ("bytes-" + uuid.uuid4().hex)
        source.write_bytes(data)
        try:
            return self.add_file(source, logical_path)
        finally:
            source.unlink(missing_ok=True)

    def _record(self, stored: StoredVersionFile, staged: Path) -> StoredVersionFile:
        inventory = self.inventory
        if inventory.content_paths_for_digest(stored.sha512):
            staged.unlink()  # the same bytes are already stored: the state points at them
            _remove_empty_folders(staged.parent, self.work / self.vdir)
            stored = StoredVersionFile(stored.logical_path, inventory.content_paths_for_digest(stored.sha512)[0],
                                       stored.size, stored.sha512, stored.digests)
        else:
            inventory.add_file_to_manifest(digest=stored.sha512, content_path=stored.content_path)
            for algorithm, value in stored.digests.items():
                if algorithm != DIGEST:
                    if algorithm not in inventory.fixity:
                        inventory.add_fixity_type(algorithm)
                    inventory.add_fixity_data(algorithm, value, stored.content_path)
        inventory.current_version.state_add_if_not_present().setdefault(stored.sha512, []).append(stored.logical_path)
        self.files.append(stored)
        return stored

    def publish(self, message: str, user: str, note_extra: dict[str, Any] | None = None) -> Pending:
        """Write the inventory, note the version as pending, and rename it into the root."""
        version = self.inventory.current_version
        version.created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        version.message = message
        version.user_name = user
        version.user_address = "urn:kazneb:user:" + quote(user, safe="")
        staged_version = self.work / self.vdir
        staged_version.mkdir(parents=True, exist_ok=True)
        (staged_version / INVENTORY).write_text(self.inventory.as_json(), encoding="utf-8")
        _write_sidecar(staged_version)
        pending = self._note(note_extra or {})
        if self.version == 1:
            self._publish_object(staged_version)
        else:
            os.rename(staged_version, self.objdir / self.vdir)
            _fsync_dir(self.objdir)
            self.depository.roll_forward(self.urn)
        return pending

    def _publish_object(self, staged_version: Path) -> None:
        staged_object = self.work / "object"
        staged_object.mkdir()
        os.rename(staged_version, staged_object / self.vdir)
        ocfl_object = ocfl.Object(identifier=self.urn, path=str(staged_object))
        ocfl_object.write_object_declaration()
        for name in (INVENTORY, SIDECAR):
            shutil.copyfile(staged_object / self.vdir / name, staged_object / name)
        if not ocfl.Object().validate(str(staged_object), log_warnings=False, check_digests=False)[0]:
            raise StorageError(f"{self.urn}: the staged object is not valid OCFL; nothing was stored")
        self.objdir.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staged_object, self.objdir)
        _fsync_dir(self.objdir.parent)

    def _note(self, extra: dict[str, Any]) -> Pending:
        note = self.depository.staging / "pending" / f"{uuid.uuid4().hex}.json"
        data = {"urn": self.urn, "version": self.version, "extra": extra}
        temporary = note.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, note)
        return Pending(self.urn, self.version, note, extra)


def _logical(path: str) -> str:
    """A logical path as stored: NFC, forward slashes, never leaving the object."""
    path = unicodedata.normalize("NFC", path.replace("\\", "/")).strip("/")
    if not path or any(part in ("", ".", "..") for part in path.split("/")):
        raise DepositRefused(path or "(empty name)", "a file name must not be empty or contain '.' or '..' parts")
    return path


def _remove_empty_folders(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents below ``top`` while they are empty (or absent): OCFL
    forbids empty folders, in a version's content and in the storage hierarchy alike."""
    while folder != top and folder.is_relative_to(top):
        if folder.exists():
            if any(folder.iterdir()):
                return
            folder.rmdir()
        folder = folder.parent


def _write_sidecar(folder: Path) -> None:
    digest = hashlib.sha512((folder / INVENTORY).read_bytes()).hexdigest()
    (folder / SIDECAR).write_text(f"{digest}  {INVENTORY}\n", encoding="utf-8")


def _replace_with_copy(source: Path, target: Path) -> None:
    temporary = target.with_name(target.name + ".tmp")
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def _fsync_dir(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
