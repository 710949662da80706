"""The one error a deposit is refused with: it names the file (or parameter) and the reason."""

from __future__ import annotations


class DepositRefused(Exception):
    """A deposit, or one file of it, is refused; nothing of it is kept.

    ``subject`` names what is at fault (a file name, a bag, ``--partner``...) so the
    partner librarian can find it; ``reason`` says why in one sentence.
    """

    def __init__(self, subject: str, reason: str) -> None:
        super().__init__(f"{subject}: {reason}")
        self.subject = subject
        self.reason = reason


class StorageError(Exception):
    """The depository storage root is missing, damaged or cannot be written."""
