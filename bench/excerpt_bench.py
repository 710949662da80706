"""The excerpt of a large scanned PDF: building it (verification included) and finding it in the cache.

    python bench/excerpt_bench.py [--pages 500] [--workdir /tmp/kazneb-excerpt-bench]

A generated scan of ``--pages`` pages (one grey JPEG of 4400 x 6220 pixels per page, about
600 KB, so some 300 MB for 500 pages; kept in the work folder for the next run) is:
1. excerpted several times into fresh files: the first 24 pages rebuilt as a new PDF, written,
   then read back and verified (target: at most 1 s a build);
2. verified alone, to show what the check costs;
3. built once in a child process whose peak RSS is read;
4. asked for through the cache (``cached_excerpt``) once built: a hit only looks for the file.
The source is read from the page cache (just written, or read by the previous run).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pikepdf  # noqa: E402

from kazneb.config import load_settings  # noqa: E402
from objects import generated  # noqa: E402
from objects.copies import CopyFile, HeadCopy  # noqa: E402
from objects.excerpt import PageSource, build  # noqa: E402
from objects.excerpt_cache import cached_excerpt  # noqa: E402
from objects.excerpt_check import Taken, verify  # noqa: E402

MB = 1 << 20
PAGE = (4400, 6220)  # about A4 at 530 dpi
#: A build in a fresh process; its peak RSS is VmHWM (ru_maxrss would carry the parent's over exec).
CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from objects.excerpt import PageSource, build
start = time.perf_counter()
build([PageSource(Path(sys.argv[2]), "application/pdf", "scan.pdf")], Path(sys.argv[3]))
status = Path("/proc/self/status").read_text()
print(time.perf_counter() - start, status.split("VmHWM:")[1].split()[0])
"""


def source_pdf(folder: Path, pages: int) -> Path:
    path = folder / f"scan-{pages}-{PAGE[0]}x{PAGE[1]}.pdf"
    if not path.exists():
        start = time.perf_counter()
        generated.pdf(path, pages=pages, dpi=530, width=PAGE[0], height=PAGE[1])
        print(f"generated {path} in {time.perf_counter() - start:.1f} s")
    return path


def sha512(path: Path) -> str:
    digest = hashlib.sha512()
    with open(path, "rb") as file:
        while block := file.read(MB):
            digest.update(block)
    return digest.hexdigest()


def timed(action, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kazneb-excerpt-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    source = source_pdf(args.workdir, args.pages)
    digest = sha512(source)  # also brings the file into the page cache, as a later reader finds it
    sources = [PageSource(source, "application/pdf", source.name)]
    out = args.workdir / "out"
    out.mkdir(exist_ok=True)

    runs = iter(range(10_000))
    builds = timed(lambda: build(sources, out / f"excerpt-{next(runs)}.pdf"), args.repeat)
    excerpt = out / "excerpt-0.pdf"

    def verify_only() -> None:
        with pikepdf.open(source) as pdf:
            verify(excerpt, 24, [Taken(pdf, 24, source.name)])

    checks = timed(verify_only, args.repeat)
    child = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(source), str(out / "child.pdf")],
                           capture_output=True, text=True, check=True).stdout.split()

    copy = HeadCopy("benchexcerpt", "preview-24", False, 1, int(time.time()),
                    (CopyFile(source.name, "payload", 1, "application/pdf", args.pages, source.stat().st_size, digest,
                              source),))
    settings = load_settings(overrides={"delivery.derivatives": str(args.workdir / "derivatives"),
                                        "database.url": f"sqlite:///{args.workdir / 'bench.db'}"})
    for stale in (args.workdir / "derivatives").rglob("*.pdf"):
        stale.unlink()
    first = timed(lambda: cached_excerpt(settings, copy), 1)[0]
    hits = timed(lambda: cached_excerpt(settings, copy), 1000)

    with pikepdf.open(excerpt) as pdf:
        pages = len(pdf.pages)
    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
                   f"pikepdf {pikepdf.__version__} (qpdf {pikepdf.__libqpdf_version__})",
        "load_average": os.getloadavg(),
        "source": f"{args.pages} pages, {source.stat().st_size / MB:.0f} MB",
        "excerpt": f"{pages} pages, {excerpt.stat().st_size / MB:.1f} MB",
        "build_s (written and verified)": {"best": min(builds), "median": statistics.median(builds),
                                           "all": [round(t, 3) for t in builds]},
        "verification_alone_s": {"best": min(checks), "median": statistics.median(checks)},
        "child_build": {"seconds": float(child[0]), "peak_rss_mb": int(child[1]) / 1024},
        "cache": {"first_request_s (built)": first, "hit_us (median of 1000)": statistics.median(hits) * 1e6},
    }
    print(json.dumps(figures, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
