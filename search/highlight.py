"""Highlights made in Python from the query's keys, so every engine marks the same words."""

from __future__ import annotations

import html
import re
from typing import Any

from search import text
from search.query import Node, positive_terms

SNIPPET_WORDS = 30
WORD_OR_GAP = re.compile(r"\w+|\W+", re.UNICODE)


def query_keys(node: Node) -> set[str]:
    """Every key of every word the query asks for."""
    keys: set[str] = set()
    for term in positive_terms(node):
        keys.update(term.exact)
        keys.update(term.stem)
    return keys


def highlight(doc: dict[str, Any], keys: set[str]) -> dict[str, str]:
    """HTML-escaped title/description/creators/subjects with matching words in ``<mark>``."""
    found: dict[str, str] = {}
    if not keys:
        return found
    for name, value in (("title", doc.get("title") or ""),
                        ("creators", "; ".join(doc.get("creators") or [])),
                        ("subjects", "; ".join(doc.get("subjects") or [])),
                        ("description", doc.get("description") or "")):
        marked = _mark(value, keys, snippet=(name == "description"))
        if marked is not None:
            found[name] = marked
    return found


def _mark(value: str, keys: set[str], snippet: bool) -> str | None:
    parts = WORD_OR_GAP.findall(value)
    hits = [i for i, part in enumerate(parts) if part[0].isalnum() or part[0] == "_"
            if text.exact_key(part) in keys or text.stem_key(part) in keys]
    if not hits:
        return None
    start, end = 0, len(parts)
    if snippet and len(parts) > 2 * SNIPPET_WORDS:
        start = max(0, hits[0] - SNIPPET_WORDS)
        end = min(len(parts), hits[0] + 2 * SNIPPET_WORDS)
    hit_set = set(hits)
    out = ["…" if start > 0 else ""]
    for i in range(start, end):
        escaped = html.escape(parts[i])
        out.append(f"<mark>{escaped}</mark>" if i in hit_set else escaped)
    out.append("…" if end < len(parts) else "")
    return "".join(out)
