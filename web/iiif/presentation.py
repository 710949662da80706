"""The IIIF Presentation API 3.0 manifest of one deposited copy: a canvas per page, each painted by its image service.

Pure: what the route found (the copy's pages at the size their service gives, the record's
fields, the URIs) in, a JSON-LD dict out.  Why so: what a manifest may offer is the access
decision's, taken in the route; this module only writes it down, so a test can read every
branch without a server.

* Each canvas is as large as its page's image service (``info.json``): for a read-only or
  preview-24 copy that is the capped page, so a viewer never asks for more than is served.
* ``rendering`` — the download a level allows: the copy's file(s) for an open copy, the
  first-24-pages excerpt for a preview-24 copy, nothing for a read-only copy.
* ``thumbnail`` — page 1 as a small JPEG (``/objects/<id>/thumbnail``, :mod:`web.thumbnail`),
  with its size, where the decision allows it (every live copy).
* The services name the Auth 2.0 probes (:mod:`web.iiif.auth`): the page images' probe on each
  image service, the download's probe on the manifest.
* Labels and metadata labels come in Kazakh, Russian and English at once (IIIF language maps);
  the record's own values are ``none``: their language is not known to the hub.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from web.iiif.auth import AUTH_CONTEXT
from web.iiif.info import PROFILE

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"

#: Field and link names, kk/ru/en.
TEXTS: dict[str, dict[str, str]] = {
    "page": {"kk": "{n}-бет", "ru": "Страница {n}", "en": "Page {n}"},
    "title": {"kk": "Атауы", "ru": "Заглавие", "en": "Title"},
    "authors": {"kk": "Авторлар", "ru": "Авторы", "en": "Authors"},
    "year": {"kk": "Жылы", "ru": "Год", "en": "Year"},
    "publisher": {"kk": "Баспа", "ru": "Издательство", "en": "Publisher"},
    "language": {"kk": "Тілі", "ru": "Язык", "en": "Language"},
    "identifier": {"kk": "Идентификатор", "ru": "Идентификатор", "en": "Identifier"},
    "access": {"kk": "Қолжетімділік", "ru": "Доступ", "en": "Access"},
    "record": {"kk": "Каталогтағы жазба", "ru": "Запись в каталоге", "en": "Catalogue record"},
    "download": {"kk": "Көшірмені жүктеп алу", "ru": "Скачать копию", "en": "Download the copy"},
    "excerpt": {"kk": "Алғашқы 24 бет (PDF)", "ru": "Первые 24 страницы (PDF)", "en": "The first 24 pages (PDF)"},
    "level:open": {"kk": "Ашық қолжетімділік", "ru": "Открытый доступ", "en": "Open access"},
    "level:read-only": {"kk": "Тек онлайн оқу", "ru": "Только чтение онлайн", "en": "Read online only"},
    "level:preview-24": {"kk": "Онлайн оқу; алғашқы 24 бетті көшіруге болады",
                         "ru": "Чтение онлайн; первые 24 страницы можно скопировать",
                         "en": "Read online; the first 24 pages may be copied"},
    "untitled": {"kk": "Атаусыз", "ru": "Без заглавия", "en": "Untitled"},
}


@dataclass(frozen=True)
class Link:
    """A resource the manifest points to: ``text`` is a key of :data:`TEXTS`."""

    url: str
    text: str
    format: str
    type: str = "Text"


@dataclass(frozen=True)
class Thumbnail:
    """The copy's thumbnail: where it is and its size in pixels (what a viewer lays out before loading it)."""

    url: str
    width: int
    height: int


@dataclass(frozen=True)
class ManifestCopy:
    """Everything one manifest says.  ``pages`` are (width, height) of each page's image service;
    ``metadata`` pairs a :data:`TEXTS` key with the record's values."""

    manifest_id: str
    service_base: str  # .../iiif/3/<id>: a page's service is <service_base>/p<n>
    level: str
    title: str | None
    pages: list[tuple[int, int]]
    #: The Auth 2.0 probes; None leaves them out (for Mirador 4.0, which stops on them: web/viewer.py).
    image_probe: dict[str, Any] | None
    download_probe: dict[str, Any] | None
    metadata: list[tuple[str, list[str]]] = field(default_factory=list)
    homepage: Link | None = None
    rendering: Link | None = None
    thumbnail: Thumbnail | None = None


def language_map(key: str, **values: object) -> dict[str, list[str]]:
    return {language: [text.format(**values)] for language, text in TEXTS[key].items()}


def manifest(copy: ManifestCopy) -> dict[str, Any]:
    """The manifest as JSON-LD."""
    document: dict[str, Any] = {
        "@context": [AUTH_CONTEXT, PRESENTATION_CONTEXT],
        "id": copy.manifest_id,
        "type": "Manifest",
        "label": {"none": [copy.title]} if copy.title else language_map("untitled"),
        "metadata": [{"label": language_map(key), "value": {"none": values}} for key, values in copy.metadata if values]
        + [{"label": language_map("access"), "value": language_map(f"level:{copy.level}")}],
        "summary": language_map(f"level:{copy.level}"),
        "behavior": ["paged"],
        "items": [_canvas(copy, number, width, height) for number, (width, height) in enumerate(copy.pages, 1)],
    }
    if copy.image_probe is not None and copy.download_probe is not None:
        document["services"] = [copy.image_probe, copy.download_probe]
    if copy.homepage is not None:
        document["homepage"] = [_link(copy.homepage)]
    if copy.rendering is not None:
        document["rendering"] = [_link(copy.rendering)]
    if copy.thumbnail is not None:
        document["thumbnail"] = [{"id": copy.thumbnail.url, "type": "Image", "format": "image/jpeg",
                                  "width": copy.thumbnail.width, "height": copy.thumbnail.height}]
    return document


def _canvas(copy: ManifestCopy, number: int, width: int, height: int) -> dict[str, Any]:
    canvas_id = f"{copy.manifest_id}/canvas/p{number}"
    service_id = f"{copy.service_base}/p{number}"
    image = {
        "id": f"{service_id}/full/max/0/default.jpg", "type": "Image", "format": "image/jpeg",
        "width": width, "height": height,
        "service": [{"id": service_id, "type": "ImageService3", "profile": PROFILE}],
    }
    if copy.image_probe is not None:
        image["service"][0]["service"] = [{"id": copy.image_probe["id"], "type": "AuthProbeService2"}]
    return {
        "id": canvas_id, "type": "Canvas", "label": language_map("page", n=number), "width": width, "height": height,
        "items": [{"id": f"{canvas_id}/paint", "type": "AnnotationPage",
                   "items": [{"id": f"{canvas_id}/paint/image", "type": "Annotation", "motivation": "painting",
                              "body": image, "target": canvas_id}]}],
    }


def _link(link: Link) -> dict[str, Any]:
    return {"id": link.url, "type": link.type, "label": language_map(link.text), "format": link.format}
