"""A small catalogue in Kazakh (both scripts), Russian and English, for the search tests."""

from __future__ import annotations

from crosswalks.model import Agent, CanonicalRecord, DateInfo, Description, Identifier, Subject, Title


def record(title: str, *, creators: tuple[str, ...] = (), year: int | None = None, lang: str = "kaz",
           kind: str = "book", subjects: tuple[str, ...] = (), description: str | None = None,
           isbn: str | None = None) -> CanonicalRecord:
    """A canonical record with the fields search reads."""
    return CanonicalRecord(
        titles=[Title(title)],
        agents=[Agent(name) for name in creators],
        subjects=[Subject(s) for s in subjects],
        descriptions=[Description(description)] if description else [],
        dates=[DateInfo(str(year), year, year)] if year else [],
        languages=[lang],
        kind=kind,
        identifiers=[Identifier(isbn, "isbn")] if isbn else [],
        publishers=["Жазушы"] if lang == "kaz" else [],
        access=None,
    )


#: A source key with what a local id must escape or keep ('/', '?', '%', '#', a space,
#: Cyrillic), so that links, lookups and the search engines all meet such an id.
RU_2 = "oai:nabrk.kz:Война/2?v=1&n=50% #a"

#: source key → (partner, access, canonical record)
CORPUS: dict[str, tuple[str, str, CanonicalRecord]] = {
    "kk-cyr-1": ("nabrk", "open", record(
        "Қазақ әдебиеті тарихы", creators=("Әуезов, Мұхтар",), year=1960,
        subjects=("Қазақ әдебиеті", "Тарих"),
        description="Қазақ әдебиетінің ежелгі дәуірден бастап тарихы.")),
    "kk-lat-1": ("kaznu", "preview-24", record(
        "Qazaq ädebietı: zamanaui kezeñ", creators=("Nurpeisov, Ábdijámil",), year=2022,
        subjects=("Qazaq ädebietı",))),
    "kk-cyr-2": ("nabrk", "read-only", record(
        "Абай жолы", creators=("Әуезов, Мұхтар",), year=1947, subjects=("Роман",))),
    "kk-lat-2": ("kaznu", "open", record(
        "Abai joly", creators=("Äuezov, Mūhtar",), year=2021, subjects=("Roman",))),
    "ru-1": ("nabrk", "open", record(
        "Библиотека и общество", creators=("Иванов, Иван Петрович",), year=1995, lang="rus",
        kind="journal", subjects=("Библиотечное дело",), isbn="5-02-013850-9",
        description="Сборник статей о библиотеках Казахстана.")),
    RU_2: ("nabrk", "read-only", record(
        "Война и мир", creators=("Толстой, Лев Николаевич",), year=1869, lang="rus",
        subjects=("Роман",))),
    "ru-3": ("kaznu", "open", record(
        "Мир библиотек: очерки", creators=("Сидорова, Анна",), year=2010, lang="rus",
        subjects=("Библиотечное дело",))),
    "en-1": ("kaznu", "open", record(
        "Libraries of the Steppe", creators=("Smith, John",), year=2015, lang="eng",
        subjects=("Libraries", "Kazakhstan"), description="A history of libraries in Kazakhstan.",
        isbn="978-0-306-40615-7")),
    "en-2": ("kaznu", "read-only", record(
        "War and Peace", creators=("Tolstoy, Leo",), year=2005, lang="eng", subjects=("Novels",))),
    "en-3": ("nabrk", "open", record(
        "Steppe ecology", creators=("Brown, Ann",), lang="eng", kind="article", subjects=("Ecology",))),
}


def load_corpus(store) -> None:  # type: ignore[no-untyped-def]
    """Write the corpus into a real store (two partners) through its public API."""
    from repository.store import IncomingRecord

    with store.session() as session:
        for partner in ("nabrk", "kaznu"):
            store.upsert_partner(session, partner)
        for key, (partner, access, canonical) in CORPUS.items():
            store.write_record(session, IncomingRecord(partner, key, canonical, access=access))
