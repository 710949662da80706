"""Quality checks on generated files: each check warns, refuses or keeps quiet as the thresholds say."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from kazneb.config import ConfigError, load_settings
from objects import generated
from objects.content import InspectedFile, inspect_file
from objects.errors import DepositRefused
from objects.pdf import PlacedImage, page_scan
from objects.quality import Finding, QualityReport, QualityThresholds, check_quality

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = QualityThresholds()
QUIET = QualityThresholds(warn_dpi=0, refuse_dpi=0, warn_bit_depth=0, blank_pages="ignore",
                          duplicate_pages="ignore", page_count="ignore")


def findings(paths: list[Path], thresholds: QualityThresholds = DEFAULT,
             record_pages: int | None = None) -> list[tuple[str, int | None, str, str]]:
    report = check_quality([inspect_file(path) for path in paths], thresholds, record_pages)
    return [(finding.file, finding.page, finding.check, finding.severity) for finding in report.findings]


def messages(paths: list[Path], thresholds: QualityThresholds = DEFAULT) -> list[str]:
    return [finding.message for finding in check_quality([inspect_file(path) for path in paths], thresholds,
                                                           None).findings]


# -- thresholds --------------------------------------------------------------------------------------

def test_thresholds_from_the_default_settings() -> None:
    assert QualityThresholds.from_settings(load_settings()) == QualityThresholds()


def test_thresholds_from_changed_settings() -> None:
    settings = load_settings(overrides={"quality.refuse_dpi": 0, "quality.blank_pages": "refuse"})
    thresholds = QualityThresholds.from_settings(settings)
    assert (thresholds.refuse_dpi, thresholds.blank_pages) == (0, "refuse")


@pytest.mark.parametrize("wrong", [{"blank_pages": "warning"}, {"page_count": ""}, {"warn_dpi": -1},
                                   {"refuse_dpi": "150"}, {"warn_bit_depth": True}])
def test_a_wrong_threshold_is_a_config_error_naming_the_setting(wrong: dict) -> None:
    values = {f"quality.{name}": value for name, value in {**QualityThresholds().__dict__, **wrong}.items()}
    with pytest.raises(ConfigError, match=f"quality.{next(iter(wrong))} must be"):
        QualityThresholds.from_settings(values)


# -- a good book has no findings ---------------------------------------------------------------------

def test_a_good_book_in_each_type_has_no_finding(tmp_path: Path) -> None:
    book = [generated.pdf(tmp_path / "book.pdf", pages=12), generated.tiff(tmp_path / "book.tif", pages=6),
            *generated.jpeg_pages(tmp_path / "jpeg", pages=6, color=True)]
    assert findings(book, record_pages=24) == []


def test_a_born_digital_pdf_is_not_judged_on_dpi_nor_taken_for_blank(tmp_path: Path) -> None:
    assert findings([generated.born_digital_pdf(tmp_path / "report.pdf", pages=3)]) == []


# -- resolution --------------------------------------------------------------------------------------

def test_a_low_resolution_tiff_is_warned_page_by_page(tmp_path: Path) -> None:
    path = generated.tiff(tmp_path / "p007.tif", pages=2, dpi=200)
    assert messages([path]) == ["p007.tif page 1: 200 dpi, below the 300 dpi recommended.",
                                "p007.tif page 2: 200 dpi, below the 300 dpi recommended."]


def test_a_very_low_resolution_jpeg_is_refused(tmp_path: Path) -> None:
    [page] = generated.jpeg_pages(tmp_path, pages=1, dpi=120)
    assert messages([page]) == ["p1.jpg page 1: 120 dpi, below the 150 dpi the hub accepts."]


def test_the_dpi_of_a_pdf_image_is_its_pixels_over_its_placed_size(tmp_path: Path) -> None:
    assert findings([generated.pdf(tmp_path / "book.pdf", pages=2, dpi=200)]) == [
        ("book.pdf", 1, "dpi", "warning"), ("book.pdf", 2, "dpi", "warning")]
    assert findings([generated.pdf(tmp_path / "low.pdf", pages=1, dpi=100)]) == [("low.pdf", 1, "dpi", "refusal")]


def test_a_refuse_dpi_of_zero_never_refuses_and_zero_thresholds_never_warn(tmp_path: Path) -> None:
    path = generated.tiff(tmp_path / "p.tif", pages=1, dpi=100)
    assert findings([path], QualityThresholds(refuse_dpi=0)) == [("p.tif", 1, "dpi", "warning")]
    assert findings([path], QualityThresholds(warn_dpi=0, refuse_dpi=0)) == []


def test_a_page_that_does_not_record_its_resolution_is_warned(tmp_path: Path) -> None:
    [page] = generated.jpeg_pages(tmp_path, pages=1, dpi=None)
    assert messages([page]) == ["p1.jpg page 1: the file does not record its resolution (dpi), so it cannot be "
                                "checked."]
    assert findings([page], QualityThresholds(warn_dpi=0, refuse_dpi=0)) == []


def test_images_in_forms_and_inline_images_are_measured_where_they_are_placed(tmp_path: Path) -> None:
    document = pikepdf.new()
    page = document.add_blank_page(page_size=(100, 200))
    form = document.make_stream(b"q 50 0 0 100 0 0 cm BI /W 100 /H 200 /BPC 8 /CS /G ID " + bytes(range(200)) * 100
                                + b" EI Q", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                                BBox=[0, 0, 100, 200], Matrix=[2, 0, 0, 2, 0, 0])
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=form))
    page.Contents = document.make_stream(b"q /Fm0 Do Q")
    document.save(tmp_path / "form.pdf")
    # 100 x 200 pixels drawn 50 x 100 points by cm, then doubled by the form's matrix: 72 dpi
    assert messages([tmp_path / "form.pdf"]) == ["form.pdf page 1: 72 dpi, below the 150 dpi the hub accepts."]


def test_a_pdf_page_is_judged_on_its_scan_not_on_a_logo_and_on_the_best_of_its_layers() -> None:
    page_area = 500.0 * 700.0
    logo = PlacedImage(area=50 * 50, dpi=72, bits=8)
    assert page_scan(1, [logo], page_area) is None
    background, text_mask = PlacedImage(page_area, 150, 8), PlacedImage(page_area, 600, 1)
    scan = page_scan(2, [logo, background, text_mask], page_area)
    assert (scan.page, scan.dpi, scan.bits) == (2, 600, 8)


# -- bit depth ---------------------------------------------------------------------------------------

def test_a_black_and_white_tiff_and_pdf_are_warned(tmp_path: Path) -> None:
    tif = generated.tiff(tmp_path / "bw.tif", pages=1, bits=1, compression="ccittfax4")
    pdf = generated.pdf(tmp_path / "bw.pdf", pages=1, bits=1)
    assert messages([tif, pdf]) == [
        "bw.tif page 1: 1 bit per sample (black and white), below the 8 recommended.",
        "bw.pdf page 1: 1 bit per sample (black and white), below the 8 recommended."]


def test_bit_depth_refused_or_ignored_as_set(tmp_path: Path) -> None:
    tif = generated.tiff(tmp_path / "bw.tif", pages=1, bits=1, compression="ccittfax4")
    assert findings([tif], QualityThresholds(refuse_bit_depth=8)) == [("bw.tif", 1, "bit_depth", "refusal")]
    assert findings([tif], QualityThresholds(warn_bit_depth=0)) == []


# -- page count --------------------------------------------------------------------------------------

def test_the_page_count_against_the_records_extent(tmp_path: Path) -> None:
    path = generated.tiff(tmp_path / "book.tif", pages=3)
    assert messages([path], QualityThresholds()) == []  # no extent: nothing to compare
    report = check_quality([inspect_file(path)], QualityThresholds(), 5)
    assert [(f.file, f.page, f.check, f.severity, f.message) for f in report.findings] == [
        ("book.tif", None, "page_count", "warning", "book.tif has 3 pages, but the record gives 5.")]
    assert findings([path], QualityThresholds(page_count="refuse"), 5) == [("book.tif", None, "page_count",
                                                                             "refusal")]
    assert findings([path], QualityThresholds(page_count="ignore"), 5) == []
    assert findings([path], QualityThresholds(), 3) == []


def test_the_page_count_of_a_deposit_of_many_files(tmp_path: Path) -> None:
    pages = generated.jpeg_pages(tmp_path, pages=4)
    report = check_quality([inspect_file(page) for page in pages], QualityThresholds(), 6)
    assert [(f.file, f.message) for f in report.findings] == [("deposit", "The 4 files have 4 pages, but the "
                                                                            "record gives 6.")]


# -- blank pages -------------------------------------------------------------------------------------

@pytest.mark.parametrize("policy, expected", [("warn", [("book.pdf", 3, "blank_pages", "warning")]),
                                              ("refuse", [("book.pdf", 3, "blank_pages", "refusal")]),
                                              ("ignore", [])])
def test_a_blank_pdf_page_as_the_policy_says(tmp_path: Path, policy: str, expected: list) -> None:
    path = generated.pdf(tmp_path / "book.pdf", pages=4, blank=(3,))
    assert findings([path], QualityThresholds(blank_pages=policy)) == expected


def test_blank_pages_in_a_tiff_and_among_jpegs(tmp_path: Path) -> None:
    tif = generated.tiff(tmp_path / "book.tif", pages=3, blank=(1,), color=True)
    jpegs = generated.jpeg_pages(tmp_path / "j", pages=3, blank=(2,))
    assert messages([tif, *jpegs]) == ["book.tif page 1 looks blank (nothing on it but the paper).",
                                       "p2.jpg page 1 looks blank (nothing on it but the paper)."]


# -- duplicate pages ---------------------------------------------------------------------------------

@pytest.mark.parametrize("policy, expected", [("warn", [("book.tif", 3, "duplicate_pages", "warning")]),
                                              ("refuse", [("book.tif", 3, "duplicate_pages", "refusal")]),
                                              ("ignore", [])])
def test_a_duplicate_tiff_page_as_the_policy_says(tmp_path: Path, policy: str, expected: list) -> None:
    path = generated.tiff(tmp_path / "book.tif", pages=4, duplicate=(3,))
    assert findings([path], QualityThresholds(duplicate_pages=policy)) == expected


def test_a_duplicate_pdf_page_names_the_page_before(tmp_path: Path) -> None:
    path = generated.pdf(tmp_path / "book.pdf", pages=5, duplicate=(5,))
    assert messages([path]) == ["book.pdf page 5 is the same as page 4."]


def test_a_duplicate_across_files_names_the_other_file(tmp_path: Path) -> None:
    pages = generated.jpeg_pages(tmp_path, pages=4, duplicate=(3,))
    assert messages(pages) == ["p3.jpg page 1 is the same as p2.jpg page 1."]


def test_blank_pages_in_a_row_are_not_duplicates(tmp_path: Path) -> None:
    path = generated.tiff(tmp_path / "book.tif", pages=4, blank=(2, 3))
    assert findings([path]) == [("book.tif", 2, "blank_pages", "warning"), ("book.tif", 3, "blank_pages", "warning")]


# -- a page that cannot be decoded -------------------------------------------------------------------

def test_a_page_that_cannot_be_decoded_is_a_refusal(tmp_path: Path) -> None:
    path = generated.directory_first_tiff(tmp_path / "p.tif")
    data = bytearray(path.read_bytes())
    data[54:56] = struct.pack("<H", 5)  # says LZW, holds raw pixels
    path.write_bytes(data)
    [finding] = check_quality([inspect_file(path)], QualityThresholds(), None).findings
    assert (finding.file, finding.check, finding.severity) == ("p.tif", "readable", "refusal")
    assert finding.message.startswith("p.tif page 1 cannot be decoded")


# -- the report --------------------------------------------------------------------------------------

def test_the_report_round_trips_through_json(tmp_path: Path) -> None:
    book = [generated.tiff(tmp_path / "book.tif", pages=3, dpi=120, blank=(2,)),
            *generated.jpeg_pages(tmp_path / "j", pages=2, dpi=200, duplicate=(2,))]
    report = check_quality([inspect_file(path) for path in book], QualityThresholds(), 7)
    assert {f.check for f in report.findings} == {"page_count", "dpi", "blank_pages", "duplicate_pages"}
    assert QualityReport.from_json(json.loads(json.dumps(report.to_json()))) == report
    assert len(report.warnings) + len(report.refusals) == len(report.findings)
    assert {f.severity for f in report.refusals} == {"refusal"}


def test_raise_if_refused_names_the_first_refused_file_with_all_its_reasons(tmp_path: Path) -> None:
    book = [*generated.jpeg_pages(tmp_path / "j", pages=1, dpi=200), generated.tiff(tmp_path / "p7.tif", pages=2,
                                                                                       dpi=120, blank=(2,)),
            generated.tiff(tmp_path / "p8.tif", pages=1, dpi=100)]
    report = check_quality([inspect_file(path) for path in book], QualityThresholds(blank_pages="refuse"), None)
    with pytest.raises(DepositRefused) as refused:
        report.raise_if_refused()
    assert refused.value.subject == "p7.tif"
    assert refused.value.reason == ("page 1: 120 dpi, below the 150 dpi the hub accepts; page 2: 120 dpi, below "
                                    "the 150 dpi the hub accepts; page 2 looks blank (nothing on it but the paper).")


def test_warnings_alone_do_not_refuse(tmp_path: Path) -> None:
    report = check_quality([inspect_file(generated.tiff(tmp_path / "p.tif", pages=1, dpi=200))], QualityThresholds(),
                           None)
    assert len(report.warnings) == 1
    report.raise_if_refused()


def test_a_refusal_of_many_pages_names_the_first_ten_and_counts_the_rest() -> None:
    report = QualityReport([Finding("p.tif", page, "dpi", "refusal", f"p.tif page {page}: 100 dpi, below the 150 "
                                    "dpi the hub accepts.") for page in range(1, 31)])
    with pytest.raises(DepositRefused) as refused:
        report.raise_if_refused()
    assert refused.value.reason.count("100 dpi") == 10
    assert refused.value.reason.endswith("; and 20 more.")


def test_a_finding_has_a_known_severity() -> None:
    with pytest.raises(ValueError):
        Finding("p.tif", 1, "dpi", "error", "p.tif page 1: ...")


def test_quiet_thresholds_find_nothing_in_a_faulty_book(tmp_path: Path) -> None:
    path = generated.tiff(tmp_path / "p.tif", pages=3, dpi=100, bits=1, blank=(2,), duplicate=(3,))
    assert findings([path], QUIET, 9) == []


def test_an_inspected_file_is_all_the_checks_need(tmp_path: Path) -> None:
    path = generated.tiff(tmp_path / "upload-1", pages=1, dpi=200)
    [finding] = check_quality([InspectedFile("Абай/p1.tif", path, "image/tiff", 1)], QualityThresholds(),
                              None).findings
    assert finding.message.startswith("Абай/p1.tif page 1: 200 dpi")


# -- memory --------------------------------------------------------------------------------------------

PROBE = """
import json, sys
from objects.content import inspect_file
from objects.quality import QualityThresholds, check_quality
report = check_quality([inspect_file(sys.argv[1])], QualityThresholds(), None)
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"findings": len(report.findings), "rss_mb": int(peak.split()[1]) / 1024}))
"""


def test_checking_a_200_mb_tiff_decodes_every_page_in_flat_memory(tmp_path: Path) -> None:
    """The peak of a fresh interpreter's own memory (VmHWM; see test_content for why not ru_maxrss)."""
    path = generated.tiff(tmp_path / "big.tif", pages=2, width=10_000, height=10_000, compression="none",
                          duplicate=(2,))
    result = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True,
                            cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=60)
    measured = json.loads(result.stdout)
    assert measured["findings"] == 1  # the duplicate page: both pages were decoded
    assert measured["rss_mb"] < 100, measured
