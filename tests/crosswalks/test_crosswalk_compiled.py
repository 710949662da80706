"""The compiled build (mypyc, ``KAZNEB_COMPILE=1``) gives exactly what the interpreted code gives.

The test compiles the modules pyproject.toml lists into a copy of the crosswalks
package, then reads every shared sample and a few hundred generated MARCXML and
Dublin Core records in two processes, one on each build, and compares the canonical
JSON (as ``to_dict`` gives it and as the store writes it) and the three renderings
record by record.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.crosswalks.conftest import ROOT, SAMPLES

#: Run in a child process: prints {"compiled": [...], "records": {key: [json, stored json, oai_dc, marcxml, mods]}}.
PROBE = r"""
import importlib, json, random, sys
from pathlib import Path
from lxml import etree
from crosswalks.files import read_file
from crosswalks.formats import FORMATS
from crosswalks.metadata import read_marcxml, read_oai_dc
from crosswalks.model_json import compact_json
from bench.crosswalk_bench import synthetic_record
from bench.harvest_bench import GeneratedItems

modules, samples = json.loads(sys.argv[1]), Path(sys.argv[2])
compiled = [m for m in modules if importlib.import_module(m).__file__.endswith(".so")]

def rendered(record):
    record.access = record.access or "preview-24"
    return [json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True), stored_json(record)] + [
        f.render(record) for f in FORMATS.values()] + [f.render_utf8(record).decode() for f in FORMATS.values()]

def stored_json(record):
    try:
        return compact_json(record).decode()
    except Exception as exc:  # what orjson refuses (lone surrogates) must be refused by both builds
        return type(exc).__name__

out = {}
for path in sorted(p for p in samples.rglob("*") if p.suffix in (".xml", ".dat", ".mrc")):
    for result in read_file(path):
        key = f"{path.relative_to(samples)}#{result.position}"
        out[key] = rendered(result.record) if result.record is not None else ["error", result.error or ""]
rng = random.Random(5)
ns = ' xmlns="http://www.loc.gov/MARC21/slim"'
for n in range(300):
    element = etree.fromstring(synthetic_record(n, rng).replace("<record>", f"<record{ns}>", 1))
    out[f"marcxml#{n}"] = rendered(read_marcxml(element))
    out[f"oai_dc#{n}"] = rendered(read_oai_dc(etree.fromstring(GeneratedItems.item(n).metadata)))
print(json.dumps({"compiled": compiled, "records": out}, ensure_ascii=False))
"""


def _module_names() -> list[str]:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        files = tomllib.load(handle)["tool"]["kazneb"]["compile"]["modules"]
    return [f.removesuffix(".py").replace("/", ".") for f in files]


def _probe(first_on_path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(first_on_path), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(_module_names()), str(SAMPLES)],
                          capture_output=True, text=True, env=env, cwd=first_on_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def compiled_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the crosswalks package with its listed modules compiled in place."""
    tree = tmp_path_factory.mktemp("compiled")
    shutil.copytree(ROOT / "crosswalks", tree / "crosswalks", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    for name in ("setup.py", "pyproject.toml"):
        shutil.copy(ROOT / name, tree / name)
    build = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=tree, capture_output=True,
                           text=True, env={**os.environ, "KAZNEB_COMPILE": "1"}, timeout=900)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return tree


def test_every_listed_module_is_compiled(compiled_tree: Path) -> None:
    assert _probe(compiled_tree)["compiled"] == _module_names()
    assert _probe(ROOT)["compiled"] == []  # and the source tree itself runs the .py files


def test_compiled_build_gives_the_same_records(compiled_tree: Path) -> None:
    compiled, interpreted = _probe(compiled_tree)["records"], _probe(ROOT)["records"]
    assert len(interpreted) > 600  # samples and generated records were all read
    assert compiled.keys() == interpreted.keys()
    differing = [key for key in interpreted if compiled[key] != interpreted[key]]
    assert not differing, f"{len(differing)} records differ, first {differing[:5]}"


def test_compiling_without_mypy_says_what_to_do(tmp_path: Path) -> None:
    """KAZNEB_COMPILE=1 in an environment without mypy fails with the fix, not a traceback."""
    shutil.copy(ROOT / "setup.py", tmp_path / "setup.py")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    blocker = tmp_path / "no_mypyc"
    (blocker / "mypyc").mkdir(parents=True)
    (blocker / "mypyc" / "__init__.py").write_text("raise ImportError('mypyc hidden by the test')\n")
    env = {**os.environ, "KAZNEB_COMPILE": "1", "PYTHONPATH": str(blocker)}
    done = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode != 0
    assert "KAZNEB_COMPILE=1 needs mypy" in done.stderr + done.stdout
