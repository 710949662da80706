"""A hub ready to take copies: a store (both databases), a depository, partner p1 with three
records and a cooperation agreement at every level, and generated files.

Every depository a test makes through these fixtures is validated with ocfl-py's validator
when the session ends (0 errors and 0 warnings); a test that damages stored files on purpose
uses :func:`damaged_depository` instead, which is left out of that check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from objects import agreements, generated
from objects.deposit import DepositRequest, IncomingFile, Receipt, deposit
from objects.quality import QualityThresholds
from objects.storage import Depository
from repository.store import Store
from tests.oai_helpers import add_records

SIGNED = date(2024, 3, 1)
LEVELS = ["open", "read-only", "preview-24"]
_VALID_ROOTS: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def every_storage_root_stays_valid() -> Iterator[None]:
    """After the whole suite, every storage root the tests left is valid OCFL, without a warning."""
    yield
    problems = []
    for root in _VALID_ROOTS:
        if root.exists():
            errors, warnings = Depository(root).validate()
            problems += [f"{root}: {line}" for line in errors + warnings]
    assert problems == [], "\n".join(problems)


@pytest.fixture
def depository(tmp_path: Path) -> Depository:
    found = Depository(tmp_path / "objects").open()
    _VALID_ROOTS.append(found.root)
    return found


@pytest.fixture
def damaged_depository(tmp_path: Path) -> Depository:
    """A storage root the test may damage (left out of the final validation)."""
    return Depository(tmp_path / "damaged-objects").open()


@dataclass
class Hub:
    """The pieces a depository test needs, and short ways to make files and deposits."""

    store: Store
    depository: Depository
    folder: Path
    records: list[str]

    def pdf(self, name: str = "book.pdf", pages: int = 3, **options: object) -> Path:
        return generated.pdf(self.folder / name, pages=pages, **options)  # type: ignore[arg-type]

    @property
    def consent(self) -> Path:
        path = self.folder / "consent.pdf"
        return path if path.exists() else generated.pdf(path, pages=1, dpi=200)

    def request(self, files: list[Path], record: str | None = "oai:p1:1", access: str | None = "open",
                **options: object) -> DepositRequest:
        return DepositRequest(partner_id=str(options.pop("partner_id", "p1")),
                              files=[IncomingFile(f.name, f) for f in files],
                              consent=IncomingFile("consent.pdf", self.consent), access=access, record=record,
                              by="tester", **options)  # type: ignore[arg-type]

    def deposit(self, files: list[Path], record: str | None = "oai:p1:1", access: str | None = "open",
                **options: object) -> Receipt:
        return deposit(self.store, self.depository, self.request(files, record, access, **options),
                       QualityThresholds())


def ready_hub(store: Store, depository: Depository, tmp_path: Path) -> Hub:
    """Partner p1 with three records and an agreement at every level, over ``depository``."""
    records = add_records(store, "p1", range(3))
    folder = tmp_path / "files"
    folder.mkdir()
    scan = generated.pdf(folder / "agreement.pdf", pages=1, dpi=200)
    agreements.add(store, depository, "p1", "15/2024", SIGNED, LEVELS, scan, "tester", date(2026, 12, 7))
    return Hub(store, depository, folder, records)


@pytest.fixture
def hub(store: Store, depository: Depository, tmp_path: Path) -> Hub:
    return ready_hub(store, depository, tmp_path)


@pytest.fixture
def damaged_hub(store: Store, damaged_depository: Depository, tmp_path: Path) -> Hub:
    """The ``hub`` fixture's pieces over a storage root the test may damage."""
    return ready_hub(store, damaged_depository, tmp_path)


@pytest.fixture
def copies(hub: Hub) -> dict[str, str]:
    """A three-page scanned PDF (pages of ``iiif_helpers.PAGE``) at each level: level -> object id."""
    from tests.objects.iiif_helpers import PAGE

    found = {}
    for number, level in enumerate(LEVELS):
        book = hub.pdf(f"book-{level}.pdf", pages=3, dpi=300, width=PAGE[0], height=PAGE[1], seed=number)
        found[level] = hub.deposit([book], record=hub.records[number], access=level).object_id
    return found


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Debian's headless Chromium through Playwright, one per test module; missing, it is installed, and
    if that fails the tests fail (never skipped).  Loaded only by the browser tests."""
    from playwright.sync_api import sync_playwright

    from tests.web.chromium import ARTEFACTS, FLAGS, ensure_chromium

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=ensure_chromium(), args=FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def served(hub: Hub, settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The hub over HTTP, serving ``hub``'s copies with its derivatives in ``tmp_path``."""
    from tests.objects.iiif_helpers import serving

    with serving(settings, hub.store, hub.depository.root, tmp_path / "derivatives") as found:
        yield found
