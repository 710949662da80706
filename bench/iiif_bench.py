"""The IIIF image service under two concurrent clients, against bare pyvips doing the same tile work.

    python bench/iiif_bench.py [--workdir /tmp/kazneb-iiif-bench] [--pages 300] [--first-views 20]
                               [--manifest-only]

Made once in the work folder (kept for the next run): a 300-page scanned PDF (A4 at 300 dpi,
2,480 x 3,508 pixels a page) and a 100-megapixel colour TIFF (10,000 x 10,000).  Each run:

1. a fresh SQLite hub: the PDF deposited twice (read-only and open), the TIFF once (open);
   the TIFF's pages derived with ``kazneb objects derive`` (timed);
2. the hub served by gunicorn (2 sync workers, as in production with -w);
3. first manifest of each PDF copy, no page of it made yet (every canvas's size measured), and
   the second (sizes read back); ``--manifest-only`` stops here (and skips step 1's derive);
4. first view: info.json of PDF pages not derived yet, one client (the page is rendered by
   pdfium, tiled into a pyramid and described), for the read-only copy (capped at 2,000 px)
   and the open one (full resolution) — target <= 300 ms;
5. two concurrent clients: page images (``full/max`` of capped PDF pages; ``full/!1000,1000``
   of the TIFF) and tiles (every 512-pixel tile of the TIFF at scale factors 1-4, shuffled);
   p50 / p95 of each;
6. the same tiles cut by bare pyvips (open, crop, resize, JPEG) in two threads of this
   process — the derived tile p95 target is <= 50 ms and <= 1.5x bare pyvips.

Figures only; nothing here is asserted.  Run it on a quiet machine.
"""

from __future__ import annotations

import os

#: One libvips thread per process, in the server's workers and here alike (set before libvips
#: starts): a tile is too small to share, and two workers' thread pools would fight over 2 cores.
os.environ.setdefault("VIPS_CONCURRENCY", "1")

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import pyvips  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from objects import agreements, derivatives, generated  # noqa: E402
from objects.deposit import DepositRequest, IncomingFile, deposit  # noqa: E402
from objects.quality import QualityThresholds  # noqa: E402
from objects.storage import Depository  # noqa: E402
from repository.db import migrate  # noqa: E402
from repository.store import Store  # noqa: E402
from tests.oai_helpers import add_records  # noqa: E402
from tests.services.gunicorn import gunicorn_hub, write_config  # noqa: E402
from web.iiif.params import parse  # noqa: E402

CAP = 2000
A4_300 = (2480, 3508)
BIG = (10_000, 10_000)


def make_files(folder: Path, pages: int) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    book, scan = folder / f"book-{pages}.pdf", folder / "scan-100mp.tif"
    if not book.exists():
        print(f"generating {book.name} ({pages} pages of {A4_300[0]} x {A4_300[1]})...", flush=True)
        generated.pdf(book, pages=pages, dpi=300, width=A4_300[0], height=A4_300[1])
    if not scan.exists():
        print(f"generating {scan.name} ({BIG[0]} x {BIG[1]} colour)...", flush=True)
        generated.tiff(scan, pages=1, dpi=400, width=BIG[0], height=BIG[1], color=True)
    return book, scan


def make_hub(folder: Path, book: Path, scan: Path) -> tuple[str, Path, dict[str, str]]:
    """A fresh store and storage root with the three copies; returns (database URL, config, level -> id)."""
    run = folder / f"run-{os.getpid()}"
    run.mkdir()
    db_url = f"sqlite:///{run / 'kazneb.db'}"
    from kazneb.config import load_settings

    settings = load_settings(ROOT / "config" / "kazneb.toml", overrides={"database.url": db_url})
    store = Store.from_settings(settings)
    migrate(store.engine)
    records = add_records(store, "p1", range(3))
    depository = Depository(run / "objects").open()
    consent = generated.pdf(run / "consent.pdf", pages=1, dpi=200)
    agreements.add(store, depository, "p1", "1/2024", date(2024, 1, 1), ["open", "read-only", "preview-24"],
                   consent, "bench", date(2026, 1, 1))
    copies = {}
    for key, files, level, record in (("pdf-read-only", [book], "read-only", 0), ("pdf-open", [book], "open", 1),
                                      ("tiff-open", [scan], "open", 2)):
        started = time.perf_counter()
        request = DepositRequest("p1", [IncomingFile(f.name, f) for f in files], IncomingFile("consent.pdf", consent),
                                 level, records[record], by="bench")
        copies[key] = deposit(store, depository, request, QualityThresholds()).object_id
        print(f"deposited {key}: {copies[key]} ({time.perf_counter() - started:.1f} s)", flush=True)
    config = write_config(run, objects={"root": str(run / "objects")},
                          delivery={"derivatives": str(run / "derivatives"), "image_max_side": CAP,
                                    "image_rate_limit": "1000000 per minute"},
                          search={"path": str(run / "index"), "follow_seconds": 0})
    store.engine.dispose()
    return db_url, config, copies


def derive(db_url: str, config: Path, object_id: str) -> float:
    env = {**os.environ, "KAZNEB_DATABASE_URL": db_url, "KAZNEB_CONFIG": str(config)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "from kazneb.cli import main; main()", "objects", "derive", object_id],
                          cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    if "1 made now" not in done.stdout:
        raise RuntimeError(f"kazneb objects derive made nothing: {done.stdout} {done.stderr}")
    return time.perf_counter() - started


def get(url: str) -> tuple[int, bytes]:
    """One GET on a new connection (gunicorn's sync workers close each one), with as little client
    work as can be: the client shares the machine's two cores with the server."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.request("GET", parts.path)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def timed_get(url: str) -> float:
    started = time.perf_counter()
    status, body = get(url)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"{url}: {status} {body[:200]!r}")
    return elapsed


def two_clients(urls: list[str]) -> list[float]:
    """Every URL fetched once, by two clients taking turns from one shuffled list."""
    urls = urls[:]
    random.Random(7).shuffle(urls)
    lock, times = threading.Lock(), []

    def client() -> None:
        while True:
            with lock:
                if not urls:
                    return
                url = urls.pop()
            elapsed = timed_get(url)
            with lock:
                times.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def tile_requests(info: dict, scales: list[int]) -> list[str]:  # type: ignore[type-arg]
    width, height, side = info["width"], info["height"], info["tiles"][0]["width"]
    found = []
    for scale in scales:
        step = side * scale
        for y in range(0, height, step):
            for x in range(0, width, step):
                w, h = min(step, width - x), min(step, height - y)
                found.append(f"{x},{y},{w},{h}/{-(-w // scale)},{-(-h // scale)}/0/default.jpg")
    return found


def bare_pyvips(path: Path, made: derivatives.Derivative, requests_: list[str]) -> list[float]:
    """The same tiles cut from the same derivative file by pyvips alone, in two threads."""
    def one(request: str) -> float:
        region, size, rotation, quality_format = request.split("/")
        wanted = parse(region, size, rotation, quality_format, (made.width, made.height), (made.width, made.height))
        started = time.perf_counter()
        scale = wanted.width / wanted.region.width
        level = 0
        while level + 1 < len(made.levels) and made.levels[level + 1][0] / made.width >= scale:
            level += 1
        factor = made.levels[level][0] / made.width
        image = pyvips.Image.new_from_file(str(path), page=level)
        r = wanted.region
        box = (int(r.x * factor), int(r.y * factor), max(1, round(r.width * factor)), max(1, round(r.height * factor)))
        box = (box[0], box[1], min(box[2], image.width - box[0]), min(box[3], image.height - box[1]))
        image = image.crop(*box)
        if (image.width, image.height) != (wanted.width, wanted.height):
            image = image.resize(wanted.width / image.width, vscale=wanted.height / image.height)
        image.jpegsave_buffer(Q=85, keep=pyvips.enums.ForeignKeep.NONE)
        return time.perf_counter() - started

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(one, requests_))


def first_manifests(url: str, copies: dict[str, str], pages: int) -> None:
    """Each PDF copy's manifest, first (no page made, no size kept) and again, one client."""
    warm = f"{url}/objects/{copies['tiff-open']}/manifest"
    for _ in range(4):  # the workers' first manifest (imports) on the one-page TIFF, not timed
        timed_get(warm)
    for key in ("pdf-read-only", "pdf-open"):
        manifest = f"{url}/objects/{copies[key]}/manifest"
        first, again = timed_get(manifest), timed_get(manifest)
        name = f"manifest of the {pages}-page PDF ({key})"
        print(f"{name:58} first {first * 1000:9.1f} ms  again {again * 1000:7.1f} ms", flush=True)


def figures(name: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    return f"{name:58} n={len(ms):4}  p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms"


def p95(times: list[float]) -> float:
    ms = sorted(times)
    return ms[max(0, round(0.95 * len(ms)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kazneb-iiif-bench"))
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--first-views", type=int, default=20, help="PDF pages viewed first, per copy")
    parser.add_argument("--manifest-only", action="store_true", help="time the first manifests only")
    arguments = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"libvips {pyvips.version(0)}.{pyvips.version(1)} (VIPS_CONCURRENCY={os.environ['VIPS_CONCURRENCY']}), "
          f"load {os.getloadavg()[0]:.2f}", flush=True)
    book, scan = make_files(arguments.workdir, arguments.pages)
    db_url, config, copies = make_hub(arguments.workdir, book, scan)
    if not arguments.manifest_only:
        print(f"kazneb objects derive of the 100-megapixel TIFF (full-resolution pyramid): "
              f"{derive(db_url, config, copies['tiff-open']):.1f} s", flush=True)
    with gunicorn_hub(db_url, config, workers=2) as url:
        first_manifests(url, copies, arguments.pages)
        if arguments.manifest_only:
            return
        pages = random.Random(3).sample(range(2, arguments.pages + 1), arguments.first_views)
        for key in ("pdf-read-only", "pdf-open"):
            base = f"{url}/iiif/3/{copies[key]}"
            timed_get(f"{base}/p1/info.json")  # the worker's first PDF (imports, pdfium's start)
            timed_get(f"{base}/p1/info.json")  # and the other worker's
            firsts = [timed_get(f"{base}/p{page}/info.json") for page in pages]
            print(figures(f"first view, info.json of an underived page ({key})", firsts), flush=True)
        capped = f"{url}/iiif/3/{copies['pdf-read-only']}"
        page_images = two_clients([f"{capped}/p{page}/full/max/0/default.jpg" for page in pages] * 3)
        print(figures("page image: full/max of a capped PDF page (2 clients)", page_images), flush=True)
        tiff = f"{url}/iiif/3/{copies['tiff-open']}/p1"
        info = json.loads(get(f"{tiff}/info.json")[1])
        views = two_clients([f"{tiff}/full/!1000,1000/0/default.jpg"] * 60)
        print(figures("page image: full/!1000,1000 of the 100 MP TIFF (2 clients)", views), flush=True)
        tiles = tile_requests(info, [1, 2, 4])
        served = two_clients([f"{tiff}/{request}" for request in tiles])
        print(figures("tile: 512 px of the 100 MP TIFF at scale 1-4 (2 clients)", served), flush=True)
        capped_info = json.loads(get(f"{capped}/p{pages[0]}/info.json")[1])
        capped_tiles = two_clients([f"{capped}/p{page}/{request}" for page in pages
                                    for request in tile_requests(capped_info, [1])])
        print(figures("tile: 512 px of capped PDF pages (2 clients)", capped_tiles), flush=True)
    made = derivatives.read(sorted(Path(config.parent / "derivatives" / "pages" / copies["tiff-open"]).rglob(
        "p1.tif"))[0])
    bare = bare_pyvips(made.path, made, tiles)
    print(figures("bare pyvips: the same TIFF tiles (2 threads)", bare), flush=True)
    print(f"tile p95 served / bare pyvips: {p95(served) / p95(bare):.2f}x (target <= 1.5x, and <= 50 ms); "
          f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
