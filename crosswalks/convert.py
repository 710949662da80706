"""Converting files of records as the hub would publish them (``kazneb crosswalk``).

Partners use it to see what the hub will make of their data, so a record is rendered as
the hub would publish it: with its access level and the statements that go with it, and
a warning, as ingest gives, about records without an identifier.  Each failure is
written to ``err`` with its file, record position and reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from crosswalks.files import read_file
from crosswalks.formats import FORMATS
from crosswalks.model import CanonicalRecord
from crosswalks.namespaces import MARC_NS, MODS_NS

TARGETS = (*FORMATS, "json")
SOURCES = ("auto", "marc21", "marcxml", "oai_dc", "mods", "oai")
_COLLECTIONS = {
    "oai_dc": ("<collection>", "</collection>"),  # oai_dc has no collection element of its own
    "marcxml": (f'<marc:collection xmlns:marc="{MARC_NS}">', "</marc:collection>"),
    "mods": (f'<mods:modsCollection xmlns:mods="{MODS_NS}">', "</mods:modsCollection>"),
}


def render(record: CanonicalRecord, target: str) -> str:
    """One record in the target format (json: the canonical record as the store keeps it)."""
    if target == "json":
        return json.dumps(record.to_dict(), ensure_ascii=False)
    return FORMATS[target].render(record)


#: (source sets, rights statements) → the level the hub would publish a record at.
LevelFor = Callable[[list[str], list[str]], str]


def convert(paths: list[Path], source: str, target: str, out: TextIO, err: TextIO,
            encoding: str | None = None, level_for: LevelFor | None = None,
            partner_id: str | None = None) -> tuple[int, int]:
    """Convert every record of every file as the hub would publish it; returns (converted, failed).

    ``level_for`` gives each record its access level (None: none, as a bare crosswalk);
    ``partner_id`` is written into the record's source as ingest writes it."""
    converted = failed = 0
    head, tail = _COLLECTIONS.get(target, ("", ""))
    if head:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n")
    for path in paths:
        file_format = None if source in ("auto", "oai", "marcxml", "oai_dc", "mods") else source
        seen = 0
        for result in read_file(path, format=file_format, encoding=encoding):
            seen += 1
            if result.deleted:
                continue
            if result.record is None:
                failed += 1
                err.write(f"{path}: {result.describe()}\n")
                continue
            if not result.identifier:
                err.write(f"{path}: record {result.position}: warning: no identifier; the hub keys it by a digest "
                          "of its content (a corrected record becomes a new one)\n")
            publishable(result, level_for, partner_id)
            try:
                text = render(result.record, target)
            except (ValueError, KeyError, TypeError) as exc:  # a record no writer can express
                failed += 1
                err.write(f"{path}: record {result.position}: cannot write {target}: {exc}\n")
                continue
            out.write(text + "\n")
            converted += 1
        if not seen:
            err.write(f"{path}: no records (an empty OAI-PMH response or collection)\n")
    if tail:
        out.write(tail + "\n")
    return converted, failed


def publishable(result, level_for: LevelFor | None, partner_id: str | None) -> None:  # type: ignore[no-untyped-def]
    """Give a read record what the store gives it before publishing: its partner and level."""
    if partner_id:
        result.record.source.partner = partner_id
    if level_for is not None:
        result.record.access = level_for(list(result.sets or []), list(result.record.rights))
