"""The schema the migrations build is the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import harvester.models  # noqa: F401 - registers the harvester's tables on the shared metadata
from repository.models import Base


def test_migrated_schema_matches_the_models(store) -> None:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    # alembic's own bookkeeping table is not a model
    differences = [d for d in differences if "alembic_version" not in repr(d)]
    assert differences == []


def test_the_change_log_has_no_index_on_record_id(store) -> None:  # type: ignore[no-untyped-def]
    """Nothing reads it by record (migration 0005): one b-tree fewer per record written."""
    from sqlalchemy import inspect

    indexes = inspect(store.engine).get_indexes("record_changes")
    assert [i["column_names"] for i in indexes] == []
