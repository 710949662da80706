"""Languages of the pages (Қазақша, Русский, English) and labels for codes shown in facets."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from flask_babel import Babel, lazy_gettext

#: Interface languages: code → its own name (what the switch shows).
LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "kk"
COOKIE = "kazneb_lang"
#: Catalogues: ``<lang>/LC_MESSAGES/messages.po`` (edit) and ``.mo`` (compiled; see docs/developers/web.md).
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

#: Labels for values the index stores as codes.
LANGUAGE_NAMES = {"kaz": lazy_gettext("Kazakh"), "rus": lazy_gettext("Russian"), "eng": lazy_gettext("English")}
ACCESS_NAMES = {"open": lazy_gettext("Open access"), "read-only": lazy_gettext("Read online only"),
                "preview-24": lazy_gettext("First 24 pages")}
KIND_NAMES = {"book": lazy_gettext("Book"), "journal": lazy_gettext("Journal"),
              "newspaper": lazy_gettext("Newspaper"), "article": lazy_gettext("Article"),
              "thesis": lazy_gettext("Thesis"), "manuscript": lazy_gettext("Manuscript"),
              "audio": lazy_gettext("Audio"), "video": lazy_gettext("Video"), "image": lazy_gettext("Image"),
              "map": lazy_gettext("Map"), "other": lazy_gettext("Other")}
FACET_TITLES = {"language": lazy_gettext("Language"), "kind": lazy_gettext("Kind"),
                "access": lazy_gettext("Access"), "partner": lazy_gettext("Library"),
                "subject": lazy_gettext("Subject"), "year": lazy_gettext("Decade")}
LABELS = {"language": LANGUAGE_NAMES, "access": ACCESS_NAMES, "kind": KIND_NAMES}


def select_locale() -> str:
    """``?lang=``, then the cookie the switch sets, then the browser's preference."""
    chosen = request.args.get("lang") or request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def label(facet: str, value: object) -> str:
    """A facet value as readers see it (unknown codes are shown as they are)."""
    if facet == "year":
        return f"{value}–{int(value) + 9}"  # type: ignore[call-overload]
    return str(LABELS.get(facet, {}).get(str(value), value))


def init_babel(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
