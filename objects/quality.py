"""Quality checks on arrival: resolution, bit depth, page count, blank and duplicate pages.

Why findings rather than exceptions: a deposit may have many small faults, and the partner
librarian should learn of all of them at once.  Each check yields findings; the settings say
which are warnings (kept, and reported) and which are refusals (the deposit is refused).
Resolution and bit depth are read from headers and tags (:mod:`objects.scan`); blank and
duplicate pages are judged on small thumbnails, one page at a time (:mod:`objects.thumbnails`),
so memory stays flat whatever the size of the files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from PIL import Image, ImageChops, ImageStat

from kazneb.config import ConfigError, Settings
from objects import jpeg, pdf, tiff
from objects.content import InspectedFile
from objects.errors import DepositRefused
from objects.findings import Finding, QualityReport
from objects.scan import Scan
from objects.thumbnails import thumbnails

__all__ = ["Finding", "QualityReport", "QualityThresholds", "check_quality"]

POLICIES = ("warn", "refuse", "ignore")
SEVERITY = {"warn": "warning", "refuse": "refusal"}
#: A page is blank when its thumbnail's grey levels (0-255), margins left out, vary less than this.
BLANK_DEVIATION = 2.0
#: The share of each side left out when judging blankness: scanner edges and shadows are not content.
BLANK_MARGIN = 0.05
#: Two pages are the same when no pixel of their thumbnails differs by more than this (JPEG noise).
DUPLICATE_TOLERANCE = 16
#: Media type -> how a file's pages record their resolution and bit depth.
SCANS: dict[str, Callable[..., list[Scan]]] = {
    "application/pdf": pdf.scans,
    "image/tiff": tiff.scans,
    "image/jpeg": jpeg.scans,
}


@dataclass(frozen=True)
class QualityThresholds:
    """The ``quality.*`` settings.  A number of 0 and the policy "ignore" turn a check off."""

    warn_dpi: int = 300
    refuse_dpi: int = 150
    warn_bit_depth: int = 8
    refuse_bit_depth: int = 0
    blank_pages: str = "warn"
    duplicate_pages: str = "warn"
    page_count: str = "warn"

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if field.type == "str" and value not in POLICIES:
                raise ConfigError(f"quality.{field.name} must be one of {', '.join(POLICIES)}, not {value!r}")
            if field.type == "int" and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise ConfigError(f"quality.{field.name} must be a whole number, 0 or more, not {value!r}")

    @classmethod
    def from_settings(cls, settings: Settings | Mapping[str, Any]) -> QualityThresholds:
        """The thresholds from ``settings["quality.warn_dpi"]`` and the rest."""
        return cls(**{field.name: settings[f"quality.{field.name}"] for field in fields(cls)})


def check_quality(files: Sequence[InspectedFile], thresholds: QualityThresholds,
                  record_pages: int | None) -> QualityReport:
    """Every finding on ``files``, given in reading order (pages run on from one file to the next).

    Findings come file by file, each file's by page (whole-file findings first).
    """
    findings = list(page_count_findings(files, thresholds, record_pages))
    pictures = PictureChecks(thresholds)
    for file in files:
        of_file = dict.fromkeys([*scan_findings(file, thresholds), *pictures.findings(file)])  # said once each
        findings += sorted(of_file, key=lambda finding: finding.page or 0)
    return QualityReport(findings)


def page_count_findings(files: Sequence[InspectedFile], thresholds: QualityThresholds,
                        record_pages: int | None) -> Iterator[Finding]:
    """The pages of all files against the record's extent, when both are known."""
    pages = sum(file.pages for file in files)
    if thresholds.page_count == "ignore" or not record_pages or not files or pages == record_pages:
        return
    subject = files[0].name if len(files) == 1 else "deposit"
    counted = f"{subject} has {pages} pages" if len(files) == 1 else f"The {len(files)} files have {pages} pages"
    yield Finding(subject, None, "page_count", SEVERITY[thresholds.page_count],
                  f"{counted}, but the record gives {record_pages}.")


def scan_findings(file: InspectedFile, thresholds: QualityThresholds) -> Iterator[Finding]:
    """Resolution and bit depth of each scanned page against the thresholds."""
    try:
        scans = SCANS[file.media_type](file.path, file.name)
    except DepositRefused as refused:
        yield _unreadable(refused)
        return
    for scan in scans:
        yield from _dpi_findings(file.name, scan, thresholds)
        severity, limit = _below(scan.bits, thresholds.warn_bit_depth, thresholds.refuse_bit_depth)
        if severity:
            yield Finding(file.name, scan.page, "bit_depth", severity, f"{file.name} page {scan.page}: "
                          f"{_bits(scan.bits)}, below the {limit} {_judged(severity)}.")


def _dpi_findings(name: str, scan: Scan, thresholds: QualityThresholds) -> Iterator[Finding]:
    where = f"{name} page {scan.page}"
    if scan.dpi is None:
        if thresholds.warn_dpi or thresholds.refuse_dpi:
            yield Finding(name, scan.page, "dpi", "warning",
                          f"{where}: the file does not record its resolution (dpi), so it cannot be checked.")
        return
    dpi = round(scan.dpi)  # a PDF's placed size gives 299.99... for 300
    severity, limit = _below(dpi, thresholds.warn_dpi, thresholds.refuse_dpi)
    if severity:
        yield Finding(name, scan.page, "dpi", severity, f"{where}: {dpi} dpi, below the {limit} dpi "
                      f"{_judged(severity)}.")


class PictureChecks:
    """Blank pages, and pages the same as the one before, judged on thumbnails.

    One per deposit: it remembers the last page seen, so the first page of a file is
    compared with the last page of the file before (``p2.jpg`` with ``p1.jpg``).
    """

    def __init__(self, thresholds: QualityThresholds) -> None:
        self.blank, self.duplicate = thresholds.blank_pages, thresholds.duplicate_pages
        self.previous: tuple[str, int, Image.Image] | None = None  # file, page, thumbnail; None after a blank

    def findings(self, file: InspectedFile) -> Iterator[Finding]:
        if self.blank == "ignore" and self.duplicate == "ignore":
            return
        try:
            for number, picture in thumbnails(file):
                yield from self._judge(file.name, number, picture)
        except DepositRefused as refused:
            self.previous = None
            yield _unreadable(refused)

    def _judge(self, name: str, number: int, picture: Image.Image) -> Iterator[Finding]:
        if is_blank(picture):
            if self.blank != "ignore":
                yield Finding(name, number, "blank_pages", SEVERITY[self.blank],
                              f"{name} page {number} looks blank (nothing on it but the paper).")
            self.previous = None  # two blank pages in a row are not a duplicate
            return
        if self.previous and self.duplicate != "ignore" and is_same(self.previous[2], picture):
            before_name, before_number, _ = self.previous
            before = f"page {before_number}" if before_name == name else f"{before_name} page {before_number}"
            yield Finding(name, number, "duplicate_pages", SEVERITY[self.duplicate],
                          f"{name} page {number} is the same as {before}.")
        self.previous = (name, number, picture)


def is_blank(picture: Image.Image) -> bool:
    """Nothing but paper: grey levels inside the margins hardly vary."""
    left, top = round(picture.width * BLANK_MARGIN), round(picture.height * BLANK_MARGIN)
    inner = picture.crop((left, top, max(left + 1, picture.width - left), max(top + 1, picture.height - top)))
    return ImageStat.Stat(inner).stddev[0] < BLANK_DEVIATION


def is_same(one: Image.Image, other: Image.Image) -> bool:
    """Same size and no pixel differing by more than :data:`DUPLICATE_TOLERANCE` grey levels."""
    if one.size != other.size:
        return False
    return ImageChops.difference(one, other).getextrema()[1] <= DUPLICATE_TOLERANCE


def _below(value: int | None, warn: int, refuse: int) -> tuple[str | None, int]:
    """("refusal" | "warning" | None, the threshold crossed); a threshold of 0 never applies."""
    if value is None:
        return None, 0
    if refuse and value < refuse:
        return "refusal", refuse
    if warn and value < warn:
        return "warning", warn
    return None, 0


def _judged(severity: str) -> str:
    return "the hub accepts" if severity == "refusal" else "recommended"


def _bits(bits: int | None) -> str:
    return "1 bit per sample (black and white)" if bits == 1 else f"{bits} bits per sample"


def _unreadable(refused: DepositRefused) -> Finding:
    return Finding(refused.subject, None, "readable", "refusal", f"{refused.subject} {refused.reason}")
