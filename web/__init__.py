"""The reader-facing side: the JSON API under /api, the search pages and the deposited copies' files."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API and the web pages (with their translations) on ``app``."""
    from web.api import api_blueprint
    from web.delivery import delivery_blueprint
    from web.i18n import init_babel
    from web.pages import pages_blueprint

    app.register_blueprint(api_blueprint)
    app.register_blueprint(pages_blueprint)
    app.register_blueprint(delivery_blueprint)
    init_babel(app)
