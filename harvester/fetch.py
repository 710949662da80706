"""HTTP with a retry policy partners need: backoff with jitter, Retry-After, a rate limit.

The body is always read before the status is judged: OAI-PMH errors often come with a
4xx status, and an HTML page often comes with 200.  Interpreting the body is the
caller's job (``interpret``); it raises :class:`TransientError` to ask for a retry.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import requests

from harvester.errors import PermanentHttpError, TransientError

log = logging.getLogger(__name__)
T = TypeVar("T")
USER_AGENT = "KazNEB-Hub-Harvester/0.1 (+https://kazneb.kz)"


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait; delays grow exponentially with full jitter."""

    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 120.0
    retry_after_cap: float = 600.0

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based), jittered."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Honour the partner's Retry-After (capped), else back off."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap)
        return self.backoff(attempt)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RateLimiter:
    """At most ``per_second`` requests per second to one partner (0 = unlimited)."""

    def __init__(self, per_second: float = 0.0) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            if self._next > now:
                time.sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


@dataclass
class Reply:
    """One HTTP exchange, body fully read."""

    url: str
    status: int
    headers: requests.structures.CaseInsensitiveDict
    body: bytes

    @property
    def charset(self) -> str | None:
        content_type = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset":
                return value.strip().strip('"').lower() or None
        return None


@dataclass
class FetchStats:
    """Counters a run records: requests sent, retries, bytes received."""

    requests: int = 0
    retries: int = 0
    bytes: int = 0


class Fetcher:
    """Sends requests to one partner under its retry policy, rate limit and timeout."""

    def __init__(self, policy: RetryPolicy | None = None, rate_limit: float = 0.0, timeout: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep, ca_bundle: str | None = None) -> None:
        self.policy = policy or RetryPolicy()
        self.limiter = RateLimiter(rate_limit)
        self.timeout = timeout
        self.stats = FetchStats()
        self.notes: list[str] = []  # retry messages, drained by the run into its error log
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.max_redirects = 10
        self.verify: str | bool = ca_bundle or True  # per request: the environment would override the session

    def get_once(self, url: str, params: dict[str, str]) -> Reply:
        """One GET (redirects followed); network failures and 429/5xx become TransientError."""
        self.limiter.wait()
        self.stats.requests += 1
        try:
            response = self.session.get(url, params=params, timeout=self.timeout, allow_redirects=True,
                                        verify=self.verify)
            body = response.content
        except requests.exceptions.SSLError as exc:
            raise PermanentHttpError(f"TLS failure talking to {url}: {exc}") from exc
        except (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        self.stats.bytes += len(body)
        reply = Reply(response.url, response.status_code, response.headers, body)
        if reply.status == 429 or reply.status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise TransientError(f"HTTP {reply.status} from {url}", retry_after)
        return reply

    def fetch(self, url: str, params: dict[str, str], interpret: Callable[[Reply], T]) -> T:
        """GET and interpret, retrying transient failures under the policy."""
        attempt = 0
        while True:
            try:
                return interpret(self.get_once(url, params))
            except TransientError as exc:
                attempt += 1
                if attempt >= self.policy.attempts:
                    raise
                wait = self.policy.delay(attempt, exc.retry_after)
                self.stats.retries += 1
                self.notes.append(str(exc))
                log.warning("%s; retry %d/%d in %.1fs", exc, attempt, self.policy.attempts - 1, wait)
                self.sleep(wait)
