"""The Flask application factory: one app serves /oai, /api and the web pages."""

from __future__ import annotations

from flask import Flask

from kazneb.config import Settings, load_settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the hub's WSGI app from ``settings`` (default: the configured file)."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config["KAZNEB_SETTINGS"] = settings
    from repository.store import Store

    app.extensions["kazneb_store"] = Store.from_settings(settings)
    from repository.oai.views import oai_blueprint

    app.register_blueprint(oai_blueprint)
    from web import init_app as init_web

    init_web(app)
    from kazneb.devserver import utf8_request_line

    app.wsgi_app = utf8_request_line(app.wsgi_app)  # type: ignore[method-assign]
    return app
