"""The schema the migrations build is the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import harvester.models  # noqa: F401 - registers the harvester's tables on the shared metadata
from repository.models import Base
from tests.conftest import migrate_to


def test_migrated_schema_matches_the_models(store) -> None:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    # alembic's own bookkeeping table is not a model
    differences = [d for d in differences if "alembic_version" not in repr(d)]
    assert differences == []


def test_the_change_log_has_no_index_on_record_id(store) -> None:  # type: ignore[no-untyped-def]
    """Nothing reads it by record (migration 0005): one b-tree fewer per record written."""
    from sqlalchemy import inspect

    indexes = inspect(store.engine).get_indexes("record_changes")
    assert [i["column_names"] for i in indexes] == []


def test_renderings_stored_before_0006_keep_their_headers_after_it(db_url: str) -> None:
    """0006 swaps the generated ``header_xml`` for a stored length: the rows already there get
    theirs from where ``</header>`` is, ListIdentifiers' query cuts the same header, and a
    downgrade derives it again."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    header = ("<header><identifier>oai:kazneb.kz:p:Абай/1</identifier>"
              "<datestamp>2026-11-27T00:00:00Z</datestamp></header>")
    record = f"<record>{header}<metadata><x>&lt;/header&gt; ә</x></metadata></record>".encode()
    try:
        migrate_to(engine, "0005_changes_by_seq_only")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO partners (id, default_access, enabled, settings)"
                              " VALUES ('p', 'open', true, '{}')"))
            conn.execute(text("INSERT INTO hub_records (id, local_id, datestamp, deleted, access, partner_id,"
                              " canonical, content_hash) VALUES (1, 'p:1', 0, false, 'open', 'p', '{}', 'h')"))
            conn.execute(text("INSERT INTO record_renderings (record_id, prefix, datestamp, record_xml)"
                              " VALUES (1, 'oai_dc', 0, :xml)"), {"xml": record})
        migrate_to(engine, "heads")
        with engine.connect() as conn:
            length, cut = conn.execute(text("SELECT header_length, substr(record_xml, 9, header_length)"
                                            " FROM record_renderings")).one()
        assert length == len(header.encode()) and bytes(cut) == header.encode()
        migrate_to(engine, "0005_changes_by_seq_only", down=True)
        with engine.connect() as conn:
            assert bytes(conn.execute(text("SELECT header_xml FROM record_renderings")).scalar_one()) == header.encode()
    finally:
        engine.dispose()
