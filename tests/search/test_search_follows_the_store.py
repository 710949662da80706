"""Search follows the store page by page, and each store has its own embedded index (issue 16)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from harvester.testing import dc_item
from repository.db import migrate
from repository.models import HubRecord
from repository.store import Store
from search.embedded import EmbeddedEngine
from search.engine import SearchError
from search.factory import embedded_index_path, engine_from_settings
from search.follower import Follower
from tests.conftest import make_settings
from tests.harvester.conftest import register
from tests.services.gunicorn import write_config

ROOT = Path(__file__).resolve().parents[2]


def harvest(db_url: str, config: Path) -> subprocess.Popen:
    env = {**os.environ, "KAZNEB_DATABASE_URL": db_url, "KAZNEB_CONFIG": str(config)}
    return subprocess.Popen([sys.executable, "-c", "from kazneb.cli import main; main()", "harvest", "p1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def indexed(path: Path) -> int:
    try:
        return EmbeddedEngine(path).count()
    except SearchError:
        return 0


def committed(store: Store) -> int:
    with store.reading() as session:
        return session.scalar(select(func.count()).select_from(HubRecord))


def slow_partner(scripted):  # type: ignore[no-untyped-def]
    partner = scripted([dc_item(f"oai:slow:{n}", f"Record {n}") for n in range(200)], page_size=10)
    partner.latency = 0.25  # 20 pages: about five seconds
    return partner


def test_search_finds_records_of_a_harvest_still_running(db_url, tmp_path, scripted):
    config = write_config(tmp_path, search={"path": str(tmp_path / "index"), "follow_seconds": 0.2})
    store = Store.from_settings(make_settings(db_url))
    migrate(store.engine)
    register(store, slow_partner(scripted).url)
    process = harvest(db_url, config)
    found_while_running = 0
    while process.poll() is None and not found_while_running:
        found_while_running = indexed(tmp_path / "index")
        time.sleep(0.1)
    running = process.poll() is None
    assert process.wait(timeout=120) == 0, process.stderr.read().decode()
    assert running and 0 < found_while_running < 200
    assert indexed(tmp_path / "index") == 200


def test_records_of_a_killed_harvest_are_indexed_by_the_next_follower(db_url, tmp_path, scripted):
    config = write_config(tmp_path, search={"path": str(tmp_path / "index"), "follow_seconds": 0})
    settings = make_settings(db_url, **{"search.path": str(tmp_path / "index")})
    store = Store.from_settings(settings)
    migrate(store.engine)
    register(store, slow_partner(scripted).url)
    process = harvest(db_url, config)
    while process.poll() is None and committed(store) < 30:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = committed(store)
    assert 30 <= stored < 200 and indexed(tmp_path / "index") == 0
    with Follower(settings, store, interval=0.1):  # what serve, scheduler, harvest and ingest start
        deadline = time.monotonic() + 30
        while indexed(tmp_path / "index") < stored and time.monotonic() < deadline:
            time.sleep(0.1)
    assert indexed(tmp_path / "index") == stored


def test_the_embedded_index_lives_beside_the_sqlite_database(tmp_path, monkeypatch):
    (tmp_path / "hub").mkdir()
    settings = make_settings(f"sqlite:///{tmp_path / 'hub' / 'catalogue.db'}", **{"search.path": ""})
    for folder in (tmp_path, tmp_path / "hub"):  # wherever the hub is run from
        monkeypatch.chdir(folder)
        assert embedded_index_path(settings) == tmp_path / "hub" / "catalogue-index"


def test_postgresql_needs_a_folder_named_for_the_embedded_index():
    settings = make_settings("postgresql+psycopg://kazneb@127.0.0.1/kazneb", **{"search.path": ""})
    with pytest.raises(SearchError, match="search.path must name the folder"):
        embedded_index_path(settings)


def test_an_index_built_for_another_store_is_refused(tmp_path):
    stores = []
    for name in ("one", "two"):
        settings = make_settings(f"sqlite:///{tmp_path / f'{name}.db'}", **{"search.path": str(tmp_path / "shared")})
        store = Store.from_settings(settings)
        migrate(store.engine)
        stores.append((settings, store))
    (first_settings, first), (second_settings, second) = stores
    engine_from_settings(first_settings, first).create()
    assert engine_from_settings(first_settings, first).count() == 0  # its own: accepted again
    with pytest.raises(SearchError, match="built for another store"):
        engine_from_settings(second_settings, second)


def children_of(pid: int) -> list[int]:
    """Live child processes of ``pid`` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_killed_commands_follower_does_not_outlive_it(tmp_path, scripted):
    config = write_config(tmp_path, search={"path": str(tmp_path / "index"), "follow_seconds": 0.2})
    db_url = f"sqlite:///{tmp_path / 'kazneb.db'}"
    store = Store.from_settings(make_settings(db_url))
    migrate(store.engine)
    register(store, slow_partner(scripted).url)
    process = harvest(db_url, config)
    deadline = time.monotonic() + 30
    while not (followers := children_of(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert followers, "the harvest started no follower process"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 15
    while any(alive(pid) for pid in followers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in followers)
