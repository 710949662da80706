"""The sample collection the demo serves: made by the project, two partners, three languages.

The sample partners deliver files only (no OAI-PMH URL), so neither the scheduler nor
``harvest --all`` ever reaches for the internet on their behalf; they are loaded through
the one file path (``kazneb ingest``), and a partner that already exists is left as the
operator set it (a disabled one stays disabled).
"""

from __future__ import annotations

from pathlib import Path

from repository.store import Store

HERE = Path(__file__).resolve().parent / "sample_data"

#: partner id -> (names, default access, sample files, records given their own level)
PARTNERS: dict[str, dict] = {
    "nabrk": {
        "names": {
            "kk": "Қазақстан Республикасының Ұлттық академиялық кітапханасы",
            "ru": "Национальная академическая библиотека Республики Казахстан",
            "en": "National Academic Library of the Republic of Kazakhstan",
        },
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
        "access": "open",
        "files": ["kaznu.oai_dc.xml"],
    },
}


def load_sample_collection(store: Store) -> str:
    """Register the sample partners (unless they exist) and ingest their files; a one-line summary."""
    from harvester.ingest import ingest_path
    from harvester.partners import PartnerConfig, load_partner, save_partner
    from repository.levels import give_level
    from repository.models import Partner

    totals: dict[str, int] = {}
    for partner_id, spec in PARTNERS.items():
        with store.session() as session:
            if session.get(Partner, partner_id) is None:
                names = spec["names"]
                save_partner(store, session, PartnerConfig(id=partner_id, name_kk=names["kk"], name_ru=names["ru"],
                                                           name_en=names["en"], access=spec["access"]))
            partner = load_partner(session, partner_id)
        for name in spec["files"]:
            run = ingest_path(store, partner, HERE / name, report=lambda message: None)
            for key in ("new", "updated", "unchanged", "deleted", "quarantined"):
                totals[key] = totals.get(key, 0) + getattr(run, key)
        with store.session() as session:
            give_level(store, session, partner_id, spec.get("preview-24", []), "preview-24")
    return ", ".join(f"{n} {k}" for k, n in totals.items())
