"""A bag's manifests, read by the hub itself before the ``bagit`` library sees the bag.

Reading them here first means a manifest line that points outside the bag (``../``, an
absolute path) is refused before any library opens a file on its say-so, and the partner's
digests come back as they are written: the deposit pipeline recomputes SHA-512 and the
partner's own algorithms in one pass over each file, so opening a bag hashes no payload.
Tag manifests are small; they are checked in full here.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from objects.errors import DepositRefused

#: The algorithms the KazNEB profile allows, strongest first (the order page order by manifest prefers).
ALGORITHMS = ("sha512", "sha256", "sha1", "md5")
_HEX_LENGTH = {"sha512": 128, "sha256": 64, "sha1": 40, "md5": 32}
_MANIFEST_NAME = re.compile(r"(tag)?manifest-(.+)\.txt")


@dataclass(frozen=True)
class Manifests:
    """Path inside the bag (``data/p001.tif``) → digest, per algorithm, in the order of the lines."""

    payload: dict[str, dict[str, str]]
    tags: dict[str, dict[str, str]]

    def digests_of(self, path: str) -> dict[str, str]:
        return {algorithm: entries[path] for algorithm, entries in self.payload.items() if path in entries}

    def in_manifest_order(self) -> list[str]:
        """The payload paths in the order of the strongest manifest given."""
        strongest = next(algorithm for algorithm in ALGORITHMS if algorithm in self.payload)
        return list(self.payload[strongest])


def read_manifests(root: Path, subject: str) -> Manifests:
    """Every ``manifest-*.txt`` and ``tagmanifest-*.txt`` of the bag at ``root``, checked line by line."""
    encoding = _tag_file_encoding(root, subject)
    payload: dict[str, dict[str, str]] = {}
    tags: dict[str, dict[str, str]] = {}
    for path in sorted(root.glob("*manifest-*.txt")):
        found = _MANIFEST_NAME.fullmatch(path.name)
        if not found:
            continue
        algorithm = found.group(2)
        if algorithm not in ALGORITHMS:
            raise DepositRefused(f"{subject}: {path.name}", f"the {algorithm!r} algorithm is not accepted; "
                                 f"use {', '.join(ALGORITHMS)}")
        entries = _read_manifest(path, algorithm, encoding, f"{subject}: {path.name}")
        (tags if found.group(1) else payload)[algorithm] = entries
    if not payload:
        raise DepositRefused(subject, "has no payload manifest (manifest-sha512.txt or another allowed algorithm)")
    _check_payload_entries(payload, subject)
    return Manifests(payload=payload, tags=tags)


def check_tag_manifests(root: Path, manifests: Manifests, subject: str) -> None:
    """Recompute the digest of every tag file a tag manifest lists (they are small)."""
    for algorithm, entries in manifests.tags.items():
        for name, expected in entries.items():
            path = root / name
            if name.startswith("data/"):
                raise DepositRefused(f"{subject}: {name}", f"tagmanifest-{algorithm}.txt may list only tag files, "
                                     "not files under data/")
            if not path.is_file():
                raise DepositRefused(f"{subject}: {name}", f"listed in tagmanifest-{algorithm}.txt but missing")
            with path.open("rb") as handle:
                found = hashlib.file_digest(handle, algorithm).hexdigest()
            if found != expected:
                raise DepositRefused(f"{subject}: {name}", f"checksum mismatch ({algorithm}): the file differs "
                                     f"from tagmanifest-{algorithm}.txt")


def _read_manifest(path: Path, algorithm: str, encoding: str, where: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    try:
        lines = path.read_text(encoding=encoding).removeprefix("\ufeff").splitlines()
    except (UnicodeDecodeError, LookupError):
        raise DepositRefused(where, f"cannot be read as {encoding}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split(None, 1)
        digest, name = fields[0], fields[1].strip().lstrip("*") if len(fields) == 2 else ""
        if not name or not re.fullmatch(rf"[0-9a-fA-F]{{{_HEX_LENGTH[algorithm]}}}", digest):
            raise DepositRefused(where, f"line {number} is not '<{algorithm} digest> <path>'")
        if _leaves_the_bag(name):
            raise DepositRefused(f"{where}: {name}", "the path leaves the bag (absolute, or with '..'); "
                                 "every path must stay inside the bag")
        if re.search("%0[AD]", name, flags=re.I):
            raise DepositRefused(f"{where}: {name}", "a path with a line break (%0A, %0D) is not accepted")
        name = _normalised(name)
        if name in entries:
            raise DepositRefused(f"{where}: {name}", "listed twice")
        entries[name] = digest.lower()
    return entries


def _check_payload_entries(payload: dict[str, dict[str, str]], subject: str) -> None:
    """Payload manifests list files under data/, and every one lists every payload file (RFC 8493 §2.1.3)."""
    every = {name for entries in payload.values() for name in entries}
    for name in sorted(every):
        if not name.startswith("data/"):
            raise DepositRefused(f"{subject}: {name}", "a payload manifest may list only files under data/")
        for algorithm, entries in payload.items():
            if name not in entries:
                raise DepositRefused(f"{subject}: {name}", f"not listed in manifest-{algorithm}.txt; every "
                                     "payload manifest must list every payload file")


def _leaves_the_bag(name: str) -> bool:
    parts = re.split(r"[\\/]", name)
    return name.startswith(("/", "\\", "~")) or ":" in parts[0] or ".." in parts


def _normalised(name: str) -> str:
    """The path as bagit keys it (``os.path.normpath``): no empty or ``.`` parts."""
    return "/".join(part for part in name.split("/") if part not in ("", "."))


def _tag_file_encoding(root: Path, subject: str) -> str:
    bagit_txt = root / "bagit.txt"
    if not bagit_txt.is_file():
        raise DepositRefused(subject, "is not a bag: it has no bagit.txt")
    text = bagit_txt.read_bytes().decode("utf-8", errors="replace")
    found = re.search(r"^Tag-File-Character-Encoding:\s*(\S+)", text, flags=re.M)
    encoding = found.group(1) if found else "UTF-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DepositRefused(f"{subject}: bagit.txt", f"unknown Tag-File-Character-Encoding {encoding!r}") from None
    return encoding
