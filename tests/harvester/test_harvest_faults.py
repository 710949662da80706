"""One test per partner fault: a scripted partner over real HTTP, then the exact store contents."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import select

from harvester import testing as faults
from harvester.dates import DAYS
from harvester.models import HarvestRun, QuarantinedRecord
from harvester.run import apply_deletions, harvest_partner
from harvester.testing import Item, dc_item
from repository.models import SourceRecord
from tests.harvester.conftest import live, register, stored

N = 10


def titled(count: int = N, prefix: str = "Title") -> list[Item]:
    return [dc_item(f"oai:p:{i}", f"{prefix} {i}", f"2024-01-{i % 28 + 1:02d}T10:00:00Z") for i in range(count)]


def expected(items: list[Item]) -> dict[str, str]:
    """What the store should hold for these partner items: every live one, by its title."""
    return {it.identifier: re.search(r"<dc:title>(.*?)</dc:title>", it.metadata).group(1)
            for it in items if not it.deleted}


def harvest(store, config, **kwargs) -> HarvestRun:  # type: ignore[no-untyped-def]
    [run] = harvest_partner(store, config, **kwargs)
    return run


def test_empty_final_token_ends_the_list(store, scripted):
    partner = scripted(titled(), page_size=3)
    run = harvest(store, register(store, partner.url))
    assert run.status == "succeeded" and run.pages == 4 and run.new == N
    assert live(store) == expected(partner.items)
    assert not run.errors


def test_missing_final_token_element_ends_the_list(store, scripted):
    partner = scripted(titled(), page_size=3)
    partner.last_page_token = "missing"
    run = harvest(store, register(store, partner.url))
    assert run.status == "succeeded" and live(store) == expected(partner.items)


def test_missing_token_element_mid_list_keeps_what_came_and_warns(store, scripted):
    partner = scripted(titled(), page_size=3)
    partner.script[2] = faults.drop_token
    run = harvest(store, register(store, partner.url))
    assert live(store) == expected(partner.items[:6])
    assert "short-list" in run.errors and run.status == "succeeded"


def test_repeating_token_ends_the_list_with_a_warning(store, scripted):
    partner = scripted(titled(), page_size=3)
    # page 2 hands out the token that leads to page 2 again: a naive client loops forever
    partner.script[2] = lambda ex: setattr(ex, "body", re.sub(rb"\|6\|", b"|3|", ex.body))
    run = harvest(store, register(store, partner.url))
    assert live(store) == expected(partner.items[:6])
    assert "guard" in run.errors and "repeated resumption token" in run.errors["guard"]["examples"][0]
    assert partner.list_requests == 2


def test_repeated_page_with_a_new_token_ends_the_list(store, scripted):
    partner = scripted(titled(), page_size=3)
    partner.script[3] = lambda ex: setattr(ex, "body", partner.list_records(
        {"resumptionToken": "0|3||||oai_dc"}).replace("0|6|", "0|99|").encode())
    run = harvest(store, register(store, partner.url))
    assert live(store) == expected(partner.items[:6])
    assert "repeated page" in run.errors["guard"]["examples"][0]


def test_run_of_empty_pages_is_capped(store, scripted):
    partner = scripted(titled(6), page_size=3)
    for n in range(2, 40):
        body = partner.envelope(f"<ListRecords><resumptionToken>empty-{n}</resumptionToken></ListRecords>")
        partner.script[n] = lambda ex, body=body: setattr(ex, "body", body.encode())
    run = harvest(store, register(store, partner.url, max_empty_pages=4))
    assert live(store) == expected(partner.items[:3])
    assert "4 empty pages in a row" in run.errors["guard"]["examples"][0]
    assert partner.list_requests == 5


def test_token_rejected_mid_list_restarts_without_duplicates(store, scripted):
    partner = scripted(titled(), page_size=3)
    partner.script[3] = faults.expire_tokens(partner)
    run = harvest(store, register(store, partner.url))
    assert live(store) == expected(partner.items)
    assert run.restarts == 1 and run.new == N and run.unchanged == 6
    assert len(stored(store)) == N


@pytest.mark.parametrize("code", [503, 429])
def test_retry_after_in_seconds(store, scripted, code):
    partner = scripted(titled(), page_size=3)
    partner.script[2] = faults.status(code, retry_after="1")
    run = harvest(store, register(store, partner.url))
    assert live(store) == expected(partner.items)
    assert run.retries == 1 and f"HTTP {code}" in run.errors["retry"]["examples"][0]


def test_retry_after_as_http_date(store, scripted):
    partner = scripted(titled(), page_size=3)
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
    partner.script[1] = faults.status(503, retry_after=when)
    partner.script[2] = faults.status(429, retry_after="Thu, 01 Jan 2099 00:00:00 GMT")  # capped at 3 s
    run = harvest(store, register(store, partner.url, retry_after_cap=0.5))
    assert live(store) == expected(partner.items)
    assert run.retries == 2


def test_timeout_is_retried(store, scripted):
    partner = scripted(titled(), page_size=3)
    partner.script[2] = faults.delay(1.5)
    run = harvest(store, register(store, partner.url, timeout=0.5))
    assert live(store) == expected(partner.items)
    assert "Timeout" in run.errors["retry"]["examples"][0]


def test_connection_reset_is_retried(store, scripted):
    partner = scripted(titled(), page_size=3)
    partner.script[1] = faults.reset
    partner.script[3] = faults.reset
    run = harvest(store, register(store, partner.url))
    assert live(store) == expected(partner.items) and run.retries == 2


def test_persistent_5xx_fails_the_run_and_the_next_run_resumes(store, scripted):
    partner = scripted(titled(), page_size=3)
    for n in range(2, 5):
        partner.script[n] = faults.status(500)
    config = register(store, partner.url, retry_attempts=3)
    with pytest.raises(Exception, match="HTTP 500"):
        harvest(store, config)
    assert live(store) == expected(partner.items[:3])
    run = harvest(store, config)
    assert run.status == "succeeded" and run.resumed == 1 and run.new == N
    assert live(store) == expected(partner.items)


def test_html_error_page_with_status_200_is_retried(store, scripted):
    partner = scripted(titled(), page_size=3)
    partner.script[2] = faults.html_page
    run = harvest(store, register(store, partner.url))
    assert live(store) == expected(partner.items)
    assert "HTML page" in run.errors["retry"]["examples"][0]


def test_truncated_document_is_retried(store, scripted):
    partner = scripted(titled(), page_size=3)
    partner.script[3] = faults.truncate
    run = harvest(store, register(store, partner.url))
    assert live(store) == expected(partner.items) and run.retries == 1


def test_control_characters_are_stripped(store, scripted):
    items = titled(4)
    items[1] = dc_item("oai:p:1", "Ti\x01tle\x0b 1")
    items[2].metadata = items[2].metadata.replace("Title 2", "Title&#x1F; 2")
    partner = scripted(items, page_size=3)
    run = harvest(store, register(store, partner.url))
    assert live(store) == {"oai:p:0": "Title 0", "oai:p:1": "Title 1", "oai:p:2": "Title 2", "oai:p:3": "Title 3"}
    assert "repaired" in run.errors
    with store.session() as session:  # the raw records kept are clean too (read back from the repaired XML)
        raws = dict(session.execute(select(SourceRecord.source_key, SourceRecord.raw)).all())
    assert ">Title 1<" in raws["oai:p:1"] and ">Title 2<" in raws["oai:p:2"]
    assert all(raw.isprintable() for raw in raws.values())


def test_invalid_utf8_in_one_record_is_replaced_and_the_rest_intact(store, scripted):
    items = [dc_item("oai:p:0", "Абай"), dc_item("oai:p:1", "Broken BAD here"), dc_item("oai:p:2", "Қазақ")]
    partner = scripted(items, page_size=3)
    partner.script[1] = faults.replace(b"BAD", b"\xff\xfe\xc3")
    harvest(store, register(store, partner.url))
    assert live(store) == {"oai:p:0": "Абай", "oai:p:1": "Broken \ufffd\ufffd\ufffd here", "oai:p:2": "Қазақ"}


def test_wrong_declared_encoding_is_repaired(store, scripted):
    items = [dc_item("oai:p:0", "Абай жолы"), dc_item("oai:p:1", "Қазақ әдебиеті")]
    partner = scripted(items, page_size=3)
    partner.script[1] = faults.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    harvest(store, register(store, partner.url))
    assert live(store) == expected(items)


def test_windows_1251_declared_as_utf8_is_repaired(store, scripted):
    items = [dc_item("oai:p:0", "Абай жолы"), dc_item("oai:p:1", "Война и мир")]
    partner = scripted(items, page_size=3)
    partner.script[1] = lambda ex: setattr(ex, "body", ex.body.decode("utf-8").encode("cp1251"))
    harvest(store, register(store, partner.url))
    assert live(store) == expected(items)


def test_xml_prolog_inside_records_is_removed(store, scripted):
    items = titled(3)
    items[1].metadata = '<?xml version="1.0" encoding="UTF-8"?>' + items[1].metadata
    partner = scripted(items, page_size=3)
    harvest(store, register(store, partner.url))
    assert live(store) == expected(items)


def test_unreadable_record_is_quarantined_and_the_page_stored(store, scripted):
    items = titled(3)
    items[1].metadata = items[1].metadata.replace("</dc:title>", "</dc:titel>")
    partner = scripted(items, page_size=3)
    run = harvest(store, register(store, partner.url))
    assert live(store) == {"oai:p:0": "Title 0", "oai:p:2": "Title 2"}
    with store.session() as session:
        [entry] = session.scalars(select(QuarantinedRecord)).all()
        assert entry.source_key == "oai:p:1" and "dc:titel" in entry.raw and "mismatch" in entry.error
    assert run.quarantined == 1 and run.status == "succeeded"


def test_record_no_crosswalk_reads_is_quarantined(store, scripted):
    items = titled(3)
    items[2].metadata = '<foreign xmlns="urn:unknown-format"><t>?</t></foreign>'
    partner = scripted(items, page_size=3)
    run = harvest(store, register(store, partner.url))
    assert live(store) == expected(items[:2])
    with store.session() as session:
        [entry] = session.scalars(select(QuarantinedRecord)).all()
        assert entry.source_key == "oai:p:2" and "urn:unknown-format" in entry.raw
    assert run.quarantined == 1


def test_duplicates_across_pages_are_stored_once(store, scripted):
    items = titled(6)
    items.insert(4, dc_item("oai:p:1", "Title 1", items[1].datestamp))
    partner = scripted(items, page_size=3)
    run = harvest(store, register(store, partner.url))
    assert live(store) == expected(items) and len(stored(store)) == 6
    assert run.new == 6 and run.unchanged == 1


def test_a_deletion_listed_before_the_record_again_leaves_it_live(store, scripted):
    """In one run the partner lists oai:p:1 as deleted on page 1 and live again on page 2 (its
    datestamp moved during the harvest): the later event wins; only oai:p:4 is really deleted."""
    partner = scripted(titled(), page_size=3, deleted_record="persistent")
    config = register(store, partner.url)
    harvest(store, config)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    items = {it.identifier: it for it in partner.items}
    for it in items.values():
        it.datestamp = now
    partner.items = [Item("oai:p:1", now, deleted=True), Item("oai:p:4", now, deleted=True), items["oai:p:0"],
                     items["oai:p:2"], items["oai:p:1"], items["oai:p:3"]]
    run = harvest(store, config)
    assert run.kind == "incremental" and run.deleted == 1
    after = stored(store)
    assert after["oai:p:4"].deleted and not after["oai:p:1"].deleted
    assert live(store) == expected([it for key, it in items.items() if key != "oai:p:4"])


def test_wrong_granularity_falls_back_to_days(store, scripted):
    partner = scripted(titled(), page_size=3)
    partner.accepted_granularity = DAYS  # Identify claims seconds, the server only takes days
    config = register(store, partner.url)
    first = harvest(store, config)
    partner.items.append(dc_item("oai:p:new", "Fresh", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))
    second = harvest(store, config)
    assert first.kind == "full" and second.kind == "incremental"
    assert second.granularity == DAYS and len(second.from_date) == 10 and "granularity" in second.errors
    assert second.new == 1 and live(store) == expected(partner.items)


def test_partner_ignoring_from_and_until_changes_nothing(store, scripted):
    partner = scripted(titled(), page_size=3)
    partner.ignore_dates = True
    config = register(store, partner.url)
    harvest(store, config)
    before = stored(store)
    second = harvest(store, config)
    assert second.kind == "incremental" and second.from_date and second.unchanged == N and second.new == 0
    assert stored(store) == before  # hub datestamps untouched


def test_changed_record_updates_the_hub_record_and_only_it(store, scripted):
    partner = scripted(titled(), page_size=3)
    config = register(store, partner.url)
    harvest(store, config)
    before = stored(store)
    partner.ignore_dates = True
    partner.items[4] = dc_item("oai:p:4", "Title 4, second edition")
    import time

    time.sleep(1.1)  # hub datestamps are whole seconds
    run = harvest(store, config)
    after = stored(store)
    assert run.updated == 1 and run.unchanged == N - 1
    assert after["oai:p:4"].title == "Title 4, second edition"
    assert after["oai:p:4"].datestamp > before["oai:p:4"].datestamp
    assert {k: v for k, v in after.items() if k != "oai:p:4"} == {k: v for k, v in before.items() if k != "oai:p:4"}


def test_deleted_records_become_tombstones_persistent(store, scripted):
    partner = scripted(titled(), page_size=3, deleted_record="persistent")
    config = register(store, partner.url)
    harvest(store, config)
    partner.items[3].deleted = True
    partner.items[3].datestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    run = harvest(store, config)
    assert run.kind == "incremental" and run.deleted == 1
    assert stored(store)["oai:p:3"].deleted and live(store) == expected(partner.items)


@pytest.mark.parametrize("policy", ["transient", "no"])
def test_disappeared_records_found_by_periodic_full_harvest(store, scripted, policy):
    partner = scripted(titled(), page_size=3, deleted_record=policy)
    config = register(store, partner.url, full_every_days=0)
    harvest(store, config)
    gone = partner.items.pop(5)  # no deleted header: the record simply vanishes
    run = harvest(store, config)
    assert run.kind == "full" and run.deleted == 1 and "disappeared" in run.errors
    assert stored(store)[gone.identifier].deleted and live(store) == expected(partner.items)


def test_no_policy_without_full_harvest_due_keeps_records(store, scripted):
    partner = scripted(titled(), page_size=3, deleted_record="no")
    config = register(store, partner.url, full_every_days=7)
    harvest(store, config)
    partner.items.pop(5)
    run = harvest(store, config)
    assert run.kind == "incremental" and run.deleted == 0 and len(live(store)) == N


def test_mass_deletion_is_held_until_confirmed(store, scripted):
    partner = scripted(titled(), page_size=3, deleted_record="persistent")
    config = register(store, partner.url, mass_delete_share=0.3, mass_delete_min=2)
    harvest(store, config)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for item in partner.items[:6]:
        item.deleted, item.datestamp = True, stamp
    run = harvest(store, config)
    assert run.status == "held" and "would delete 6 of 10" in run.message
    assert len(live(store)) == N
    with pytest.raises(Exception, match="held"):
        harvest(store, config)
    confirmed = apply_deletions(store, run.id)
    assert confirmed.status == "succeeded" and confirmed.deleted == 6
    assert live(store) == expected(partner.items)


def test_partner_suddenly_empty_is_held(store, scripted):
    partner = scripted(titled(), page_size=3, deleted_record="no")
    config = register(store, partner.url, full_every_days=0)
    harvest(store, config)
    partner.items.clear()
    run = harvest(store, config)
    assert run.status == "held" and "returned no records" in run.message
    assert live(store) == {f"oai:p:{i}": f"Title {i}" for i in range(N)}


def test_huge_record(store, scripted):
    items = titled(3)
    big = "Қ" * 6_000_000  # 12 MB of text in one element: over libxml2's default 10 MB node limit
    items[1] = dc_item("oai:p:1", "Huge", description=big)
    partner = scripted(items, page_size=3)
    run = harvest(store, register(store, partner.url))
    assert live(store) == expected(items) and run.quarantined == 0
    with store.session() as session:
        from repository.models import SourceRecord

        raw = session.scalar(select(SourceRecord.raw).where(SourceRecord.source_key == "oai:p:1"))
        assert big in raw


def test_redirect_is_followed(store, scripted):
    partner = scripted(titled(4), page_size=3)
    run = harvest(store, register(store, partner.url.replace("/oai", "/old-oai")))
    assert run.status == "succeeded" and live(store) == expected(partner.items)


def test_access_rules_by_set_and_rights(store, scripted):
    items = [dc_item("oai:p:0", "Open"), dc_item("oai:p:1", "Rare"), dc_item("oai:p:2", "PD", rights="Public domain")]
    items[1].sets = ["rare"]
    partner = scripted(items, page_size=3)
    config = register(store, partner.url, access="read-only",
                      access_rules=[{"set": "rare", "access": "preview-24"},
                                    {"rights": "public domain", "access": "open"}])
    harvest(store, config)
    from repository.models import HubRecord, SourceRecord

    with store.session() as session:
        levels = dict(session.execute(select(SourceRecord.source_key, HubRecord.access).join(
            HubRecord, HubRecord.id == SourceRecord.hub_record_id)).all())
    assert levels == {"oai:p:0": "read-only", "oai:p:1": "preview-24", "oai:p:2": "open"}


def test_http_to_https_redirect_is_followed(store, scripted, tmp_path):
    import ssl
    import subprocess

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    from harvester.testing import ScriptedPartner

    secure = ScriptedPartner(titled(5), page_size=2)
    secure.tls = context
    secure.start()
    try:
        plain = scripted()
        plain.redirect_to = secure.url
        run = harvest(store, register(store, plain.url, ca_bundle=str(cert)))
    finally:
        secure.stop()
    assert run.status == "succeeded" and live(store) == expected(secure.items)
    assert plain.requests and all(r in secure.requests for r in plain.requests)


def test_untrusted_certificate_fails_at_once(store, scripted, tmp_path):
    import ssl
    import subprocess

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    from harvester.testing import ScriptedPartner

    secure = ScriptedPartner(titled(2))
    secure.tls = context
    with secure:
        with pytest.raises(Exception, match="TLS failure"):
            harvest(store, register(store, secure.url))
    assert len(secure.requests) == 0 and live(store) == {}
