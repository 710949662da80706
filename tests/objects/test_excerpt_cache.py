"""Excerpts are built once per version, atomically, in the derivatives folder outside the depository."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from objects import generated
from objects.cachedir import cache_root
from objects.copies import CopyFile, HeadCopy
from objects.errors import StorageError
from objects.excerpt_cache import cached_excerpt, excerpt_path
from tests.conftest import make_settings


def copy_of(path: Path, pages: int, version: int = 1) -> HeadCopy:
    file = CopyFile(path.name, "payload", 1, "application/pdf", pages, path.stat().st_size,
                    hashlib.sha512(path.read_bytes()).hexdigest(), path)
    return HeadCopy("k7m2x9qd4a", "preview-24", False, version, 1_700_000_000, (file,))


def test_the_derivatives_folder_is_beside_a_sqlite_database_or_configured(tmp_path: Path) -> None:
    assert cache_root(make_settings(f"sqlite:///{tmp_path / 'kazneb.db'}")) == tmp_path / "kazneb-derivatives"
    chosen = tmp_path / "elsewhere"
    assert cache_root(make_settings("postgresql://hub@db/kazneb", **{"delivery.derivatives": str(chosen)})) == chosen
    with pytest.raises(StorageError, match="delivery.derivatives"):
        cache_root(make_settings("postgresql://hub@db/kazneb"))


def test_an_excerpt_is_built_once_and_kept(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'kazneb.db'}")
    copy = copy_of(generated.pdf(tmp_path / "book.pdf", pages=30), 30)
    path = cached_excerpt(settings, copy)
    assert path == excerpt_path(settings, copy)
    assert path.parent == tmp_path / "kazneb-derivatives" / "excerpts" / copy.object_id
    assert path.name.startswith("v1-")
    with pikepdf.open(path) as excerpt:
        assert len(excerpt.pages) == 24
    built = path.stat().st_mtime_ns
    assert cached_excerpt(settings, copy) == path and path.stat().st_mtime_ns == built
    assert [p.name for p in path.parent.iterdir() if p.name != ".lock"] == [path.name]  # no temporary left


def test_a_new_version_gets_a_new_excerpt_and_the_old_one_goes(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'kazneb.db'}")
    first = cached_excerpt(settings, copy_of(generated.pdf(tmp_path / "v1.pdf", pages=30, seed=1), 30))
    second = cached_excerpt(settings, copy_of(generated.pdf(tmp_path / "v2.pdf", pages=12, seed=2), 12, version=2))
    assert second != first and second.name.startswith("v2-") and not first.exists()
    with pikepdf.open(second) as excerpt:
        assert len(excerpt.pages) == 12


def test_changed_sources_change_the_name_even_in_the_same_version(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'kazneb.db'}")
    copy = copy_of(generated.pdf(tmp_path / "book.pdf", pages=30), 30)
    other = replace(copy, files=(replace(copy.files[0], sha512="0" * 128),))
    assert excerpt_path(settings, copy) != excerpt_path(settings, other)


def test_readers_arriving_together_get_one_excerpt(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'kazneb.db'}")
    copy = copy_of(generated.pdf(tmp_path / "book.pdf", pages=40), 40)
    found: list[Path] = []
    readers = [threading.Thread(target=lambda: found.append(cached_excerpt(settings, copy))) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert len(set(found)) == 1 and len(found) == 4
    assert [p.name for p in found[0].parent.iterdir() if p.name != ".lock"] == [found[0].name]
