"""Build (once, with Maven) and start the one-JVM Elasticsearch 9 test node.

``python -m search.elasticsearch_node.node --fetch`` downloads the jars into the Maven cache and
builds ``target/`` (what CI runs before the tests); ``--serve`` also starts a node and prints its
URL until interrupted.  Tests use :func:`running_node`.  Elasticsearch 9 needs Java 21 or newer,
so the node runs on the newest JDK found (``KAZNEB_ELASTICSEARCH_JAVA_HOME``, ``JAVA_HOME`` or
``/usr/lib/jvm``), which may differ from the Java 17 the OpenSearch node uses.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
VERSION = "9.5.3"
JAR = HERE / "target" / f"elasticsearch-test-node-{VERSION}.jar"
LIB = HERE / "target" / "lib"
MIN_JAVA = 21
JVM_ROOT = Path("/usr/lib/jvm")
JVM_FLAGS = ["-Dlog4j2.disable.jmx=true", "-Dlog4j.shutdownHookEnabled=false", "-Dfile.encoding=UTF-8",
             "--enable-native-access=ALL-UNNAMED"]
#: For the tests' node (default heap): C1 only and the serial collector. On a busy 2-vCPU machine it
#: starts in about half the time and the suite spends about a third less CPU on it (19 s, not 30 s).
#: A node with a chosen heap (benchmarks, --serve) keeps the full JIT for its query speed.
QUICK_START_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
START_TIMEOUT = 180.0


class NodeError(RuntimeError):
    """The node could not be built or started; the message carries the end of its log."""


def java_home(jvm_root: Path = JVM_ROOT) -> Path:
    """The first configured JDK of at least Java 21, else the newest one under ``jvm_root``."""
    configured = [os.environ.get("KAZNEB_ELASTICSEARCH_JAVA_HOME"), os.environ.get("JAVA_HOME")]
    for home in (Path(h) for h in configured if h):
        if _java_version(home) >= MIN_JAVA:
            return home
    found = sorted((_java_version(h), str(h)) for h in jvm_root.glob("*") if h.is_dir())
    if found and found[-1][0] >= MIN_JAVA:
        return Path(found[-1][1])
    raise NodeError(f"Elasticsearch {VERSION} needs a JDK {MIN_JAVA} or newer; none was found in "
                    f"KAZNEB_ELASTICSEARCH_JAVA_HOME, JAVA_HOME or {jvm_root}")


def _java_version(home: Path) -> int:
    """The feature version of the JDK at ``home`` (0 if it is not a JDK with javac)."""
    if not (home / "bin" / "javac").exists():
        return 0
    try:
        release = (home / "release").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    match = re.search(r'^JAVA_VERSION="(\d+)', release, re.MULTILINE)
    return int(match.group(1)) if match else 0


def ensure_built() -> Path:
    """Run Maven unless the jar and its dependencies are already in ``target/``; return the JDK to run on."""
    home = java_home()
    if JAR.exists() and LIB.is_dir() and any(LIB.glob("elasticsearch-*.jar")):
        return home
    if shutil.which("mvn") is None:
        _apt_install("maven")
    env = {**os.environ, "JAVA_HOME": str(home)}
    result = subprocess.run(["mvn", "-q", "-B", "package", "dependency:copy-dependencies", "-DskipTests"],
                            cwd=HERE, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise NodeError(f"building the Elasticsearch test node failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return home


def _apt_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", *packages], check=True, env=env, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise NodeError(f"Maven is needed and apt-get could not install it: {exc}") from exc


@contextlib.contextmanager
def running_node(heap: str | None = None, home: Path | None = None) -> Iterator[str]:
    """Start a node in a temporary home; yield its URL; stop it and remove the home.

    Without a ``heap`` this is the tests' node: 512 MB (``KAZNEB_ELASTICSEARCH_HEAP``) and quick-start flags.
    """
    jdk = ensure_built()
    owned = home is None
    home = home or Path(tempfile.mkdtemp(prefix="kazneb-elasticsearch-"))
    log = open(home / "node.log", "wb")  # noqa: SIM115 - closed in finally
    flags = JVM_FLAGS if heap else [*JVM_FLAGS, *QUICK_START_FLAGS]
    heap = heap or os.environ.get("KAZNEB_ELASTICSEARCH_HEAP", "512m")
    command = [str(jdk / "bin" / "java"), f"-Xms{heap}", f"-Xmx{heap}", *flags,
               "-cp", f"{JAR}{os.pathsep}{LIB}/*", "kz.kazneb.search.TestNode", str(home)]
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
            raise NodeError(f"Elasticsearch node exited with {process.returncode}:\n{_tail(home)}")
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
    raise NodeError(f"Elasticsearch node did not start within {START_TIMEOUT:.0f}s:\n{_tail(home)}")


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
