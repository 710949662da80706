"""``kazneb cluster``: build, show, explain, review, and the operators' decisions, on both databases.

The records are written through the store as a harvest writes them, so their keys are the
ones the store computes; the commands run through click's runner against the same database.
"""

from __future__ import annotations

from click.testing import CliRunner

from kazneb.cli import main
from repository.store import Store
from tests.consolidation.records import ABAI_KK, ABAI_LATIN, book, write


def run(store: Store, *args: str) -> str:
    url = store.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["cluster", *args], env={"KAZNEB_DATABASE_URL": url},
                                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def collection(store: Store) -> None:
    write(store, "lib-a", "kk-1", book(**ABAI_KK))
    write(store, "lib-b", "lat-1", book(**ABAI_LATIN))
    for volume in ("1", "2"):  # a set: one ISBN on both volumes
        write(store, "lib-a", f"set-{volume}", book("Қазақ әдебиетінің тарихы", "Қаратаев, Мұхамеджан", "Ғылым",
                                                   2004, "kaz", part=f"Т. {volume}", isbn="9965-12-345-3"))


def test_build_merges_one_work_across_scripts_and_keeps_the_volumes_apart(store: Store) -> None:
    collection(store)
    output = run(store, "build")
    assert "1 clusters of 2 records" in output
    shown = run(store, "show", "lib-a:kk-1")
    assert "cluster of 2 records" in shown and "lib-b:lat-1" in shown
    assert "cluster of 1 record" in run(store, "show", "lib-a:set-1")
    explained = run(store, "explain", "lib-a:set-1")
    assert "veto:volume" in explained


def test_forbid_and_unforbid_hold_across_builds(store: Store) -> None:
    collection(store)
    run(store, "forbid", "lib-a:kk-1", "lib-b:lat-1")
    run(store, "build", "--full")
    assert "cluster of 1 record" in run(store, "show", "lib-a:kk-1")
    assert "operator: forbid with lib-b:lat-1" in run(store, "explain", "lib-a:kk-1")
    run(store, "unforbid", "lib-a:kk-1", "lib-b:lat-1")
    run(store, "build", "--full")
    assert "cluster of 2 records" in run(store, "show", "lib-a:kk-1")


def test_an_operator_merge_beats_a_veto_and_survives_a_reharvest(store: Store) -> None:
    collection(store)
    run(store, "merge", "lib-a:set-1", "lib-a:set-2", "--note", "one record per set here")
    run(store, "build")
    assert "cluster of 2 records" in run(store, "show", "lib-a:set-1")
    changed = book("Қазақ әдебиетінің тарихы", "Қаратаев, Мұхамеджан", "Ғылым", 2005, "kaz", part="Т. 2")
    write(store, "lib-a", "set-2", changed)  # the partner corrects its record: same source key
    run(store, "build", "--full")
    assert "cluster of 2 records" in run(store, "show", "lib-a:set-2")


def test_split_takes_a_record_out_and_keeps_it_out(store: Store) -> None:
    collection(store)
    run(store, "build")
    assert "forbidden with 1 record" in run(store, "split", "lib-b:lat-1")
    run(store, "build", "--full")
    assert "cluster of 1 record" in run(store, "show", "lib-b:lat-1")


def test_an_incremental_build_places_a_new_record(store: Store) -> None:
    collection(store)
    run(store, "build")
    write(store, "lib-b", "cyr-2", book("Абай жолы", "Мұхтар Әуезов", "Жазушы баспасы", 1991, "kaz"))
    output = run(store, "build")
    assert "incremental build" in output
    assert "cluster of 3 records" in run(store, "show", "lib-b:cyr-2")


def test_a_record_keyed_by_its_content_gets_a_warning_with_the_decision(store: Store) -> None:
    collection(store)
    write(store, "files", "#ab12cd", book(**ABAI_LATIN))
    output = run(store, "forbid", "files:#ab12cd", "lib-a:kk-1")
    assert "keyed by its content" in output


def test_unknown_records_and_self_pairs_are_refused_by_name(store: Store) -> None:
    collection(store)
    url = store.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    missing = runner.invoke(main, ["cluster", "merge", "lib-a:nope", "lib-a:kk-1"], env={"KAZNEB_DATABASE_URL": url})
    assert missing.exit_code != 0 and "'lib-a:nope': no such record" in missing.output
    same = runner.invoke(main, ["cluster", "forbid", "lib-a:kk-1", "lib-a:kk-1"], env={"KAZNEB_DATABASE_URL": url})
    assert same.exit_code != 0 and "cannot be paired with itself" in same.output
    none = runner.invoke(main, ["cluster", "unmerge", "lib-a:kk-1", "lib-b:lat-1"], env={"KAZNEB_DATABASE_URL": url})
    assert none.exit_code != 0 and "no merge decision" in none.output


def test_the_schedulers_step_places_new_records_and_is_silent_when_nothing_changed(store: Store) -> None:
    from kazneb.commands.cluster import cluster_step
    from tests.conftest import make_settings

    settings = make_settings(store.engine.url.render_as_string(hide_password=False))
    said: list[str] = []
    collection(store)
    cluster_step(settings, store, said.append)
    assert len(said) == 1 and "published 1" in said[0]
    cluster_step(settings, store, said.append)
    assert len(said) == 1
    write(store, "lib-b", "cyr-2", book("Абай жолы", "Мұхтар Әуезов", "Жазушы баспасы", 1991, "kaz"))
    cluster_step(settings, store, said.append)
    assert len(said) == 2 and "absorbed 1" in said[1]


def test_records_stored_before_keys_existed_get_them_at_the_first_build(store: Store) -> None:
    """Records a store held before migration 0014 have no keys: the first build computes them."""
    from consolidation.blockindex import RECORD_BLOCKS
    from repository.matchkeys import RECORD_KEYS

    collection(store)
    with store.engine.begin() as conn:
        conn.execute(RECORD_BLOCKS.delete())
        conn.execute(RECORD_KEYS.delete())
    output = run(store, "build")
    assert "keys computed for 4 records stored without them" in output
    assert "blocks indexed for 4 records" in output
    assert "cluster of 2 records" in run(store, "show", "lib-a:kk-1")


def test_a_build_started_while_another_holds_the_clusters_waits_and_places_what_is_left(store: Store) -> None:
    """Two schedulers (or a scheduler and an operator) build at once: the second waits for the
    first's transaction, then places the record written meanwhile; neither fails.  On SQLite
    the waiting run took its snapshot before the other process wrote: without the write lock at
    BEGIN its first write failed at once with "database is locked"."""
    import threading

    from consolidation.build import incremental_run
    from consolidation.runlock import clustering_transaction

    collection(store)
    run(store, "build")
    write(store, "lib-b", "cyr-2", book("Абай жолы", "Мұхтар Әуезов", "Жазушы баспасы", 1991, "kaz"))
    outcome: list[object] = []
    waiting = threading.Thread(target=lambda: outcome.append(incremental_run(store.engine)))
    with clustering_transaction(store.engine) as conn:
        conn.exec_driver_sql("UPDATE cluster_runs SET finished_at = finished_at")
        waiting.start()
        waiting.join(1.0)
        assert waiting.is_alive() and not outcome  # it waits while the lock is held
    waiting.join(60)
    assert not waiting.is_alive()
    assert outcome and outcome[0].kind == "incremental" and outcome[0].records >= 1  # type: ignore[attr-defined]
    assert "cluster of 3 records" in run(store, "show", "lib-b:cyr-2")


def test_the_schedulers_step_says_why_it_could_not_build_and_returns_false(store: Store) -> None:
    from kazneb.commands.cluster import cluster_step
    from tests.conftest import make_settings

    settings = make_settings(store.engine.url.render_as_string(hide_password=False))
    collection(store)
    with store.engine.begin() as conn:  # a damaged store: the clusters' table is not there
        conn.exec_driver_sql("ALTER TABLE cluster_members RENAME TO cluster_members_away")
    said: list[str] = []
    assert cluster_step(settings, store, said.append) is False
    assert len(said) == 1 and said[0].startswith("clusters not built:") and "cluster_members" in said[0]
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE cluster_members_away RENAME TO cluster_members")
    assert cluster_step(settings, store, said.append) is True  # the next pass builds them
    assert len(said) == 2 and "published 1" in said[1]
