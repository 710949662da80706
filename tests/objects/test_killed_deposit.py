"""A deposit killed at any moment (kill -9) leaves the whole new version or nothing, and a rerun
completes it: the storage root stays valid OCFL, the catalogue and the log agree with it."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from objects import events, generated
from objects.models import DigitalObject, ObjectFile
from tests.conftest import ROOT

#: Run in a child process that the test kills: one deposit of the files named on the command line.
DEPOSIT = """
import sys
from pathlib import Path
from kazneb.config import load_settings
from objects.deposit import DepositRequest, IncomingFile, deposit
from objects.quality import QualityThresholds
from objects.storage import Depository
from repository.store import Store

db_url, root, consent, object_id, *files = sys.argv[1:]
settings = load_settings(overrides={"database.url": db_url})
request = DepositRequest(partner_id="p1", files=[IncomingFile(Path(f).name, Path(f)) for f in files],
                         consent=IncomingFile("consent.pdf", Path(consent)), access="open",
                         record="oai:p1:1" if object_id == "-" else None,
                         object_id=None if object_id == "-" else object_id, by="killed")
thresholds = QualityThresholds(blank_pages="ignore", duplicate_pages="ignore")
receipt = deposit(Store.from_settings(settings), Depository(Path(root)), request, thresholds)
print(receipt.object_id, receipt.version, receipt.unchanged)
"""


def run_deposit(hub, files: list[Path], object_id: str = "-") -> subprocess.Popen:  # type: ignore[no-untyped-def]
    url = hub.store.engine.url.render_as_string(hide_password=False)
    return subprocess.Popen([sys.executable, "-c", DEPOSIT, url, str(hub.depository.root), str(hub.consent),
                             object_id, *map(str, files)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def storage_phase(hub, files: list[Path], object_id: str = "-") -> float:  # type: ignore[no-untyped-def]
    """Seconds a whole deposit spends from its first staged byte to its end (measured once)."""
    process = run_deposit(hub, files, object_id)
    started = wait_for_staging(hub, process)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return time.monotonic() - started


def wait_for_staging(hub, process: subprocess.Popen) -> float:  # type: ignore[no-untyped-def,type-arg]
    """Wait until the deposit has begun writing into the staging folder (all checks passed)."""
    work = hub.depository.staging / "work"
    while process.poll() is None:
        if any(work.iterdir()):
            return time.monotonic()
        time.sleep(0.002)
    raise AssertionError(f"the deposit ended before it staged anything: {process.communicate()}")


def kill_while_writing(hub, files: list[Path], seconds: float, object_id: str = "-") -> None:  # type: ignore[no-untyped-def]
    process = run_deposit(hub, files, object_id)
    wait_for_staging(hub, process)
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    process.wait()


def scans(hub, count: int) -> list[Path]:  # type: ignore[no-untyped-def]
    """Different big uncompressed scans (each a new copy), so each run has something to write."""
    return [generated.tiff(hub.folder / f"scan{i}.tif", pages=2, width=5000, height=7000, compression="none", seed=i)
            for i in range(count)]


def assert_whole_or_nothing(hub) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The root is valid, nothing is pending after recovery, and catalogue, log and root agree."""
    from objects.recovery import recover

    recover(hub.store, hub.depository)
    assert hub.depository.pending() == []
    assert hub.depository.validate() == ([], [])
    with hub.store.reading() as session:
        rows = {row.id: row.head for row in session.execute(select(DigitalObject)).scalars()}
    stored = {urn.rsplit(":", 1)[-1]: int(hub.depository.inventory(urn)["head"][1:])
              for urn in hub.depository.urns() if ":object:" in urn}
    assert rows == stored
    logged = {(e["object"], e["version"]) for e in events.read(hub.depository.root) if e["kind"] == "deposit"}
    assert logged == {(oid, v) for oid, head in stored.items() for v in range(1, head + 1)}
    return stored


def test_a_first_deposit_killed_anywhere_is_whole_or_absent(hub) -> None:  # type: ignore[no-untyped-def]
    files = scans(hub, 7)
    writing = storage_phase(hub, [files[0]])
    rng = random.Random(19)
    for scan in files[1:]:
        before = assert_whole_or_nothing(hub)
        kill_while_writing(hub, [scan], rng.uniform(0, writing))
        after = assert_whole_or_nothing(hub)
        assert len(after) - len(before) in (0, 1)
    rerun = files[-1]
    process = run_deposit(hub, [rerun])
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    object_id = out.split()[0]
    assert len([oid for oid in assert_whole_or_nothing(hub) if oid == object_id]) == 1
    urn = f"urn:kazneb:object:{object_id}"
    stored = hub.depository.file_path(urn, hub.depository.logical_files(urn)[f"files/{rerun.name}"])
    assert _same_bytes(stored, rerun)


def test_a_new_version_killed_anywhere_is_whole_or_absent(hub) -> None:  # type: ignore[no-untyped-def]
    first = hub.deposit([hub.pdf(pages=2)])
    files = scans(hub, 6)
    writing = storage_phase(hub, [files[0]], first.object_id)
    rng = random.Random(20)
    for scan in files[1:]:
        head = assert_whole_or_nothing(hub)[first.object_id]
        kill_while_writing(hub, [scan], rng.uniform(0, writing), first.object_id)
        assert assert_whole_or_nothing(hub)[first.object_id] in (head, head + 1)
    with hub.store.reading() as session:
        head = session.get(DigitalObject, first.object_id).head
        payload = session.execute(select(ObjectFile.logical_path).where(
            ObjectFile.object_id == first.object_id, ObjectFile.version == head, ObjectFile.role == "payload"))
        assert len(list(payload.scalars())) == 1


def test_a_version_stored_but_not_yet_catalogued_is_completed_by_recovery(hub) -> None:  # type: ignore[no-untyped-def]
    """The narrowest window: killed after the rename into the root, before the log and the catalogue."""
    import json

    from objects.catalogue import METADATA
    from objects.deposit import _check, _described, _metadata
    from objects.quality import QualityThresholds
    from objects.recovery import recover

    checked = _check(hub.store, hub.request([hub.pdf()]), QualityThresholds(), time_today())
    with hub.depository.new_version(f"urn:kazneb:object:{checked.object_id}") as writer:
        payload = [writer.add_file(f.path, f"files/{f.name}") for f in checked.request.files]
        writer.add_file(hub.consent, "consent/consent.pdf")
        metadata = _metadata(checked, 1, _described(checked, payload), "consent/consent.pdf")
        writer.add_bytes(json.dumps(metadata).encode(), METADATA)
        writer.publish("deposit", "tester")  # ... and the process dies here
    assert [p.version for p in hub.depository.pending()] == [1]
    with hub.store.reading() as session:
        assert session.get(DigitalObject, checked.object_id) is None
    assert recover(hub.store, hub.depository) == [f"urn:kazneb:object:{checked.object_id} v1: completed"]
    assert assert_whole_or_nothing(hub) == {checked.object_id: 1}


def time_today():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC).date()


def _same_bytes(a: Path, b: Path) -> bool:
    import hashlib

    return hashlib.sha512(a.read_bytes()).digest() == hashlib.sha512(b.read_bytes()).digest()
