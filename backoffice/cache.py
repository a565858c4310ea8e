"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis` for
every operation (its response-callback tables each time: about a third of a cache read's CPU;
docs/performance.md, "Case page and take over"). The pools were shared already; a client over a
pool is safe to share between threads, as redis-py documents. Everything else is Django's.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django's pool for the server (`_get_connection_pool`), and one client kept over it.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClients
