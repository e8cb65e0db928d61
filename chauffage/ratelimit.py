"""A fixed-window rate limit per client (or per account…), shared between processes through the
cache.

When the shared cache does not answer (the database cache while PostgreSQL is down, Redis
unreachable), the limit is counted in the memory of the process instead, with a warning in the
logs (at most one a minute): the service keeps answering, and keeps a limit (per process, so a
client may make up to as many times the limit as there are processes). The shared cache is asked
again SHARED_RETRY_SECONDS after a failure, not at each request: a server that does not answer
would make each one wait for its connection timeout.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache backend raises when its server does not answer.
CACHE_ERRORS = (DatabaseError, RedisError, OSError)
WARNING_INTERVAL_SECONDS = 60
SHARED_RETRY_SECONDS = 10

_local = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_lock = threading.Lock()
_warned_at = None
_shared_down_until = 0.0  # time.monotonic() before which the shared cache is not asked


@dataclass(frozen=True)
class Limit:
    scope: str
    requests: int
    seconds: int


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the address our own proxies saw."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def hit(request, limit: Limit) -> int | None:
    """Counts one request; returns None when allowed, else the seconds to wait."""
    return count(client_ip(request), limit)


def _window(limit: Limit) -> tuple[int, int]:
    """(window number, seconds left in it)."""
    now = int(time.time())
    window = now // limit.seconds
    return window, (window + 1) * limit.seconds - now or 1


def _key(limit: Limit, identity: str, window: int) -> str:
    return f"ratelimit:{limit.scope}:{identity}:{window}"


def _shared(operation, *args, **kwargs):
    """`operation` (a method name of the cache) on the shared cache, or on this process's memory
    while the shared cache does not answer."""
    if time.monotonic() >= _shared_down_until:
        try:
            return getattr(cache, operation)(*args, **kwargs)
        except CACHE_ERRORS as error:
            _shared_failed(error)
    return getattr(_local, operation)(*args, **kwargs)


def count(identity: str, limit: Limit) -> int | None:
    """Counts one event of `identity` (a client address, an account…) against `limit`; returns
    None while within it, else the seconds until the window ends."""
    if limit.requests <= 0:
        return None
    window, left = _window(limit)
    key = _key(limit, identity, window)
    try:
        total = _shared("incr", key)  # the usual case: not the first event of the window
    except ValueError:  # the first one; unless another process counted it in between
        added = _shared("add", key, 1, timeout=limit.seconds + 1)
        total = 1 if added else _shared("incr", key)
    return left if total > limit.requests else None


def exhausted(identity: str, limit: Limit) -> int | None:
    """Without counting anything: the seconds to wait when `identity` has already used up
    `limit` in this window, else None."""
    if limit.requests <= 0:
        return None
    window, left = _window(limit)
    used = _shared("get", _key(limit, identity, window)) or 0
    return left if used >= limit.requests else None


def reset(identity: str, limit: Limit) -> None:
    """Forgets the events of `identity` in this window."""
    window, _ = _window(limit)
    _shared("delete", _key(limit, identity, window))


def _shared_failed(error: Exception) -> None:
    global _warned_at, _shared_down_until
    now = time.monotonic()
    with _lock:
        _shared_down_until = now + SHARED_RETRY_SECONDS
        if _warned_at is not None and now - _warned_at < WARNING_INTERVAL_SECONDS:
            return
        _warned_at = now
    logger.warning(
        "Rate limits counted per process: the shared cache does not answer (%s).",
        type(error).__name__,
    )


def forget_failures() -> None:
    """Forgets the per-process counts and that the shared cache failed (for the tests)."""
    global _shared_down_until
    _local.clear()
    with _lock:
        _shared_down_until = 0.0


def from_setting(scope: str, value: str) -> Limit:
    """`"120/60"` → 120 requests per 60 seconds."""
    requests, _, seconds = value.partition("/")
    return Limit(scope=scope, requests=int(requests), seconds=int(seconds or 60))
