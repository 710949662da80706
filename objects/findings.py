"""What the quality checks found: findings, and the report that keeps them with the deposit."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from objects.errors import DepositRefused

SEVERITIES = ("warning", "refusal")
#: A refusal names at most this many of its file's faults; the report keeps them all.
MAX_REASONS = 10


@dataclass(frozen=True)
class Finding:
    """One fault: the file and page it is on (page None: the whole file or deposit), the check that
    found it (``dpi``, ``bit_depth``, ``page_count``, ``blank_pages``, ``duplicate_pages``,
    ``readable``), ``warning`` or ``refusal``, and a sentence for the partner librarian."""

    file: str
    page: int | None
    check: str
    severity: str
    message: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")


@dataclass
class QualityReport:
    """All findings on one deposit, in reading order; kept as JSON beside the deposit's record."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "warning"]

    @property
    def refusals(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "refusal"]

    def to_json(self) -> dict[str, Any]:
        return {"findings": [asdict(finding) for finding in self.findings]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QualityReport:
        return cls([Finding(**finding) for finding in data.get("findings", [])])

    def raise_if_refused(self) -> None:
        """Raise ``DepositRefused`` naming the first refused file with its reasons, if any finding is a refusal."""
        if not self.refusals:
            return
        subject = self.refusals[0].file
        reasons = [_without_subject(finding.message, subject) for finding in self.refusals if finding.file == subject]
        if len(reasons) > MAX_REASONS:
            reasons[MAX_REASONS:] = [f"and {len(reasons) - MAX_REASONS} more"]
        raise DepositRefused(subject, "; ".join(reasons) + ".")


def _without_subject(message: str, subject: str) -> str:
    """The message as a reason given after its subject: "p7.tif page 1: ..." -> "page 1: ..."."""
    if message.startswith(subject + " "):
        message = message[len(subject) + 1:]
    return message.rstrip(".")
