"""The OCFL depository: versions are immutable, writes are atomic, the validator finds nothing wrong."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from objects.errors import DepositRefused
from objects.storage import INVENTORY, Depository

URN = "urn:kazneb:object:abc234"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture
def depository(tmp_path: Path) -> Depository:
    return Depository(tmp_path / "objects").open()


def store_version(depository: Depository, files: dict[str, Path], user: str = "alice") -> int:
    with depository.new_version(URN) as writer:
        for logical, source in files.items():
            writer.add_file(source, logical)
        pending = writer.publish("test", user)
    depository.settle(pending)
    return pending.version


def test_a_new_version_keeps_the_old_one_and_stores_unchanged_bytes_once(depository, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = write(tmp_path / "a", b"page one"), write(tmp_path / "b", b"page two")
    assert store_version(depository, {"files/a.tif": a}) == 1
    assert store_version(depository, {"files/a.tif": a, "files/b.tif": b}) == 2
    assert depository.logical_files(URN, 1) == {"files/a.tif": "v1/content/files/a.tif"}
    assert depository.logical_files(URN) == {"files/a.tif": "v1/content/files/a.tif",
                                             "files/b.tif": "v2/content/files/b.tif"}
    assert not (depository.object_dir(URN) / "v2/content/files/a.tif").exists()
    assert list(depository.urns()) == [URN]
    assert depository.validate() == ([], [])


def test_the_partners_digests_go_in_the_fixity_block_and_a_wrong_one_refuses(depository, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = write(tmp_path / "p1.jpg", b"jpeg bytes")
    md5 = hashlib.md5(b"jpeg bytes").hexdigest()
    with depository.new_version(URN) as writer:
        writer.add_file(source, "files/p1.jpg", {"MD5": md5.upper()})
        depository.settle(writer.publish("test", "alice"))
    inventory = depository.inventory(URN)
    assert inventory["fixity"]["md5"] == {md5: ["v1/content/files/p1.jpg"]}
    with pytest.raises(DepositRefused) as refusal, depository.new_version(URN) as writer:
        writer.add_file(source, "files/p1.jpg", {"sha256": "0" * 64})
    assert refusal.value.subject == "files/p1.jpg" and "SHA256 checksum mismatch" in refusal.value.reason
    assert depository.inventory(URN)["head"] == "v1"
    assert list((depository.staging / "work").iterdir()) == []


def test_a_name_that_leaves_the_object_is_refused(depository, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = write(tmp_path / "x", b"x")
    with pytest.raises(DepositRefused, match=r"\.\."), depository.new_version(URN) as writer:
        writer.add_file(source, "files/../../escape")
    assert not depository.exists(URN)


def test_a_version_killed_between_its_folder_and_its_root_inventory_is_rolled_forward(depository, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a = write(tmp_path / "a", b"one")
    store_version(depository, {"files/a": a})
    objdir = depository.object_dir(URN)
    before = (objdir / INVENTORY).read_bytes()
    b = write(tmp_path / "b", b"two")
    with depository.new_version(URN) as writer:
        writer.add_file(b, "files/b")
        pending = writer.publish("test", "alice")
    # as if killed after the rename of v2 but before the root inventory was replaced
    (objdir / INVENTORY).write_bytes(before)
    (objdir / "inventory.json.sha512").write_text(
        hashlib.sha512(before).hexdigest() + "  inventory.json\n", encoding="utf-8")
    assert depository.pending() == [pending]
    assert depository.roll_forward(URN) == 2
    assert json.loads((objdir / INVENTORY).read_text())["head"] == "v2"
    depository.settle(pending)
    assert depository.validate() == ([], [])


def test_a_changed_stored_byte_is_an_error_of_the_validator(depository, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store_version(depository, {"files/a": write(tmp_path / "a", b"original")})
    stored = depository.object_dir(URN) / "v1/content/files/a"
    os.chmod(stored, 0o644)
    stored.write_bytes(b"changed!")
    errors, _ = depository.validate()
    assert any("E092" in error for error in errors)


def test_the_root_is_created_beside_the_sqlite_database_unless_configured(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from objects.errors import StorageError
    from tests.conftest import make_settings

    beside = Depository.from_settings(make_settings(f"sqlite:///{tmp_path}/hub.db"))
    assert beside.root == (tmp_path / "hub-objects").resolve()
    configured = {"objects.root": str(tmp_path / "d")}
    chosen = Depository.from_settings(make_settings(f"sqlite:///{tmp_path}/hub.db", **configured))
    assert chosen.root == (tmp_path / "d").resolve()
    with pytest.raises(StorageError, match="objects.root"):
        Depository.from_settings(make_settings("postgresql+psycopg://u@127.0.0.1/x"))


def test_a_version_of_only_bytes_already_stored_has_no_content_folder(depository, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a = write(tmp_path / "a", b"same")
    store_version(depository, {"files/a": a})
    store_version(depository, {"files/renamed/a": a})
    assert not (depository.object_dir(URN) / "v2" / "content").exists()
    assert depository.logical_files(URN) == {"files/renamed/a": "v1/content/files/a"}
    assert depository.validate() == ([], [])
