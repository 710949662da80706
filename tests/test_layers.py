"""The house has floors: packages below, the commands and the app on top.

``crosswalks``, ``repository``, ``harvester``, ``search`` and ``web`` expose plain functions
and classes; the ``kazneb`` command (:mod:`kazneb.commands`, :mod:`kazneb.cli`), the Flask
app factory (:mod:`kazneb.app`, :mod:`kazneb.wsgi`) and click sit above them and call them.
A package that imported the top would tie the floors together again (and load click and
every command into a gunicorn worker).  :mod:`kazneb.config` is the one thing of ``kazneb``
below: a leaf that imports nothing of the project.

Checked twice: statically (every ``import`` statement of every module, lazy ones included,
so a failure names the file and line) and by importing each module in a fresh interpreter
(so an import made indirectly, through a third-party module or ``importlib``, is caught too).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crosswalks", "repository", "harvester", "search", "web", "objects", "consolidation")
#: The command layer and what only it may import.
TOP = ("kazneb.commands", "kazneb.cli", "kazneb.follow", "kazneb.app", "kazneb.wsgi", "click")
PROJECT = ("kazneb", *PACKAGES)
#: Runs only inside Alembic (it reads ``alembic.context`` on import); the static check covers it.
NOT_IMPORTABLE_ALONE = {"repository.migrations.env"}


def modules_of(package: str) -> dict[str, Path]:
    """Dotted name → file, for every module of ``package`` (sorted, so runs compare)."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported_names(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in the file, ``from a import b`` giving both a and a.b."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's own package upwards
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            names.append((node.lineno, base))
            names += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return names


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_of_a_package_imports_the_command_layer(package):
    offending = {}  # one line per import statement: the shortest name of the top it names
    for module, path in modules_of(package).items():
        for line, name in imported_names(module, path):
            where = f"{path.relative_to(ROOT)}:{line}"
            if within(name, TOP) and len(name) < len(offending.get(where, name + ".")):
                offending[where] = name
    assert not offending, "a package imports the command layer:\n" + "\n".join(
        f"{where}: imports {name}" for where, name in offending.items())


#: Imports each module named on the command line in turn and prints, as JSON, which modules of
#: the top each import brought into ``sys.modules`` (click counts only without flask: flask
#: imports it for ``flask run``, and web/ and the OAI views are Flask blueprints).
PROBE = """
import importlib, json, sys
top, found = json.loads(sys.argv[1]), {}
def loaded_top():
    return {n for n in sys.modules if any(n == t or n.startswith(t + ".") for t in top)
            and not (n.split(".")[0] == "click" and "flask" in sys.modules)}
for name in sys.argv[2:]:
    before = loaded_top()
    try:
        importlib.import_module(name)
    except Exception as exc:
        found[name] = [f"cannot be imported alone: {type(exc).__name__}: {exc}"]
        continue
    new = loaded_top() - before
    if new:
        found[name] = sorted({t for t in top for n in new if n == t or n.startswith(t + ".")})
print(json.dumps(found))
"""


@pytest.mark.parametrize("package", PACKAGES)
def test_importing_a_package_loads_nothing_of_the_command_layer(package):
    """One fresh interpreter per package, importing its modules one by one: the first module whose
    import loads a module of the top is named (an interpreter per module would take minutes)."""
    modules = [name for name in modules_of(package) if name not in NOT_IMPORTABLE_ALONE]
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(TOP), *modules], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=True)
    found = json.loads(result.stdout.splitlines()[-1])
    assert not found, "importing these loads the command layer:\n" + "\n".join(
        f"{module}: {', '.join(names)}" for module, names in found.items())


def test_settings_are_a_leaf():
    """Every package may import kazneb.config, so it imports nothing of the project itself."""
    path = ROOT / "kazneb" / "config.py"
    offending = [f"kazneb/config.py:{line}: imports {name}"
                 for line, name in imported_names("kazneb.config", path) if within(name, PROJECT)]
    assert not offending, "\n".join(offending)
    probe = "import json, sys, kazneb.config; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                                       timeout=60, check=True).stdout)
    assert [name for name in loaded if within(name, PROJECT)] == ["kazneb", "kazneb.config"]
