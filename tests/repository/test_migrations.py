"""The schema the migrations build is the schema the models describe, on both databases."""

from __future__ import annotations

import json

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


PARTNER_FILE = "https://library.example.kz/files/book-{n}.pdf"
#: Record n of p1: (its level by the partner's rules, the level of its live copy or None).
LEVELS_0013 = {0: ("open", None), 1: ("read-only", None), 2: ("preview-24", None), 3: ("read-only", None),
               4: ("open", "read-only"), 5: ("read-only", "open")}


def render_the_old_way(store, hub_id: int) -> None:  # type: ignore[no-untyped-def]
    """Store the record's renderings as the code before issue 20 section 5 did: the partner's digital
    objects left in its metadata at every level (today's renderings with that one part replaced)."""
    from sqlalchemy import text

    from crosswalks.formats import FORMATS
    from crosswalks.model import CanonicalRecord
    from repository.publishing import record_page, with_copy_link, without_partner_files

    with store.engine.begin() as conn:
        local_id, access, copy, canonical = conn.execute(text(
            "SELECT local_id, access, copy_access, canonical FROM hub_records WHERE id = :id"), {"id": hub_id}).one()
        record = CanonicalRecord.from_dict(json.loads(canonical) if isinstance(canonical, str) else canonical)
        link = (lambda r: with_copy_link(r, record_page(store.base_url, local_id))) if copy else (lambda r: r)
        for prefix, fmt in FORMATS.items():
            stored = bytes(conn.execute(text("SELECT record_xml FROM record_renderings WHERE record_id = :id"
                                             " AND prefix = :prefix"), {"id": hub_id, "prefix": prefix}).scalar_one())
            today, old = (fmt.render_utf8(link(without_partner_files(record, access))),
                          fmt.render_utf8(link(record)))
            assert today in stored
            conn.execute(text("UPDATE record_renderings SET record_xml = :xml WHERE record_id = :id"
                              " AND prefix = :prefix"), {"xml": stored.replace(today, old), "id": hub_id,
                                                         "prefix": prefix})


def test_0013_republishes_exactly_the_records_not_open_that_published_partner_files(store) -> None:  # type: ignore[no-untyped-def]
    """Records 0-5 of p1, rendered the old way at revision 0012: 1 (read-only), 2 (preview-24) and 4
    (open by its rules, its copy read-only) publish the partner's file and are published again
    without it, 4 still linking its page at the hub's base URL (which the migration is not told);
    0 (open), 3 (no partner object) and 5 (read-only by its rules, its copy open) keep their
    datestamps and renderings."""
    from sqlalchemy import text

    from crosswalks.model import DigitalObject
    from repository.identifiers import local_id_for
    from repository.publishing import record_page
    from repository.store import IncomingRecord
    from tests.oai_helpers import make_record

    store.base_url = "https://hub.example.kz/kazneb"
    with store.session() as session:
        store.upsert_partner(session, "p1", names={"en": "P1", "kk": "p1"}, base_url="http://127.0.0.1:9/p1/oai")
        for n, (level, copy) in LEVELS_0013.items():
            objects = [] if n == 3 else [DigitalObject(PARTNER_FILE.format(n=n), mimetype="application/pdf")]
            store.write_record(session, IncomingRecord(
                partner_id="p1", source_key=f"oai:p1:{n}", record=make_record(n, objects=objects), raw=f"<r>{n}</r>",
                source_datestamp="2026-02-01T00:00:00Z", metadata_prefix="oai_dc",
                metadata_namespace="http://www.openarchives.org/OAI/2.0/oai_dc/", access=level))
            if copy:
                store.set_copy_level(session, local_id_for("p1", f"oai:p1:{n}"), copy, rule_level=level)
    with store.engine.connect() as conn:
        ids = list(conn.execute(text("SELECT id FROM hub_records")).scalars())
    for hub_id in ids:
        render_the_old_way(store, hub_id)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0012_record_copy_level'"))
        before = dict(conn.execute(text("SELECT local_id, datestamp FROM hub_records")).all())
        old = {(r, p): bytes(x) for r, p, x in conn.execute(text(
            "SELECT h.local_id, r.prefix, r.record_xml FROM record_renderings r JOIN hub_records h"
            " ON h.id = r.record_id"))}
        last_change = conn.execute(text("SELECT max(seq) FROM record_changes")).scalar()
    assert sum(PARTNER_FILE.format(n=n).encode() in xml for (r, _), xml in old.items()
               for n in (1, 2, 4) if r == local_id_for("p1", f"oai:p1:{n}")) == 9  # the old way: leaking

    migrate_to(store.engine, "0013_partner_files_withheld")
    with store.engine.connect() as conn:
        after = dict(conn.execute(text("SELECT local_id, datestamp FROM hub_records")).all())
        new = {(r, p): bytes(x) for r, p, x in conn.execute(text(
            "SELECT h.local_id, r.prefix, r.record_xml FROM record_renderings r JOIN hub_records h"
            " ON h.id = r.record_id"))}
        changed = set(conn.execute(text("SELECT h.local_id FROM record_changes c JOIN hub_records h"
                                         " ON h.id = c.record_id WHERE c.seq > :seq"), {"seq": last_change}).scalars())
    republished = {local_id_for("p1", f"oai:p1:{n}") for n in (1, 2, 4)}
    assert changed == republished
    for local_id in before:
        assert (after[local_id] > before[local_id]) == (local_id in republished), local_id
    for (local_id, prefix), xml in new.items():
        n = int(local_id.rsplit(":", 1)[1])
        if local_id in republished:
            assert PARTNER_FILE.format(n=n).encode() not in xml and b"library.example.kz" not in xml, (local_id, prefix)
            assert old[(local_id, prefix)] != xml
        else:
            assert xml == old[(local_id, prefix)], (local_id, prefix)
    page = record_page("https://hub.example.kz/kazneb", local_id_for("p1", "oai:p1:4")).encode()
    assert all(page in new[(local_id_for("p1", "oai:p1:4"), prefix)] for prefix in ("oai_dc", "marcxml", "mods"))
    assert PARTNER_FILE.format(n=0).encode() in new[(local_id_for("p1", "oai:p1:0"), "oai_dc")]
    assert PARTNER_FILE.format(n=5).encode() in new[(local_id_for("p1", "oai:p1:5"), "oai_dc")]
