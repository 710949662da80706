"""Excerpts kept once built: ``<derivatives>/excerpts/<object>/v<version>-<key>.pdf``.

Why cached: a preview-24 copy's excerpt is asked for again and again and never changes until the
copy gets a new version.  The name carries the object, its head version and a key made of the
SHA-512 of every source file and :data:`BUILD`, so a new version, a changed file or a changed
construction each give a new name and the stale file is never served.  An excerpt is built under
a temporary name, verified, then renamed into place (atomic on one volume), so a reader never
meets half a file; one lock per object keeps a burst of first readers from building it twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import uuid
from pathlib import Path

from kazneb.config import Settings
from objects.access import PREVIEW_PAGES
from objects.cachedir import cache_root
from objects.copies import CopyFile, HeadCopy

SUBFOLDER = "excerpts"
#: Raise when the construction or its check changes: every cached excerpt is then built anew.
BUILD = 1


def excerpt_path(settings: Settings, copy: HeadCopy) -> Path:
    """Where the excerpt of ``copy``'s head version is (or will be) kept."""
    sources = [file.sha512 for file in _sources(copy)]
    key = hashlib.sha256("\n".join([f"build {BUILD}", *sources]).encode()).hexdigest()[:24]
    return cache_root(settings) / SUBFOLDER / copy.object_id / f"v{copy.version}-{key}.pdf"


def cached_excerpt(settings: Settings, copy: HeadCopy) -> Path:
    """The excerpt of ``copy``, built and verified on first use (:class:`~objects.excerpt_check.ExcerptError`
    when it cannot be)."""
    target = excerpt_path(settings, copy)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.is_file():  # another worker may have built it while this one waited
            _build(copy, target)
    return target


def _build(copy: HeadCopy, target: Path) -> None:
    from objects.excerpt import SourceFile, build  # pikepdf, img2pdf and libvips: loaded by the first excerpt only

    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        build([SourceFile(file.path, file.media_type, file.name) for file in _sources(copy)], temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    for stale in target.parent.glob("*.pdf"):  # earlier versions' excerpts are never served again
        if stale != target:
            stale.unlink(missing_ok=True)


def _sources(copy: HeadCopy) -> list[CopyFile]:
    """The files the first pages come from, in page order (a file's pages are known from the catalogue)."""
    chosen: list[CopyFile] = []
    pages = 0
    for file in copy.files:
        if pages >= PREVIEW_PAGES:
            break
        chosen.append(file)
        pages += max(file.pages, 1)
    return chosen
