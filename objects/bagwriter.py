"""Writing a bag's files: the payload copied and hashed in one pass, then the tag files.

Written by the hub itself rather than with ``bagit.make_bag``, which moves files in place
and changes the process's working folder while it works (unsafe beside a web server's
threads).  What is written here is then validated by bagit in full, so the two
implementations check each other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from objects.bagmanifests import ALGORITHMS

_CHUNK = 1024 * 1024


class BagWriteError(Exception):
    """A bag for a restore could not be written valid; nothing is handed over."""


def write_bag_files(root: Path, files: Sequence[tuple[str, Path]], info: Mapping[str, str],
                  algorithms: Sequence[str]) -> None:
    """Fill the empty folder ``root`` as a bag: ``data/<name>`` for each file, manifests in the given order, tags."""
    unknown = [algorithm for algorithm in algorithms if algorithm not in ALGORITHMS]
    if unknown or not algorithms:
        raise BagWriteError(f"manifest algorithms must be among {', '.join(ALGORITHMS)} (given {list(algorithms)})")
    lines: dict[str, list[str]] = {algorithm: [] for algorithm in algorithms}
    total = 0
    for name, source in files:
        target = root / "data" / _safe_name(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        digests, size = _copied(source, target, algorithms)
        total += size
        for algorithm, digest in digests.items():
            lines[algorithm].append(f"{digest}  data/{name}\n")
    for algorithm, manifest in lines.items():
        (root / f"manifest-{algorithm}.txt").write_text("".join(manifest), encoding="utf-8")
    (root / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")
    tags = {**info, "Bagging-Date": date.today().isoformat(), "Payload-Oxum": f"{total}.{len(files)}"}
    (root / "bag-info.txt").write_text("".join(f"{tag}: {_one_line(value)}\n" for tag, value in tags.items()),
                                       encoding="utf-8")
    for algorithm in algorithms:
        _write_tag_manifest(root, algorithm)


def _copied(source: Path, target: Path, algorithms: Sequence[str]) -> tuple[dict[str, str], int]:
    """Copy ``source`` to ``target`` (a new file), hashing the bytes as they pass; digests and size."""
    hashes = {algorithm: hashlib.new(algorithm) for algorithm in algorithms}
    size = 0
    with source.open("rb") as reader, target.open("xb") as writer:
        while chunk := reader.read(_CHUNK):
            for digest in hashes.values():
                digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    return {algorithm: digest.hexdigest() for algorithm, digest in hashes.items()}, size


def _write_tag_manifest(root: Path, algorithm: str) -> None:
    names = ["bagit.txt", "bag-info.txt", *sorted(path.name for path in root.glob("manifest-*.txt"))]
    lines = [f"{hashlib.new(algorithm, (root / name).read_bytes()).hexdigest()}  {name}\n" for name in names]
    (root / f"tagmanifest-{algorithm}.txt").write_text("".join(lines), encoding="utf-8")


def _safe_name(name: str) -> str:
    """A payload name as given, refused when it would leave ``data/`` or break a manifest line."""
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or any(part in ("", ".", "..") for part in parts) \
            or any(mark in name for mark in ("\n", "\r", "%0A", "%0D", "%0a", "%0d")):
        raise BagWriteError(f"{name!r} cannot be a payload name (absolute, '..', empty parts or line breaks)")
    return name


def _one_line(value: str) -> str:
    return " ".join(str(value).split())
