"""IIIF Authorization Flow 2.0: the probe services that tell a viewer what a copy's level allows.

Access to a copy depends on its level alone, never on who asks, so there is no login: the
access service is ``external`` (the reader already has all there is) and its token service
hands any viewer a token that changes nothing.  They exist because the specification requires
every probe service to name an access service and every access service a token service; a
viewer asks the probe first and, told 200, never needs them.

Two probes per copy, each for one resource, because a probe's ``status`` is what that resource
would answer and a ``substitute`` may only be offered where the answer is a refusal:

* ``/iiif/3/<id>/probe`` — the page images (declared in every page's ``info.json``): 200 for
  open, read-only and preview-24 copies, 403 for a withdrawn one; ``heading`` and ``note`` say
  what the level allows (full resolution, or pages capped at the screen size).
* ``/iiif/3/<id>/download/probe`` — the whole copy's download (for the manifest's rendering):
  200 for open copies, 403 otherwise, with the excerpt (``/objects/<id>/excerpt``, the first 24
  pages) as the ``substitute`` of a preview-24 copy.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import escape

AUTH_CONTEXT = "http://iiif.io/api/auth/2/context.json"
#: A language map per key: the service's texts in Kazakh, Russian and English at once.
TEXTS: dict[str, dict[str, str]] = {
    "heading:open": {"kk": "Ашық қолжетімділік", "ru": "Открытый доступ", "en": "Open access"},
    "note:open": {"kk": "Барлық беттер толық ажыратымдылықта; көшірмені жүктеп алуға болады.",
                  "ru": "Все страницы в полном разрешении; копию можно скачать.",
                  "en": "Every page at full resolution; the copy may be downloaded."},
    "heading:read-only": {"kk": "Тек онлайн оқу", "ru": "Только чтение онлайн", "en": "Read online only"},
    "note:read-only": {"kk": "Беттер экран ажыратымдылығында көрсетіледі (ұзын жағы {cap} пиксельден аспайды); "
                             "көшірмені жүктеп алуға болмайды.",
                       "ru": "Страницы показываются в экранном разрешении (не более {cap} пикселей по длинной "
                             "стороне); скачать копию нельзя.",
                       "en": "Pages are shown at screen resolution (at most {cap} pixels on the long side); "
                             "the copy cannot be downloaded."},
    "heading:preview-24": {"kk": "Онлайн оқу; алғашқы 24 бетті көшіруге болады",
                           "ru": "Чтение онлайн; первые 24 страницы можно скопировать",
                           "en": "Read online; the first 24 pages may be copied"},
    "note:preview-24": {"kk": "Беттер экран ажыратымдылығында көрсетіледі (ұзын жағы {cap} пиксельден аспайды); "
                              "алғашқы 24 бетті PDF үзіндісі ретінде жүктеп алуға болады.",
                        "ru": "Страницы показываются в экранном разрешении (не более {cap} пикселей по длинной "
                              "стороне); первые 24 страницы можно скачать как PDF-фрагмент.",
                        "en": "Pages are shown at screen resolution (at most {cap} pixels on the long side); "
                              "the first 24 pages can be downloaded as a PDF excerpt."},
    "heading:withdrawn": {"kk": "Көшірме алынып тасталды", "ru": "Копия изъята", "en": "Withdrawn"},
    "note:withdrawn": {"kk": "Бұл көшірме алынып тасталды және енді көрсетілмейді.",
                       "ru": "Эта копия изъята и больше не показывается.",
                       "en": "This copy has been withdrawn and is no longer shown."},
    "label:excerpt": {"kk": "Алғашқы 24 бет (PDF)", "ru": "Первые 24 страницы (PDF)",
                      "en": "The first 24 pages (PDF)"},
    "label:access": {"kk": "ҚазҰЭК: кіру қажет емес", "ru": "КазНЭБ: вход не нужен",
                     "en": "KazNEB: no login needed"},
}


def language_map(key: str, **values: object) -> dict[str, list[str]]:
    """One text of :data:`TEXTS` as a IIIF language map (``{"en": ["..."]}``)."""
    return {language: [text.format(**values)] for language, text in TEXTS[key].items()}


def probe_service(probe_id: str, token_id: str) -> dict[str, Any]:
    """The probe service's description, with the external access service and its token service."""
    return {"id": probe_id, "type": "AuthProbeService2",
            "service": [{"type": "AuthAccessService2", "profile": "external", "label": language_map("label:access"),
                         "service": [{"id": token_id, "type": "AuthAccessTokenService2"}]}]}


def probe_result(status: int, state: str, cap: int, substitute: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The probe's answer: ``status`` as the resource would answer; ``state`` (a level, or ``withdrawn``)
    chooses the heading and note.  The HTTP status of the answer itself is always 200."""
    result: dict[str, Any] = {"@context": AUTH_CONTEXT, "type": "AuthProbeResult2", "status": status}
    if substitute and status >= 400:
        result["substitute"] = substitute
    if f"heading:{state}" in TEXTS:
        result["heading"] = language_map(f"heading:{state}")
        result["note"] = language_map(f"note:{state}", cap=cap)
    return result


def excerpt(excerpt_id: str) -> dict[str, Any]:
    """The excerpt as a substitute resource (a PDF of the first 24 pages)."""
    return {"id": excerpt_id, "type": "Text", "format": "application/pdf", "label": language_map("label:excerpt")}


def token_page(message_id: str, origin: str, token: str, expires_in: int) -> str:
    """The token service's answer (section 4.3): a page whose script posts the token to the viewer's window."""
    message = {"@context": AUTH_CONTEXT, "type": "AuthAccessToken2", "accessToken": token,
               "expiresIn": expires_in, "messageId": message_id}
    script = f"window.parent.postMessage({_script_json(message)}, {_script_json(origin)});"
    return f"<!DOCTYPE html>\n<html><head><title>{escape('KazNEB')}</title></head><body><script>{script}</script>" \
           "</body></html>\n"


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element (no ``</script>``, no HTML comment opener)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("&", "\\u0026")
