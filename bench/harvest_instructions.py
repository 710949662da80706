"""Instructions per harvested record: the harvest of the bench's list, in this process, under cachegrind.

    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/tmp/cg.%p \\
        python bench/harvest_instructions.py 5500
    cg_annotate /tmp/cg.<pid> | head  # total "Ir"; subtract a 500-record run, divide by 5,000

Timings on the shared machine move by 10-20 % from minute to minute; instruction counts do not,
so this is how a change to the harvest path is judged (see bench/RESULTS.md).  The partner runs
in a spawned process (a new interpreter, which valgrind does not follow without
``--trace-children=yes``), so only the harvester's own instructions are counted.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harvest_bench import serve  # noqa: E402


def main() -> None:
    size = int(sys.argv[1])
    context = mp.get_context("spawn")
    ready = context.Queue()
    partner = context.Process(target=serve, args=(size, 500, ready), daemon=True)
    partner.start()
    url = ready.get(timeout=600)
    from harvester.partners import PartnerConfig, save_partner
    from harvester.run import harvest_partner
    from kazneb.cli import tune_garbage_collector
    from kazneb.config import load_settings
    from repository.db import migrate
    from repository.store import Store

    with tempfile.TemporaryDirectory() as folder:
        db = os.path.join(folder, "hub.sqlite")
        store = Store.from_settings(load_settings(ROOT / "config" / "kazneb.toml",
                                                  overrides={"database.url": f"sqlite:///{db}"}))
        migrate(store.engine)
        config = PartnerConfig(id="bench", base_url=url, rate_limit=0, timeout=600)
        with store.session() as session:
            save_partner(store, session, config)
        tune_garbage_collector()
        [run] = harvest_partner(store, config)
        print(f"{run.new} records, status {run.status}", flush=True)
    partner.terminate()


if __name__ == "__main__":
    main()
