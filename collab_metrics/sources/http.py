"""The shared HTTP layer: a polite, caching session and one JSON GET with retries.

Every web source (Kolada, PxWeb) goes through `get_json`, so they all identify themselves
the same way, retry the same transient failures, honour the server's `Retry-After`, and
fail with one readable sentence instead of a stack of library exceptions. The bodies come
back byte for byte as `RawResponse`s so the store can archive exactly what was received.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from collab_metrics import __version__
from collab_metrics.errors import CollabError, DataError
from collab_metrics.model.tidy import RawResponse

USER_AGENT: Final = f"collab-metrics/{__version__} (public-sector goal follow-up)"
# Who the services can write to about this client's traffic. The project has no public
# address of its own, so the operator running the fetches sets one (an e-mail or URL).
CONTACT_ENV: Final = "COLLAB_HTTP_CONTACT"
# Statistics are published at most daily; a day-old copy is as good as a fresh one and
# spares the sources when a report is re-run many times while it is being written.
DEFAULT_EXPIRE: Final = timedelta(days=1)
CACHE_FILE: Final = "http-cache.sqlite"
DEFAULT_TIMEOUT: Final = 30.0  # seconds per request; Kolada pages of 5000 rows take a few

_log = logging.getLogger(__name__)
_UNREACHABLE: Final = "could not be reached"


class FetchError(DataError):
    """A source could not deliver: one sentence naming the source, the URL and the cause."""


class SourceUnreachable(FetchError):
    """No attempt reached the server at all (no network, DNS, refused connection).

    Only this failure lets `collab fetch` fall back to stored or offline data: a server
    that answers with errors is a problem to report, not a reason to switch silently.
    """


@dataclass(frozen=True)
class Backoff:
    """How long to wait between attempts: exponential from `base_wait`, never above `max_wait`.

    `max_wait` also caps a server's `Retry-After`, so a misconfigured server cannot stall a
    scheduled run for hours. Tests shrink both to keep fault tests fast.
    """

    base_wait: float = 1.0
    max_wait: float = 60.0

    def wait(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to sleep after failed attempt number `attempt` (1-based)."""
        if retry_after is not None:
            return min(retry_after, self.max_wait)
        return min(self.base_wait * 2 ** (attempt - 1), self.max_wait)


@dataclass
class RequestStats:
    """Counts for benchmarks and run logs: what really went over the wire."""

    network: int = 0  # requests sent to a server, answered or not
    cached: int = 0  # responses served from the local cache
    retries: int = 0  # attempts repeated after a transient failure

    def as_dict(self) -> dict[str, int]:
        """The counters as a plain dict, for printing and JSON manifests."""
        return {"network": self.network, "cached": self.cached, "retries": self.retries}


class CollabSession(requests_cache.CachedSession):
    """A CachedSession that also carries its retry waits and request counters."""

    def __init__(self, *, backoff: Backoff, timeout: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.backoff = backoff
        self.timeout = timeout
        self.stats = RequestStats()
        self.headers["User-Agent"] = user_agent()
        self.headers["Accept"] = "application/json"


def user_agent() -> str:
    """The User-Agent: the program and version, plus the operator's contact when set.

    COLLAB_HTTP_CONTACT (an e-mail address or URL) is added in brackets, as the services
    ask of clients that fetch a lot; without it no made-up contact is sent.
    """
    contact = os.environ.get(CONTACT_ENV, "").strip()
    return f"{USER_AGENT[:-1]}; {contact})" if contact else USER_AGENT


@dataclass(frozen=True)
class RateLimit:
    """At most `calls` requests in any `window` seconds."""

    calls: int
    window: float


class Throttle:
    """Keeps requests within a `RateLimit` (none until `limit` is set), sleeping as needed."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        limit: RateLimit | None = None,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.limit = limit
        self.config: dict[str, Any] = {}  # what the host said about itself, read once
        self._sent: deque[float] = deque()

    def wait(self) -> None:
        """Sleep until one more request fits in the window, then count it."""
        limit = self.limit
        now = self.clock()
        while limit is not None:
            while self._sent and now - self._sent[0] >= limit.window:
                self._sent.popleft()
            if len(self._sent) < limit.calls:
                break
            pause = limit.window - (now - self._sent[0])
            _log.debug("rate limit %s reached; sleeping %.2f s", limit, pause)
            self.sleep(pause)
            now = self.clock()
        self._sent.append(now)  # before the limit is known, calls are counted all the same

    def hold_off(self, seconds: float) -> None:
        """Send nothing for `seconds` (a server's X-Rate-Limit-Reset said so)."""
        if seconds > 0:
            self.sleep(seconds)


class ThrottledAdapter(HTTPAdapter):
    """The transport for one host: throttles every request that goes over the wire.

    Mounted on the session for the host's base URL, it sits below the HTTP cache, so cached
    answers are free and each retry of `get_json` is counted like the first attempt. A
    server's `X-Rate-Limit-Remaining: 0` with `X-Rate-Limit-Reset` makes it wait that long
    before the next request.
    """

    def __init__(self, throttle: Throttle) -> None:
        super().__init__()
        self.throttle = throttle

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        self.throttle.wait()
        response = super().send(request, *args, **kwargs)
        remaining = response.headers.get("X-Rate-Limit-Remaining", "").strip()
        if remaining == "0":
            reset = retry_after_seconds(response.headers.get("X-Rate-Limit-Reset"))
            if reset is not None:
                _log.info(
                    "%s asks for a pause of %.2g s", urlsplit(request.url or "").netloc, reset
                )
                self.throttle.hold_off(reset)
        return response


def throttled(
    session: requests.Session,
    base_url: str,
    limit: RateLimit | None,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Throttle:
    """The throttle of `base_url` on this session, mounting one the first time.

    An existing throttle keeps its state (and its limit, unless `limit` is given).
    """
    # No trailing slash: PxWeb v1 reads its limits at `{base}?config`, which counts too.
    prefix = base_url.rstrip("/")
    adapter = session.adapters.get(prefix)
    if not isinstance(adapter, ThrottledAdapter):
        adapter = ThrottledAdapter(Throttle(clock, sleep, limit))
        session.mount(prefix, adapter)
    elif limit is not None:
        adapter.throttle.limit = limit
    return adapter.throttle


def make_session(
    cache_dir: Path | None,
    *,
    expire_after: timedelta = DEFAULT_EXPIRE,
    base_wait: float = 1.0,
    max_wait: float = 60.0,
    timeout: float = DEFAULT_TIMEOUT,
) -> CollabSession:
    """A caching session for all web sources.

    With `cache_dir` the cache is an SQLite file there and survives between runs; without
    it the cache lives in memory for this session only. HTTP cache headers from the
    server win; responses without them are kept for `expire_after`. Only 200 responses
    are cached, so an error is never replayed from disk.
    """
    if cache_dir is None:
        cache: dict[str, Any] = {"cache_name": "collab-metrics", "backend": "memory"}
    else:
        cache_dir.mkdir(parents=True, exist_ok=True)
        cache = {"cache_name": str(cache_dir / CACHE_FILE), "backend": "sqlite"}
    return CollabSession(
        backoff=Backoff(base_wait=base_wait, max_wait=max_wait),
        timeout=timeout,
        expire_after=expire_after,
        cache_control=True,
        allowable_codes=(200,),
        # PxWeb API v1 asks for data by POST; the cache key includes the body.
        allowable_methods=("GET", "HEAD", "POST"),
        **cache,
    )


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks us to wait (delta-seconds or an HTTP date).

    None when the header is absent or unreadable, so the caller falls back to its own
    backoff rather than guessing.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _Transient(CollabError):
    """A failure worth another attempt; `cause` completes "<source> ..." in a sentence."""

    def __init__(self, cause: str, retry_after: float | None = None) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retry_after = retry_after


def get_json(
    session: requests.Session,
    url: str,
    params: dict[str, str] | None = None,
    *,
    source: str,
    timeout: float | None = None,
    max_attempts: int = 4,
    post: Any = None,
) -> tuple[Any, RawResponse]:
    """GET `url` (or POST the JSON `post`) and parse its JSON body, retrying what is worth it.

    Retried with exponential backoff: connection errors, timeouts, 429 and 5xx (waiting as
    long as `Retry-After` asks on 429/503, within the session's cap). Other 4xx fail at
    once. A 200 whose body is not JSON (a truncated body, an HTML error page) is retried
    once, then fails. Every failure is a `FetchError` naming `source`, the URL and the
    cause. Returns the parsed JSON and the body exactly as received.
    """
    if timeout is None:
        timeout = session.timeout if isinstance(session, CollabSession) else DEFAULT_TIMEOUT
    backoff = session.backoff if isinstance(session, CollabSession) else Backoff()
    stats = session.stats if isinstance(session, CollabSession) else RequestStats()
    method = "GET" if post is None else "POST"
    shown = requests.Request(method, url, params=params).prepare().url or url
    causes: list[str] = []
    bad_bodies = 0

    def attempt() -> tuple[Any, RawResponse]:
        nonlocal bad_bodies
        try:
            response = session.request(method, url, params=params, json=post, timeout=timeout)
        except requests.RequestException as exc:
            stats.network += 1  # it was sent; no usable answer came back
            raise no_answer(exc) from exc
        if getattr(response, "from_cache", False):
            stats.cached += 1
        else:
            stats.network += 1
        status = f"{response.status_code} {response.reason or ''}".strip()
        if response.status_code == 429 or response.status_code >= 500:
            wait = None
            if response.status_code in (429, 503):
                wait = retry_after_seconds(response.headers.get("Retry-After"))
            raise fail(f"answered {status}", wait)
        if response.status_code >= 300:
            raise FetchError(f"{source} answered {status} for {shown}; not retrying")
        try:
            data = json.loads(response.content)
        except ValueError as exc:
            _forget(session, response)
            bad_bodies += 1
            cause = f"answered {status} with a body that is not valid JSON ({_peek(response)})"
            if bad_bodies > 1:  # a server that keeps sending garbage will not stop
                causes.append(cause)
                raise FetchError(_give_up(source, shown, causes)) from exc
            raise fail(cause) from exc
        return data, RawResponse(
            source=source.lower(),
            url=response.url,
            body=response.content,
            retrieved_at=_retrieved_at(response),
            status_code=response.status_code,
        )

    def fail(cause: str, retry_after: float | None = None) -> _Transient:
        causes.append(cause)
        return _Transient(cause, retry_after)

    def no_answer(exc: requests.RequestException) -> Exception:
        if isinstance(exc, requests.Timeout):
            return fail(f"did not answer within {timeout:g} s")
        if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
            return fail(f"{_UNREACHABLE} ({type(exc).__name__})")
        return FetchError(f"{source} could not be asked for {shown}: {exc}")

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = error.retry_after if isinstance(error, _Transient) else None
        return backoff.wait(state.attempt_number, retry_after)

    def before_sleep(state: RetryCallState) -> None:
        stats.retries += 1
        sleep = state.next_action.sleep if state.next_action else 0.0
        # The host is enough here; the final error names the whole URL.
        _log.warning(
            "%s %s (%s); retrying in %.2g s (attempt %d of %d)",
            source,
            causes[-1],
            urlsplit(shown).netloc,
            sleep,
            state.attempt_number,
            max_attempts,
        )

    retrying = Retrying(
        stop=stop_after_attempt(max_attempts),
        wait=wait,
        retry=retry_if_exception_type(_Transient),
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return retrying(attempt)
    except _Transient as exc:
        message = _give_up(source, shown, causes)
        if all(cause.startswith(_UNREACHABLE) for cause in causes):
            raise SourceUnreachable(message) from exc
        raise FetchError(message) from exc


def _give_up(source: str, url: str, causes: list[str]) -> str:
    """One sentence for the last failure, saying how often it happened."""
    times = {1: "once", 2: "twice"}.get(len(causes), f"{len(causes)} times")
    if len(set(causes)) == 1:
        return f"{source} {causes[0]} {times} for {url}; giving up"
    return f"{source} failed {times} for {url} (last: {causes[-1]}); giving up"


def _peek(response: requests.Response) -> str:
    """What the body looks like, so the message tells an HTML page from a cut-off body."""
    head = response.content[:40].decode("utf-8", errors="replace").strip()
    return f"{len(response.content)} bytes starting {head!r}" if head else "empty body"


def _forget(session: requests.Session, response: requests.Response) -> None:
    """Drop a bad body from the cache, or the retry would be served the same bytes."""
    key = getattr(response, "cache_key", None)
    if key and isinstance(session, requests_cache.CachedSession):
        session.cache.delete(key)


def _retrieved_at(response: requests.Response) -> datetime:
    """When the body left the server: the original fetch time for a cached response."""
    created = getattr(response, "created_at", None)
    if isinstance(created, datetime):
        return created if created.tzinfo else created.replace(tzinfo=UTC)
    return datetime.now(UTC)


__all__ = [
    "CONTACT_ENV",
    "DEFAULT_EXPIRE",
    "USER_AGENT",
    "Backoff",
    "CollabSession",
    "FetchError",
    "RateLimit",
    "RequestStats",
    "SourceUnreachable",
    "Throttle",
    "ThrottledAdapter",
    "get_json",
    "make_session",
    "retry_after_seconds",
    "throttled",
    "user_agent",
]
