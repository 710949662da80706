"""One way to load files: ``kazneb import`` is ``kazneb ingest``, and migration 0008 re-keys what
``import`` stored the old way (``<file name>#<position>``) without changing an OAI identifier unannounced."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from crosswalks.readers import read_file
from harvester.delivery import content_key
from harvester.partners import PartnerConfig, save_partner
from repository.db import migrate
from repository.models import HubRecord, RecordChange, RecordRendering, SourceRecord
from repository.store import IncomingRecord
from tests.conftest import migrate_to
from tests.harvester.delivery_files import dc_collection

ROOT = Path(__file__).resolve().parents[2]



def books(tmp_path: Path) -> Path:
    """Three oai_dc records: one with an identifier, two without."""
    path = tmp_path / "books.xml"
    path.write_bytes(dc_collection(["<oai_dc:dc><dc:identifier>dc:1</dc:identifier><dc:title>Абай</dc:title>"
                                    "</oai_dc:dc>", "<oai_dc:dc><dc:title>Бір</dc:title></oai_dc:dc>",
                                    "<oai_dc:dc><dc:title>Екі</dc:title></oai_dc:dc>"]))
    return path


def records(store, partner_id: str = "lib") -> dict[str, tuple[str, bool, str]]:  # type: ignore[no-untyped-def]
    """source key → (local id, tombstone?, level) of every record of the partner."""
    with store.session() as session:
        rows = session.execute(select(SourceRecord.source_key, HubRecord.local_id, HubRecord.deleted, HubRecord.access)
                               .join(HubRecord, HubRecord.id == SourceRecord.hub_record_id)
                               .where(SourceRecord.partner_id == partner_id))
        return {key: (local_id, deleted, access) for key, local_id, deleted, access in rows}


@pytest.mark.parametrize("order", [("import", "ingest"), ("ingest", "import")])
def test_the_same_file_through_import_and_ingest_in_either_order_gives_the_same_records(kazneb, store, tmp_path,
                                                                                        order):
    with store.session() as session:
        save_partner(store, session, PartnerConfig(id="lib", access="open"))
    path = books(tmp_path)
    first = kazneb(order[0], "--partner", "lib", "--access", "read-only", str(path))
    assert first.exit_code == 0, first.output
    stored = records(store)
    second = kazneb(order[1], "--partner", "lib", str(path))
    assert second.exit_code == 0 and "new 0" in second.output and "unchanged 3" in second.output, second.output
    assert records(store) == stored and len(stored) == 3
    assert sorted(k for k in stored if k.startswith("#")) == sorted(content_key(r.raw) for r in read_file(path)
                                                                    if not r.identifier)
    assert {level for _, _, level in stored.values()} == {"read-only"}  # the level given stays with them


def test_a_quarantined_record_makes_import_exit_1(kazneb, store, tmp_path):
    with store.session() as session:
        save_partner(store, session, PartnerConfig(id="lib", access="open"))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 a 4500'
                    b'</leader></record></collection>')
    result = kazneb("import", "--partner", "lib", str(bad))
    assert result.exit_code == 1 and "quarantined 1" in result.output


def write_as_import_did(store, path: Path, positions: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Records of ``path`` stored as ``kazneb import`` stored them before: ``<file name>#<position>``."""
    with store.session() as session:
        for result in read_file(path):
            if result.position in positions:
                store.write_record(session, IncomingRecord(
                    partner_id="lib", source_key=f"{path.name}#{result.position}", record=result.record,
                    raw=result.raw, source_datestamp=result.datestamp, metadata_prefix=result.record.source.format,
                    metadata_namespace=result.record.source.metadata_namespace, source_sets=result.sets))


def test_migration_0008_re_keys_import_keys_and_tombstones_the_second_copy(kazneb, store, tmp_path):
    with store.session() as session:
        save_partner(store, session, PartnerConfig(id="lib", access="open"))
    path = books(tmp_path)
    first_two = tmp_path / "first-two.xml"  # records 1 and 2 of books.xml, loaded by ingest
    first_two.write_bytes(path.read_bytes().replace(b"<oai_dc:dc><dc:title>\xd0\x95\xd0\xba\xd1\x96</dc:title>"
                                                    b"</oai_dc:dc>", b""))
    assert len(list(read_file(first_two))) == 2
    assert kazneb("ingest", "--partner", "lib", str(first_two)).exit_code == 0
    write_as_import_did(store, path, [2, 3])  # record 2 twice (ingest's and import's), record 3 by import only
    before = records(store)
    migrate_to(store.engine, "0007_record_own_access", down=True)
    with store.engine.connect() as conn:
        last_change = conn.execute(select(RecordChange.seq).order_by(RecordChange.seq.desc()).limit(1)).scalar()

    migrate(store.engine)

    after = records(store)
    third = content_key([r for r in read_file(path) if r.position == 3][0].raw)
    assert after[third] == before["books.xml#3"]  # re-keyed: same hub record, same OAI identifier
    assert "books.xml#3" not in after
    copy_id, deleted, _ = after["books.xml#2"]
    assert deleted and copy_id == before["books.xml#2"][0]  # the second copy: a tombstone under its identifier
    assert after[content_key([r for r in read_file(path) if r.position == 2][0].raw)][1] is False
    with store.session() as session:
        hub_id = session.scalars(select(HubRecord.id).where(HubRecord.local_id == copy_id)).one()
        xmls = session.scalars(select(RecordRendering.record_xml).where(RecordRendering.record_id == hub_id)).all()
        logged = session.scalars(select(RecordChange.record_id).where(RecordChange.seq > last_change)).all()
    assert xmls and all(bytes(x).startswith(b'<record><header status="deleted"><identifier>oai:kazneb.kz:lib:books.xml')
                        and b"<metadata>" not in bytes(x) for x in xmls)
    assert logged == [hub_id]  # the search index hears of it
    again = kazneb("ingest", "--partner", "lib", str(path))
    # no new record; import did not write the partner into the canonical record, so the re-keyed one is
    # updated once, under its own identifier
    assert "new 0" in again.output and "updated 1" in again.output, again.output
    assert records(store)[third] == before["books.xml#3"][:2] + ("open",)
    assert sum(not deleted for _, deleted, _ in records(store).values()) == 3  # one live record each
