"""Copies behind the sample collection, so a newcomer running ``kazneb demo`` sees the depository at work.

Each sample partner gets a cooperation agreement, then some of its sample records get a
generated copy: a 30-page PDF at each access level, a multi-page TIFF and a set of JPEG pages.
The files are generated (:mod:`objects.generated`), seeded and small: the same run makes the
same bytes, so a second demo is told "already deposited" and adds nothing, and the demo still
starts in a few seconds.  They go through the ordinary deposit, checks and all.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from objects import agreements, generated
from objects.deposit import DepositRequest, IncomingFile, Receipt, deposit
from objects.errors import DepositRefused
from objects.ids import agreement_id, agreement_urn
from objects.quality import QualityThresholds
from objects.storage import Depository
from repository.store import Store

BY = "kazneb demo"
SIGNED = date(2024, 1, 15)
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class SampleAgreement:
    """The agreement a sample partner deposits under."""

    number: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class SampleCopy:
    """One generated copy: whose record, at which level, what kind of files, how many pages."""

    partner_id: str
    record: str  # the partner's own identifier of the record
    access: str
    kind: str  # pdf | tiff | jpeg
    pages: int
    copyright: str = "in-copyright"
    rights_holder: str | None = "«Фолиант» баспасы"
    licence: str | None = None

    @property
    def seed(self) -> int:
        """Different pages for each copy, the same on every run."""
        return sum(map(ord, self.record))


#: The levels each partner offers match its sample records' levels (repository/sample.py).
AGREEMENTS = {
    "nabrk": SampleAgreement("DEMO-1/2024", ("read-only", "preview-24")),
    "kaznu": SampleAgreement("DEMO-2/2024", ("open",)),
}
_KAZNU = {"copyright": "in-copyright-licensed", "rights_holder": "Әл-Фараби атындағы Қазақ ұлттық университеті",
          "licence": CC_BY}
COPIES = (
    SampleCopy("kaznu", "oai:repository.kaznu.kz:123456789/2001", "open", "pdf", 30, **_KAZNU),
    SampleCopy("nabrk", "NABRK-000103", "read-only", "pdf", 30),
    SampleCopy("nabrk", "NABRK-000101", "preview-24", "pdf", 30),
    SampleCopy("nabrk", "NABRK-000104", "read-only", "tiff", 8),
    SampleCopy("kaznu", "oai:repository.kaznu.kz:123456789/2002", "open", "jpeg", 6, **_KAZNU),
)
#: How each kind of copy is generated into a folder: its files, in page order.
MAKERS: dict[str, Callable[[Path, SampleCopy], list[Path]]] = {
    "pdf": lambda folder, copy: [generated.pdf(folder / "book.pdf", pages=copy.pages, seed=copy.seed)],
    "tiff": lambda folder, copy: [generated.tiff(folder / "book.tif", pages=copy.pages, seed=copy.seed)],
    "jpeg": lambda folder, copy: generated.jpeg_pages(folder / "pages", pages=copy.pages, seed=copy.seed),
}


def deposit_sample_copies(store: Store, depository: Depository, report: Callable[[str], None],
                          thresholds: QualityThresholds | None = None, today: date | None = None) -> list[Receipt]:
    """Record the sample agreements and deposit the sample copies (again: nothing new); one line each to ``report``.

    A refused copy (an agreement an operator terminated, say) is reported and the others go on:
    the demo must start whatever was done to its sample data.
    """
    thresholds = thresholds or QualityThresholds()
    receipts = []
    with tempfile.TemporaryDirectory(prefix="kazneb-demo-") as scratch:
        folder = Path(scratch)
        for partner_id, agreement in AGREEMENTS.items():
            try:
                _record_agreement(store, depository, partner_id, agreement, folder, today or _utc_today())
            except DepositRefused as refusal:
                report(f"agreement of {partner_id}: not recorded: {refusal}")
        for number, copy in enumerate(COPIES):
            request = _request(copy, folder / str(number))
            try:
                receipt = deposit(store, depository, request, thresholds, today)
            except DepositRefused as refusal:
                report(f"copy of {copy.partner_id} {copy.record}: refused: {refusal}")
                continue
            receipts.append(receipt)
            report(_line(store, copy, receipt))
    return receipts


def _record_agreement(store: Store, depository: Depository, partner_id: str, agreement: SampleAgreement,
                      folder: Path, today: date) -> None:
    """Once: an agreement already recorded, even since terminated, is left as it is (and one an
    operator recorded for the partner is refused by :func:`objects.agreements.add`, and kept)."""
    if depository.exists(agreement_urn(agreement_id(partner_id, agreement.number))):
        return
    scan = generated.pdf(folder / f"agreement-{partner_id}.pdf", pages=1, dpi=200)
    agreements.add(store, depository, partner_id, agreement.number, SIGNED, list(agreement.levels), scan, BY, today)


def _request(copy: SampleCopy, folder: Path) -> DepositRequest:
    folder.mkdir()
    files = MAKERS[copy.kind](folder, copy)
    consent = generated.pdf(folder / "consent.pdf", pages=1, dpi=200, seed=copy.seed)
    return DepositRequest(partner_id=copy.partner_id, files=[IncomingFile(f.name, f) for f in files],
                          consent=IncomingFile(consent.name, consent), access=copy.access, record=copy.record,
                          rights_holder=copy.rights_holder, copyright=copy.copyright, licence=copy.licence, by=BY,
                          source="demo")


def _line(store: Store, copy: SampleCopy, receipt: Receipt) -> str:
    files = f"{len(receipt.files)} {copy.kind.upper()} files" if len(receipt.files) > 1 else copy.kind.upper()
    text = (f"copy {receipt.object_id}: {store.oai_identifier(receipt.record)}, {receipt.access}, "
            f"{copy.pages} pages ({files})")
    if receipt.unchanged:
        return text + ", already deposited"
    return text + (f", {len(receipt.warnings)} warning(s)" if receipt.warnings else "")


def _utc_today() -> date:
    """The day as deposits judge agreements (UTC)."""
    return datetime.now(UTC).date()
