"""The peer for bench/oai_bench.py: pyoai's server over the hub's records, paging with OFFSET.

This is how MOAI and many small providers serve lists: pyoai's BatchingServer asks
the implementation for ``batch_size`` records at ``cursor``, which becomes
``LIMIT .. OFFSET ..``; each record is turned into XML on every request.
Served with ``gunicorn bench.pyoai_peer:app`` (KAZNEB_DATABASE_URL names the SQLite file).
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from oaipmh import common
from oaipmh.metadata import MetadataRegistry
from oaipmh.server import BatchingServer, oai_dc_writer

DB = os.environ["KAZNEB_DATABASE_URL"].removeprefix("sqlite:///")
DC_FIELDS = ("title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
             "format", "identifier", "source", "language", "relation", "coverage", "rights")


class OffsetRepository:
    """pyoai's IBatchingOAI over the hub tables, one OFFSET query per page."""

    def __init__(self) -> None:
        self.db = sqlite3.connect(DB, check_same_thread=False)

    def identify(self) -> common.Identify:
        return common.Identify("pyoai peer", "http://127.0.0.1/oai", "2.0", ["bench@example.org"],
                               datetime(2000, 1, 1), "persistent", "YYYY-MM-DDThh:mm:ssZ", ["identity"])

    def listMetadataFormats(self, identifier=None):  # type: ignore[no-untyped-def]  # noqa: N802
        return [("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
                 "http://www.openarchives.org/OAI/2.0/oai_dc/")]

    def listRecords(self, metadataPrefix, set=None, from_=None, until=None, cursor=0, batch_size=10):  # type: ignore[no-untyped-def]  # noqa: N802, N803, A002
        # ordered through the same (prefix, datestamp, id) index the hub uses: only the paging differs
        rows = self.db.execute(
            "SELECT h.local_id, r.datestamp, h.deleted, h.canonical FROM record_renderings r "
            "JOIN hub_records h ON h.id = r.record_id WHERE r.prefix = 'oai_dc' "
            "ORDER BY r.datestamp, r.record_id LIMIT ? OFFSET ?", (batch_size, cursor))
        return [self._record(*row) for row in rows]

    def _record(self, local_id: str, datestamp: int, deleted: bool, canonical: str):  # type: ignore[no-untyped-def]
        header = common.Header(None, f"oai:kazneb.kz:{local_id}", datetime.fromtimestamp(datestamp, UTC)
                               .replace(tzinfo=None), [], bool(deleted))
        if deleted:
            return header, None, None
        data = json.loads(canonical)
        fields = {name: [] for name in DC_FIELDS}
        fields["title"] = [t["value"] for t in data.get("titles", [])]
        fields["creator"] = [a["name"] for a in data.get("agents", [])]
        fields["subject"] = [s["value"] for s in data.get("subjects", [])]
        fields["description"] = [d["value"] for d in data.get("descriptions", [])]
        fields["publisher"] = data.get("publishers", [])
        fields["date"] = [d["original"] for d in data.get("dates", [])]
        fields["type"] = [data["dcmi_type"]] if data.get("dcmi_type") else []
        fields["language"] = data.get("languages", [])
        fields["identifier"] = [i["value"] for i in data.get("identifiers", [])]
        fields["rights"] = [data.get("access", "")]
        return header, common.Metadata(None, fields), None


registry = MetadataRegistry()
registry.registerWriter("oai_dc", oai_dc_writer)
server = BatchingServer(OffsetRepository(), registry, resumption_batch_size=100)


def app(environ, start_response):  # type: ignore[no-untyped-def]
    args = dict(parse_qsl(environ.get("QUERY_STRING", "")))
    body = server.handleRequest(args)
    start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8")])
    return [body if isinstance(body, bytes) else body.encode("utf-8")]
