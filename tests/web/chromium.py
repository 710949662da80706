"""Debian's Chromium for the browser tests, installed with apt-get when it is missing (as in CI)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser")
#: How the browser tests start it: headless, no sandbox (root in CI), nothing fetched behind their back.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
#: Where the browser tests put their screenshots (git-ignored; CI keeps them as artefacts).
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"


class ChromiumUnavailable(RuntimeError):
    """Chromium is not installed and apt-get could not install it."""


def ensure_chromium() -> str:
    """The path of Debian's chromium, installing ``chromium`` and ``chromium-driver`` if needed."""
    found = _find()
    if found:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium", "chromium-driver"], check=True, env=env,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        message = f"apt-get install chromium failed: {exc} {detail.decode(errors='replace')[-800:]}"
        raise ChromiumUnavailable(message) from exc
    found = _find()
    if not found:
        raise ChromiumUnavailable("apt-get installed chromium but no chromium binary is on PATH")
    return found


def _find() -> str | None:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
