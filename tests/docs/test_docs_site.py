"""The documentation site (mkdocs.yml, docs/) and the README that points to it.

The site is built in strict mode, so a broken link, a missing anchor or a page left out of the
navigation fails here. The settings and command pages are generated from the code
(scripts/docs_hooks.py): the checks below make sure every setting and every command is on them.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kazneb.cli import main
from kazneb.config import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built with ``mkdocs build --strict`` into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


def page_text(site: Path, page: str) -> str:
    """The visible text of a built page (``reference/settings`` -> its index.html), tags removed."""
    raw = (site / page / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def test_site_builds_in_strict_mode(site: Path) -> None:
    for page in ("operators/install", "partners/check-a-file", "aggregators/oai", "developers/architecture"):
        assert (site / page / "index.html").is_file(), page


def test_every_setting_is_on_the_settings_page(site: Path) -> None:
    text = page_text(site, "reference/settings")
    missing = [s.key for s in SETTINGS if s.key not in text]
    assert missing == []
    assert "oai:<namespace>:<local-id>" in text  # help texts are shown as written, not read as HTML


def test_every_command_is_on_the_commands_page(site: Path) -> None:
    from scripts.docs_hooks import command_helps

    text = page_text(site, "reference/commands")
    paths = [path for path, _ in command_helps()]
    assert {"kazneb harvest run", "kazneb secret rotate", "kazneb index sync"} <= set(paths)
    assert [p for p in paths if f"Usage: {p}" not in text] == []


def test_readme_is_short_and_its_links_exist() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 150
    assert "mkdocs serve" in text
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert local, "the README links into docs/"
    assert [t for t in local if not (ROOT / t).exists()] == []


def test_readme_urls_paste_into_a_shell() -> None:
    """Every curl example is one quoted, percent-encoded (ASCII) URL."""
    text = README.read_text(encoding="utf-8")
    commands = re.findall(r"^\s*curl .*$", text, flags=re.MULTILINE)
    assert commands
    for command in commands:
        urls = re.findall(r"'(http[^']*)'", command)
        assert urls, command
        assert all(url.isascii() and " " not in url for url in urls), command


def test_kazneb_help_points_to_the_docs() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "docs/" in result.output and "mkdocs serve" in result.output
