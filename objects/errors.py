"""The errors of the depository: a refusal names the file (or parameter) and the reason."""

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


class RestoreRefused(DepositRefused):
    """A restore is refused (another partner's object, no such version, DEST exists...); nothing is written.

    A kind of :class:`DepositRefused` because it names its subject and reason the same way and
    the record lookup it shares with deposits (:mod:`objects.records`) raises those.
    """


class StorageError(Exception):
    """The depository storage root is missing, damaged or cannot be written."""
