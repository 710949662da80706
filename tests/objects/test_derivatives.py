"""Page derivatives on both databases, from generated PDFs, TIFFs and JPEGs: the page numbering
across files, what each level gets (full or capped), a lowered cap, a new version, a withdrawal;
the queue the scheduler and ``serve`` drain; ``kazneb objects derive``."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import pyvips

from objects import derivatives, derivequeue, generated, pagesizes
from objects.catalogue import apply_event, utc_stamp
from objects.pages import page_count, page_sources
from tests.objects.iiif_helpers import CAP, withdraw


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "derivatives"


def book(hub, level: str = "open", record: int = 0) -> str:  # type: ignore[no-untyped-def]
    """A copy of three files: a 2-page PDF, a 3-page colour TIFF and a JPEG (six pages)."""
    pdf = hub.pdf(f"a-{level}.pdf", pages=2, dpi=300, width=620, height=880)
    scan = generated.tiff(hub.folder / f"b-{level}.tif", pages=3, dpi=300, width=700, height=1000, color=True)
    jpeg = generated.jpeg_pages(hub.folder / f"c-{level}", pages=1, width=900, height=640)[0]
    return hub.deposit([pdf, scan, jpeg], record=hub.records[record], access=level).object_id


def made(cache: Path, object_id: str, version: int, kind: str) -> list[tuple[int, int]]:
    """The full-image size of every derivative page of ``kind``, in page order."""
    sizes, number = [], 1
    while (path := derivatives.page_path(cache, object_id, version, number, kind)).exists():
        image = pyvips.Image.new_from_file(str(path), revalidate=True)
        sizes.append((image.width, image.height))
        number += 1
    return sizes


def test_pages_run_across_the_files_in_their_order(hub) -> None:  # type: ignore[no-untyped-def]
    object_id = book(hub)
    with hub.store.reading() as session:
        pages = page_sources(session, hub.depository, object_id, 1)
        assert page_count(session, object_id, 1) == 6
    assert [(p.number, Path(p.name).name, p.index) for p in pages] == [
        (1, "a-open.pdf", 0), (2, "a-open.pdf", 1), (3, "b-open.tif", 0), (4, "b-open.tif", 1), (5, "b-open.tif", 2),
        (6, "p1.jpg", 0)]
    assert all(p.path.is_file() and p.path.is_relative_to(hub.depository.root) for p in pages)


def test_an_open_copy_gets_full_pages_and_a_capped_copy_capped_ones(hub, cache) -> None:  # type: ignore[no-untyped-def]
    open_id, capped_id = book(hub, "open", 0), book(hub, "preview-24", 1)
    full = derivatives.derive_object(hub.store, hub.depository, cache, open_id, CAP)
    capped = derivatives.derive_object(hub.store, hub.depository, cache, capped_id, CAP)
    assert (full.kind, full.pages, full.made) == ("full", 6, 6)
    assert (capped.kind, capped.pages, capped.made) == ("capped", 6, 6)
    assert made(cache, open_id, 1, "full") == [(620, 880)] * 2 + [(700, 1000)] * 3 + [(900, 640)]
    assert made(cache, capped_id, 1, "capped") == [(211, 300)] * 2 + [(210, 300)] * 3 + [(300, 213)]
    assert not list(derivatives.version_dir(cache, capped_id, 1).glob("p?.tif"))  # nothing at full size
    assert derivatives.is_derived(cache, open_id, 1, "full") and derivatives.is_derived(cache, capped_id, 1, "capped")
    tiled = pyvips.Image.new_from_file(str(derivatives.page_path(cache, open_id, 1, 3, "full")))
    assert tiled.get("tile-width") == derivatives.TILE and tiled.get("n-pages") >= 2  # tiled, with a pyramid
    again = derivatives.derive_object(hub.store, hub.depository, cache, capped_id, CAP)
    rebuilt = derivatives.derive_object(hub.store, hub.depository, cache, capped_id, CAP, rebuild=True)
    assert (again.made, rebuilt.made) == (0, 6)
    assert not list(cache.rglob("*.tmp"))


def test_file_names_with_brackets_are_read_as_names(hub, cache) -> None:  # type: ignore[no-untyped-def]
    """libvips reads "[...]" after a file name as load options; a partner's file may be called that."""
    scan = generated.tiff(hub.folder / "scan.tif[page=1]", pages=2, dpi=300, width=700, height=1000)
    jpeg = generated.jpeg_pages(hub.folder / "j", pages=1, width=900, height=640)[0]
    jpeg = jpeg.rename(hub.folder / "p.jpg[shrink=8]")
    for level, record in (("open", 0), ("read-only", 1)):
        object_id = hub.deposit([scan, jpeg], record=hub.records[record], access=level).object_id
        derived = derivatives.derive_object(hub.store, hub.depository, cache, object_id, CAP)
        expected = [(700, 1000)] * 2 + [(900, 640)] if level == "open" else [(210, 300)] * 2 + [(300, 213)]
        assert (derived.made, made(cache, object_id, 1, derived.kind)) == (3, expected)


def test_a_changed_cap_makes_the_page_again_on_its_next_view(hub, cache) -> None:  # type: ignore[no-untyped-def]
    """Lowered or raised: the page is served at the size the manifest gives it under the cap in force
    (a smaller page kept after a raise would leave the canvases larger than their services)."""
    object_id = book(hub, "read-only")
    with hub.store.reading() as session:
        sources = page_sources(session, hub.depository, object_id, 1)

    def view(cap: int) -> tuple[int, int]:
        size = derivatives.sizes(cache, object_id, 1, sources, cap)[2]
        made = derivatives.ensure(cache, sources[2], object_id, 1, cap, size)
        return made.levels[0]

    assert view(CAP) == (210, 300)
    assert view(200) == (140, 200)
    assert view(CAP) == (210, 300)


def test_every_page_is_made_at_the_size_measured_without_drawing_it(hub, cache) -> None:  # type: ignore[no-untyped-def]
    """Sizes where libvips, asked for a long side only, rounds the short one a pixel below the rule
    (2,383 x 743 to 512 x 159): each page is made at exactly what ``pagesizes`` says, capped or not."""
    wide = generated.jpeg_pages(hub.folder / "wide", pages=1, width=2383, height=743)[0].rename(hub.folder / "w.jpg")
    tall = generated.jpeg_pages(hub.folder / "tall", pages=1, width=479, height=1564)[0].rename(hub.folder / "t.jpg")
    book = hub.pdf("odd.pdf", pages=1, dpi=311.7, width=769, height=104)
    object_id = hub.deposit([wide, tall, book], record=hub.records[0], access="read-only").object_id
    with hub.store.reading() as session:
        sources = page_sources(session, hub.depository, object_id, 1)
    assert pagesizes.measure(sources) == [(2383, 743), (479, 1564), (769, 104)]
    for cap, expected in ((512, [(512, 160), (157, 512), (512, 69)]), (299, [(299, 93), (92, 299), (299, 40)])):
        derivatives.derive_object(hub.store, hub.depository, cache, object_id, cap)
        assert derivatives.sizes(cache, object_id, 1, sources, cap) == expected
        assert made(cache, object_id, 1, "capped") == expected, cap
    open_id = hub.deposit([wide, tall, book], record=hub.records[1], access="open").object_id
    derivatives.derive_object(hub.store, hub.depository, cache, open_id, CAP)
    assert made(cache, open_id, 1, "full") == [(2383, 743), (479, 1564), (769, 104)]


def test_a_new_version_replaces_the_pages_of_the_old_one(hub, cache) -> None:  # type: ignore[no-untyped-def]
    object_id = book(hub)
    derivatives.derive_object(hub.store, hub.depository, cache, object_id, CAP)
    corrected = hub.pdf("corrected.pdf", pages=2, dpi=300, width=500, height=700, seed=9)
    assert hub.deposit([corrected], record=None, object_id=object_id).version == 2
    derived = derivatives.derive_object(hub.store, hub.depository, cache, object_id, CAP)
    assert (derived.version, derived.pages) == (2, 2)
    assert not derivatives.version_dir(cache, object_id, 1).exists()
    assert made(cache, object_id, 2, "full") == [(500, 700)] * 2


def test_the_queue_makes_what_deposits_and_level_changes_need_and_forgets_withdrawn_copies(hub, cache) -> None:  # type: ignore[no-untyped-def]
    first, second = book(hub, "open", 0), book(hub, "read-only", 1)
    assert set(derivequeue.due(hub.store, cache, CAP)) == {first, second}
    said: list[str] = []
    report = derivequeue.drain(hub.store, hub.depository, cache, CAP, said.append)
    assert sorted(d.object_id for d in report.derived) == sorted([first, second]) and not report.failed
    assert report.summary() == "page derivatives: 12 page(s) of 2 copy(ies) made"
    assert any(line.startswith(f"page derivatives of {second} v1: 6 of 6 page(s) made (capped)") for line in said)
    assert derivequeue.due(hub.store, cache, CAP) == []
    assert derivequeue.drain(hub.store, hub.depository, cache, CAP).derived == []
    with hub.store.session() as session:  # the open copy becomes read-only: its pages must be capped now
        apply_event(session, {"kind": "set-access", "object": first, "access": "read-only", "at": utc_stamp()})
    third = book(hub, "preview-24", 2)  # and a deposit arrives
    assert set(derivequeue.due(hub.store, cache, CAP, derivequeue._since(cache))) == {first, third}
    derivequeue.drain(hub.store, hub.depository, cache, CAP)
    assert derivatives.is_derived(cache, first, 1, "capped") and derivatives.is_derived(cache, third, 1, "capped")
    withdraw(hub.store, second)
    assert derivequeue.due(hub.store, cache, CAP, derivequeue._since(cache)) == [second]
    derivequeue.drain(hub.store, hub.depository, cache, CAP)
    assert not (cache / "pages" / second).exists()


def test_a_copy_that_cannot_be_made_does_not_stop_the_queue(hub, cache) -> None:  # type: ignore[no-untyped-def]
    broken, whole = book(hub, "open", 0), book(hub, "open", 1)
    with hub.store.reading() as session:
        victim = page_sources(session, hub.depository, broken, 1)[0].path
    kept = victim.read_bytes()
    victim.write_bytes(b"%PDF-1.4 not a pdf any more")
    try:
        report = derivequeue.drain(hub.store, hub.depository, cache, CAP)
    finally:
        victim.write_bytes(kept)  # the suite validates every storage root at its end
    assert list(report.failed) == [broken] and [d.object_id for d in report.derived] == [whole]
    assert report.summary().endswith(", 1 failed")


@pytest.fixture
def derive_kazneb(kazneb, tmp_path: Path, cache: Path):  # type: ignore[no-untyped-def]
    """``kazneb`` with the derivatives in ``cache`` and the test's cap (PostgreSQL has no folder to default to)."""
    with open(tmp_path / "kazneb.toml", "a", encoding="utf-8") as config:
        config.write(f'\n[delivery]\nderivatives = "{cache}"\nimage_max_side = {CAP}\n')
    return kazneb


def test_kazneb_objects_derive_makes_every_copy_or_one(hub, derive_kazneb, cache) -> None:  # type: ignore[no-untyped-def]
    assert derive_kazneb("objects", "derive").output.startswith("no deposited copies")
    first, second = book(hub, "open", 0), book(hub, "read-only", 1)
    result = derive_kazneb("objects", "derive")
    assert result.exit_code == 0, result.output
    assert f"{first} v1: 6 page(s), 6 made now (full resolution)" in result.output
    assert f"{second} v1: 6 page(s), 6 made now (capped at {CAP} px)" in result.output
    one = derive_kazneb("objects", "derive", second, "--rebuild")
    assert f"{second} v1: 6 page(s), 6 made now" in one.output and first not in one.output
    withdraw(hub.store, second)
    gone = derive_kazneb("objects", "derive", second)
    assert f"{second}: withdrawn" in gone.output and not (cache / "pages" / second).exists()
    unknown = derive_kazneb("objects", "derive", "k7m2x9qd4a")
    assert unknown.exit_code == 1 and "no object k7m2x9qd4a" in unknown.output


def test_the_scheduler_drains_the_queue(hub, derive_kazneb, cache) -> None:  # type: ignore[no-untyped-def]
    object_id = book(hub, "preview-24")
    assert derive_kazneb("partner", "disable", "p1").exit_code == 0  # no harvest: its URL leads nowhere
    result = derive_kazneb("scheduler", "--once")
    assert result.exit_code == 0, result.output
    assert f"page derivatives of {object_id} v1: 6 of 6 page(s) made (capped)" in result.output
    assert derivatives.is_derived(cache, object_id, 1, "capped")
    assert "page derivatives" not in derive_kazneb("scheduler", "--once").output


def test_serve_drains_the_queue_while_it_serves(hub, settings, cache) -> None:  # type: ignore[no-untyped-def]
    from kazneb.commands.derive import deriving
    from tests.objects.iiif_helpers import iiif_settings

    said: list[str] = []
    with deriving(iiif_settings(settings, hub.depository.root, cache), hub.store, said.append, interval=0.2):
        object_id = book(hub, "read-only")
        deadline = time.monotonic() + 60
        while not derivatives.is_derived(cache, object_id, 1, "capped") and time.monotonic() < deadline:
            time.sleep(0.1)
    assert derivatives.is_derived(cache, object_id, 1, "capped")
    assert f"page derivatives of {object_id} v1: 6 of 6 page(s) made (capped)" in said
