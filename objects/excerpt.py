"""The excerpt of a preview-24 (or open) copy: a new PDF of the copy's first 24 pages, nothing else.

Why a new document rather than a copy with pages deleted: a PDF with pages removed keeps every
object something still points to, and outlines, named destinations, links and a shared resource
dictionary point at later pages — a 120-page scan "cut" that way kept all 120 page images
(pikepdf issue 196; pypdf's documentation says the same).  So each page is rebuilt here from what
it draws (:mod:`objects.drawn`): its boxes and rotation, its content streams, and only the
resources those streams name.  Outlines, named destinations, attachments, JavaScript, forms,
links and other annotations are never brought over; the document catalog holds the page tree
alone.  Streams keep their bytes as stored (no re-encoding, so nothing is lost and nothing slow
is done).  TIFF and JPEG pages become PDF pages through img2pdf, losslessly: a JPEG is embedded
as it is, a TIFF page as PNG-compressed pixels.

Pages run across the copy's files in page order, so an object of several files gives the first
24 pages of the whole copy.  :func:`build` checks what it wrote (:mod:`objects.excerpt_check`)
before anyone may serve it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pikepdf
import pyvips

from objects import drawn, tiff
from objects.access import PREVIEW_PAGES
from objects.errors import DepositRefused
from objects.excerpt_check import ExcerptError, Taken, verify

#: What reading a source may raise: it cannot be excerpted (the deposit checks make this rare).
UNREADABLE = (pikepdf.PdfError, pyvips.Error, ValueError, OSError, DepositRefused, img2pdf.ImageOpenError,
              img2pdf.AlphaChannelError, img2pdf.JpegColorspaceError, img2pdf.UnsupportedColorspaceError,
              img2pdf.ExifOrientationError, img2pdf.NegativeDimensionError, img2pdf.PdfTooLargeError)


@dataclass(frozen=True)
class SourceFile:
    """One file of the copy, in page order (objects.pages.PageSource is one page of it)."""

    path: Path
    media_type: str
    name: str


def build(sources: Sequence[SourceFile], target: Path, limit: int = PREVIEW_PAGES) -> int:
    """Write to ``target`` a new PDF of the first ``limit`` pages of ``sources``, verify it, and return
    its page count.  Raises :class:`ExcerptError` when a source cannot be read or the result fails
    its verification."""
    document = pikepdf.new()
    taken: list[Taken] = []
    with ExitStack() as opened:
        for source in sources:
            remaining = limit - len(document.pages)
            if remaining <= 0:
                break
            pdf = opened.enter_context(_as_pdf(source, remaining))
            count = min(remaining, len(pdf.pages))
            copier = PageCopier(pdf, document)
            for index in range(count):
                document.pages.append(copier.page(pdf.pages[index]))
            taken.append(Taken(pdf, count, source.name))
        if not taken:
            raise ExcerptError("the copy has no file to take pages from")
        # Streams keep their stored bytes: nothing re-encoded, and the check compares them as they are.
        document.save(target, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                      deterministic_id=True)
        verify(target, len(document.pages), taken)
    return len(document.pages)


class PageCopier:
    """Pages of ``source`` rebuilt, from what they draw, as pages of ``target``.

    A rebuilt page is first assembled inside ``source`` (new dictionaries pointing at the
    source's own images, fonts, colour spaces), then copied over with qpdf's foreign-object copy,
    which carries exactly what the new dictionary reaches and copies a shared object once.
    """

    def __init__(self, source: pikepdf.Pdf, target: pikepdf.Pdf) -> None:
        self.source = source
        self.target = target
        self._rebuilt: dict[tuple[int, int], pikepdf.Stream] = {}

    def page(self, page: pikepdf.Page) -> pikepdf.Page:
        new = pikepdf.Dictionary(Type=pikepdf.Name.Page)
        for key in drawn.PAGE_KEYS:
            value = drawn.inherited(page.obj, key)
            if value is not None:
                new[key] = value
        new.Contents = pikepdf.Array(drawn.content_streams(page.obj))
        new.Resources = self._resources(page, drawn.inherited(page.obj, "/Resources"), 0)
        return pikepdf.Page(self.target.copy_foreign(self.source.make_indirect(new)))

    def _resources(self, content: pikepdf.Page | pikepdf.Stream, resources: pikepdf.Object | None,
                   depth: int) -> pikepdf.Dictionary:
        """Only the resources ``content`` names; forms and tiling patterns rebuilt the same way."""
        kept = pikepdf.Dictionary()
        for category, name in sorted(drawn.used_names(content)):
            value = drawn.resource(resources, category, name)
            if value is None:
                continue
            if drawn.has_own_content(value):
                if depth >= drawn.MAX_DEPTH:
                    continue
                value = self._with_own_content(value, resources, depth + 1)
            if category not in kept:
                kept[category] = pikepdf.Dictionary()
            kept[category][name] = value
        return kept

    def _with_own_content(self, stream: pikepdf.Stream, inherited: pikepdf.Object | None,
                          depth: int) -> pikepdf.Stream:
        """A form or tiling pattern with the same stored bytes and only the resources it draws."""
        if stream.objgen in self._rebuilt:
            return self._rebuilt[stream.objgen]
        new = pikepdf.Stream(self.source, b"")
        self._rebuilt[stream.objgen] = new  # before recursing: a form that draws itself ends here
        new.write(stream.read_raw_bytes(), filter=stream.get("/Filter"), decode_parms=stream.get("/DecodeParms"),
                  type_check=False)
        for key in stream.keys():
            if key not in ("/Length", "/Filter", "/DecodeParms", "/Resources"):
                new[key] = stream[key]
        new.Resources = self._resources(stream, stream.get("/Resources", inherited), depth)
        return new


@contextmanager
def _as_pdf(source: SourceFile, pages: int) -> Iterator[pikepdf.Pdf]:
    """The source as an open PDF: itself, or (images) a PDF made of its first ``pages`` pages."""
    try:
        if source.media_type == "application/pdf":
            pdf = pikepdf.open(source.path)
        elif source.media_type == "image/jpeg":
            pdf = pikepdf.open(io.BytesIO(img2pdf.convert(source.path.read_bytes(), nodate=True)))
        elif source.media_type == "image/tiff":
            pdf = pikepdf.open(io.BytesIO(img2pdf.convert(list(_tiff_pages(source, pages)), nodate=True)))
        else:
            raise ExcerptError(f"{source.name}: pages of {source.media_type} cannot be excerpted")
    except UNREADABLE as exc:
        raise ExcerptError(f"{source.name}: {exc}") from exc
    with pdf:
        yield pdf


def _tiff_pages(source: SourceFile, pages: int) -> Iterator[bytes]:
    """The first ``pages`` pages of a TIFF, each as a PNG (lossless; resolution kept)."""
    for page in tiff.read_pages(source.path, source.name)[:pages]:
        image = pyvips.Image.new_from_file(str(source.path), page=page.directory, access="sequential")
        bits = {"bitdepth": 1} if page.bits == 1 else {}
        yield image.pngsave_buffer(compression=1, **bits)
