"""Small catalogue records for the consolidation tests, written through the store as a harvest
writes them (so the keys are the store's)."""

from __future__ import annotations

from crosswalks.model import Agent, CanonicalRecord, DateInfo, DigitalObject, Identifier, Title
from repository.store import IncomingRecord, Store

ABAI_KK = dict(title="Абай жолы", author="Әуезов, Мұхтар", publisher="Жазушы", year=1990, lang="kaz")
ABAI_LATIN = dict(title="Abai joly", author="Äuezov, Mūhtar", publisher="Jazuşy", year=1990, lang="kaz")


def book(title: str, author: str, publisher: str, year: int, lang: str, part: str | None = None,
         isbn: str | None = None, link: str | None = None) -> CanonicalRecord:
    return CanonicalRecord(
        titles=[Title(title, part=part, lang=lang)], agents=[Agent(author)], publishers=[publisher],
        dates=[DateInfo(str(year), year, year)], languages=[lang], kind="book", pages=352,
        identifiers=[Identifier(isbn, "isbn")] if isbn else [],
        objects=[DigitalObject(link, "application/pdf")] if link else [])


def write(store: Store, partner: str, key: str, record: CanonicalRecord, access: str | None = None,
          prefix: str = "marcxml") -> None:
    with store.session() as session:
        store.upsert_partner(session, partner, names={"en": partner})
        store.write_record(session, IncomingRecord(partner_id=partner, source_key=key, record=record,
                                                   raw="<raw/>", metadata_prefix=prefix, access=access))


def delete(store: Store, partner: str, key: str) -> None:
    with store.session() as session:
        store.delete_record(session, partner, key)
