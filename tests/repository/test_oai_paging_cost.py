"""Deep pages cost what the first page costs: counted in SQLite VM instructions, not seconds."""

from __future__ import annotations

import pytest

from repository.oai import query
from repository.oai.tokens import ListState
from repository.store import IncomingRecord
from tests.oai_helpers import make_record


def vm_instructions(conn, state: ListState, size: int) -> tuple[int, list[int]]:  # type: ignore[no-untyped-def]
    """SQLite VM instructions (in thousands) spent fetching one page, and the ids it held."""
    raw = conn.connection.dbapi_connection
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    raw.set_progress_handler(tick, 1000)
    try:
        items, _more = query.page(conn, state, size, "header_xml")
    finally:
        raw.set_progress_handler(None, 0)
    return steps[0], [item.record_id for item in items]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("with_set", [False, True])
def test_a_deep_page_costs_what_the_first_costs(store, with_set: bool) -> None:  # type: ignore[no-untyped-def]
    with store.session() as session:
        store.upsert_partner(session, "alpha", names={"en": "Alpha"})
    for start in range(0, 4000, 1000):
        with store.session() as session:
            store.write_records(session, [IncomingRecord("alpha", f"k{i}", make_record(i))
                                          for i in range(start, start + 1000)])
    with store.engine.connect() as conn:
        first_ds, first_id = query.first_position(0)
        state = ListState("oai_dc", "partner:alpha" if with_set else None, 0, 2**40, first_ds, first_id, "", 0, 0)
        first_cost, first_ids = vm_instructions(conn, state, 100)
        ids = conn.exec_driver_sql("SELECT id, datestamp FROM hub_records ORDER BY datestamp, id").all()
        deep_id, deep_ds = ids[3800]
        deep = ListState(state.prefix, state.set_spec, 0, 2**40, deep_ds, deep_id, "", 3801, 0)
        deep_cost, deep_ids = vm_instructions(conn, deep, 100)
    assert first_ids == [i for i, _ in ids[:100]]
    assert deep_ids == [i for i, _ in ids[3801:3901]]
    assert deep_cost <= 2 * first_cost + 5, (first_cost, deep_cost)
