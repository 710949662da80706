"""Access levels: how each is named in COAR terms and stated to readers in kk/ru/en.

Every rendering shows the level: oai_dc ``dc:rights``, MARC 506/540 and 856 $z,
MODS ``accessCondition``.  Readers map these statements back to the level, so the
hub's own output reads back without the statements turning into partner rights.
"""

from __future__ import annotations

from dataclasses import dataclass

COAR_OPEN = "http://purl.org/coar/access_right/c_abf2"
COAR_RESTRICTED = "http://purl.org/coar/access_right/c_16ec"


@dataclass(frozen=True)
class AccessTerms:
    """What one access level means: COAR URI and label, statements by language."""

    level: str
    coar_uri: str
    coar_label: str
    #: Who may read it (MARC 506, MODS restriction on access), by language.
    statement: dict[str, str]
    #: What may be copied (MARC 540, MODS use and reproduction), by language.
    terms_of_use: dict[str, str]
    #: Short note for MARC 856 $z and MODS url/@note.
    link_note: str


LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")

ACCESS_TERMS: dict[str, AccessTerms] = {
    "open": AccessTerms(
        level="open",
        coar_uri=COAR_OPEN,
        coar_label="open access",
        statement={
            "kk": "Ашық қолжетімділік: кез келген оқырман онлайн оқи алады.",
            "ru": "Открытый доступ: доступно для чтения онлайн любому читателю.",
            "en": "Open access: anyone may read it online.",
        },
        terms_of_use={
            "kk": "Еркін оқуға, жүктеп алуға және көшіруге болады.",
            "ru": "Разрешено свободно читать, скачивать и копировать.",
            "en": "Free to read, download and copy.",
        },
        link_note="Open access",
    ),
    "read-only": AccessTerms(
        level="read-only",
        coar_uri=COAR_RESTRICTED,
        coar_label="restricted access",
        statement={
            "kk": "Шектеулі қолжетімділік: тек кітапхананың қарау құралында онлайн оқуға болады.",
            "ru": "Ограниченный доступ: только чтение онлайн в просмотрщике библиотеки.",
            "en": "Restricted access: may only be read online in the library's viewer.",
        },
        terms_of_use={
            "kk": "Көшіруге және жүктеп алуға болмайды.",
            "ru": "Копирование и скачивание не разрешены.",
            "en": "Copying and downloading are not permitted.",
        },
        link_note="Restricted access: read online only",
    ),
    "preview-24": AccessTerms(
        level="preview-24",
        coar_uri=COAR_RESTRICTED,
        coar_label="restricted access",
        statement={
            "kk": "Шектеулі қолжетімділік: онлайн оқуға болады.",
            "ru": "Ограниченный доступ: доступно для чтения онлайн.",
            "en": "Restricted access: may be read online.",
        },
        terms_of_use={
            "kk": "Тек алғашқы 24 бетін көшіруге болады.",
            "ru": "Разрешено копировать только первые 24 страницы.",
            "en": "Only the first 24 pages may be copied.",
        },
        link_note="Restricted access: the first 24 pages may be copied",
    ),
}


def terms_for(level: str | None) -> AccessTerms | None:
    """The terms of a level, or None when the record states no level."""
    return ACCESS_TERMS.get(level) if level else None


def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for terms in ACCESS_TERMS.values():
        for text in (*terms.statement.values(), *terms.terms_of_use.values(), terms.link_note):
            index[_key(text)] = terms.level
    return index


def _key(text: str) -> str:
    return " ".join(text.split()).rstrip(".").casefold()


_BY_TEXT = _index()


def level_of_statement(text: str) -> str | None:
    """The level a statement written by the hub names, else None (a partner's own text)."""
    return _BY_TEXT.get(_key(text))


def is_access_uri(text: str) -> bool:
    """True for a COAR access-right URI (carried separately from partner rights)."""
    return text.strip().startswith("http://purl.org/coar/access_right/")


def level_of_coar_uri(uri: str) -> str | None:
    """open for the open-access URI; restricted URIs need the statement to tell levels apart."""
    return "open" if uri.strip() == COAR_OPEN else None
