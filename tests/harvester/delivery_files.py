"""Files a partner might deliver, written for the ingest tests (MARC 21, MARCXML, DC XML)."""

from __future__ import annotations

from pathlib import Path

from pymarc import Field, Record, Subfield

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "pymarc"
DC_NAMESPACES = ('xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                 'xmlns:dc="http://purl.org/dc/elements/1.1/"')


def marc_record(number: int, title: str | None = None) -> bytes:
    """One ISO 2709 record in UTF-8 with 001 ``m<number>``."""
    record = Record(force_utf8=True)
    record.add_field(Field(tag="001", data=f"m{number:05d}"))
    record.add_field(Field(tag="245", indicators=["1", "0"],
                           subfields=[Subfield("a", title or f"Кітап {number}"), Subfield("c", "Автор")]))
    record.add_field(Field(tag="260", indicators=[" ", " "],
                           subfields=[Subfield("a", "Алматы"), Subfield("c", "2001")]))
    return record.as_marc()


def broken_leader(record: bytes) -> bytes:
    """The record with a base address of data that is not a number (unreadable, bytes kept)."""
    return record[:12] + b"f0037" + record[17:]


def dc_record(number: int, rights: str = "", title: str | None = None) -> str:
    extra = f"<dc:rights>{rights}</dc:rights>" if rights else ""
    return (f"<oai_dc:dc><dc:identifier>dc:{number}</dc:identifier>"
            f"<dc:title>{title or f'Document {number}'}</dc:title>{extra}</oai_dc:dc>")


def dc_collection(records: list[str], encoding: str = "utf-8") -> bytes:
    """oai_dc records in one ``collection`` root (the namespaces declared on the root only)."""
    text = f'<?xml version="1.0" encoding="{encoding}"?>\n<collection {DC_NAMESPACES}>\n' + \
        "\n".join(records) + "\n</collection>\n"
    return text.encode(encoding)


def marcxml_collection(numbers: range) -> bytes:
    records = "".join(
        f'<marc:record><marc:leader>00000nam a2200000 a 4500</marc:leader>'
        f'<marc:controlfield tag="001">x{n:05d}</marc:controlfield>'
        f'<marc:datafield tag="245" ind1="1" ind2="0"><marc:subfield code="a">Record {n}</marc:subfield>'
        f'</marc:datafield></marc:record>\n' for n in numbers)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<marc:collection xmlns:marc="http://www.loc.gov/MARC21/slim">\n'
            f'{records}</marc:collection>\n').encode()


def sample_records(name: str) -> list[bytes]:
    """The ISO 2709 records of a pymarc sample file, each with its terminator."""
    return [part + b"\x1d" for part in (SAMPLES / name).read_bytes().split(b"\x1d") if part.strip()]


def oai_response(records: list[tuple[str, str, str | None]]) -> bytes:
    """A saved ListRecords response: (identifier, datestamp, title or None for a deletion) each."""
    parts = []
    for identifier, datestamp, title in records:
        if title is None:
            parts.append(f'<record><header status="deleted"><identifier>{identifier}</identifier>'
                         f'<datestamp>{datestamp}</datestamp></header></record>')
            continue
        parts.append(f'<record><header><identifier>{identifier}</identifier><datestamp>{datestamp}</datestamp>'
                     f'<setSpec>books</setSpec></header><metadata><oai_dc:dc {DC_NAMESPACES}>'
                     f'<dc:title>{title}</dc:title></oai_dc:dc></metadata></record>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            '<responseDate>2024-03-01T00:00:00Z</responseDate><request verb="ListRecords">x</request>'
            f'<ListRecords>{"".join(parts)}</ListRecords></OAI-PMH>\n').encode()
