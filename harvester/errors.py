"""One error base for the harvester, so callers can catch every harvesting failure at once."""

from __future__ import annotations


class HarvestError(Exception):
    """Base of every error the harvester raises on purpose."""


class TransientError(HarvestError):
    """A failure worth retrying: timeout, reset connection, 429/5xx, HTML error page, truncated XML."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentHttpError(HarvestError):
    """An HTTP failure retrying will not cure (404, 403, ...) and no OAI error in the body."""


class PartnerOAIError(HarvestError):
    """An OAI-PMH ``<error code="...">`` returned by the partner (the provider's own errors, the
    ones the hub sends, are ``repository.oai.errors.OAIError``)."""

    def __init__(self, code: str, message: str = "", response_date: str | None = None) -> None:
        super().__init__(f"{code}: {message}".rstrip(": "))
        self.code = code
        self.text = message
        self.response_date = response_date


class BadDocument(HarvestError):
    """A response that is not an OAI-PMH document even after repair."""


class PartnerConfigError(HarvestError):
    """A partner entry (partners.toml or the command line) has a bad value."""


class HeldForConfirmation(HarvestError):
    """The run would wipe out too much of a collection; an operator must confirm it."""
