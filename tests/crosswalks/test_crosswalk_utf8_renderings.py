"""What the provider stores (``render_utf8``) is exactly each format's text in UTF-8."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from crosswalks.files import read_file
from crosswalks.formats import FORMATS
from crosswalks.model import CanonicalRecord, Title
from crosswalks.xmltext import shared, utf8_join
from tests.crosswalks.conftest import SAMPLES
from tests.crosswalks.strategies import canonical_records

SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix in (".xml", ".dat", ".mrc"))


def _assert_utf8_is_the_text(record: CanonicalRecord) -> None:
    for fmt in FORMATS.values():
        assert fmt.render_utf8(record) == fmt.render(record).encode("utf-8"), fmt.prefix


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(canonical_records())
def test_utf8_rendering_is_the_text_encoded(record):
    _assert_utf8_is_the_text(record)


def test_utf8_rendering_is_the_text_encoded_on_shared_samples():
    checked = 0
    for path in SAMPLE_FILES:
        for result in read_file(path):
            if result.record is None:
                continue
            for level in (None, "open", "read-only", "preview-24"):  # each level's shared access markup
                result.record.access = level
                _assert_utf8_is_the_text(result.record)
            checked += 1
    assert checked >= 60  # every sample file: 80 records when this was written


def test_utf8_join_encodes_wide_ascii_and_shared_parts_alike():
    statement = shared("<dc:rights>Ашық қолжетімділік</dc:rights>")
    parts = ["<a>", "Қазақ әдебиеті", statement, "", "\U0001f4d6 emoji", "</a>", statement]
    assert utf8_join(parts) == "".join(parts).encode("utf-8")
    assert utf8_join([]) == b""


def test_shared_markup_stays_bounded():
    """However many distinct texts are noted as shared, the encoded copies kept stay few."""
    from crosswalks import xmltext

    for number in range(3000):
        shared(f"<x>Мәтін {number}</x>")
    assert len(xmltext._SHARED_UTF8) <= 1024
    record = CanonicalRecord(titles=[Title("Абай жолы", "main")], access="open")
    _assert_utf8_is_the_text(record)  # still right after the shared copies were let go
