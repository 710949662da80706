"""Build (once, with Maven) and start the one-JVM OpenSearch test node.

``python -m search.opensearch_node.node --fetch`` downloads the jars into the Maven cache and
builds ``target/`` (what CI runs before the tests); ``--serve`` also starts a node and prints
its URL until interrupted.  Tests use :func:`running_node`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
VERSION = "2.19.6"
JAR = HERE / "target" / f"opensearch-test-node-{VERSION}.jar"
LIB = HERE / "target" / "lib"
JVM_FLAGS = ["-Dlog4j2.disable.jmx=true", "-Dlog4j.shutdownHookEnabled=false",
             "-Djava.locale.providers=SPI,COMPAT", "-Dfile.encoding=UTF-8"]
START_TIMEOUT = 180.0


class NodeError(RuntimeError):
    """The node could not be built or started; the message carries the end of its log."""


def ensure_built() -> None:
    """Run Maven unless the jar and its dependencies are already in ``target/``."""
    if JAR.exists() and LIB.is_dir() and any(LIB.glob("opensearch-*.jar")):
        return
    if shutil.which("mvn") is None or shutil.which("java") is None:
        _apt_install("maven", "openjdk-17-jdk-headless")
    result = subprocess.run(["mvn", "-q", "-B", "package", "dependency:copy-dependencies", "-DskipTests"],
                            cwd=HERE, capture_output=True, text=True)
    if result.returncode != 0:
        raise NodeError(f"building the OpenSearch test node failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def _apt_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", *packages], check=True, env=env, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise NodeError(f"Java 17 and Maven are needed and apt-get could not install them: {exc}") from exc


@contextlib.contextmanager
def running_node(heap: str | None = None, home: Path | None = None) -> Iterator[str]:
    """Start a node in a temporary home; yield its URL; stop it and remove the home."""
    ensure_built()
    owned = home is None
    home = home or Path(tempfile.mkdtemp(prefix="kazneb-opensearch-"))
    log = open(home / "node.log", "wb")  # noqa: SIM115 - closed in finally
    heap = heap or os.environ.get("KAZNEB_OPENSEARCH_HEAP", "512m")
    command = ["java", f"-Xms{heap}", f"-Xmx{heap}", *JVM_FLAGS, "-cp", f"{JAR}{os.pathsep}{LIB}/*",
               "kz.kazneb.search.TestNode", str(home)]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield _wait_until_up(process, home)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        if owned:
            shutil.rmtree(home, ignore_errors=True)


def _wait_until_up(process: subprocess.Popen, home: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    ports = home / "logs" / "http.ports"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NodeError(f"OpenSearch node exited with {process.returncode}:\n{_tail(home)}")
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
    raise NodeError(f"OpenSearch node did not start within {START_TIMEOUT:.0f}s:\n{_tail(home)}")


def _tail(home: Path) -> str:
    try:
        return (home / "node.log").read_text(errors="replace")[-4000:]
    except OSError:
        return "(no log)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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


if __name__ == "__main__":
    sys.exit(main())
