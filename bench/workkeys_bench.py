"""Work keys benchmark: CPU microseconds of ``work_keys`` (and ``blocks``) per record, on one core.

    python bench/workkeys_bench.py

The store computes the keys of every record it writes, so they must cost little beside the
crosswalk (about 200 us a record).  Four figures:

* a typical record (a Kazakh MARC book: title, subtitle, part, two agents, publisher, edition,
  extent, two ISBNs, a series), again and again: every cache warm;
* the same record with the caches emptied before each call: every word, name and publisher new;
* the crosswalk benchmark's synthetic MARC records (a small vocabulary: mostly warm);
* the same records with every title word made up afresh (names and publishers still recur):
  the pessimistic harvest.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pin_to_core  # noqa: E402
from bench.crosswalk_bench import elements  # noqa: E402
from crosswalks import romanise, workkeys  # noqa: E402
from crosswalks.metadata import read_marcxml  # noqa: E402
from crosswalks.model import Agent, CanonicalRecord, DateInfo, Identifier, Relation, Title  # noqa: E402
from crosswalks.workkeys import blocks, work_keys  # noqa: E402

LETTERS = "абвгдежзийклмнопрстуфхыэюяәғқңөұүһі"


def typical_record() -> CanonicalRecord:
    return CanonicalRecord(
        titles=[Title("Абай жолы", subtitle="роман-эпопея", part="1-кітап", responsibility="Мұхтар Әуезов")],
        agents=[Agent("Әуезов, Мұхтар", relator_term="автор"), Agent("Жұмабаев, Б.", role="contributor")],
        publishers=["«Жазушы» баспасы"], places=["Алматы"], dates=[DateInfo("2017", 2017, 2017)],
        edition="3-басылым", kind="book", extent="512 б. : портр. ; 21 см", languages=["kaz"],
        identifiers=[Identifier("KZ000000001", "local"), Identifier("5794000295", "isbn10"),
                     Identifier("9785794000290", "isbn")],
        relations=[Relation("Қазақ әдебиетінің кітапханасы", "series", number="12")])


def clear_caches() -> None:
    romanise._word.cache_clear()
    romanise.name_skeleton.cache_clear()
    workkeys._publisher.cache_clear()


def per_record(records: list[CanonicalRecord], rounds: int, cold: bool = False) -> float:
    """Best of five: CPU microseconds per record for work_keys + blocks."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(rounds):
            for record in records:
                if cold:
                    clear_caches()
                blocks(work_keys(record))
        best = min(best, time.process_time() - start)
    return best / (rounds * len(records)) * 1e6


def made_up_titles(records: list[CanonicalRecord], rng: random.Random) -> list[CanonicalRecord]:
    for record in records:
        words = ["".join(rng.choices(LETTERS, k=rng.randint(4, 11))) for _ in range(rng.randint(2, 6))]
        record.titles[0].value = " ".join(words).capitalize()
    return records


def main() -> None:
    pin_to_core(0)
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus, "
          f"load {os.getloadavg()[0]:.2f}")
    record = typical_record()
    print(f"typical record, caches warm:  {per_record([record], 20_000):6.1f} us")
    print(f"typical record, caches empty: {per_record([record], 2_000, cold=True):6.1f} us")
    synthetic = [read_marcxml(element) for element in elements(5_000)]
    print(f"synthetic MARC records:       {per_record(synthetic, 4):6.1f} us")
    fresh = made_up_titles([read_marcxml(element) for element in elements(20_000)], random.Random(3))
    clear_caches()
    start = time.process_time()
    for one in fresh:
        blocks(work_keys(one))
    print(f"every title word new:         {(time.process_time() - start) / len(fresh) * 1e6:6.1f} us")


if __name__ == "__main__":
    main()
