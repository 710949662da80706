"""Crash and resume of file deliveries: ``kazneb ingest`` killed with SIGKILL at random moments,
then run again, ends with exactly the store an uninterrupted ingest builds — every record
stored once, nothing lost, nothing quarantined twice — and the resumed run skips what was stored."""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crosswalks import files, xmlsplit
from harvester.ingest import ingest_path
from harvester.models import HarvestRun, QuarantinedRecord
from harvester.partners import PartnerConfig, save_partner
from repository.db import migrate
from repository.integrity import dangling_references
from repository.models import HubRecord, RecordChange, SourceRecord
from repository.store import Store
from tests.conftest import ROOT, make_settings
from tests.harvester.conftest import live
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
    """About 2,000 records in four files (one in a zip), some unreadable, a duplicate, five without an
    identifier and a deletion."""
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
    dc[200:200] = [f"<oai_dc:dc><dc:title>Untitled {n}</dc:title></oai_dc:dc>" for n in range(5)]  # no identifier
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
    assert code in (1, None), f"seed {seed}: {stderr}"  # 1: three of its records are quarantined

    reference = Store.from_settings(make_settings(f"sqlite:///{tmp_path / 'reference.db'}"))
    migrate(reference.engine)
    expected = ingest_path(reference, partner_in(reference), delivery, report=lambda m: None, batch_size=BATCH)

    assert kills >= 1
    got = snapshot(store)
    want = snapshot(reference)
    assert got["records"] == want["records"], f"seed {seed}"
    assert got["quarantine"] == want["quarantine"], f"seed {seed}"
    assert got["writes"] == want["writes"], f"seed {seed}"  # nothing stored twice
    assert dangling_references(store.engine) == []  # no half-written record left by a kill
    assert len(got["records"]) == (1000 - 2) + 400 + (300 - 1 + 5) + 300 and len(got["quarantine"]) == 3
    assert sum(key.startswith("#") for key in got["records"]) == 5
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
    if resumable and code is not None:
        assert "resumed run" in stderr


# -- resuming at the checkpoint's byte offset --------------------------------------------
class Killed(BaseException):
    """Stands for SIGKILL in-process: not an Exception, so the run is left ``running`` as a kill leaves it."""


def kill_after(message: str) -> Callable[[str], None]:
    """A report callback that 'kills' the ingest once the batch whose progress line starts with ``message``
    has committed."""
    def report(line: str) -> None:
        if line.startswith(message):
            raise Killed(line)
    return report


class Reads:
    """What the crosswalks' reader decodes (ISO 2709) and splits and parses (XML), counted in-process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.decoded: list[bytes] = []
        self.split: list[str] = []
        self.parsed: list[str] = []
        reads, decode = self, files.decode_record

        class CountedPiece(xmlsplit.Piece):
            def __init__(self, position: int, text: str, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
                super().__init__(position, text, *args, **kwargs)
                reads.split.append(text)

            def parse(self, parser):  # type: ignore[no-untyped-def]
                reads.parsed.append(self.text)
                return super().parse(parser)

        def counted_decode(data: bytes, encoding: str | None = None):  # type: ignore[no-untyped-def]
            reads.decoded.append(data)
            return decode(data, encoding)

        monkeypatch.setattr(xmlsplit, "Piece", CountedPiece)
        monkeypatch.setattr(files, "decode_record", counted_decode)

    def clear(self) -> None:
        self.decoded, self.split, self.parsed = [], [], []

    def ids(self) -> list[str]:
        """The identifiers (001 or dc:identifier) of every record read since the last clear."""
        found = [re.search(rb"\x1e?(m\d{5})\x1e", data).group(1).decode() for data in self.decoded]
        return found + [re.search(r"<dc:identifier>([^<]+)<", text).group(1) for text in self.parsed]


DC = [dc_record(n, title=f"Құжат {n}") for n in range(1, 61)]


def two_files(folder: Path) -> Path:
    """60 ISO 2709 records and 60 oai_dc records in Windows-1251 (multi-byte offsets would not do)."""
    folder.mkdir()
    (folder / "a.mrc").write_bytes(b"\n".join(marc_record(n) for n in range(1, 61)))
    (folder / "b.xml").write_bytes(dc_collection([d.replace("Құжат", "Документ") for d in DC], "windows-1251"))
    return folder


def reference_snapshot(tmp_path: Path, delivery: Path, name: str) -> tuple[dict, HarvestRun]:
    reference = Store.from_settings(make_settings(f"sqlite:///{tmp_path / name}"))
    migrate(reference.engine)
    run = ingest_path(reference, partner_in(reference), delivery, report=lambda m: None, batch_size=10)
    return snapshot(reference), run


def checkpoint_of(store: Store) -> dict:
    with store.session() as session:
        return dict(session.scalars(select(HarvestRun.checkpoint).order_by(HarvestRun.id.desc())).first())


def test_a_resumed_ingest_reads_only_the_records_after_the_checkpoint(store, tmp_path, monkeypatch):
    delivery = two_files(tmp_path / "delivery")
    partner = partner_in(store)
    reads = Reads(monkeypatch)
    with pytest.raises(Killed):
        ingest_path(store, partner, delivery, report=kill_after("a.mrc: record 30,"), batch_size=10)
    marc = (delivery / "a.mrc").read_bytes()
    point = checkpoint_of(store)
    assert marc[:point["offset"]].endswith(marc_record(30)) and "xml" not in point
    assert point["prefix"] == hashlib.sha256(marc[:point["offset"]]).hexdigest()

    reads.clear()
    with pytest.raises(Killed):
        ingest_path(store, partner, delivery, report=kill_after("b.xml: record 30,"), batch_size=10)
    assert reads.ids() == [f"m{n:05d}" for n in range(31, 61)] + [f"dc:{n}" for n in range(1, 31)]
    dc = (delivery / "b.xml").read_bytes()
    point = checkpoint_of(store)
    assert dc[:point["offset"]].endswith(DC[29].replace("Құжат", "Документ").encode("cp1251"))
    assert point["xml"][0] == "oai_dc:dc" and 'xmlns:dc="http://purl.org/dc/elements/1.1/"' in point["xml"][1]

    reads.clear()
    messages: list[str] = []
    run = ingest_path(store, partner, delivery, report=messages.append, batch_size=10)
    assert reads.ids() == [f"dc:{n}" for n in range(31, 61)]  # nothing before the offset split or parsed
    assert len(reads.split) == 30
    assert f"resumed run {run.id} of {delivery} at b.xml after record 30 (byte {point['offset']})" in messages

    want, expected = reference_snapshot(tmp_path, delivery, "reference.db")
    assert snapshot(store) == want
    assert (run.status, run.new, run.unchanged, run.resumed, run.seen) == ("succeeded", 120, 0, 2, expected.seen)


def test_a_file_changed_since_the_checkpoint_is_read_again_from_its_start(store, tmp_path, monkeypatch):
    delivery = two_files(tmp_path / "delivery")
    partner = partner_in(store)
    with pytest.raises(Killed):
        ingest_path(store, partner, delivery, report=kill_after("b.xml: record 30,"), batch_size=10)
    # a record before the checkpoint is corrected in place; size and time kept, so the delivery looks the same
    changed = delivery / "b.xml"
    stat = changed.stat()
    data = changed.read_bytes()
    changed.write_bytes(data.replace("Документ 5<".encode("cp1251"), "Докумонт 5<".encode("cp1251")))
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert changed.stat().st_size == stat.st_size

    reads = Reads(monkeypatch)
    run = ingest_path(store, partner, delivery, report=lambda m: None, batch_size=10)

    assert reads.ids() == [f"dc:{n}" for n in range(1, 61)]  # the offset was not trusted
    assert run.errors["changed-files"]["examples"] == [
        "b.xml: changed since the crashed run stopped after record 30; read again from its start"]
    assert (run.resumed, run.new, run.updated, run.unchanged) == (1, 120, 1, 29)
    want, _ = reference_snapshot(tmp_path, delivery, "reference.db")
    got = snapshot(store)
    assert got["records"] == want["records"] and got["quarantine"] == want["quarantine"]
    assert live(store, "files")["dc:5"] == "Докумонт 5"


def test_a_file_whose_size_changed_is_a_new_delivery_read_from_the_start(store, tmp_path):
    delivery = two_files(tmp_path / "delivery")
    partner = partner_in(store)
    with pytest.raises(Killed):
        ingest_path(store, partner, delivery, report=kill_after("b.xml: record 30,"), batch_size=10)
    changed = delivery / "b.xml"
    changed.write_bytes(changed.read_bytes().replace("Документ 5<".encode("cp1251"), "Документ 5, 2-е изд.<"
                                                     .encode("cp1251")))
    run = ingest_path(store, partner, delivery, report=lambda m: None, batch_size=10)
    with store.session() as session:
        crashed, _ = session.scalars(select(HarvestRun).order_by(HarvestRun.id)).all()
    assert (crashed.status, run.resumed) == ("failed", 0)
    assert "another delivery was ingested before it was resumed" in crashed.message
    assert (run.new, run.updated, run.unchanged) == (30, 1, 89)
    want, _ = reference_snapshot(tmp_path, delivery, "reference.db")
    assert snapshot(store)["records"] == want["records"]
    assert live(store, "files")["dc:5"] == "Документ 5, 2-е изд."


def test_a_checkpoint_without_an_offset_still_resumes_by_counting_records(store, tmp_path, monkeypatch):
    """A run that crashed under the version before offsets: its records are read again but not written."""
    delivery = two_files(tmp_path / "delivery")
    partner = partner_in(store)
    with pytest.raises(Killed):
        ingest_path(store, partner, delivery, report=kill_after("b.xml: record 20,"), batch_size=10)
    with store.session() as session:
        run = session.scalars(select(HarvestRun)).one()
        run.checkpoint = {"file": 1, "name": "b.xml", "record": 20}
    reads = Reads(monkeypatch)
    run = ingest_path(store, partner, delivery, report=lambda m: None, batch_size=10)
    assert reads.ids() == [f"dc:{n}" for n in range(1, 61)]
    assert (run.resumed, run.new, run.unchanged) == (1, 120, 0)
    want, _ = reference_snapshot(tmp_path, delivery, "reference.db")
    assert snapshot(store) == want


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "windows-1251", "utf-16"])
@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_each_record_s_offset_restarts_the_splitter_on_the_next_record(encoding, chunk):
    records = [d.replace("Құжат", "Документ") if encoding == "windows-1251" else d for d in DC[:6]]
    data = dc_collection(records, encoding)
    # the first chunk holds the XML declaration, as the reader's first read does
    pieces = list(xmlsplit.split_xml([data[:100], *(data[i:i + chunk] for i in range(100, len(data), chunk))]))
    assert [p.text for p in pieces] == records
    for n, piece in enumerate(pieces):
        assert data[:piece.end].endswith(records[n].encode(piece.context.codec))
        rest = list(xmlsplit.split_xml([data[piece.end:]], (piece.context, piece.end, n + 1)))
        assert [(p.position, p.text, p.end) for p in rest] == [(p.position, p.text, p.end) for p in pieces[n + 1:]]


def test_each_iso2709_record_s_offset_restarts_the_reader_on_the_next_record():
    data = b"\r\n".join(marc_record(n) for n in range(1, 6)) + b"\n"
    results = list(files.read_file(io.BytesIO(data), "marc21"))
    for n, result in enumerate(results):
        assert data[:result.end].endswith(marc_record(n + 1))
        rest = list(files.read_file(io.BytesIO(data), "marc21", resume=files.ResumeAt(result.end, n + 1)))
        assert [(r.position, r.identifier) for r in rest] == [(n + 2 + i, f"m{n + 2 + i:05d}") for i in range(4 - n)]
