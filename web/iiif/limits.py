"""The per-client rate limit on page images (flask-limiter), so a script cannot pull a whole work at machine speed.

One limit per client address (``delivery.image_rate_limit``, e.g. "120 per minute") on every
image request of the image service, tiles included; ``info.json`` and the probes are not counted.
Past it the answer is 429 with ``Retry-After`` (the seconds until the window resets).

The counts live where ``delivery.rate_limit_storage`` says: ``memory://`` keeps them in each
worker process's memory (so with four gunicorn workers a client may get up to four times the
limit, depending on which worker answers); a shared store (``redis://host:6379``) counts across
workers and hosts.  The client address is the connection's, or behind ``delivery.trusted_proxies``
reverse proxies the one the outermost proxy appended to ``X-Forwarded-For``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from flask import Blueprint, Flask, request
from flask_limiter import Limiter, RateLimitExceeded

from kazneb.config import Settings


def limit_images(app: Flask, settings: Settings, images: Blueprint) -> Limiter:
    """A limiter of the app's own (its counts are the app's), limiting every route of ``images``."""
    limiter = Limiter(client_address(int(settings["delivery.trusted_proxies"])), app=app,
                      storage_uri=str(settings["delivery.rate_limit_storage"]), default_limits=[],
                      headers_enabled=False, strategy="fixed-window")
    limiter.limit(str(settings["delivery.image_rate_limit"]))(images)

    def too_many(error: RateLimitExceeded):  # type: ignore[no-untyped-def]
        current = limiter.current_limit
        wait = max(1, math.ceil(current.reset_at - time.time())) if current else 60
        return (f"Too many page images from this address ({error.description}); try again in {wait} seconds.\n",
                429, {"Retry-After": str(wait), "Content-Type": "text/plain; charset=utf-8",
                      "Access-Control-Allow-Origin": "*"})

    app.register_error_handler(RateLimitExceeded, too_many)
    return limiter


def client_address(proxies: int) -> Callable[[], str]:
    """The key of a request's count: the connection's address, or behind ``proxies`` reverse proxies the
    address the outermost of them saw (each appends the address it was connected from to
    X-Forwarded-For, so the entries before are whatever the client chose to send)."""

    def key() -> str:
        if proxies > 0:
            forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
            forwarded = [part for part in forwarded if part]
            if len(forwarded) >= proxies:
                return forwarded[-proxies]
        return request.remote_addr or "unknown"

    return key
