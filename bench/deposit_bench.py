"""Deposit and fixity audit speed, against the machine's single-core SHA-512 in the same run.

    python bench/deposit_bench.py [--gigabytes 3] [--workdir /work/bench-data]

Generated uncompressed TIFFs (a few GB, on the same volume as the storage root) are:
1. hashed with ``hashlib`` SHA-512 on one core (the baseline, MB/s);
2. deposited as one copy through ``objects.deposit`` on a SQLite store: the checks (type, pages,
   quality) timed apart, then the verify-and-store path timed on its own: every digest (SHA-512
   and the partner's MD5) recomputed while each file is copied into staging and flushed to the
   disk, the OCFL version written and renamed into the root, logged and catalogued
   (target: >= 0.5x the baseline);
3. audited with ``objects.fixity.audit`` (``kazneb fixity audit``), unthrottled: every stored file
   re-hashed and its check recorded (target: >= 0.8x the baseline);
5. a 2 GB file deposited whole (checks included) in a child process, whose peak RSS is read
   (target: under 100 MB).
The files are read from the page cache (just written); the deposit writes to the disk.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from datetime import date  # noqa: E402

from objects import agreements, fixity, generated  # noqa: E402
from objects.deposit import DepositRequest, IncomingFile, _check, _store  # noqa: E402
from objects.fixity_targets import every_file  # noqa: E402
from objects.quality import QualityThresholds  # noqa: E402
from objects.storage import Depository  # noqa: E402

MB = 1 << 20
#: A page of 10,000 x 12,500 grey pixels: 125 MB uncompressed.
PAGE = (10_000, 12_500)


def make_files(folder: Path, gigabytes: float) -> list[Path]:
    """Files of about 500 MB each (four pages) adding up to ``gigabytes``."""
    count = max(1, round(gigabytes * 1024 / 500))
    files = []
    for index in range(count):
        path = folder / f"scan{index}.tif"
        if not path.exists():
            generated.tiff(path, pages=4, dpi=400, width=PAGE[0], height=PAGE[1], compression="none", seed=index)
        files.append(path)
    return files


def megabytes(files: list[Path]) -> float:
    return sum(f.stat().st_size for f in files) / MB


def baseline(files: list[Path]) -> float:
    """Single-core SHA-512 of the files, MB/s (hashlib.file_digest, as plain as it gets)."""
    started = time.perf_counter()
    for path in files:
        with open(path, "rb") as handle:
            hashlib.file_digest(handle, "sha512")
    return megabytes(files) / (time.perf_counter() - started)


def hub(folder: Path) -> tuple[object, Depository]:
    """A SQLite store with partner ``bench``, one record, an agreement; a storage root."""
    from kazneb.config import load_settings
    from repository.db import migrate
    from repository.store import Store
    from tests.oai_helpers import add_records

    settings = load_settings(overrides={"database.url": f"sqlite:///{folder}/bench.db"})
    store = Store.from_settings(settings)
    migrate(store.engine)
    add_records(store, "bench", range(1))
    depository = Depository(folder / "objects").open()
    scan = generated.pdf(folder / "agreement.pdf", pages=1, dpi=200)
    agreements.add(store, depository, "bench", "1", date(2024, 1, 1), ["open"], scan, "bench", date.today())
    return store, depository


def deposit(files: list[Path], folder: Path) -> tuple[float, float, object, Depository]:
    """(seconds of the checks, MB/s of the verify-and-store path) of one deposit of ``files``,
    each with the partner's MD5 as a bag would give it."""
    store, depository = hub(folder)
    consent = generated.pdf(folder / "consent.pdf", pages=1, dpi=200)
    incoming = []
    for path in files:
        with open(path, "rb") as handle:
            incoming.append(IncomingFile(path.name, path, {"md5": hashlib.file_digest(handle, "md5").hexdigest()}))
    request = DepositRequest(partner_id="bench", files=incoming, consent=IncomingFile("consent.pdf", consent),
                             access="open", record="oai:bench:0", by="bench")
    started = time.perf_counter()
    checked = _check(store, request, QualityThresholds(), date.today())  # type: ignore[arg-type]
    middle = time.perf_counter()
    _store(store, depository, checked)  # type: ignore[arg-type]
    return middle - started, megabytes(files) / (time.perf_counter() - middle), store, depository


def audit(store: object, depository: Depository) -> float:
    """``kazneb fixity audit`` at full speed over everything stored, MB/s."""
    started = time.perf_counter()
    report = fixity.audit(store, depository, list(every_file(store)), "bench")  # type: ignore[arg-type]
    assert report.files and not report.failures, report
    return report.bytes / MB / (time.perf_counter() - started)


CHILD = """
import sys
from pathlib import Path
from objects.storage import Depository
from objects.content import inspect_file
from objects.quality import QualityThresholds, check_quality
def peak():
    status = Path("/proc/self/status").read_text()
    return int([line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")][0]) / 1024
path, root, phase = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
start = peak()
if phase == "store":
    depository = Depository(root).open()
    with depository.new_version("urn:kazneb:object:bigfile") as writer:
        writer.add_file(path, "files/" + path.name)
        depository.settle(writer.publish("benchmark", "bench"))
else:
    inspected = inspect_file(path)
    if phase == "quality":
        check_quality([inspected], QualityThresholds(), None)
print(start, peak())
"""


def peak_rss_of_big_deposit(folder: Path, root: Path) -> tuple[float, dict[str, list[float]]]:
    """File MB, and for each phase (inspect, quality, store) of one 2 GB file in a child of its
    own: the child's peak RSS after its imports, then at its end (MB)."""
    big = folder / "big.tif"
    if not big.exists():
        generated.tiff(big, pages=16, dpi=400, width=PAGE[0], height=PAGE[1], compression="none", seed=99)
    phases = {}
    for phase in ("inspect", "quality", "store"):
        out = subprocess.run([sys.executable, "-c", CHILD, str(big), str(root / phase), phase], cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout
        phases[phase] = [round(float(value), 1) for value in out.split()]
    return big.stat().st_size / MB, phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabytes", type=float, default=3.0)
    parser.add_argument("--workdir", type=Path, default=Path("/work/bench-data"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    files = make_files(args.workdir, args.gigabytes)
    size = megabytes(files)
    with tempfile.TemporaryDirectory(dir=args.workdir) as scratch:
        sha = baseline(files)
        checks_seconds, deposit_rate, store, depository = deposit(files, Path(scratch))
        audit_rate = audit(store, depository)
        sha_after = baseline(files)
        big, rss = peak_rss_of_big_deposit(args.workdir, Path(scratch) / "big-objects")
    reference = (sha + sha_after) / 2
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(), "load": os.getloadavg()[0], "files": len(files), "MB": round(size),
        "sha512 MB/s (before, after)": [round(sha), round(sha_after)],
        "deposit verify-and-store MB/s": round(deposit_rate), "deposit ratio": round(deposit_rate / reference, 2),
        "audit MB/s": round(audit_rate), "audit ratio": round(audit_rate / reference, 2),
        "checks (type, pages, quality) s": round(checks_seconds, 2),
        "big file MB": round(big), "big file peak RSS MB (after imports, at end)": rss,
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
