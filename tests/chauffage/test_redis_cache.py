"""The project's Redis cache backend (chauffage/cache.py), against the machine's Redis."""

import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from chauffage import ratelimit

REDIS = {
    "default": {"BACKEND": "chauffage.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/14"}
}


def _redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_is_running(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def redis_cache():
    with override_settings(CACHES=REDIS):
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()


def test_a_redis_cache_url_selects_the_project_backend():
    # Settings are read once per process: read them in a fresh one.
    env = {**os.environ, "CACHE_URL": "redis://127.0.0.1:6379/3", "DJANGO_ENV": "dev"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    backend = subprocess.run(
        [sys.executable, "-c", "from chauffage import settings; print(settings.CACHES['default']['BACKEND'])"],
        capture_output=True, text=True, check=True, env=env, cwd=settings.BASE_DIR,
    ).stdout.strip()  # fmt: skip
    assert backend == "chauffage.cache.RedisCache"


def test_the_backend_stores_counts_and_forgets(redis_cache):
    redis_cache.set("key", {"a": 1}, timeout=30)
    assert redis_cache.get("key") == {"a": 1}
    assert redis_cache.add("counter", 1, timeout=30)
    assert redis_cache.incr("counter") == 2
    with pytest.raises(ValueError):
        redis_cache.incr("missing")
    redis_cache.delete("key")
    assert redis_cache.get("key") is None


def test_the_backend_builds_one_redis_client_per_connection_pool(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.set("key", 1)
    assert redis_cache._cache.get_client(write=True) is client


def test_the_rate_limit_counts_in_redis_and_refuses_past_the_limit(redis_cache):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    limit = ratelimit.Limit(scope="test", requests=3, seconds=60)
    assert [ratelimit.hit(request, limit) for _ in range(3)] == [None, None, None]
    wait = ratelimit.hit(request, limit)
    assert wait is not None and 1 <= wait <= 60
    other = RequestFactory().get("/", REMOTE_ADDR="192.0.2.8")
    assert ratelimit.hit(other, limit) is None
