"""The one decision: may this route give this part of a copy at this level?

Every route that serves anything of a deposited copy (the reading page, the IIIF manifest and
image service, downloads, the excerpt, thumbnails, the authorization probe) asks
:func:`decide` and serves nothing it was not allowed.  The rules are one table, read as the
partner agreement states them: *open* copies are read and downloaded whole; *read-only* copies
are read online, nothing is downloaded; *preview-24* copies are read online and their first
24 pages may be copied.  A withdrawn copy is served nowhere.  Only the copy's own files are
ever served (never the consent, the hub's metadata file or an agreement); anything the table
does not name is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Routes, by what they hand over.
VIEW, MANIFEST, IMAGE, THUMBNAIL, DOWNLOAD, EXCERPT, PROBE = (
    "view", "manifest", "image", "thumbnail", "download", "excerpt", "probe")
#: The only role of file a route may serve.
PAYLOAD = "payload"
#: How many pages a preview-24 copy lets a reader copy.
PREVIEW_PAGES = 24

#: (level, route) → allowed.  Images of read-only and preview-24 copies are capped (see ``decide``).
RULES: dict[tuple[str, str], bool] = {
    ("open", VIEW): True, ("read-only", VIEW): True, ("preview-24", VIEW): True,
    ("open", MANIFEST): True, ("read-only", MANIFEST): True, ("preview-24", MANIFEST): True,
    ("open", IMAGE): True, ("read-only", IMAGE): True, ("preview-24", IMAGE): True,
    ("open", THUMBNAIL): True, ("read-only", THUMBNAIL): True, ("preview-24", THUMBNAIL): True,
    ("open", DOWNLOAD): True, ("read-only", DOWNLOAD): False, ("preview-24", DOWNLOAD): False,
    ("open", EXCERPT): True, ("read-only", EXCERPT): False, ("preview-24", EXCERPT): True,
    ("open", PROBE): True, ("read-only", PROBE): True, ("preview-24", PROBE): True,
}
#: Levels whose page images are served no larger than the configured cap.
CAPPED_LEVELS = ("read-only", "preview-24")


@dataclass(frozen=True)
class Decision:
    """Allowed or not, why (a key the pages translate into kk/ru/en), and for images the largest
    side in pixels a response may have (None: the original's full resolution)."""

    allowed: bool
    reason: str
    max_side: int | None = None


def decide(level: str, withdrawn: bool, route: str, role: str = PAYLOAD, cap: int | None = None) -> Decision:
    """The decision for one request.  ``cap`` is the long side of a capped page image."""
    if route == PROBE:  # the probe answers for every copy, withdrawn ones included: it says what is allowed
        return Decision(True, "withdrawn" if withdrawn else f"level:{level}")
    if role != PAYLOAD:
        return Decision(False, "not-a-copy-file")
    if withdrawn:
        return Decision(False, "withdrawn")
    if not RULES.get((level, route), False):
        return Decision(False, f"{route}-not-allowed:{level}" if (level, route) in RULES else "unknown")
    capped = route in (IMAGE, THUMBNAIL) and level in CAPPED_LEVELS
    return Decision(True, f"level:{level}", cap if capped else None)
