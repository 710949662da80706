"""``kazneb objects derive``: the page derivatives of the copies; and the queue drain the scheduler and serve run.

The derivatives are a cache (``delivery.derivatives``): this command makes what is missing, or
with ``--rebuild`` makes everything again (after ``delivery.image_max_side`` changed, say).  The
scheduler drains the queue after every pass (:func:`derive_step`); ``kazneb serve`` drains it
every few seconds while it serves (:func:`deriving`); a page viewed first is made on that view.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from sqlalchemy import select

from kazneb.commands.context import open_store, pass_settings
from kazneb.commands.depository import open_depository
from kazneb.config import Settings
from objects.errors import StorageError
from repository.store import Store

if TYPE_CHECKING:
    from objects.storage import Depository  # ocfl-py takes 0.5 s to load: only when a command runs

#: Seconds between two drains of the queue while ``kazneb serve`` runs.
SERVE_DRAIN_SECONDS = 5.0
_SAID: set[str] = set()


@click.command("derive")
@click.argument("object_id", required=False)
@click.option("--rebuild", is_flag=True, help="Make every page again, even those already made.")
@pass_settings
def derive_command(settings: Settings, object_id: str | None, rebuild: bool) -> None:
    """Make the page derivatives of one copy (OBJECT_ID) or of every copy: the page images the IIIF
    image service cuts its answers from, capped at delivery.image_max_side for read-only and
    preview-24 copies.  Pages already made are kept unless --rebuild."""
    from objects.derivatives import derive_object
    from objects.models import DigitalObject

    store, depository, cache = open_store(settings), open_depository(settings), _cache(settings)
    cap = int(settings["delivery.image_max_side"])
    with store.reading() as session:
        ids = [object_id] if object_id else list(session.execute(
            select(DigitalObject.id).order_by(DigitalObject.created_at, DigitalObject.id)).scalars())
    if not ids:
        click.echo("no deposited copies")
    for one in ids:
        try:
            derived = derive_object(store, depository, cache, one, cap, rebuild=rebuild)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from exc
        if derived is None:
            click.echo(f"{one}: withdrawn, its pages are not served (none kept in the cache)")
        else:
            size = f"capped at {cap} px" if derived.kind == "capped" else "full resolution"
            click.echo(f"{one} v{derived.version}: {derived.pages} page(s), {derived.made} made now ({size})")
    click.echo(f"derivatives in {cache}")


def derive_step(settings: Settings, store: Store, say: Callable[[str], object]) -> bool:
    """One drain of the queue (the scheduler's step after each pass); False when a copy failed or the
    drain could not run.  Nothing when no copy was ever deposited."""
    from objects.derivequeue import drain

    try:
        depository = _existing_depository(settings)
        if depository is None:
            return True
        cache = cache_root(settings)
    except StorageError as exc:  # said once per process: it stays so until the settings change
        if str(exc) not in _SAID:
            _SAID.add(str(exc))
            say(f"page derivatives not made: {exc}")
        return False
    try:
        report = drain(store, depository, cache, int(settings["delivery.image_max_side"]), say)
    except Exception as exc:  # noqa: BLE001 - the scheduler and the server go on; the failure is said
        say(f"page derivatives not made: {type(exc).__name__}: {exc}")
        return False
    if report.derived or report.failed:
        say(report.summary())
    return not report.failed


@contextmanager
def deriving(settings: Settings, store: Store, say: Callable[[str], object],
             interval: float = SERVE_DRAIN_SECONDS) -> Iterator[None]:
    """Drain the queue every ``interval`` seconds in a background thread while the block runs (``serve``)."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            derive_step(settings, store, say)
            stop.wait(interval)

    worker = threading.Thread(target=loop, name="kazneb-derive", daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(timeout=60)


def cache_root(settings: Settings) -> Path:
    from objects.cachedir import cache_root as root

    return root(settings)


def _cache(settings: Settings) -> Path:
    try:
        return cache_root(settings)
    except StorageError as exc:
        raise click.ClickException(str(exc)) from exc


def _existing_depository(settings: Settings) -> Depository | None:
    """The storage root, if one was made (a drain never creates one)."""
    from objects.storage import Depository

    try:
        depository = Depository.from_settings(settings)
    except StorageError:
        return None
    return depository.open() if (depository.root / "0=ocfl_1.1").exists() else None
