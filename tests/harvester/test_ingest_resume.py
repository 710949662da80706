"""Crash and resume of file deliveries: ``kazneb ingest`` killed with SIGKILL at random moments,
then run again, ends with exactly the store an uninterrupted ingest builds — every record
stored once, nothing lost, nothing quarantined twice — and the resumed run skips what was stored."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from harvester.ingest import ingest_path
from harvester.models import HarvestRun, QuarantinedRecord
from harvester.partners import PartnerConfig, save_partner
from repository.db import migrate
from repository.models import HubRecord, RecordChange, SourceRecord
from repository.store import Store
from tests.conftest import ROOT, make_settings
from tests.harvester.delivery_files import (
    broken_leader,
    dc_collection,
    dc_record,
    marc_record,
    marcxml_collection,
    oai_response,
)

BATCH = 25


def make_delivery(folder: Path) -> Path:
    """About 2,000 records in four files (one in a zip), some unreadable, a duplicate and a deletion."""
    folder.mkdir()
    marc = [marc_record(n) for n in range(1, 1001)]
    marc[99], marc[700] = broken_leader(marc[99]), broken_leader(marc[700])
    (folder / "a.mrc").write_bytes(b"".join(marc))
    with zipfile.ZipFile(folder / "b.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("c.xml", marcxml_collection(range(1, 401)))
        archive.writestr("readme.txt", "March delivery\n")
    dc = [dc_record(n, rights="restricted" if n % 7 == 0 else "") for n in range(1, 301)]
    dc[150] = dc[150].replace("</dc:title>", "</dc:titel>")
    dc.append(dc_record(5, title="Document 5, corrected"))  # the same record again, changed
    (folder / "d.xml").write_bytes(dc_collection(dc))
    oai = [(f"oai:p:{n}", f"2024-02-{n % 28 + 1:02d}T08:00:00Z", f"Item {n}") for n in range(1, 301)]
    oai.append(("oai:p:3", "2024-03-01T00:00:00Z", None))  # deleted after it was listed
    (folder / "e.xml").write_bytes(oai_response(oai))
    return folder


def snapshot(store: Store) -> dict[str, object]:
    """Everything published about every record (ids, source datestamps, digests, raw text, access),
    the quarantine with its exact bytes, and how many times each record was written."""
    with store.session() as session:
        rows = session.execute(select(SourceRecord, HubRecord).join(
            HubRecord, HubRecord.id == SourceRecord.hub_record_id))
        records = {s.source_key: (h.local_id, s.source_datestamp, s.content_hash, h.content_hash, s.deleted,
                                  h.deleted, h.access, s.raw) for s, h in rows}
        quarantine = sorted(session.execute(select(
            QuarantinedRecord.source_key, QuarantinedRecord.file_name, QuarantinedRecord.file_position,
            QuarantinedRecord.raw_bytes, QuarantinedRecord.error, QuarantinedRecord.status)).all())
        writes = Counter(dict(session.execute(select(HubRecord.local_id, func.count(RecordChange.seq)).join(
            RecordChange, RecordChange.record_id == HubRecord.id).group_by(HubRecord.local_id)).all()))
    return {"records": records, "quarantine": quarantine, "writes": writes}


def datestamps(store: Store) -> dict[str, tuple[str, int]]:
    with store.session() as session:
        return {local_id: (digest, stamp) for local_id, digest, stamp in session.execute(
            select(HubRecord.local_id, HubRecord.content_hash, HubRecord.datestamp))}


def progress(store: Store) -> tuple | None:
    """(run id, status, checkpoint, records seen) of the latest run, None before the first."""
    with store.session() as session:
        row = session.execute(select(HarvestRun.id, HarvestRun.status, HarvestRun.checkpoint, HarvestRun.seen)
                              .order_by(HarvestRun.id.desc()).limit(1)).first()
    return None if row is None else (row[0], row[1], str(row[2]), row[3])


def ingest_in_subprocess(store: Store, db_url: str, delivery: Path, cwd: Path,
                         kill_after: float | None, wait_for_batch: bool) -> tuple[int | None, str]:
    """Run ``kazneb ingest``; SIGKILL it ``kill_after`` seconds after start (or after its next
    batch commits).  (exit code or None when killed, stderr)."""
    env = {**os.environ, "KAZNEB_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", "from kazneb.cli import main; main()", "--config", str(ROOT / "config" / "kazneb.toml"),
         "ingest", "--partner", "files", "--batch-size", str(BATCH), str(delivery)],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if kill_after is not None:
        if wait_for_batch:
            before = progress(store)
            while process.poll() is None and progress(store) in (before, None):
                time.sleep(0.005)
        time.sleep(kill_after)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return None, ""
    _, stderr = process.communicate(timeout=300)
    return process.returncode, stderr.decode()


def partner_in(store: Store) -> PartnerConfig:
    config = PartnerConfig(id="files", access="open")
    with store.session() as session:
        save_partner(store, session, config)
    return config


def test_killed_ingest_resumes_to_the_same_store(db_url, tmp_path):
    seed = int(os.environ.get("KAZNEB_CRASH_SEED", time.time()))
    rng = random.Random(seed)
    delivery = make_delivery(tmp_path / "delivery")
    store = Store.from_settings(make_settings(db_url))
    migrate(store.engine)
    partner_in(store)

    kills, resumable, stamps = 0, 0, []
    while True:
        # the first kill at any moment (start-up included), then just after a random committed batch
        kill_after = (rng.uniform(0.05, 0.8) if kills == 0 else rng.uniform(0, 0.1)) if kills < 5 else None
        code, stderr = ingest_in_subprocess(store, db_url, delivery, tmp_path, kill_after, wait_for_batch=kills > 0)
        state = progress(store)
        if code is not None or (state is not None and state[1] != "running"):
            break  # finished (a kill after the run ended only stopped the search index update)
        kills += 1
        resumable += state is not None
        stamps.append(datestamps(store))
    assert code in (0, None), f"seed {seed}: {stderr}"

    reference = Store.from_settings(make_settings(f"sqlite:///{tmp_path / 'reference.db'}"))
    migrate(reference.engine)
    expected = ingest_path(reference, partner_in(reference), delivery, report=lambda m: None, batch_size=BATCH)

    assert kills >= 1
    got = snapshot(store)
    want = snapshot(reference)
    assert got["records"] == want["records"], f"seed {seed}"
    assert got["quarantine"] == want["quarantine"], f"seed {seed}"
    assert got["writes"] == want["writes"], f"seed {seed}"  # nothing stored twice
    assert len(got["records"]) == (1000 - 2) + 400 + (300 - 1) + 300 and len(got["quarantine"]) == 3
    final = datestamps(store)
    for before in stamps:  # a record stored before a crash keeps its datestamp unless it changed later
        assert all(final[k][1] == stamp for k, (digest, stamp) in before.items() if final[k][0] == digest)
    with store.session() as session:
        [run] = session.scalars(select(HarvestRun)).all()
    counts = ("status", "new", "updated", "unchanged", "deleted", "quarantined", "seen")
    assert [getattr(run, c) for c in counts] == [getattr(expected, c) for c in counts], f"seed {seed}"
    assert run.unchanged == 0  # a resumed run skips the stored batches instead of writing them again
    assert run.resumed == resumable
    assert run.errors["skipped-files"]["count"] == 1
    if resumable and code == 0:
        assert "resumed run" in stderr
