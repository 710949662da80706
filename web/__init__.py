"""The reader-facing side: the JSON API under /api, the search pages, the deposited copies' files
and the IIIF image service."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API, the web pages (with their translations), the copies' files, thumbnails and
    the IIIF image service on ``app``."""
    from web.api import api_blueprint
    from web.delivery import delivery_blueprint
    from web.i18n import init_babel
    from web.iiif import init_app as init_iiif
    from web.pages import pages_blueprint
    from web.thumbnail import thumbnail_blueprint
    from web.viewer import viewer_blueprint

    app.register_blueprint(api_blueprint)
    app.register_blueprint(pages_blueprint)
    app.register_blueprint(delivery_blueprint)
    app.register_blueprint(viewer_blueprint)
    app.register_blueprint(thumbnail_blueprint)
    init_babel(app)
    init_iiif(app)
