"""WSGI entry point for production servers: ``gunicorn -w 4 kazneb.wsgi:app``.

Settings come from KAZNEB_CONFIG (or config/kazneb.toml) and KAZNEB_DATABASE_URL;
workers are stateless, so any number of them can serve the same database.
"""

from kazneb.app import create_app

app = create_app()
