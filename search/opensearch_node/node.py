"""Build (once, with Maven) and start the one-JVM OpenSearch test node.

``python -m search.opensearch_node.node --fetch`` downloads the jars into the Maven cache and
builds ``target/`` (what CI runs before the tests); ``--serve`` also starts a node and prints
its URL until interrupted.  Tests use :func:`running_node`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from search.jvm_node import COMMON_JVM_FLAGS, NodeError, apt_install, command_line, maven_build, node_process

HERE = Path(__file__).resolve().parent
VERSION = "2.19.6"
JAR = HERE / "target" / f"opensearch-test-node-{VERSION}.jar"
LIB = HERE / "target" / "lib"
JVM_FLAGS = [*COMMON_JVM_FLAGS, "-Djava.locale.providers=SPI,COMPAT"]

__all__ = ["NodeError", "ensure_built", "running_node"]


def ensure_built() -> None:
    """Run Maven unless the jar and its dependencies are already in ``target/``."""
    if JAR.exists() and LIB.is_dir() and any(LIB.glob("opensearch-*.jar")):
        return
    if shutil.which("mvn") is None or shutil.which("java") is None:
        apt_install("maven", "openjdk-17-jdk-headless")
    maven_build(HERE, "OpenSearch")


@contextlib.contextmanager
def running_node(heap: str | None = None, home: Path | None = None) -> Iterator[str]:
    """Start a node in a temporary home; yield its URL; stop it and remove the home."""
    ensure_built()
    heap = heap or os.environ.get("KAZNEB_OPENSEARCH_HEAP", "512m")
    command = ["java", f"-Xms{heap}", f"-Xmx{heap}", *JVM_FLAGS, "-cp", f"{JAR}{os.pathsep}{LIB}/*",
               "kz.kazneb.search.TestNode"]
    with node_process(command, "OpenSearch", home, "kazneb-opensearch-") as url:
        yield url


def main(argv: list[str] | None = None) -> int:
    return command_line(__doc__.splitlines()[0], ensure_built, running_node, argv)


if __name__ == "__main__":
    sys.exit(main())
