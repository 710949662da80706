"""Crosswalk benchmark: MARCXML -> canonical -> oai_dc + MARCXML + MODS, on one core.

    python bench/crosswalk_bench.py                   # throughput on 20,000 records
    python bench/crosswalk_bench.py --memory 1000000  # memory: stream a 1,000,000-record file (own process)

Records are synthetic but shaped like KazNEB catalogue records (Kazakh and Russian
titles, names with relators, 264, 300, 041, UDC/BBK, 6XX, 856).  Throughput is
measured two ways: from lxml elements (what the harvester hands over) and from a
file through :func:`crosswalks.files.read_file` (split, parse, crosswalk).  The memory
run converts a generated file record by record and samples the resident set size.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import build_kind, pin_to_core  # noqa: E402
from crosswalks.files import read_file  # noqa: E402
from crosswalks.formats import FORMATS  # noqa: E402
from crosswalks.metadata import read_marcxml  # noqa: E402
from crosswalks.xmltext import escape  # noqa: E402
from kazneb.cli import tune_garbage_collector  # noqa: E402

WORDS_KK = "қазақ тарихы әдебиет мәдениет халық өнер ғылым білім тіл елі жер заман дала ақын жыр".split()
WORDS_RU = "история казахстана литература культура народ искусство наука очерки степь город".split()
NAMES = ["Әуезов, Мұхтар", "Абай Құнанбайұлы", "Иванов, Иван Петрович", "Сейфуллин, Сәкен", "Smith, John"]
PLACES = ["Алматы", "Астана", "Москва", "Шымкент"]


def _sub(code: str, value: str) -> str:
    return f'<subfield code="{code}">{escape(value)}</subfield>'


def _field(tag: str, ind1: str, ind2: str, *subs: tuple[str, str]) -> str:
    return f'<datafield tag="{tag}" ind1="{ind1}" ind2="{ind2}">{"".join(_sub(c, v) for c, v in subs)}</datafield>'


def synthetic_record(number: int, rng: random.Random) -> str:
    """One MARCXML record (no namespace declaration: it sits inside a collection)."""
    words = WORDS_KK if number % 2 else WORDS_RU
    title = " ".join(rng.sample(words, 3)).capitalize()
    year = rng.randint(1950, 2024)
    lang = "kaz" if number % 2 else "rus"
    return "".join([
        "<record><leader>00000nam a2200000 i 4500</leader>",
        f'<controlfield tag="001">KZ{number:09d}</controlfield>',
        f'<controlfield tag="008">240101s{year}    kz            000 0 {lang} d</controlfield>',
        _field("020", " ", " ", ("a", "978-601-" + f"{number % 100000:05d}" + "-0-0")),
        _field("041", "0", " ", ("a", lang), ("a", "rus")),
        _field("080", " ", " ", ("a", f"94(574){rng.randint(1, 99)}")),
        _field("084", " ", " ", ("a", f"63.3(5Каз){rng.randint(1, 9)}"), ("2", "rubbk")),
        _field("100", "1", " ", ("a", rng.choice(NAMES) + ","), ("e", "автор.")),
        _field("245", "1", "0", ("a", title + " :"), ("b", " ".join(rng.sample(words, 2)) + " /"),
               ("c", rng.choice(NAMES) + ".")),
        _field("250", " ", " ", ("a", "2-е изд.")),
        _field("264", " ", "1", ("a", rng.choice(PLACES) + " :"), ("b", "Фолиант,"), ("c", f"{year}.")),
        _field("300", " ", " ", ("a", f"{rng.randint(50, 900)} б. :"), ("b", "сур. ;"), ("c", "21 см.")),
        _field("490", "0", " ", ("a", "Қазақстан кітапханасы ;"), ("v", str(rng.randint(1, 40)))),
        _field("504", " ", " ", ("a", "Библиогр.: б. 200-210.")),
        _field("520", " ", " ", ("a", " ".join(rng.choices(words, k=25)) + ".")),
        _field("650", " ", "7", ("a", words[0].capitalize()), ("x", words[1]), ("2", "rubbk")),
        _field("651", " ", "7", ("a", "Қазақстан"), ("2", "rubbk")),
        _field("700", "1", " ", ("a", rng.choice(NAMES) + ","), ("e", "редактор.")),
        _field("856", "4", "0", ("u", f"https://kazneb.kz/bookView/view?brId={number}"), ("q", "application/pdf")),
        "</record>",
    ])


def write_collection(path: Path, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n')
        for number in range(1, count + 1):
            out.write(synthetic_record(number, rng) + "\n")
        out.write("</collection>\n")


def _render_all(record) -> int:
    record.access = "preview-24"
    return sum(len(f.render(record)) for f in FORMATS.values())


def elements(count: int) -> list[etree._Element]:
    rng = random.Random(2)
    ns = ' xmlns="http://www.loc.gov/MARC21/slim"'
    return [etree.fromstring(synthetic_record(n, rng).replace("<record>", f"<record{ns}>", 1)) for n in range(count)]


def bench_elements(count: int) -> float:
    """records/s for read_marcxml(element) + three renderings (CPU time of this process)."""
    items = elements(count)
    gc.collect()
    tune_garbage_collector()  # as `kazneb crosswalk` does; it also freezes the fixture's elements
    start = time.process_time()
    for element in items:
        _render_all(read_marcxml(element))
    return count / (time.process_time() - start)


def bench_stages(count: int) -> dict[str, float]:
    """Microseconds per record for each stage, to show where the time goes."""
    from crosswalks.marc.marcxml import parse_marcxml
    from crosswalks.marc.to_canonical import marc_to_canonical

    items = elements(count)
    gc.collect()
    gc.disable()  # every stage's output is kept for the next: keep the collector out of the figures
    timings: dict[str, float] = {}

    def timed(name, function, inputs):
        start = time.process_time()
        outputs = [function(item) for item in inputs]
        timings[name] = (time.process_time() - start) / count * 1e6
        return outputs

    marcs = timed("parse MARCXML element", parse_marcxml, items)
    records = timed("MARC -> canonical", marc_to_canonical, marcs)
    for record in records:
        record.access = "preview-24"
    timed("render oai_dc", FORMATS["oai_dc"].render, records)
    timed("render MARCXML", FORMATS["marcxml"].render, records)  # canonical -> MARC markup, one step
    timed("render MODS", FORMATS["mods"].render, records)
    gc.enable()
    return timings


def bench_file(path: Path, count: int) -> float:
    """records/s for read_file (split + parse + crosswalk) + three renderings."""
    tune_garbage_collector()
    start = time.process_time()
    done = 0
    for result in read_file(path):
        _render_all(result.record)
        done += 1
    assert done == count, (done, count)
    return count / (time.process_time() - start)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_memory(path: Path, count: int) -> Iterator[tuple[int, float, float]]:
    """(records done, current RSS MB, elapsed s) at checkpoints while converting the whole file."""
    checkpoints = {1_000, 10_000, 100_000, 250_000, 500_000, 750_000, count}
    start = time.monotonic()
    for done, result in enumerate(read_file(path), start=1):
        _render_all(result.record)
        if done in checkpoints:
            yield done, rss_mb(), time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000, help="records for the throughput runs")
    parser.add_argument("--memory", type=int, default=0, help="records in the streamed memory run (0: skip)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    pin_to_core(0)
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.processor() or 'cpu'}, "
          f"{os.cpu_count()} cpus, load {os.getloadavg()[0]:.2f}, crosswalks {build_kind()}")
    if not args.memory:
        print(f"elements -> canonical -> 3 renderings: {bench_elements(args.records):,.0f} records/s")
        for stage, micros in bench_stages(min(args.records, 5_000)).items():
            print(f"  {stage:<24} {micros:6.1f} us/record")
        path = args.workdir / f"kazneb-bench-{args.records}.xml"
        write_collection(path, args.records)
        print(f"file ({path.stat().st_size / 2**20:.1f} MB) -> canonical -> 3 renderings: "
              f"{bench_file(path, args.records):,.0f} records/s")
        path.unlink()
    else:  # alone, so that the peak RSS is the streaming run's own
        big = args.workdir / f"kazneb-bench-{args.memory}.xml"
        write_collection(big, args.memory)
        print(f"memory run: {big.stat().st_size / 2**30:.2f} GB, {args.memory:,} records")
        for done, rss, elapsed in bench_memory(big, args.memory):
            print(f"  {done:>9,} records  rss {rss:7.1f} MB  {elapsed:7.1f} s")
        print(f"  peak rss (ru_maxrss) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")
        big.unlink()


if __name__ == "__main__":
    main()
