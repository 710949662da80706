"""A throw-away PostgreSQL cluster for the tests, from Debian's packages.

``ensure_postgres()`` installs the ``postgresql`` package when its binaries are
missing (CI runs as root on a fresh machine), creates a private cluster under the
temp folder on its own port, starts it unless it already runs, and returns an
admin URL.  ``KAZNEB_TEST_POSTGRES_URL`` points the tests at an existing server
instead.  Every failure raises: in CI a missing database fails the run.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

PORT = int(os.environ.get("KAZNEB_TEST_POSTGRES_PORT", "55432"))
DATA = Path(tempfile.gettempdir()) / f"kazneb-test-pg-{PORT}"


class PostgresUnavailable(RuntimeError):
    pass


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _install() -> Path:
    if os.geteuid() != 0:
        raise PostgresUnavailable("PostgreSQL is not installed and the tests are not running as root")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True, env=env, capture_output=True)
    bindir = _bindir()
    if bindir is None:
        raise PostgresUnavailable("apt-get installed postgresql but pg_ctl was not found")
    return bindir


def _as_postgres(args: list[str]) -> list[str]:
    """Run as the ``postgres`` user when we are root (the server refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def ensure_postgres() -> str:
    """Start (if needed) the test cluster and return an admin SQLAlchemy URL."""
    if os.environ.get("KAZNEB_TEST_POSTGRES_URL"):
        return os.environ["KAZNEB_TEST_POSTGRES_URL"]
    bindir = _bindir() or _install()
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    if not (DATA / "PG_VERSION").exists():
        if DATA.exists():
            shutil.rmtree(DATA)
        DATA.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(DATA, "postgres", "postgres")
        subprocess.run(
            _as_postgres([str(bindir / "initdb"), "-D", str(DATA), "-A", "trust", "-U", user, "-E", "UTF8",
                          "--locale=C.UTF-8"]),
            check=True, capture_output=True,
        )
    ready = subprocess.run([str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(PORT)], capture_output=True)
    if ready.returncode != 0:
        options = f"-h 127.0.0.1 -p {PORT} -k {DATA} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(DATA), "-l", str(DATA / "server.log"), "-o", options,
                          "-w", "-t", "60", "start"]),
            check=True, capture_output=True,
        )
    deadline = time.time() + 30
    while subprocess.run([str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(PORT)],
                         capture_output=True).returncode != 0:
        if time.time() > deadline:
            raise PostgresUnavailable(f"PostgreSQL did not accept connections on port {PORT}")
        time.sleep(0.2)
    return f"postgresql+psycopg://{user}@127.0.0.1:{PORT}/postgres"


def create_database(admin_url: str) -> str:
    """A new empty database on the test server; returns its URL."""
    from sqlalchemy import create_engine, text

    name = "kazneb_" + uuid.uuid4().hex[:12]
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, url: str) -> None:
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1]
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
