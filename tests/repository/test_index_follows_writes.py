"""Commands that write to the store leave the search index up to date, or say why not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kazneb.cli import main
from kazneb.commands.follow import update_search_index
from kazneb.config import load_settings
from repository.store import Store
from search.factory import engine_from_settings

SAMPLES = Path(__file__).resolve().parents[2] / "repository" / "sample_data"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_import_reaches_the_embedded_index(db_url: str, tmp_path: Path) -> None:
    env = {"KAZNEB_DATABASE_URL": db_url}
    index = tmp_path / "index"
    config = tmp_path / "kazneb.toml"
    config.write_text(f'[search]\npath = "{index}"\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(config), "init"], env=env).exit_code == 0
    settings = load_settings(config, overrides={"database.url": db_url})
    store = Store.from_settings(settings)
    with store.session() as session:
        store.upsert_partner(session, "kaznu", names={"en": "KazNU"})
    result = runner.invoke(main, ["--config", str(config), "import", "--partner", "kaznu",
                                  str(SAMPLES / "kaznu.oai_dc.xml")], env=env)
    assert result.exit_code == 0, result.output
    assert "search index: 6 indexed" in result.output
    engine = engine_from_settings(settings)
    try:
        assert engine.count() == 6
    finally:
        getattr(engine, "close", lambda: None)()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_unreachable_search_server_is_reported_not_fatal(store, db_url: str) -> None:
    settings = load_settings(overrides={"database.url": db_url, "search.url": "http://127.0.0.1:9",
                                        "search.engine": "opensearch"})
    messages: list[str] = []
    assert update_search_index(settings, store, messages.append) is False
    assert "kazneb index sync" in messages[0]
