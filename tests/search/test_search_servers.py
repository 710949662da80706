"""The search servers themselves: telling OpenSearch from Elasticsearch, and the test nodes' failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from search.elasticsearch_node import node as es_node
from search.engine import SearchError
from search.remote import RemoteEngine
from tests.search.conftest import shared_node_url
from tests.services.live_server import live_server


@pytest.mark.parametrize("kind", ["opensearch", "elasticsearch"])
def test_auto_asks_the_server_which_engine_it_is(kind: str) -> None:
    engine = RemoteEngine.connect(shared_node_url(kind), "kazneb-auto", flavour="auto")
    assert (engine.name, engine.backend.flavour) == (kind, kind)
    assert engine.describe()["engine"] == kind


def test_a_server_that_is_no_search_engine_is_refused_by_name() -> None:
    app = Flask("not-a-search-server")
    app.add_url_rule("/", "root", lambda: {"hello": "world"})
    with live_server(app) as url, pytest.raises(SearchError, match="not an OpenSearch or Elasticsearch server"):
        RemoteEngine.connect(url, "kazneb", flavour="auto")


def test_an_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(SearchError, match="cannot reach the search server"):
        RemoteEngine.connect("http://127.0.0.1:9", "kazneb", flavour="auto")


def fake_jdk(root: Path, name: str, version: str) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "javac").write_text("")
    (home / "release").write_text(f'IMPLEMENTOR="test"\nJAVA_VERSION="{version}"\n')
    return home


def test_the_elasticsearch_node_runs_on_the_newest_jdk_of_21_or_more(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAZNEB_ELASTICSEARCH_JAVA_HOME", raising=False)
    monkeypatch.setenv("JAVA_HOME", str(fake_jdk(tmp_path, "jdk-17", "17.0.15")))
    fake_jdk(tmp_path, "jdk-21", "21.0.2")
    newest = fake_jdk(tmp_path, "jdk-25", "25.0.3")
    assert es_node.java_home(tmp_path) == newest
    chosen = fake_jdk(tmp_path / "chosen", "jdk-22", "22")
    monkeypatch.setenv("KAZNEB_ELASTICSEARCH_JAVA_HOME", str(chosen))
    assert es_node.java_home(tmp_path) == chosen


def test_without_a_jdk_21_the_elasticsearch_node_says_what_it_needs(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAZNEB_ELASTICSEARCH_JAVA_HOME", raising=False)
    monkeypatch.setenv("JAVA_HOME", str(fake_jdk(tmp_path, "jdk-17", "17.0.15")))
    (tmp_path / "jre-25").mkdir()  # a runtime without javac cannot build the node
    with pytest.raises(es_node.NodeError, match="needs a JDK 21 or newer"):
        es_node.java_home(tmp_path)


def test_an_elasticsearch_node_that_cannot_start_fails_with_its_log(tmp_path: Path) -> None:
    with pytest.raises(es_node.NodeError, match=r"(?s)exited with \d+:\n.*maximum heap"), \
            es_node.running_node(heap="1k", home=tmp_path):
        pass
