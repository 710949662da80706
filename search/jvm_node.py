"""What the one-JVM test nodes (OpenSearch, Elasticsearch) share: the Maven build, starting
the node in a scratch home, waiting for its health, stopping it, and the ``--fetch``/``--serve``
command line.

Each node's own module (``search/opensearch_node/node.py``, ``search/elasticsearch_node/node.py``)
says which jars, which JDK and which JVM flags; this module does the rest the same way for both.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from shutil import rmtree

import requests

START_TIMEOUT = 180.0
#: JVM properties both nodes run with (log4j quiet and without JMX, UTF-8 files).
COMMON_JVM_FLAGS = ["-Dlog4j2.disable.jmx=true", "-Dlog4j.shutdownHookEnabled=false", "-Dfile.encoding=UTF-8"]


class NodeError(RuntimeError):
    """The node could not be built or started; the message carries the end of its log."""


def maven_build(folder: Path, label: str, env: dict[str, str] | None = None) -> None:
    """Build the node's jar and copy its dependencies into ``folder/target/lib``."""
    result = subprocess.run(["mvn", "-q", "-B", "package", "dependency:copy-dependencies", "-DskipTests"],
                            cwd=folder, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise NodeError(f"building the {label} test node failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def apt_install(*packages: str) -> None:
    """Install Debian packages the build needs (CI machines start without Maven)."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", *packages], check=True, env=env, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise NodeError(f"{' and '.join(packages)} needed, and apt-get could not install them: {exc}") from exc


@contextlib.contextmanager
def node_process(command: list[str], label: str, home: Path | None, prefix: str) -> Iterator[str]:
    """Run ``command`` (a node taking its home folder as last argument) in ``home`` or a
    scratch folder; yield its URL once healthy; stop it and remove a scratch home."""
    owned = home is None
    home = home or Path(tempfile.mkdtemp(prefix=prefix))
    log = open(home / "node.log", "wb")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen([*command, str(home)], stdout=log, stderr=subprocess.STDOUT)
    try:
        yield _wait_until_up(process, home, label)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        if owned:
            rmtree(home, ignore_errors=True)


def _wait_until_up(process: subprocess.Popen, home: Path, label: str) -> str:
    """The node's URL once its cluster is yellow (the port comes from ``logs/http.ports``)."""
    deadline = time.monotonic() + START_TIMEOUT
    ports = home / "logs" / "http.ports"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NodeError(f"{label} node exited with {process.returncode}:\n{_tail(home)}")
        if ports.exists() and ports.read_text().strip():
            url = "http://" + ports.read_text().split()[0]
            try:
                health = requests.get(f"{url}/_cluster/health", params={"wait_for_status": "yellow",
                                                                        "timeout": "30s"}, timeout=40)
                if health.ok:
                    return url
            except requests.RequestException:
                pass
        time.sleep(0.3)
    raise NodeError(f"{label} node did not start within {START_TIMEOUT:.0f}s:\n{_tail(home)}")


def _tail(home: Path) -> str:
    try:
        return (home / "node.log").read_text(errors="replace")[-4000:]
    except OSError:
        return "(no log)"


def command_line(description: str, ensure_built: Callable[[], object],
                 running_node: Callable[[str | None], contextlib.AbstractContextManager[str]],
                 argv: list[str] | None = None) -> int:
    """``--fetch``: build only; ``--serve [--heap H]``: start a node and print its URL until Ctrl-C."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--fetch", action="store_true", help="only download the jars and build")
    parser.add_argument("--serve", action="store_true", help="start a node and keep it running")
    parser.add_argument("--heap", default=None, help="JVM heap, e.g. 2g")
    args = parser.parse_args(argv)
    try:
        ensure_built()
        if args.serve:
            with running_node(args.heap) as url:
                print(url, flush=True)
                with contextlib.suppress(KeyboardInterrupt):
                    while True:
                        time.sleep(3600)
    except NodeError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0
