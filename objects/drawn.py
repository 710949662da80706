"""What a PDF page draws: the resources its content streams name, and every object behind them.

Why by use and not by reach: a page's ``/Resources`` may list far more than the page draws.
Many scanning programs give every page one shared resource dictionary naming all the book's
page images, each page's content drawing only its own; and a page may carry links, thumbnails
and annotations that lead to other pages.  Following every reference from page 1 of such a
book reaches page 120's image.  What page 1 *draws* is its content streams and, recursively,
the resources those streams name (``Do``, ``Tf``, ``gs``, ``cs``, ``scn``, ``sh``, ``BDC``,
inline image colour spaces) — that is what an excerpt keeps (:mod:`objects.excerpt`) and what
its verification (:mod:`objects.excerpt_check`) allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pikepdf

#: Content-stream operators that name a resource: operator → (resource category, operand index).
NAMING_OPERATORS: dict[str, tuple[str, int]] = {
    "Do": ("/XObject", 0), "Tf": ("/Font", 0), "gs": ("/ExtGState", 0), "cs": ("/ColorSpace", 0),
    "CS": ("/ColorSpace", 0), "sh": ("/Shading", 0), "scn": ("/Pattern", -1), "SCN": ("/Pattern", -1),
    "BDC": ("/Properties", 1), "DP": ("/Properties", 1),
}
OPERATORS = " ".join(NAMING_OPERATORS) + " BI ID EI"
#: Page keys that shape what is drawn; everything else of a page (links, annotations, actions,
#: thumbnails, structure, the parent) is left behind.
PAGE_KEYS = ("/MediaBox", "/CropBox", "/Rotate", "/UserUnit", "/Group")
#: Page keys a page inherits from the page tree when it does not set them itself.
INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
MAX_DEPTH = 8  # forms drawn inside forms; deeper nesting is not drawn
ObjGen = tuple[int, int]


def used_names(content: pikepdf.Page | pikepdf.Stream) -> set[tuple[str, str]]:
    """(category, name) of every resource ``content`` (a page's streams or a form's) names."""
    used = set()
    for operands, operator in pikepdf.parse_content_stream(content, OPERATORS):
        op = str(operator)
        if op == "INLINE IMAGE":
            space = operands[0].obj.get("/CS", operands[0].obj.get("/ColorSpace"))
            if isinstance(space, pikepdf.Name):
                used.add(("/ColorSpace", str(space)))
        elif op in NAMING_OPERATORS and operands:
            category, index = NAMING_OPERATORS[op]
            if -len(operands) <= index < len(operands) and isinstance(operands[index], pikepdf.Name):
                used.add((category, str(operands[index])))
    return used


def has_own_content(resource: pikepdf.Object) -> bool:
    """A form XObject or a tiling pattern: a content stream that names resources of its own."""
    if not isinstance(resource, pikepdf.Stream):
        return False
    return resource.get("/Subtype") == pikepdf.Name.Form or resource.get("/PatternType") == 1


def inherited(page: pikepdf.Object, key: str) -> pikepdf.Object | None:
    """``page[key]``, or the nearest ancestor's for an inheritable key."""
    node: pikepdf.Object | None = page
    for _ in range(64):  # a page tree deeper than this is a loop
        if node is None or not isinstance(node, pikepdf.Dictionary):
            return None
        if key in node:
            return node[key]
        if key not in INHERITABLE:
            return None
        node = node.get("/Parent")
    return None


def resource(resources: pikepdf.Object | None, category: str, name: str) -> pikepdf.Object | None:
    """The resource ``name`` of ``category`` in a resource dictionary, or None."""
    if not isinstance(resources, pikepdf.Dictionary):
        return None
    group = resources.get(category)
    return group.get(name) if isinstance(group, pikepdf.Dictionary) else None


def content_streams(page: pikepdf.Object) -> list[pikepdf.Stream]:
    contents = page.get("/Contents")
    items = contents if isinstance(contents, pikepdf.Array) else [contents]
    return [item for item in items if isinstance(item, pikepdf.Stream)]


def drawn_objects(page: pikepdf.Page) -> set[ObjGen]:
    """Every indirect object page ``page`` draws (its content streams, the resources they name, what
    those resources hold), by object number."""
    found: set[ObjGen] = set()
    reach(content_streams(page.obj), found)
    for key in PAGE_KEYS:
        if key in page.obj:
            reach([page.obj[key]], found)
    _drawn_resources(page, inherited(page.obj, "/Resources"), found, 0)
    return found


def _drawn_resources(content: pikepdf.Page | pikepdf.Stream, resources: pikepdf.Object | None,
                     found: set[ObjGen], depth: int) -> None:
    for category, name in used_names(content):
        value = resource(resources, category, name)
        if value is None:
            continue
        if has_own_content(value):
            if value.objgen in found:
                continue
            found.add(value.objgen)
            reach([value[key] for key in value.keys() if key != "/Resources"], found)
            if depth < MAX_DEPTH:
                _drawn_resources(value, value.get("/Resources", resources), found, depth + 1)
        else:
            reach([value], found)


def reach(objects: Iterable[pikepdf.Object], found: set[ObjGen], skip: tuple[str, ...] = ("/Parent",)) -> None:
    """Add to ``found`` every indirect object reachable from ``objects`` (not through ``skip`` keys)."""
    stack = list(objects)
    while stack:
        item = stack.pop()
        if not isinstance(item, pikepdf.Object):  # numbers and booleans come back as Python values
            continue
        if item.is_indirect:
            if item.objgen in found:
                continue
            found.add(item.objgen)
        stack.extend(_children(item, skip))


def _children(item: pikepdf.Object, skip: tuple[str, ...]) -> Iterator[pikepdf.Object]:
    if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
        for key in item.keys():
            if key not in skip:
                yield item[key]
    elif isinstance(item, pikepdf.Array):
        yield from item
