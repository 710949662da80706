"""A refused request for a copy: 403, and why, in the reader's language (Қазақша, Русский, English).

Why a page of its own: a reader who follows a download link and gets nothing must learn whether
the copy is withdrawn, only readable online, or partly copyable, and where to go instead; a
program gets the same as JSON.  The reasons are the keys :func:`objects.access.decide` returns;
the body never carries any part of the file.
"""

from __future__ import annotations

from flask import Response, jsonify, make_response, render_template, request
from flask_babel import get_locale, lazy_gettext
from werkzeug.exceptions import Forbidden

from web.i18n import DEFAULT_LANGUAGE

#: Decision reason → what the reader is told.
EXPLANATIONS = {
    "withdrawn": lazy_gettext("This copy has been withdrawn: the library that deposited it no longer makes it "
                              "available."),
    "download-not-allowed:read-only": lazy_gettext("This copy may only be read online: the rights holder has not "
                                                   "allowed it to be downloaded."),
    "download-not-allowed:preview-24": lazy_gettext("Only the first 24 pages of this copy may be downloaded."),
    "excerpt-not-allowed:read-only": lazy_gettext("This copy may only be read online: no part of it may be "
                                                  "downloaded."),
    "not-a-copy-file": lazy_gettext("Only the files of the copy itself are served."),
}
OTHERWISE = lazy_gettext("This is not allowed for this copy.")


class Refused(Forbidden):
    """A request the access decision refused: ``reason`` is the decision's key, ``offers`` what the
    reader may have instead (``{"excerpt": url}``)."""

    def __init__(self, reason: str, offers: dict[str, str] | None = None) -> None:
        super().__init__(description=reason)
        self.reason = reason
        self.offers = offers or {}


def explanation(reason: str) -> str:
    return str(EXPLANATIONS.get(reason, OTHERWISE))


def refusal_response(refused: Refused) -> Response:
    """The 403 answer: an HTML page, or JSON for a client that prefers it."""
    language = str(get_locale() or DEFAULT_LANGUAGE)
    message = explanation(refused.reason)
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        response = jsonify(error="forbidden", reason=refused.reason, message=message, language=language,
                           links=refused.offers)
    else:
        response = make_response(render_template("refused.html", reason=refused.reason, message=message,
                                                 offers=refused.offers))
    response.status_code = 403
    response.headers["Content-Language"] = language
    response.vary.update(("Accept", "Accept-Language", "Cookie"))
    return response
