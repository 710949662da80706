"""OAI sets: which sets a record belongs to, and what each set is called.

Sets are hierarchical with ``:``: ``partner:<id>``, ``access:<level>``,
``type:<DCMI type>``, ``lang:<ISO 639-2 code>``; a record in a child set is in its
parent too, as OAI-PMH requires.  Names come in Kazakh, Russian and English.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from crosswalks.model import CanonicalRecord
from repository.models import Partner

_SPEC_PART = re.compile(r"[^A-Za-z0-9\-_.!~*'()]")

PARENTS: dict[str, dict[str, str]] = {
    "partner": {"kk": "Серіктестер", "ru": "Партнёры", "en": "Partners"},
    "access": {"kk": "Қолжетімділік деңгейі", "ru": "Уровень доступа", "en": "Access level"},
    "type": {"kk": "Ресурс түрі", "ru": "Тип ресурса", "en": "Resource type"},
    "lang": {"kk": "Тіл", "ru": "Язык", "en": "Language"},
}

ACCESS_NAMES: dict[str, dict[str, str]] = {
    "open": {"kk": "Ашық қолжетімділік", "ru": "Открытый доступ", "en": "Open access"},
    "read-only": {"kk": "Тек онлайн оқу", "ru": "Только чтение онлайн", "en": "Read online only"},
    "preview-24": {
        "kk": "Алғашқы 24 бетті көшіруге болады",
        "ru": "Можно копировать первые 24 страницы",
        "en": "First 24 pages may be copied",
    },
}

TYPE_NAMES: dict[str, dict[str, str]] = {
    "Text": {"kk": "Мәтін", "ru": "Текст", "en": "Text"},
    "Sound": {"kk": "Дыбыс", "ru": "Звук", "en": "Sound"},
    "MovingImage": {"kk": "Бейне", "ru": "Видео", "en": "Moving image"},
    "StillImage": {"kk": "Сурет", "ru": "Изображение", "en": "Still image"},
    "Image": {"kk": "Сурет", "ru": "Изображение", "en": "Image"},
    "Collection": {"kk": "Жинақ", "ru": "Коллекция", "en": "Collection"},
}

LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "kaz": {"kk": "Қазақ тілі", "ru": "Казахский язык", "en": "Kazakh"},
    "rus": {"kk": "Орыс тілі", "ru": "Русский язык", "en": "Russian"},
    "eng": {"kk": "Ағылшын тілі", "ru": "Английский язык", "en": "English"},
}


#: Parent sets every record is in (each record has a partner and an access level).  They
#: are not stored per record: a list of one of them is the whole list (repository/oai/query.py).
EVERY_RECORD_SETS = frozenset({"partner", "access"})


def from_stored(stored_specs: Iterable[str]) -> list[str]:
    """A record's set specs from its stored set rows (which leave out the sets every record is in)."""
    return sorted(EVERY_RECORD_SETS.union(stored_specs))


def memberships(partner_id: str, access: str, record: CanonicalRecord) -> tuple[str, ...]:
    """Every set spec ``record`` belongs to, parents included, sorted."""
    return _memberships(partner_id, access, record.dcmi_type, tuple(record.languages))


@functools.lru_cache(maxsize=4096)
def _memberships(partner_id: str, access: str, dcmi_type: str | None, languages: tuple[str, ...]) -> tuple[str, ...]:
    """Records share a few combinations of partner, level, type and languages: worked out once each."""
    specs = {"partner", f"partner:{partner_id}", "access", f"access:{access}"}
    if dcmi_type:
        specs |= {"type", f"type:{spec_part(dcmi_type)}"}
    for code in languages:
        if code:
            specs |= {"lang", f"lang:{spec_part(code)}"}
    return tuple(sorted(specs))


def spec_part(value: str) -> str:
    """``value`` reduced to the characters a setSpec may hold."""
    return _SPEC_PART.sub("-", value.strip()) or "-"


def names_for(spec: str, partner: Partner | None) -> dict[str, str]:
    """The set's name in kk, ru and en (falling back to the spec itself)."""
    if spec in PARENTS:
        return PARENTS[spec]
    parent, _, child = spec.partition(":")
    if parent == "partner" and partner is not None and partner.id == child:
        names = {"kk": partner.name_kk, "ru": partner.name_ru, "en": partner.name_en}
        return {k: v for k, v in names.items() if v} or {"en": child}
    table = {"access": ACCESS_NAMES, "type": TYPE_NAMES, "lang": LANGUAGE_NAMES}.get(parent, {})
    return table.get(child, {"en": f"{PARENTS.get(parent, {}).get('en', parent)}: {child}"})


def set_name(names: dict[str, str]) -> str:
    """One setName holding the distinct names in Kazakh, Russian and English."""
    ordered = [names[k] for k in ("kk", "ru", "en") if names.get(k)]
    return " / ".join(dict.fromkeys(ordered)) or "?"
