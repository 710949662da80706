"""OAI-PMH error conditions, one class per error code."""

from __future__ import annotations


class OAIError(Exception):
    """An OAI-PMH error: answered with HTTP 200 and ``<error code=...>``."""

    code = "badArgument"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadVerb(OAIError):
    code = "badVerb"


class BadArgument(OAIError):
    code = "badArgument"


class BadResumptionToken(OAIError):
    code = "badResumptionToken"


class CannotDisseminateFormat(OAIError):
    code = "cannotDisseminateFormat"


class IdDoesNotExist(OAIError):
    code = "idDoesNotExist"


class NoRecordsMatch(OAIError):
    code = "noRecordsMatch"


class NoMetadataFormats(OAIError):
    code = "noMetadataFormats"


class NoSetHierarchy(OAIError):
    code = "noSetHierarchy"


class OAIErrors(Exception):
    """Several errors found in one request (OAI-PMH allows more than one ``<error>``)."""

    def __init__(self, errors: list[OAIError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors
