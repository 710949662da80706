"""Namespace URIs and schema locations are spelt once, in crosswalks/namespaces.py."""

from __future__ import annotations

from pathlib import Path

from crosswalks import namespaces

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("crosswalks", "harvester", "repository", "search", "web", "kazneb")


def _uris() -> set[str]:
    return {value for name, value in vars(namespaces).items()
            if name.isupper() and isinstance(value, str) and value.startswith("http")}


def test_no_module_spells_a_namespace_of_its_own() -> None:
    spelt = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "crosswalks" / "namespaces.py":
                continue
            text = path.read_text(encoding="utf-8")
            spelt += [f"{path.relative_to(ROOT)}: {uri}" for uri in _uris() if uri in text]
    assert spelt == []
