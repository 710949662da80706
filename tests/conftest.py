"""Fixtures shared by every test area: settings, stores on SQLite and PostgreSQL, a live hub.

* ``db_url`` — parametrised: a fresh SQLite file and a fresh PostgreSQL database
  (the server is installed and started by ``tests/services/postgres.py``).
* ``settings`` — the default settings pointed at ``db_url`` with small page sizes.
* ``store`` — a migrated :class:`repository.store.Store` on those settings, stamping records
  two seconds in the past (see the fixture).
* ``hub_app`` / ``hub_url`` — the hub's Flask app, and the same served over real HTTP.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harvester.testing import ScriptedPartner
from kazneb.config import Settings, load_settings
from tests.services import postgres
from tests.services.live_server import live_server

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
os.environ.setdefault("XML_CATALOG_FILES", str(SHARED / "schemas" / "catalog.xml"))


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    return postgres.ensure_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kazneb.db'}"
        return
    admin = request.getfixturevalue("postgres_admin_url")
    url = postgres.create_database(admin)
    yield url
    postgres.drop_database(admin, url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kazneb.db'}"


def migrate_to(engine, revision: str, *, down: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Upgrade (or downgrade) ``engine``'s database to ``revision``, for the migration tests."""
    from alembic import command

    from repository.db import alembic_config

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def make_settings(db_url: str, **overrides: object) -> Settings:
    values = {"database.url": db_url, "oai.page_size": 10, "oai.identifiers_page_size": 15,
              "oai.sets_page_size": 5}
    values.update(overrides)
    return load_settings(ROOT / "config" / "kazneb.toml", overrides=values)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def store(settings: Settings):  # type: ignore[no-untyped-def]
    from repository.db import migrate
    from repository.store import Store

    store = Store.from_settings(settings)
    # Records are stamped as if written two seconds ago: the provider ends every list before
    # the current second, and tests want what they just wrote to be listed at once.
    store.clock = lambda: int(time.time()) - 2
    migrate(store.engine)
    yield store
    # SQLite does not enforce foreign keys (repository/integrity.py): every test that wrote
    # through the store is checked for rows whose parent is missing.
    from repository.integrity import dangling_references

    assert dangling_references(store.engine) == []
    store.engine.dispose()


@pytest.fixture
def kazneb(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``kazneb ARGS...`` on the test's database (a click result), with a copy of the default
    settings whose embedded search index is in ``tmp_path``."""
    from click.testing import CliRunner

    from kazneb.cli import main

    monkeypatch.setenv("KAZNEB_DATABASE_URL", db_url)
    monkeypatch.setenv("KAZNEB_OBJECTS_DIR", str(tmp_path / "objects"))
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "kazneb.toml"
    text = (ROOT / "config" / "kazneb.toml").read_text(encoding="utf-8")
    config.write_text(text.replace('path = ""', f'path = "{tmp_path / "kazneb-index"}"'), encoding="utf-8")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, ["--config", str(config), *args], catch_exceptions=False)


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedPartner]]:
    """Start scripted OAI-PMH partners on 127.0.0.1; all are stopped after the test."""
    started: list[ScriptedPartner] = []

    def start(*args, **kwargs) -> ScriptedPartner:  # type: ignore[no-untyped-def]
        partner = ScriptedPartner(*args, **kwargs).start()
        started.append(partner)
        return partner

    yield start
    for partner in started:
        partner.stop()


@pytest.fixture
def hub_app(settings: Settings, store):  # type: ignore[no-untyped-def]
    from kazneb.app import create_app

    app = create_app(settings)
    app.extensions["kazneb_store"] = store
    return app


@pytest.fixture
def hub_url(hub_app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with live_server(hub_app) as url:
        yield url
