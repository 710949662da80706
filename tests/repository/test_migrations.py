"""The schema the migrations build is the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import consolidation.models  # noqa: F401 - registers the clusters and decisions
import harvester.models  # noqa: F401 - registers the harvester's tables on the shared metadata
import objects.models  # noqa: F401 - registers the catalogue of deposited copies
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


def test_0010_republishes_exactly_the_records_whose_text_the_one_xml_rule_changes(store) -> None:  # type: ignore[no-untyped-def]
    """A record stored under the old rule with a C1 control in its canonical JSON (1) or in its
    provenance (2) gets a new datestamp and clean renderings; the others keep theirs."""
    from sqlalchemy import text

    from tests.oai_helpers import IncomingRecord, add_records, make_record

    add_records(store, "p1", range(3))
    with store.engine.begin() as conn:
        dirty = ("replace(canonical, 'Автор 1', :dirty)" if conn.dialect.name == "sqlite"
                 else "CAST(replace(CAST(canonical AS TEXT), 'Автор 1', :dirty) AS JSON)")
        conn.execute(text(f"UPDATE hub_records SET canonical = {dirty} WHERE local_id = 'p1:oai:p1:1'"),
                     {"dirty": "Автор\x96 1"})
        conn.execute(text("UPDATE source_records SET source_datestamp = :dirty WHERE source_key = 'oai:p1:2'"),
                     {"dirty": "2026-01-01T00:00:00Z\x9c"})
        conn.execute(text("UPDATE alembic_version SET version_num = '0009_installation'"))
        before = dict(conn.execute(text("SELECT local_id, datestamp FROM hub_records")).all())
    migrate_to(store.engine, "0010_one_xml_rule")
    with store.engine.connect() as conn:
        after = dict(conn.execute(text("SELECT local_id, datestamp FROM hub_records")).all())
        canonical = conn.execute(text("SELECT canonical FROM hub_records WHERE local_id = 'p1:oai:p1:1'")).scalar()
        renderings = [bytes(x).decode() for (x,) in conn.execute(text("SELECT record_xml FROM record_renderings"))]
        changed = {r for (r,) in conn.execute(text("SELECT h.local_id FROM record_changes c"
                                                   " JOIN hub_records h ON h.id = c.record_id"
                                                   " WHERE c.seq > 3"))}
    assert after["p1:oai:p1:0"] == before["p1:oai:p1:0"]
    assert after["p1:oai:p1:1"] > before["p1:oai:p1:1"] and after["p1:oai:p1:2"] > before["p1:oai:p1:2"]
    assert changed == {"p1:oai:p1:1", "p1:oai:p1:2"}
    assert "\x96" not in str(canonical) and len(renderings) == 9
    assert not any("\x96" in xml or "\x9c" in xml for xml in renderings)
    with store.session() as session:  # the cleaned record is what its partner sends: nothing to do
        status = store.write_record(session, IncomingRecord(
            partner_id="p1", source_key="oai:p1:1", record=make_record(1), raw="<raw>1</raw>",
            source_datestamp="2026-01-01T00:00:00Z", metadata_prefix="oai_dc",
            metadata_namespace="http://www.openarchives.org/OAI/2.0/oai_dc/"))
    assert status == "unchanged"


def test_0010_leaves_a_store_without_such_records_alone(store) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from tests.oai_helpers import add_records

    add_records(store, "p1", range(3))
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0009_installation'"))
        before = conn.execute(text("SELECT id, datestamp FROM hub_records ORDER BY id")).all()
    migrate_to(store.engine, "0010_one_xml_rule")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT id, datestamp FROM hub_records ORDER BY id")).all() == before


def test_0010_republishes_under_the_schema_of_its_own_time(store) -> None:  # type: ignore[no-untyped-def]
    """A store at 0009 is migrated to the newest revision in one go: 0010 republishes through
    today's store code while columns added after it (0012's ``copy_access``) do not exist yet."""
    from sqlalchemy import text

    from tests.oai_helpers import add_records

    add_records(store, "p1", range(2))
    migrate_to(store.engine, "0009_installation", down=True)
    with store.engine.begin() as conn:
        dirty = ("replace(canonical, 'Автор 1', :dirty)" if conn.dialect.name == "sqlite"
                 else "CAST(replace(CAST(canonical AS TEXT), 'Автор 1', :dirty) AS JSON)")
        conn.execute(text(f"UPDATE hub_records SET canonical = {dirty} WHERE local_id = 'p1:oai:p1:1'"),
                     {"dirty": "Автор\x96 1"})
        before = conn.execute(text("SELECT datestamp FROM hub_records WHERE local_id = 'p1:oai:p1:1'")).scalar()
    migrate_to(store.engine, "heads")
    with store.engine.connect() as conn:
        after, copy = conn.execute(text("SELECT datestamp, copy_access FROM hub_records"
                                        " WHERE local_id = 'p1:oai:p1:1'")).one()
    assert after > before and copy is None
