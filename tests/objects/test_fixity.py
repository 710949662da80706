"""Fixity audits on both databases, against real stored files: a changed byte or a deleted file
fails loudly and is never repaired; the choices (all, --max-age, --sample, the scheduler's
oldest-first rolling run); the throttle, in the hash and in the status's arithmetic; a rebuild
keeps what audits found; the event log still verifies.

Tests that damage stored files use :func:`damaged_hub` (a storage root left out of the
suite-end OCFL validation).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from objects import events, fixity
from objects.digests import file_sha512
from objects.fixity_rolling import FixityPolicy, RollingState, choose, load_state, rolling_audit, save_state
from objects.fixity_status import Throttle, fixity_status
from objects.fixity_targets import Target, every_file
from objects.ids import object_urn
from objects.models import StoredFile
from objects.rebuild import rebuild
from tests.objects.conftest import Hub

DAY = 86400
POLICY = FixityPolicy(max_age_days=30, mb_per_second=50, every_minutes=60)


@pytest.fixture
def damaged_kazneb(kazneb, damaged_hub, monkeypatch):  # type: ignore[no-untyped-def]
    """``kazneb ARGS...`` on the damaged hub's storage root."""
    monkeypatch.setenv("KAZNEB_OBJECTS_DIR", str(damaged_hub.depository.root))
    return kazneb


def stored_file(hub: Hub, object_id: str, logical_path: str = "files/book.pdf") -> tuple[str, str, Path]:
    urn = object_urn(object_id)
    content_path = hub.depository.logical_files(urn)[logical_path]
    return urn, content_path, hub.depository.file_path(urn, content_path)


def catalogue(hub: Hub) -> dict[tuple[str, str], tuple[str, int | None]]:
    """(urn, content path) → (status, checked_at) of every stored file."""
    with hub.store.reading() as session:
        rows = session.execute(select(StoredFile.ocfl_id, StoredFile.content_path, StoredFile.status,
                                      StoredFile.checked_at)).all()
    return {(urn, path): (status, at) for urn, path, status, at in rows}


def set_checked(hub: Hub, checked_at: int, urn: str | None = None, content_path: str | None = None) -> None:
    """Make files look checked at ``checked_at`` (how these tests make them old)."""
    query = update(StoredFile)
    if urn is not None:
        query = query.where(StoredFile.ocfl_id == urn)
    if content_path is not None:
        query = query.where(StoredFile.content_path == content_path)
    with hub.store.session() as session:
        session.execute(query.values(checked_at=checked_at))


def logged(hub: Hub, kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [entry for entry in events.read(hub.depository.root) if entry["kind"] == kind]


def sha512(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


# -- audits that find nothing wrong ----------------------------------------------------------
def test_an_intact_storage_audits_clean_and_the_log_still_verifies(hub, kazneb) -> None:  # type: ignore[no-untyped-def]
    receipt = hub.deposit([hub.pdf()])
    files = catalogue(hub)
    result = kazneb("fixity", "audit")
    assert result.exit_code == 0, result.output
    assert re.search(rf"fixity audit \(all\): {len(files)} file\(s\), .* 0 failure\(s\)", result.output)
    run = logged(hub, "fixity-run")[-1]
    assert (run["run"], run["files"], run["failures"]) == ("all", len(files), 0)
    assert run["intact"][object_urn(receipt.object_id)] == "*"  # every file of the object: one mark
    assert all(status == "ok" for status, _ in catalogue(hub).values())
    assert kazneb("events", "verify").exit_code == 0
    status = kazneb("fixity", "status")
    assert status.exit_code == 0, status.output
    assert f"stored: {len(files)} file(s)" in status.output
    assert f"checked within 30 days: {len(files)} file(s), 100.0 % of the bytes" in status.output
    assert "failing now: 0 file(s)" in status.output and "failures in the event log: 0" in status.output
    assert "all: " in status.output.split("last runs: 1")[1]


# -- failures --------------------------------------------------------------------------------
def test_a_changed_byte_fails_loudly_and_is_never_repaired(damaged_hub, damaged_kazneb) -> None:  # type: ignore[no-untyped-def]
    hub, kazneb = damaged_hub, damaged_kazneb
    urn, content_path, path = stored_file(hub, hub.deposit([hub.pdf()]).object_id)
    original = path.read_bytes()
    damaged = bytearray(original)
    damaged[len(damaged) // 2] ^= 0x01
    path.write_bytes(bytes(damaged))

    result = kazneb("fixity", "audit")
    assert result.exit_code == 1
    assert (f"FIXITY MISMATCH: {urn} {content_path}: expected sha512 {sha512(original)}, "
            f"found {sha512(bytes(damaged))}") in result.output
    assert "Nothing was repaired" in result.output
    assert path.read_bytes() == bytes(damaged)
    assert catalogue(hub)[(urn, content_path)][0] == "mismatch"
    failure = logged(hub, "fixity-failure")[-1]
    assert {k: failure[k] for k in ("urn", "path", "status", "expected", "found", "run")} == {
        "urn": urn, "path": content_path, "status": "mismatch", "expected": sha512(original),
        "found": sha512(bytes(damaged)), "run": "all"}
    run = logged(hub, "fixity-run")[-1]
    assert run["failures"] == 1 and content_path not in run["intact"][urn]

    status = kazneb("fixity", "status")
    assert status.exit_code == 1
    assert f"MISMATCH {urn} {content_path}" in status.output
    assert kazneb("fixity", "audit").exit_code == 1  # still failing: nothing was repaired in between

    path.write_bytes(original)  # restored from the backup of the storage root
    confirmed = kazneb("fixity", "audit", "--failing")
    assert confirmed.exit_code == 0 and "fixity audit (failing): 1 file(s)" in confirmed.output
    status = kazneb("fixity", "status")
    assert status.exit_code == 0, status.output
    assert "failing now: 0 file(s)" in status.output
    assert "failures in the event log: 2" in status.output  # the history stays
    assert kazneb("events", "verify").exit_code == 0


def test_a_deleted_file_is_missing(damaged_hub, damaged_kazneb) -> None:  # type: ignore[no-untyped-def]
    hub = damaged_hub
    urn, content_path, path = stored_file(hub, hub.deposit([hub.pdf()]).object_id, "consent/consent.pdf")
    expected = sha512(path.read_bytes())
    path.unlink()
    result = damaged_kazneb("fixity", "audit")
    assert result.exit_code == 1
    assert f"FIXITY MISSING: {urn} {content_path}: the file is missing (expected sha512 {expected})" in result.output
    assert catalogue(hub)[(urn, content_path)][0] == "missing"
    assert logged(hub, "fixity-failure")[-1]["found"] == "missing"
    assert not path.exists()


def test_a_file_that_cannot_be_read_is_unreadable(damaged_hub) -> None:  # type: ignore[no-untyped-def]
    hub = damaged_hub
    urn, content_path, path = stored_file(hub, hub.deposit([hub.pdf()]).object_id)
    path.unlink()
    path.mkdir()  # something is there, but it cannot be read as the file
    target = Target(urn, content_path, 1, "0" * 128, None)
    failure = fixity.check(hub.depository, target)
    assert failure is not None and failure.status == "unreadable"
    path.rmdir()


# -- choosing files --------------------------------------------------------------------------
def test_sample_checks_n_files(hub, kazneb) -> None:  # type: ignore[no-untyped-def]
    hub.deposit([hub.pdf()])
    hub.deposit([hub.pdf("b.pdf", seed=4)], record="oai:p1:2")
    set_checked(hub, 1000)
    result = kazneb("fixity", "audit", "--sample", "2")
    assert result.exit_code == 0, result.output
    assert "fixity audit (sample 2): 2 file(s)" in result.output
    assert sum(at != 1000 for _, at in catalogue(hub).values()) == 2
    assert logged(hub, "fixity-run")[-1]["files"] == 2


def test_max_age_checks_only_files_checked_longer_ago(hub, kazneb) -> None:  # type: ignore[no-untyped-def]
    receipt = hub.deposit([hub.pdf()])
    old = int(time.time()) - 40 * DAY
    set_checked(hub, old, object_urn(receipt.object_id))
    before = catalogue(hub)
    result = kazneb("fixity", "audit", "--max-age", "30")
    assert result.exit_code == 0, result.output
    after = catalogue(hub)
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {key for key, (_, at) in before.items() if at == old}
    assert {urn for urn, _ in changed} == {object_urn(receipt.object_id)}
    assert logged(hub, "fixity-run")[-1]["run"] == "max-age 30 days"


def test_files_the_inventory_lists_and_the_catalogue_lacks_are_catalogued_and_checked(hub, kazneb) -> None:  # type: ignore[no-untyped-def]
    urn, content_path, _ = stored_file(hub, hub.deposit([hub.pdf()]).object_id)
    with hub.store.session() as session:
        session.execute(delete(StoredFile).where(StoredFile.ocfl_id == urn, StoredFile.content_path == content_path))
    result = kazneb("fixity", "audit")
    assert result.exit_code == 0, result.output
    assert f"catalogued {urn} {content_path}: in the inventory, not in the catalogue" in result.output
    status, checked_at = catalogue(hub)[(urn, content_path)]
    assert status == "ok" and checked_at is not None
    assert logged(hub, "fixity-run")[-1]["unlisted"] == 1


# -- the rolling audit -----------------------------------------------------------------------
def target(name: str, size: int, checked_at: int | None) -> Target:
    return Target("urn:kazneb:object:a", name, size, "0" * 128, checked_at)


def test_a_rolling_run_takes_the_oldest_checks_first_while_its_credit_lasts() -> None:
    now = 100 * DAY
    recent = [target("a", 100, now - 9 * DAY), target("b", 300, now - 8 * DAY), target("c", 50, now - 7 * DAY)]
    chosen, left = choose(iter(recent), POLICY, credit=440, now=now)
    assert [t.content_path for t in chosen] == ["a", "b"] and left == 40
    chosen, left = choose(iter(recent), POLICY, credit=99, now=now)
    assert chosen == [] and left == 99  # the credit is carried until the oldest file fits


def test_a_rolling_run_takes_due_files_whatever_its_credit_but_not_beyond_its_limit() -> None:
    now = 100 * DAY
    due = [target("never", 10, None), target("old", 10, now - 31 * DAY), target("soon", 10, now - 30 * DAY + 3600)]
    chosen, left = choose(iter([*due, target("young", 10, now - DAY)]), POLICY, credit=0, now=now)
    assert [t.content_path for t in chosen] == ["never", "old", "soon"] and left == 0
    slow = FixityPolicy(max_age_days=30, mb_per_second=0.000_005, every_minutes=1)  # 300 bytes a run
    huge = [target("x", 200, None), target("y", 200, None), target("z", 2000, None)]
    assert [t.content_path for t in choose(iter(huge), slow, 0, now)[0]] == ["x"]
    assert [t.content_path for t in choose(iter(huge[2:]), slow, 0, now)[0]] == ["z"]  # one file at least


def test_the_rolling_audit_reaches_overdue_files_and_coverage_advances(hub) -> None:  # type: ignore[no-untyped-def]
    urn, content_path, _ = stored_file(hub, hub.deposit([hub.pdf()]).object_id)
    now = time.time()
    set_checked(hub, int(now) - DAY)
    set_checked(hub, int(now) - 40 * DAY, urn, content_path)
    before = fixity_status(hub.store, hub.depository, POLICY)
    assert before.overdue_files == 1 and not before.ok
    assert (before.oldest.urn, before.oldest.content_path) == (urn, content_path)

    report = rolling_audit(hub.store, hub.depository, POLICY)
    assert report is not None and (report.kind, report.files, report.failures) == ("rolling", 1, [])
    assert catalogue(hub)[(urn, content_path)][1] >= int(now)
    after = fixity_status(hub.store, hub.depository, POLICY)
    assert after.overdue_files == 0 and after.ok and after.recent_bytes == after.bytes
    assert rolling_audit(hub.store, hub.depository, POLICY) is None  # not due again for an hour
    assert logged(hub, "fixity-run")[-1]["intact"] == {urn: [content_path]}


def test_the_rolling_audit_spends_what_it_earned_since_its_last_run(hub) -> None:  # type: ignore[no-untyped-def]
    hub.deposit([hub.pdf()])
    now = time.time()
    files = sorted(catalogue(hub))
    for age, (urn, path) in enumerate(files, start=1):  # the first file is checked longest ago
        set_checked(hub, int(now) - age * 3600, urn, path)
    oldest = files[::-1]
    with hub.store.reading() as session:
        sizes = dict(((u, p), s) for u, p, s in session.execute(
            select(StoredFile.ocfl_id, StoredFile.content_path, StoredFile.size)))
    stored = sum(sizes.values())
    want = sizes[oldest[0]] + sizes[oldest[1]] + 0.5  # earn the two oldest files' bytes (and a half)
    elapsed = want * POLICY.max_age / stored
    save_state(hub.store, RollingState(at=now - elapsed, credit=0.0, unlisted_at=now))
    report = rolling_audit(hub.store, hub.depository, POLICY, now=now)
    assert report is not None and report.files == 2
    checked = {key for key, (_, at) in catalogue(hub).items() if at >= int(now)}
    assert checked == set(oldest[:2])
    assert load_state(hub.store).credit < 1


def test_the_scheduler_runs_the_rolling_audit_and_fails_on_a_damaged_file(damaged_hub, damaged_kazneb) -> None:  # type: ignore[no-untyped-def]
    hub, kazneb = damaged_hub, damaged_kazneb
    urn, content_path, path = stored_file(hub, hub.deposit([hub.pdf()]).object_id)
    assert kazneb("partner", "disable", "p1").exit_code == 0  # no harvest: its URL leads nowhere
    set_checked(hub, int(time.time()) - 40 * DAY, urn, content_path)
    path.write_bytes(path.read_bytes() + b"\n")
    result = kazneb("scheduler", "--once")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"FIXITY MISMATCH: {urn} {content_path}" in result.output
    assert re.search(r"fixity audit \(rolling\): \d+ file\(s\)", result.output)
    assert lines[-1].endswith("scheduler pass: nothing due")
    again = kazneb("scheduler", "--once")  # the next run is not due yet
    assert again.exit_code == 0 and "fixity audit" not in again.output


# -- the throttle ----------------------------------------------------------------------------
def test_a_throttled_hash_is_slowed(tmp_path: Path) -> None:
    path = tmp_path / "one-megabyte"
    data = bytes(range(256)) * 4096
    path.write_bytes(data)
    started = time.monotonic()
    assert file_sha512(path, 4 * fixity.MB) == sha512(data)
    assert time.monotonic() - started >= 0.2  # 1 MiB at 4 MB/s: 0.26 s
    started = time.monotonic()
    assert file_sha512(path) == sha512(data)
    assert time.monotonic() - started < 0.2


def test_the_status_says_by_how_much_the_throttle_falls_short() -> None:
    short = Throttle(stored_bytes=324 * 10**12, max_age_days=30, mb_per_second=50)
    assert not short.sufficient
    assert short.sentence() == ("the throttle covers 40 % of the stored bytes in 30 days: raise "
                                "fixity.mb_per_second to at least 125 or fixity.max_age_days to 75")
    enough = Throttle(stored_bytes=10**12, max_age_days=30, mb_per_second=50)
    assert enough.sufficient
    assert enough.sentence().startswith("the throttle (50 MB/s) reads every stored byte in 5.6 h; the rolling "
                                        "audit needs 0.39 MB/s on average (0.8 % of the throttle")


def test_fixity_status_reports_a_throttle_too_slow_for_the_stored_bytes(hub, kazneb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub.deposit([hub.pdf()])
    with (tmp_path / "kazneb.toml").open("a", encoding="utf-8") as config:
        config.write("\n[fixity]\nmb_per_second = 1e-9\n")
    stored = sum(t.size for t in every_file(hub.store))
    result = kazneb("fixity", "status")
    percent = int(1e-9 * 1e6 * 30 * DAY / stored * 100)
    age = -(-stored // (1e-9 * 1e6 * DAY))
    assert (f"the throttle covers {percent} % of the stored bytes in 30 days: raise fixity.mb_per_second to at "
            f"least 1 or fixity.max_age_days to {int(age)}") in result.output


# -- the log ---------------------------------------------------------------------------------
def test_a_rebuild_keeps_what_the_audits_found(damaged_hub) -> None:  # type: ignore[no-untyped-def]
    hub = damaged_hub
    first = hub.deposit([hub.pdf()]).object_id
    hub.deposit([hub.pdf("b.pdf", seed=4)], record="oai:p1:2")
    urn, content_path, path = stored_file(hub, first)
    path.write_bytes(b"not the book")
    deposited = catalogue(hub)
    time.sleep(1.05)  # so that a check time differs from the deposit time
    audited = [t for t in every_file(hub.store) if t.urn == urn or t.urn.startswith("urn:kazneb:agreement:")]
    report = fixity.audit(hub.store, hub.depository, audited, "test")
    assert [f.content_path for f in report.failures] == [content_path]
    found = catalogue(hub)

    rebuild(hub.store, hub.depository)
    rebuilt = catalogue(hub)
    assert {key: status for key, (status, _) in rebuilt.items()} == {key: status for key, (status, _) in found.items()}
    for key, (_, at) in rebuilt.items():
        if key[0] == urn or key[0].startswith("urn:kazneb:agreement:"):
            assert found[key][1] - 2 <= at <= found[key][1] and at > deposited[key][1]
        else:
            assert at == deposited[key][1]  # not audited: still the check on arrival
    run = logged(hub, "fixity-run")[-1]
    assert json.dumps(run["intact"]).count("*") >= 1  # the agreement, whole
    assert events.verify(hub.depository.root) == []


def test_events_verify_finds_a_hidden_failure_and_a_removed_run(damaged_hub, damaged_kazneb) -> None:  # type: ignore[no-untyped-def]
    hub, kazneb = damaged_hub, damaged_kazneb
    _, _, path = stored_file(hub, hub.deposit([hub.pdf()]).object_id)
    path.write_bytes(b"not the book")
    assert kazneb("fixity", "audit").exit_code == 1
    log = events.log_path(hub.depository.root)
    lines = log.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if '"fixity-failure"' in line)
    entry = json.loads(lines[number])
    entry["found"] = entry["expected"]  # a failure hidden by rewriting its entry
    hidden = [*lines[:number], json.dumps(entry, ensure_ascii=False, separators=(",", ":")), *lines[number + 1:]]
    log.write_text("\n".join(hidden) + "\n", encoding="utf-8")
    result = kazneb("events", "verify")
    assert result.exit_code == 1
    assert f"line {number + 1}: entry {entry['seq']} was changed after it was written" in result.output

    log.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # the run's entry cut off the end
    result = kazneb("events", "verify")
    assert result.exit_code == 1 and "entries were removed from its end" in result.output
