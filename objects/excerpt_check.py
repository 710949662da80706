"""The check every excerpt passes before it is served: its pages, its catalog, and nothing of later pages.

Why a check after building: the excerpt is made so that nothing beyond its pages can come along
(:mod:`objects.excerpt`), but a hostile or odd source (an image whose dictionary points at
another page, a font with resources of its own) could still drag something in.  So the written
file is read back and refused unless:

* it has exactly the expected number of pages, and no other page object;
* its catalog holds the page tree alone, and no object holds an outline, a name tree, an
  attachment, JavaScript, a form, an action or an annotation;
* none of its streams has the bytes of a stream of the source that the excerpt's pages do not
  draw: every image, content stream, font or attachment reachable from the later pages or from
  the source's catalog (outlines, names, forms...).  Streams are compared by their stored bytes;
  lengths are compared first, so a 300 MB source is not read whole for a 24-page excerpt.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from objects import drawn

#: Keys that carry something other than drawn pages; none may appear anywhere in an excerpt.
FORBIDDEN_KEYS = frozenset({"/Outlines", "/Names", "/Dests", "/AcroForm", "/OpenAction", "/AA", "/JS",
                            "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/Annots", "/URI",
                            "/StructTreeRoot", "/Threads", "/Collection"})
CATALOG_KEYS = frozenset({"/Type", "/Pages"})


class ExcerptError(Exception):
    """An excerpt could not be made from a copy, or what was made failed its check: it is not served."""


@dataclass(frozen=True)
class Taken:
    """A source (open) and how many of its first pages went into the excerpt."""

    pdf: pikepdf.Pdf
    pages: int
    name: str


def verify(path: Path, expected_pages: int, taken: list[Taken]) -> None:
    """Raise :class:`ExcerptError` unless the excerpt at ``path`` passes every check above."""
    with pikepdf.open(path) as excerpt:
        if len(excerpt.pages) != expected_pages:
            raise ExcerptError(f"the excerpt has {len(excerpt.pages)} pages, not {expected_pages}")
        extra = set(excerpt.Root.keys()) - CATALOG_KEYS
        if extra:
            raise ExcerptError(f"the excerpt's catalog holds {', '.join(sorted(extra))}")
        streams = _check_objects(excerpt, expected_pages)
    for source in taken:
        leaked = _undrawn_streams_in(source, streams)
        if leaked:
            raise ExcerptError(f"{source.name}: {leaked} stream(s) of what its first {source.pages} pages do not "
                               "draw found their way into the excerpt")


def _check_objects(excerpt: pikepdf.Pdf, expected_pages: int) -> dict[int, set[bytes]]:
    """Check every object of the file; return the digests of its streams by stored length."""
    streams: dict[int, set[bytes]] = defaultdict(set)
    page_objects = 0
    for item in excerpt.objects:
        if not isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
            continue
        found = FORBIDDEN_KEYS.intersection(item.keys())
        if found:
            raise ExcerptError(f"the excerpt holds {', '.join(sorted(found))} (object {item.objgen[0]})")
        page_objects += item.get("/Type") == pikepdf.Name.Page
        if isinstance(item, pikepdf.Stream):
            raw = item.read_raw_bytes()
            streams[len(raw)].add(_digest(raw))
    if page_objects != expected_pages:
        raise ExcerptError(f"the excerpt holds {page_objects} page objects for {expected_pages} pages")
    return streams


def _undrawn_streams_in(source: Taken, excerpt_streams: dict[int, set[bytes]]) -> int:
    """How many streams of ``source`` that its first pages do not draw have their bytes in the excerpt."""
    pdf = source.pdf
    allowed: set[drawn.ObjGen] = set()
    for page in pdf.pages[:source.pages]:
        allowed |= drawn.drawn_objects(page)
    others: set[drawn.ObjGen] = set()
    seeds = [page.obj for page in pdf.pages[source.pages:]]
    seeds += [pdf.Root[key] for key in pdf.Root.keys() if key != "/Pages"]
    drawn.reach(seeds, others)
    allowed_digests = {_digest(pdf.get_object(og).read_raw_bytes()) for og in allowed
                       if _is_stream(pdf, og) and _length(pdf.get_object(og)) in excerpt_streams}
    leaked = 0
    for objgen in others - allowed:
        if not _is_stream(pdf, objgen):
            continue
        stream = pdf.get_object(objgen)
        candidates = excerpt_streams.get(_length(stream))
        if candidates:
            digest = _digest(stream.read_raw_bytes())
            leaked += digest in candidates and digest not in allowed_digests
    return leaked


def _is_stream(pdf: pikepdf.Pdf, objgen: drawn.ObjGen) -> bool:
    return isinstance(pdf.get_object(objgen), pikepdf.Stream)


def _length(stream: pikepdf.Stream) -> int:
    """The stored length as the stream's dictionary says (no data read)."""
    try:
        return int(stream.get("/Length", -1))
    except (TypeError, ValueError):
        return len(stream.read_raw_bytes())


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()
