"""Scanned PDFs tangled the ways that make "delete the later pages" leak them: what excerpts are tested on.

Each starts from a generated scan (one JPEG image per page) and adds, with pikepdf:

* outline entries and named destinations to later pages, and a link on page 1 to a later page;
* an attachment, JavaScript run on opening (``/OpenAction``), a form (``/AcroForm``) with a field;
* one resource dictionary shared by every page, naming every page's image (each page draws its own);
* an image drawn on an early page and on a later one (legitimately in the excerpt);
* a form XObject wrapping a page's image, so pruning has to follow forms.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf

from objects import generated

OUTLINE_PAGES = (31, 61, 100)
SHARED_IMAGE_PAGES = (2, 50)  # page 50 draws page 2's image as well as its own
LINKED_PAGE = 61
FORM_PAGE = 3


def tangled_pdf(path: Path, pages: int = 120, *, shared_resources: bool = True) -> Path:
    """A scan of ``pages`` pages with every tangle above (outlines only to pages that exist)."""
    generated.pdf(path, pages=pages)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        images = [page.Resources.XObject["/Im0"] for page in pdf.pages]
        if shared_resources:
            _share_resources(pdf, images)
        if pages >= SHARED_IMAGE_PAGES[1]:
            _draw_also(pdf, SHARED_IMAGE_PAGES[1], images[SHARED_IMAGE_PAGES[0] - 1])
        if pages >= FORM_PAGE:
            _wrap_in_form(pdf, FORM_PAGE)
        _outlines_and_names(pdf, [n for n in OUTLINE_PAGES if n <= pages])
        if pages >= LINKED_PAGE:
            _link(pdf, 1, LINKED_PAGE)
        pdf.attachments["secret.txt"] = pikepdf.AttachedFileSpec(pdf, b"an attachment no excerpt may carry")
        pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('excerpt')")))
        field = pdf.make_indirect(pikepdf.Dictionary(FT=pikepdf.Name.Tx, T=pikepdf.String("name"),
                                                     V=pikepdf.String("secret")))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
        pdf.save(path, deterministic_id=True)
    return Path(path)


def _share_resources(pdf: pikepdf.Pdf, images: list[pikepdf.Stream]) -> None:
    """One /Resources for every page, naming /Im1 ... /ImN; page n's content draws /Imn."""
    shared = pdf.make_indirect(pikepdf.Dictionary(XObject=pikepdf.Dictionary(
        {f"/Im{number}": image for number, image in enumerate(images, 1)})))
    for number, page in enumerate(pdf.pages, 1):
        content = page.Contents.read_bytes().replace(b"/Im0", f"/Im{number}".encode())
        page.Contents = pdf.make_stream(content)
        page.Resources = shared


def _draw_also(pdf: pikepdf.Pdf, number: int, image: pikepdf.Stream) -> None:
    page = pdf.pages[number - 1]
    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(page.Resources.XObject))
    resources.XObject["/Extra"] = image
    page.Resources = resources
    page.Contents = pdf.make_stream(page.Contents.read_bytes() + b"\nq 20 0 0 20 0 0 cm /Extra Do Q\n")


def _wrap_in_form(pdf: pikepdf.Pdf, number: int) -> None:
    """Page ``number`` draws its image through a form XObject (whose resources are the page's, shared)."""
    page = pdf.pages[number - 1]
    box = [float(v) for v in page.mediabox]
    form = pdf.make_stream(page.Contents.read_bytes(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                           BBox=pikepdf.Array(box), Resources=page.Resources)
    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(page.Resources.XObject))
    resources.XObject["/Wrapped"] = form
    page.Resources = resources
    page.Contents = pdf.make_stream(b"/Wrapped Do\n")


def _outlines_and_names(pdf: pikepdf.Pdf, numbers: list[int]) -> None:
    with pdf.open_outline() as outline:
        outline.root.extend(pikepdf.OutlineItem(f"Chapter at page {n}", n - 1) for n in numbers)
    if numbers:
        destinations = pikepdf.Array()
        for number in numbers:
            destinations.extend([pikepdf.String(f"page-{number}"),
                                 pikepdf.Array([pdf.pages[number - 1].obj, pikepdf.Name.Fit])])
        names = pdf.Root.get("/Names") or pikepdf.Dictionary()
        names.Dests = pdf.make_indirect(pikepdf.Dictionary(Names=destinations))
        pdf.Root.Names = names


def _link(pdf: pikepdf.Pdf, number: int, target: int) -> None:
    link = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=pikepdf.Array([0, 0, 50, 50]),
        Dest=pikepdf.Array([pdf.pages[target - 1].obj, pikepdf.Name.Fit])))
    pdf.pages[number - 1].Annots = pikepdf.Array([link])


def image_digests(pdf: pikepdf.Pdf, numbers: range) -> set[str]:
    """SHA-256 of the stored bytes of every image drawn on pages ``numbers`` (1-based), through forms too."""
    found: set[str] = set()
    for number in numbers:
        page = pdf.pages[number - 1]
        found |= set(_drawn_images(page, page.Resources))
    return found


def _drawn_images(content, resources, depth: int = 0):  # type: ignore[no-untyped-def]
    """Digests of the images ``content`` draws with ``Do``: a deliberately simple reading, separate from
    the one the excerpt is built with (objects/drawn.py)."""
    for operands, _ in pikepdf.parse_content_stream(content, "Do"):
        xobject = resources.XObject[operands[0]]
        if xobject.Subtype == pikepdf.Name.Image:
            yield hashlib.sha256(xobject.read_raw_bytes()).hexdigest()
        elif depth < 4:
            yield from _drawn_images(xobject, xobject.get("/Resources", resources), depth + 1)


def stream_digests(pdf: pikepdf.Pdf) -> set[str]:
    """SHA-256 of the stored bytes of every stream object in the file."""
    return {hashlib.sha256(obj.read_raw_bytes()).hexdigest() for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream)}
