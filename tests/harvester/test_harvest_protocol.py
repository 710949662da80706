"""The protocol layer on its own: Retry-After, backoff, XML hygiene, format choice, dates, guards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree

from harvester.client import choose_format
from harvester.dates import DAYS, SECONDS, incremental_from
from harvester.errors import PartnerOAIError
from harvester.fetch import RetryPolicy, parse_retry_after
from harvester.pages import HarvestedRecord, ListGuard, ListPage
from harvester.xmlclean import decode_body, parse_document

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
OAI = b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'


@pytest.mark.parametrize("value, seconds", [
    ("120", 120.0), (" 5 ", 5.0), ("Wed, 01 May 2024 12:00:30 GMT", 30.0),
    ("Wed, 01 May 2024 11:00:00 GMT", 0.0), ("soon", None), ("", None), (None, None)])
def test_retry_after_seconds_or_http_date(value, seconds):
    assert parse_retry_after(value, NOW) == seconds


def test_retry_after_is_capped_and_backoff_bounded():
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, retry_after_cap=60.0)
    assert policy.delay(1, 3600.0) == 60.0
    assert all(0 <= policy.delay(n, None) <= min(8.0, 2 ** (n - 1)) for n in range(1, 10) for _ in range(20))


def test_external_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    body = (f'<?xml version="1.0"?><!DOCTYPE OAI-PMH [<!ENTITY x SYSTEM "file://{secret}">]>'.encode()
            + OAI + b"<responseDate>&x;</responseDate></OAI-PMH>")
    document = parse_document(body)
    assert b"TOP-SECRET" not in etree.tostring(document.root)


@pytest.mark.parametrize("body, problem", [
    (b"", "empty response"),
    (b"<html><body>Error 500</body></html>", "HTML page"),
    (OAI + b"<ListRecords><record>", "truncated"),
    (b'<rss version="2.0"></rss>', "not <OAI-PMH>"),
])
def test_unreadable_envelopes_are_named(body, problem):
    with pytest.raises(ValueError, match=problem):
        parse_document(body)


def test_decoding_repairs_are_reported():
    text, repairs = decode_body("Абай".encode(), "iso-8859-1")
    assert text == "Абай" and "UTF-8" in repairs[0]
    text, repairs = decode_body("Абай".encode("cp1251"), "utf-8")
    assert text == "Абай" and "windows-1251" in repairs[0]
    text, repairs = decode_body(b"ok \xff ok \xd0\x90", "utf-8")
    assert text == "ok \ufffd ok А" and "replaced" in repairs[0]


def test_format_choice_prefers_marcxml_then_oai_dc_then_mods():
    dc = "http://www.openarchives.org/OAI/2.0/oai_dc/"
    marc = "http://www.loc.gov/MARC21/slim"
    mods = "http://www.loc.gov/mods/v3"
    assert choose_format({"oai_dc": dc, "MARC21": marc, "mods": mods}) == ("MARC21", marc)
    assert choose_format({"oai_dc": dc, "mods": mods}) == ("oai_dc", dc)
    assert choose_format({"mods": mods, "datacite": "x"}) == ("mods", mods)
    assert choose_format({"oai_dc": dc, "mods": mods}, "mods") == ("mods", mods)
    with pytest.raises(PartnerOAIError, match="does not offer 'marc'"):
        choose_format({"oai_dc": dc}, "marc")
    with pytest.raises(PartnerOAIError, match="no readable format"):
        choose_format({"datacite": "x"})


def test_incremental_from_overlaps_one_granule():
    assert incremental_from("2024-05-01T00:00:00Z", SECONDS) == "2024-04-30T23:59:59Z"
    assert incremental_from("2024-05-01T10:11:12Z", DAYS) == "2024-04-30"


def _page(ids: list[str], token: str | None) -> ListPage:
    element = etree.Element("record")
    return ListPage([HarvestedRecord(i, "2024-01-01", [], False, None, element) for i in ids], token=token)


def test_list_guard_stops_repeats_and_empty_runs():
    guard = ListGuard(max_empty_pages=2)
    first = _page(["a", "b"], "t1")
    assert guard.stop_before_storing(first) is None and guard.stop_after_storing(first) is None
    assert "repeated page" in guard.stop_before_storing(_page(["a", "b"], "t2"))
    again = ListGuard()
    again.stop_after_storing(_page(["x"], "t"))
    assert "repeated resumption token" in again.stop_after_storing(_page(["y"], "t"))
    empty = ListGuard(max_empty_pages=2)
    assert empty.stop_after_storing(_page([], "e1")) is None
    assert "2 empty pages" in empty.stop_after_storing(_page([], "e2"))


def test_progress_bar_on_a_terminal_and_log_lines_elsewhere(capsys):
    from harvester.models import HarvestRun
    from kazneb.commands.progress import Reporter

    run = HarvestRun(id=1, partner_id="nlrk", seen=0, pages=0, complete_list_size=1000)
    for interactive in (True, False):
        reporter = Reporter(interactive=interactive)
        run.seen, run.pages = 0, 0
        reporter(run)
        run.seen, run.pages = 400, 4
        reporter(run)
        reporter.finish()
    err = capsys.readouterr().err
    bar, log = err.split("\n", 1)
    assert "\r" in bar and "[############" in bar and "400/1000 records, 4 pages" in bar and "ETA" in bar
    assert log.splitlines()[-1].startswith("nlrk: page 4, 400/1000 records") and "ETA" in log
