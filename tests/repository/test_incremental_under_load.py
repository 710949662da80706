"""Incremental harvesters lose nothing while the store is written (issue 16).

Real processes throughout: the hub under gunicorn with two workers, ``kazneb harvest`` of a
scripted partner (and, in the second case, ``kazneb ingest`` of a file at the same time)
writing the store, and several aggregators polling ``ListIdentifiers`` incrementally, each
run asking ``from=<the responseDate of its previous run>``, as fast as they can.  At the end
every poller holds exactly the store's records: none lost, none repeated within a list, and
every ``completeListSize`` equal to what the list delivered.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from lxml import etree
from sqlalchemy import select

from harvester.testing import dc_item
from repository.db import migrate
from repository.models import HubRecord
from repository.store import Store
from tests.conftest import make_settings
from tests.harvester.conftest import register
from tests.harvester.delivery_files import dc_collection, dc_record
from tests.services.gunicorn import gunicorn_hub, write_config

ROOT = Path(__file__).resolve().parents[2]
OAI = "{http://www.openarchives.org/OAI/2.0/}"
POLLERS = 4


@dataclass
class Poller:
    """An aggregator harvesting incrementally until told to make its last run."""

    url: str
    held: set[str] = field(default_factory=set)
    runs: int = 0
    faults: list[str] = field(default_factory=list)

    def run_once(self, since: str | None) -> str:
        """One incremental harvest; returns the first response's responseDate (the next ``from``)."""
        params = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", **({"from": since} if since else {})}
        listed: list[str] = []
        first_date, announced = None, None
        while True:
            root = etree.fromstring(requests.get(f"{self.url}/oai", params=params, timeout=60).content)
            first_date = first_date or root.findtext(f"{OAI}responseDate")
            error = root.find(f"{OAI}error")
            if error is not None:
                if error.get("code") != "noRecordsMatch":
                    self.faults.append(f"error {error.get('code')}: {error.text}")
                break
            listed += [h.findtext(f"{OAI}identifier") for h in root.iter(f"{OAI}header")]
            token = root.find(f".//{OAI}resumptionToken")
            if token is not None and token.get("completeListSize"):
                announced = int(token.get("completeListSize"))
            if token is None or not (token.text or "").strip():
                break
            params = {"verb": "ListIdentifiers", "resumptionToken": token.text.strip()}
        if len(listed) != len(set(listed)):
            self.faults.append(f"a list repeated {len(listed) - len(set(listed))} identifier(s)")
        if announced is not None and announced != len(listed):
            self.faults.append(f"completeListSize {announced}, list delivered {len(listed)}")
        self.held.update(listed)
        self.runs += 1
        return first_date

    def follow(self, done: threading.Event) -> None:
        since = None
        while not done.is_set():
            since = self.run_once(since)
        time.sleep(1.1)  # every second the writers used is over: the last run sees them all
        self.run_once(since)


def published(store: Store) -> set[str]:
    with store.reading() as session:
        return {store.oai_identifier(local_id) for local_id in session.scalars(select(HubRecord.local_id))}


def kazneb(db_url: str, config: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "KAZNEB_DATABASE_URL": db_url, "KAZNEB_CONFIG": str(config)}
    return subprocess.Popen([sys.executable, "-c", "from kazneb.cli import main; main()", *args], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.parametrize("writers", ["harvest", "harvest+ingest"])
def test_incremental_harvesters_lose_nothing_while_the_store_is_written(db_url, tmp_path, scripted, writers):
    config = write_config(tmp_path, oai={"identifiers_page_size": 40},
                          search={"path": str(tmp_path / "index"), "follow_seconds": 0})
    store = Store.from_settings(make_settings(db_url))
    migrate(store.engine)
    partner = scripted([dc_item(f"oai:load:{n}", f"Record {n}") for n in range(2000)], page_size=50)
    register(store, partner.url)
    delivery = tmp_path / "delivery.xml"
    delivery.write_bytes(dc_collection([dc_record(n) for n in range(1500)]))
    register(store, "", partner_id="files")

    with gunicorn_hub(db_url, config, workers=2) as url:
        pollers = [Poller(url) for _ in range(POLLERS)]
        done = threading.Event()
        threads = [threading.Thread(target=p.follow, args=(done,)) for p in pollers]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        processes = [kazneb(db_url, config, "harvest", "p1")]
        if writers == "harvest+ingest":
            processes.append(kazneb(db_url, config, "ingest", "--partner", "files", str(delivery)))
        outcomes = [(p.wait(timeout=600), p.stderr.read().decode()) for p in processes]
        done.set()
        for thread in threads:
            thread.join(timeout=300)

    assert all(code == 0 for code, _ in outcomes), outcomes
    expected = published(store)
    assert len(expected) == 2000 + (1500 if writers == "harvest+ingest" else 0)
    for poller in pollers:
        assert poller.runs >= 3  # it really polled while the store was written
        assert poller.faults == []
        assert expected - poller.held == set(), f"lost {len(expected - poller.held)} records"
        assert poller.held == expected
