"""Each store's own id and token secret (migration 0009_installation, `kazneb secret rotate`)."""

from __future__ import annotations

from pathlib import Path

import requests
from click.testing import CliRunner
from lxml import etree

from kazneb.cli import main
from kazneb.config import DEFAULT_CONFIG, load_settings
from repository import installation
from repository.db import migrate
from repository.store import Store
from tests.oai_helpers import OAI, add_records, error_codes


def new_store(path: Path) -> Store:
    store = Store.from_settings(load_settings(overrides={"database.url": f"sqlite:///{path}"}))
    migrate(store.engine)
    return store


def test_every_new_store_has_its_own_id_and_secret(tmp_path: Path) -> None:
    one, two = new_store(tmp_path / "one.db"), new_store(tmp_path / "two.db")
    assert installation.store_id(one.engine) != installation.store_id(two.engine)
    assert installation.secret_key(one.engine) != installation.secret_key(two.engine)
    assert len(installation.secret_key(one.engine)) >= 40
    migrate(one.engine)  # upgrading again keeps them
    assert installation.secret_key(one.engine) == installation.secret_key(one.engine, "")


def test_no_public_default_secret_is_left(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("KAZNEB_SECRET_KEY", raising=False)
    assert "secret_key =" not in DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert load_settings()["hub.secret_key"] == ""
    monkeypatch.setenv("KAZNEB_SECRET_KEY", "chosen-by-the-operator")
    assert load_settings()["hub.secret_key"] == "chosen-by-the-operator"


def test_a_configured_secret_wins_over_the_stored_one(tmp_path: Path) -> None:
    store = new_store(tmp_path / "hub.db")
    assert installation.secret_key(store.engine, "chosen") == "chosen"


def test_rotating_the_secret_refuses_tokens_signed_before(hub_url: str, store, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    add_records(store, "alpha", range(15))  # more than a page (10)
    first = etree.fromstring(requests.get(f"{hub_url}/oai", params={"verb": "ListRecords",
                                                                     "metadataPrefix": "oai_dc"}, timeout=30).content)
    token = first.find(f".//{OAI}resumptionToken").text
    before = installation.secret_key(store.engine)
    monkeypatch.setenv("KAZNEB_DATABASE_URL", settings.database_url)
    rotated = CliRunner().invoke(main, ["secret", "rotate"])
    assert rotated.exit_code == 0 and "replaced" in rotated.output
    assert installation.secret_key(store.engine) != before
    stale = etree.fromstring(requests.get(f"{hub_url}/oai", params={"verb": "ListRecords",
                                                                    "resumptionToken": token}, timeout=30).content)
    assert error_codes(stale) == ["badResumptionToken"]  # the running server noticed without a restart
    again = etree.fromstring(requests.get(f"{hub_url}/oai", params={"verb": "ListRecords",
                                                                    "metadataPrefix": "oai_dc"}, timeout=30).content)
    fresh = requests.get(f"{hub_url}/oai", params={"verb": "ListRecords", "resumptionToken":
                                                   again.find(f".//{OAI}resumptionToken").text}, timeout=30)
    assert error_codes(etree.fromstring(fresh.content)) == [] and b"<record>" in fresh.content
