"""Build (once, with Maven) and start the one-JVM Elasticsearch 9 test node.

``python -m search.elasticsearch_node.node --fetch`` downloads the jars into the Maven cache and
builds ``target/`` (what CI runs before the tests); ``--serve`` also starts a node and prints its
URL until interrupted.  Tests use :func:`running_node`.  Elasticsearch 9 needs Java 21 or newer,
so the node runs on the newest JDK found (``KAZNEB_ELASTICSEARCH_JAVA_HOME``, ``JAVA_HOME`` or
``/usr/lib/jvm``), which may differ from the Java 17 the OpenSearch node uses.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from search.jvm_node import COMMON_JVM_FLAGS, NodeError, apt_install, command_line, maven_build, node_process

HERE = Path(__file__).resolve().parent
VERSION = "9.5.3"
JAR = HERE / "target" / f"elasticsearch-test-node-{VERSION}.jar"
LIB = HERE / "target" / "lib"
MIN_JAVA = 21
JVM_ROOT = Path("/usr/lib/jvm")
JVM_FLAGS = [*COMMON_JVM_FLAGS, "--enable-native-access=ALL-UNNAMED"]
#: For the tests' node (default heap): C1 only and the serial collector. On a busy 2-vCPU machine it
#: starts in about half the time and the suite spends about a third less CPU on it (19 s, not 30 s).
#: A node with a chosen heap (benchmarks, --serve) keeps the full JIT for its query speed.
QUICK_START_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]

__all__ = ["NodeError", "ensure_built", "java_home", "running_node"]


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
        apt_install("maven")
    maven_build(HERE, "Elasticsearch", env={**os.environ, "JAVA_HOME": str(home)})
    return home


@contextlib.contextmanager
def running_node(heap: str | None = None, home: Path | None = None) -> Iterator[str]:
    """Start a node in a temporary home; yield its URL; stop it and remove the home.

    Without a ``heap`` this is the tests' node: 512 MB (``KAZNEB_ELASTICSEARCH_HEAP``) and quick-start flags.
    """
    jdk = ensure_built()
    flags = JVM_FLAGS if heap else [*JVM_FLAGS, *QUICK_START_FLAGS]
    heap = heap or os.environ.get("KAZNEB_ELASTICSEARCH_HEAP", "512m")
    command = [str(jdk / "bin" / "java"), f"-Xms{heap}", f"-Xmx{heap}", *flags,
               "-cp", f"{JAR}{os.pathsep}{LIB}/*", "kz.kazneb.search.TestNode"]
    with node_process(command, "Elasticsearch", home, "kazneb-elasticsearch-") as url:
        yield url


def main(argv: list[str] | None = None) -> int:
    return command_line(__doc__.splitlines()[0], ensure_built, running_node, argv)


if __name__ == "__main__":
    sys.exit(main())
