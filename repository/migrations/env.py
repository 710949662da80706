"""Alembic environment: the URL comes from the caller (``repository.db.migrate``)."""

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config


def run_migrations() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        {"sqlalchemy.url": config.get_main_option("sqlalchemy.url")}, poolclass=pool.NullPool
    )
    with engine.connect() as connection:
        context.configure(connection=connection, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
