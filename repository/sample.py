"""The sample collection the demo serves: made by the project, two partners, three languages."""

from __future__ import annotations

from pathlib import Path

from repository.importer import import_files
from repository.store import Store, local_id_for

HERE = Path(__file__).resolve().parent / "sample_data"

#: partner id -> (names, OAI base URL, default access, sample files, access override)
PARTNERS: dict[str, dict] = {
    "nabrk": {
        "names": {
            "kk": "Қазақстан Республикасының Ұлттық академиялық кітапханасы",
            "ru": "Национальная академическая библиотека Республики Казахстан",
            "en": "National Academic Library of the Republic of Kazakhstan",
        },
        "base_url": "https://nabrk.kz/oai",
        "access": "read-only",
        "files": ["nabrk.marcxml.xml"],
        # the partner agreement lets readers copy the first 24 pages of these
        "preview-24": ["NABRK-000101", "NABRK-000105"],
    },
    "kaznu": {
        "names": {
            "kk": "Әл-Фараби атындағы Қазақ ұлттық университеті",
            "ru": "Казахский национальный университет имени аль-Фараби",
            "en": "Al-Farabi Kazakh National University",
        },
        "base_url": "https://repository.kaznu.kz/oai/request",
        "access": "open",
        "files": ["kaznu.oai_dc.xml"],
    },
}


def load_sample_collection(store: Store) -> str:
    """Register the sample partners and import their files; a one-line summary."""
    totals: dict[str, int] = {}
    for partner_id, spec in PARTNERS.items():
        with store.session() as session:
            store.upsert_partner(session, partner_id, names=spec["names"], base_url=spec["base_url"],
                                 default_access=spec["access"])
        summary = import_files(store, partner_id, [HERE / f for f in spec["files"]])
        with store.session() as session:
            for source_key in spec.get("preview-24", []):
                store.set_access(session, local_id_for(partner_id, source_key), "preview-24")
        for key, value in summary.counts.items():
            totals[key] = totals.get(key, 0) + value
    return ", ".join(f"{n} {k}" for k, n in totals.items())
