"""The store's identity and secret, kept in its database (migration ``0009_installation``).

Every command and every web worker that opens the database reads the same values, so a
resumption token signed by one worker is accepted by all, and no installation shares a
secret with another.  An explicit ``hub.secret_key`` (or ``KAZNEB_SECRET_KEY``) wins.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Connection, Engine, select, update

from repository.models import Installation

STORE_ID = "store_id"
SECRET_KEY = "secret_key"


class InstallationError(Exception):
    """The database has no identity yet: it has not been created with ``kazneb init``."""


def value(engine: Engine, key: str) -> str:
    """One installation value; raises :class:`InstallationError` when the database lacks it."""
    from sqlalchemy.exc import DatabaseError

    try:
        with engine.connect() as conn:
            return value_in(conn, key)
    except DatabaseError as exc:
        raise InstallationError(f"the database {engine.url.render_as_string()} has no installation table: "
                                "run `kazneb init`") from exc


def value_in(conn: Connection, key: str) -> str:
    """:func:`value` read in an open transaction (a request's own)."""
    found = conn.execute(select(Installation.value).where(Installation.key == key)).scalar()
    if found is None:
        raise InstallationError(f"the database has no {key}: run `kazneb init`")
    return found


def store_id(engine: Engine) -> str:
    return value(engine, STORE_ID)


def secret_key(engine: Engine, configured: str | None = None) -> str:
    """The secret that signs resumption tokens: the configured one, else the store's own."""
    return configured or value(engine, SECRET_KEY)


def secret_in(conn: Connection, configured: str | None = None) -> str:
    """:func:`secret_key` read in an open transaction (a request's own)."""
    return configured or value_in(conn, SECRET_KEY)


def rotate_secret(engine: Engine) -> str:
    """Replace the store's secret; tokens signed with the old one then fail as badResumptionToken."""
    new = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(update(Installation).where(Installation.key == SECRET_KEY).values(value=new))
    return new
