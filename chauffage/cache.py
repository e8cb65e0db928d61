"""Django's Redis cache, keeping its Redis clients.

Django's backend builds a new `redis.Redis` object for every cache operation (the connections
themselves are pooled); building one fills a table of a few hundred response callbacks, which
cost more than the operation on a local Redis. The rate limit of every API request does two
operations. A client is thread-safe and bound to its connection pool: one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient
