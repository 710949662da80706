"""Instructions per harvested record, counted by valgrind (steady on a shared, noisy machine).

    python bench/harvest_instructions.py            # 5,500 minus 500 records, 500 a page
    python bench/harvest_instructions.py --big 3000 --small 500

The partner (:class:`bench.harvest_bench.BenchPartner`) runs in its own process, outside
valgrind; the harvest (``harvester.run.harvest_partner`` into a fresh SQLite store, as in
``bench/harvest_bench.py``) runs under ``valgrind --tool=cachegrind --cache-sim=no``.  Two
harvests of different sizes are subtracted, so start-up and the first page's one-off costs
drop out.  Run it on a compiled copy (``bash bench/compiled_copy.sh DIR``) for the compiled
build's figure.

``--without keys`` or ``--without marcxml-mods`` (repeatable) counts the same harvest with a part
of the write switched off (issue 21's matching keys; the MARCXML and MODS renderings, leaving
oai_dc): the difference is what that part costs a harvested record.  A diagnosis, not a
configuration: the hub always does both.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harvest_bench import serve  # noqa: E402

HARVEST = """
import sys
sys.path.insert(0, {root!r})
{without}
from harvester.partners import PartnerConfig, save_partner
from harvester.run import harvest_partner
from kazneb.cli import tune_garbage_collector
from kazneb.config import load_settings
from repository.db import migrate
from repository.store import Store
store = Store.from_settings(load_settings(overrides={{"database.url": "sqlite:///{db}"}}))
migrate(store.engine)
if {fixed_clock!r}:
    store.clock = lambda: 1_800_000_000  # every page sealed in the second it began: no re-stamping
config = PartnerConfig(id="bench", base_url={url!r}, rate_limit=0, timeout=600)
with store.session() as session:
    save_partner(store, session, config)
tune_garbage_collector()
[run] = harvest_partner(store, config)
assert run.new == {records}, run.new
"""


#: Parts of the write ``--without`` switches off, each as the code that does it before the harvest.
WITHOUT = {
    "keys": "import repository.store\nrepository.store.write_keys = lambda conn, records, replacing: None",
    "marcxml-mods": "from crosswalks.formats import FORMATS\nFORMATS.pop('marcxml')\nFORMATS.pop('mods')",
}


def instructions(records: int, page_size: int, fixed_clock: bool = False, without: tuple[str, ...] = ()) -> int:
    """Instructions of one harvest of ``records`` records (its whole process), with the parts
    named in ``without`` (keys of :data:`WITHOUT`) switched off."""
    ready = mp.Queue()
    partner = mp.Process(target=serve, args=(records, page_size, ready), daemon=True)
    partner.start()
    url = ready.get()
    try:
        with tempfile.TemporaryDirectory(prefix="kazneb-instr-") as tmp:
            script = HARVEST.format(root=str(ROOT), db=f"{tmp}/bench.db", url=url, records=records,
                                    fixed_clock=fixed_clock, without="\n".join(WITHOUT[w] for w in without))
            done = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                                   f"--cachegrind-out-file={tmp}/cg.out", sys.executable, "-c", script],
                                  capture_output=True, text=True, cwd=ROOT)
            if done.returncode != 0:
                sys.exit(done.stderr[-3000:])
            return int(re.search(r"I\s+refs:\s+([\d,]+)", done.stderr).group(1).replace(",", ""))
    finally:
        partner.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=5500)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--fixed-clock", action="store_true",
                        help="stamp every page with one second: under valgrind a page takes seconds, so every "
                             "page would be re-stamped at commit, which at full speed about one page in ten is")
    parser.add_argument("--without", action="append", choices=sorted(WITHOUT), default=[],
                        help="switch a part of the write off, to count what it costs (repeatable)")
    args = parser.parse_args()
    from bench import build_kind

    without = tuple(args.without)
    big = instructions(args.big, args.page_size, args.fixed_clock, without)
    small = instructions(args.small, args.page_size, args.fixed_clock, without)
    per_record = (big - small) / (args.big - args.small)
    kind = build_kind() + (", fixed clock" if args.fixed_clock else "") + "".join(f", without {w}" for w in without)
    print(f"{kind}: {big:,} - {small:,} instructions over {args.big - args.small:,} records: "
          f"{per_record:,.0f} per harvested record")


if __name__ == "__main__":
    main()
