"""The documentation site (mkdocs.yml, docs/) and the README that points to it.

The site is built in strict mode, so a broken link, a missing anchor or a page left out of the
navigation fails here. The settings and command pages are generated from the code
(scripts/docs_hooks.py): the checks below make sure every setting and every command is on them.
"""

from __future__ import annotations

import html
import os
import re
import shutil
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
    result = build(ROOT / "mkdocs.yml", out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


def build(config: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
                           "--site-dir", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def page_text(site: Path, page: str) -> str:
    """The visible text of a built page (``reference/settings`` -> its index.html), tags removed."""
    raw = (site / page / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def test_site_builds_in_strict_mode(site: Path) -> None:
    for page in ("operators/install", "partners/check-a-file", "aggregators/oai", "developers/architecture"):
        assert (site / page / "index.html").is_file(), page


@pytest.mark.parametrize("breakage", ["[gone](operators/no-such-page.md)",
                                      "[gone](operators/install.md#no-such-anchor)"])
def test_a_broken_link_fails_the_build(tmp_path: Path, breakage: str) -> None:
    """The strict build is a real check: a copy of the docs with one broken link does not build."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with (tmp_path / "docs" / "index.md").open("a", encoding="utf-8") as page:
        page.write(f"\n{breakage}\n")
    result = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "index.md" in result.stderr


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
