"""``kazneb cluster``: one record per work across partners (docs/operators/consolidation.md).

``build`` clusters; ``show``, ``explain`` and ``review`` show what it decided; ``merge``,
``forbid``, ``split`` and their undoing record the operators' decisions, which every later
build honours.
"""

from __future__ import annotations

import getpass

import click

from kazneb.commands.context import open_store, pass_settings
from kazneb.config import Settings
from repository.engine import write_transaction


def options_of(settings: Settings):  # type: ignore[no-untyped-def]
    from consolidation.build import Options
    from consolidation.scoring import Thresholds

    return Options(Thresholds(float(settings["consolidation.match_threshold"]),
                              float(settings["consolidation.review_threshold"])),
                   int(settings["consolidation.max_cluster_size"]))


@click.group("cluster")
def cluster_group() -> None:
    """One record per work: build clusters, see why records are together, decide the hard cases."""


@cluster_group.command("build")
@click.option("--full", is_flag=True, help="Compare the whole collection again (after retuning thresholds); "
              "by default only the records changed since the last build are placed.")
@pass_settings
def build_command(settings: Settings, full: bool) -> None:
    """Cluster the records that describe the same work and publish each cluster as one record.

    Compares the records sharing a block, applies the vetoes and the operators' decisions, stores
    clusters and the links that made them, then publishes: one hub record per cluster with its
    holdings, the others as deleted records pointing to it (new datestamps only where something
    changed)."""
    from consolidation.build import full_run, incremental_run
    from consolidation.publish import publish_clusters

    store = open_store(settings)
    run = full_run if full else incremental_run
    report = run(store.engine, options_of(settings))
    echo_build(report, publish_clusters(store))


def echo_build(report, published, indent: str = "") -> None:  # type: ignore[no-untyped-def]
    """What a build (``consolidation.build.RunReport``) and the publishing after it
    (``consolidation.publish.PublishReport``) did, as ``kazneb cluster build`` says it (and ``kazneb demo``)."""
    outcomes = ", ".join(f"{n} {name}" for name, n in sorted(report.outcomes.items())) or "none"
    lines = [f"{report.kind} build: {report.records} records, {report.pairs} pairs compared ({outcomes}), "
             f"{report.clusters} clusters of {report.clustered_records} records (largest {report.largest}), "
             f"{report.seconds:.1f} s",
             f"published: {published.published} cluster records anew, {published.absorbed} records absorbed, "
             f"{published.released} published on their own again"
             + (f", {published.editions} with their other-language editions changed" if published.editions else "")]
    if report.keys_computed:
        lines.append(f"keys computed for {report.keys_computed} records stored without them")
    if report.indexed:
        lines.append(f"blocks indexed for {report.indexed} records")
    lines += [f"refused {count} unions: {reason}" for reason, count in sorted(report.refused.items())]
    if report.skipped_blocks:
        lines.append(f"{report.skipped_blocks} blocks too common to compare within (their records met through "
                     "other blocks)")
    for line in lines:
        click.echo(indent + line)
    for line in report.conflicts + [f"decision names a record no longer stored: {m}"
                                    for m in report.missing_decisions]:
        click.echo(f"warning: {line}", err=True)


def cluster_step(settings: Settings, store, say) -> bool:  # type: ignore[no-untyped-def]
    """The scheduler's step after each pass: place the records written since the last build and
    publish what changed; a line only when something was published or the step failed (False:
    the scheduler goes on, and places those records at its next pass)."""
    from consolidation.build import incremental_run
    from consolidation.publish import publish_clusters

    try:
        report = incremental_run(store.engine, options_of(settings))
        if not report.records:
            return True
        published = publish_clusters(store)
    except Exception as exc:  # noqa: BLE001 - the scheduler goes on; the failure is said
        say(f"clusters not built: {type(exc).__name__}: {exc}")
        return False
    if published.published or published.absorbed or published.released or published.editions:
        say(f"clusters: {report.records} records placed, {report.clusters} clusters; published "
            f"{published.published}, absorbed {published.absorbed}, released {published.released}, "
            f"editions changed {published.editions}")
    # (publishing logs its own changes: the next step looks at them and finds nothing to do)
    return True


def _resolve(store, name: str):  # type: ignore[no-untyped-def]
    from consolidation.decisions import DecisionError, resolve

    with store.engine.connect() as conn:
        try:
            return resolve(conn, name, store.namespace)
        except DecisionError as exc:
            raise click.ClickException(str(exc)) from exc


@cluster_group.command("show")
@click.argument("record")
@pass_settings
def show_command(settings: Settings, record: str) -> None:
    """The cluster RECORD is in: each member's partner, source key, title, year and level."""
    from consolidation import views

    store = open_store(settings)
    _, hub_id = _resolve(store, record)
    with store.engine.connect() as conn:
        ids = views.cluster_of(conn, hub_id)
        found = views.members(conn, ids)
    click.echo(f"cluster of {len(found)} record{'s' if len(found) != 1 else ''}"
               + (f", published as {store.oai_identifier(found[0].local_id)}" if found else ""))
    for member in found:
        click.echo(f"  {store.oai_identifier(member.local_id)}  {member.ref}  {member.access}  "
                   f"{member.year or '-'}  {member.title}")


@cluster_group.command("explain")
@click.argument("record")
@pass_settings
def explain_command(settings: Settings, record: str) -> None:
    """Why RECORD is where it is: its keys, every stored comparison (scores, vetoes, the rule
    that decided) and the operators' decisions about it."""
    from consolidation import views

    store = open_store(settings)
    ref, hub_id = _resolve(store, record)
    with store.engine.connect() as conn:
        keys = views.keys_of(conn, hub_id)
        links = views.comparisons(conn, hub_id, options_of(settings).thresholds)
        others = {link.b if link.a == hub_id else link.a for link in links}
        names = {m.hub_id: f"{m.ref}" for m in views.members(conn, sorted(others))}
        decided = views.decisions_about(conn, ref)
        cluster = views.cluster_of(conn, hub_id)
    click.echo(f"{ref} (hub record {hub_id}), cluster of {len(cluster)}")
    click.echo("keys: " + (_keys_line(keys) if keys else "none yet (run kazneb cluster build)"))
    for link in links:
        other = link.b if link.a == hub_id else link.a
        parts = ", ".join(f"{name} {value:.2f}" for name, value in link.parts.items())
        click.echo(f"  {link.outcome:<8} {link.score:.3f} {link.rule:<20} {names.get(other, other)}  ({parts})")
    for action, other in decided:
        click.echo(f"  operator: {action} with {other}")


def _keys_line(keys) -> str:  # type: ignore[no-untyped-def]
    return "; ".join(f"{name}={value}" for name, value in keys.to_dict().items())


def _decide(settings: Settings, action: str, a: str, b: str, note: str | None) -> None:
    from consolidation.decisions import DecisionError, record

    store = open_store(settings)
    (ref_a, _), (ref_b, _) = _resolve(store, a), _resolve(store, b)
    try:
        with write_transaction(store.engine) as conn:
            warnings = record(conn, action, ref_a, ref_b, getpass.getuser(), note)
    except DecisionError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{action}: {ref_a} and {ref_b} (applied by the next kazneb cluster build)")
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def _undo(settings: Settings, action: str, a: str, b: str) -> None:
    from consolidation.decisions import DecisionError, withdraw

    store = open_store(settings)
    (ref_a, _), (ref_b, _) = _resolve(store, a), _resolve(store, b)
    try:
        with write_transaction(store.engine) as conn:
            done = withdraw(conn, action, ref_a, ref_b)
    except DecisionError as exc:
        raise click.ClickException(str(exc)) from exc
    if not done:
        raise click.ClickException(f"no {action} decision about {ref_a} and {ref_b}")
    click.echo(f"un{action}: {ref_a} and {ref_b} are left to the matcher again")


note_option = click.option("--note", help="Why (kept with the decision).")


@cluster_group.command("merge")
@click.argument("a")
@click.argument("b")
@note_option
@pass_settings
def merge_command(settings: Settings, a: str, b: str, note: str | None) -> None:
    """Force A and B into one cluster, whatever scores and vetoes say.

    A and B are hub identifiers (oai:<namespace>:<local id>) or partner:source-key."""
    _decide(settings, "merge", a, b, note)


@cluster_group.command("unmerge")
@click.argument("a")
@click.argument("b")
@pass_settings
def unmerge_command(settings: Settings, a: str, b: str) -> None:
    """Take back a merge of A and B."""
    _undo(settings, "merge", a, b)


@cluster_group.command("forbid")
@click.argument("a")
@click.argument("b")
@note_option
@pass_settings
def forbid_command(settings: Settings, a: str, b: str, note: str | None) -> None:
    """Keep A and B apart, directly and through any third record."""
    _decide(settings, "forbid", a, b, note)


@cluster_group.command("unforbid")
@click.argument("a")
@click.argument("b")
@pass_settings
def unforbid_command(settings: Settings, a: str, b: str) -> None:
    """Take back a forbid of A and B."""
    _undo(settings, "forbid", a, b)


@cluster_group.command("split")
@click.argument("record")
@note_option
@pass_settings
def split_command(settings: Settings, record: str, note: str | None) -> None:
    """Take RECORD out of its cluster: forbid it with every other member."""
    from consolidation import views
    from consolidation.decisions import record as record_decision

    store = open_store(settings)
    ref, hub_id = _resolve(store, record)
    with write_transaction(store.engine) as conn:
        others = [m for m in views.members(conn, views.cluster_of(conn, hub_id)) if m.hub_id != hub_id]
        if not others:
            raise click.ClickException(f"{ref} is alone in its cluster: nothing to split")
        warnings = [w for m in others for w in record_decision(conn, "forbid", ref, m.ref, getpass.getuser(), note)]
    click.echo(f"split: {ref} forbidden with {len(others)} record{'s' if len(others) != 1 else ''} "
               "(applied by the next kazneb cluster build)")
    for warning in dict.fromkeys(warnings):
        click.echo(f"warning: {warning}", err=True)


@cluster_group.command("review")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@pass_settings
def review_command(settings: Settings, limit: int) -> None:
    """Pairs that scored between the review and the match thresholds, most uncertain first; decide
    each with merge or forbid."""
    from consolidation import views

    store = open_store(settings)
    thresholds = options_of(settings).thresholds
    with store.engine.connect() as conn:
        queue = views.review_queue(conn, thresholds, limit)
        names = {m.hub_id: m for m in views.members(conn, sorted({i for link in queue for i in (link.a, link.b)}))}
    if not queue:
        click.echo("nothing to review")
    for link in queue:
        a, b = names[link.a], names[link.b]
        click.echo(f"{link.score:.3f}  {a.ref}  {a.title} ({a.year or '-'})")
        click.echo(f"       {b.ref}  {b.title} ({b.year or '-'})")
