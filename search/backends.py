"""The few cluster calls the remote engine makes, for the OpenSearch and Elasticsearch clients.

The two official clients differ in how they take request bodies (``body=`` for opensearch-py,
keyword arguments for elasticsearch 8/9); everything else in the hub is the same for both.
"""

from __future__ import annotations

from typing import Any, Protocol


class BackendError(Exception):
    """The cluster refused or could not be reached; the message says what it answered."""


class Backend(Protocol):
    flavour: str
    url: str

    def alias_target(self, alias: str) -> str | None: ...
    def create_index(self, name: str, body: dict[str, Any]) -> None: ...
    def delete_index(self, name: str) -> None: ...
    def point_alias(self, alias: str, index: str) -> None: ...
    def bulk(self, index: str, actions: list[dict[str, Any]]) -> None: ...
    def refresh(self, index: str) -> None: ...
    def get_meta(self, index: str) -> dict[str, Any]: ...
    def put_meta(self, index: str, meta: dict[str, Any]) -> None: ...
    def count(self, index: str) -> int: ...
    def search(self, index: str, body: dict[str, Any]) -> dict[str, Any]: ...


def connect_backend(url: str, flavour: str = "auto") -> Backend:
    """A backend for ``url``; ``auto`` asks the server which product it is."""
    if flavour == "auto":
        flavour = _detect(url)
    if flavour == "opensearch":
        return OpenSearchBackend(url)
    if flavour == "elasticsearch":
        return ElasticsearchBackend(url)
    raise BackendError(f"search.engine must be auto, opensearch or elasticsearch, not {flavour!r}")


def _detect(url: str) -> str:
    """Elasticsearch names itself in a header on every answer (even an error); OpenSearch in ``GET /``."""
    import requests

    try:
        answer = requests.get(url.rstrip("/") + "/", timeout=10)
    except requests.RequestException as exc:
        raise BackendError(f"cannot reach the search server: {exc}") from exc
    if answer.headers.get("X-Elastic-Product") == "Elasticsearch":
        return "elasticsearch"
    try:
        info = answer.json()
    except ValueError as exc:
        raise BackendError(f"{url} is not an OpenSearch or Elasticsearch server (HTTP {answer.status_code})") from exc
    if isinstance(info, dict) and info.get("version", {}).get("distribution") == "opensearch":
        return "opensearch"
    raise BackendError(f"{url} is not an OpenSearch or Elasticsearch server; set search.engine")


class _Shared:
    """Calls that read the same with both clients."""

    flavour = ""
    url = ""
    client: Any
    errors: tuple[type[Exception], ...] = ()
    not_found: type[Exception] = Exception

    def _guard(self, call, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return call(*args, **kwargs)
        except self.errors as exc:
            raise self._error(exc) from exc

    def _error(self, exc: Exception) -> BackendError:
        return BackendError(str(exc)[:500])

    def alias_target(self, alias: str) -> str | None:
        try:
            answer = self.client.indices.get_alias(name=alias)
        except self.not_found:
            return None
        except self.errors as exc:
            raise self._error(exc) from exc
        names = sorted(dict(answer))
        return names[0] if names else None

    def delete_index(self, name: str) -> None:
        self._guard(self.client.indices.delete, index=name)

    def point_alias(self, alias: str, index: str) -> None:
        old = self.alias_target(alias)
        actions: list[dict[str, Any]] = [{"add": {"index": index, "alias": alias}}]
        if old and old != index:
            actions.insert(0, {"remove": {"index": old, "alias": alias}})
        self._update_aliases(actions)
        if old and old != index:
            self.delete_index(old)

    def refresh(self, index: str) -> None:
        self._guard(self.client.indices.refresh, index=index)

    def get_meta(self, index: str) -> dict[str, Any]:
        answer = self._guard(self.client.indices.get_mapping, index=index)
        return dict(answer)[index]["mappings"].get("_meta", {})

    def count(self, index: str) -> int:
        return int(self._guard(self.client.count, index=index)["count"])

    def bulk(self, index: str, actions: list[dict[str, Any]]) -> None:
        for action in actions:
            action["_index"] = index
        try:
            _, errors = self._helpers.bulk(self.client, actions, raise_on_error=False, stats_only=False)
        except self.errors as exc:
            raise self._error(exc) from exc
        failed = [e for e in errors if next(iter(e.values())).get("status") != 404]
        if failed:
            first = next(iter(failed[0].values()))
            raise BackendError(f"{len(failed)} documents refused, first {first.get('_id')}: {first.get('error')}")

    def _update_aliases(self, actions: list[dict[str, Any]]) -> None:
        raise NotImplementedError


class OpenSearchBackend(_Shared):
    flavour = "opensearch"

    def __init__(self, url: str) -> None:
        import opensearchpy
        from opensearchpy import helpers

        self.url = url
        self.client = opensearchpy.OpenSearch(hosts=[url], timeout=60)
        self._helpers = helpers
        self.errors = (opensearchpy.OpenSearchException,)
        self.not_found = opensearchpy.NotFoundError

    def create_index(self, name: str, body: dict[str, Any]) -> None:
        self._guard(self.client.indices.create, index=name, body=body)

    def _update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self._guard(self.client.indices.update_aliases, body={"actions": actions})

    def put_meta(self, index: str, meta: dict[str, Any]) -> None:
        self._guard(self.client.indices.put_mapping, index=index, body={"_meta": meta})

    def search(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._guard(self.client.search, index=index, body=body)


class ElasticsearchBackend(_Shared):
    """The official client talks only to servers of its own major version (it sends ``compatible-with=N``)."""

    flavour = "elasticsearch"

    def __init__(self, url: str) -> None:
        import elasticsearch
        from elasticsearch import helpers

        self.client_major = int(elasticsearch.__versionstr__.partition(".")[0])
        self.url = url
        self.client = elasticsearch.Elasticsearch(url, request_timeout=60)
        self._helpers = helpers
        self.errors = (elasticsearch.ApiError, elasticsearch.TransportError)
        self.not_found = elasticsearch.NotFoundError

    def _error(self, exc: Exception) -> BackendError:
        message = str(exc)[:500]
        if "media_type_header_exception" in message:
            message += (f" (the hub's elasticsearch client {self.client_major}.x needs an Elasticsearch "
                        f"{self.client_major} server; for another major version install the matching client, "
                        f"e.g. pip install 'elasticsearch>=8.12,<9' for Elasticsearch 8)")
        return BackendError(message)

    def create_index(self, name: str, body: dict[str, Any]) -> None:
        self._guard(self.client.indices.create, index=name, settings=body["settings"],
                    mappings=body["mappings"])

    def _update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self._guard(self.client.indices.update_aliases, actions=actions)

    def put_meta(self, index: str, meta: dict[str, Any]) -> None:
        self._guard(self.client.indices.put_mapping, index=index, meta=meta)

    def search(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        kwargs = dict(body)
        kwargs["source"] = kwargs.pop("_source", None)
        return dict(self._guard(self.client.search, index=index, **kwargs))
