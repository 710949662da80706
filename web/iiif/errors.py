"""The image service's errors: an HTTP status and a sentence, as the Image API asks (section 7.3)."""

from __future__ import annotations


class IIIFError(Exception):
    """A request the image service refuses: 400 (bad syntax, a size beyond the service), 403 (the copy's
    level or a withdrawal), 404 (no such copy or page), 501 (a valid request for a feature not offered)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad_request(message: str) -> IIIFError:
    return IIIFError(400, message)


def not_implemented(message: str) -> IIIFError:
    return IIIFError(501, message)
