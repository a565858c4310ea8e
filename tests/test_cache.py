"""The Redis cache backend (backoffice.cache): Django's, with one client per connection pool."""

import os

import pytest

from backoffice.cache import SharedRedisCache

# A real Redis server: the one the environment names, else the machine's own (db 15, which
# nothing else here uses); the test that talks to it skips only where none answers.
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def redis_cache(url: str) -> SharedRedisCache:
    return SharedRedisCache(url, {"KEY_PREFIX": "test-shared-clients"})


def test_one_client_serves_every_call_to_a_server():
    cache = redis_cache("redis://127.0.0.1:6379/0")  # no connection is made to build clients
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    assert cache._cache.get_client("any key", write=True) is client


def test_reads_from_replicas_get_their_own_client():
    cache = redis_cache("redis://127.0.0.1:6379/0,redis://127.0.0.1:6380/0")
    primary = cache._cache.get_client(write=True)
    replica = cache._cache.get_client()  # reads go to the other servers
    assert replica is not primary
    assert cache._cache.get_client() is replica
    assert replica.connection_pool.connection_kwargs["port"] == 6380


@pytest.mark.skipif(not redis_answers(REDIS_URL), reason=f"no Redis server at {REDIS_URL}")
def test_it_behaves_as_djangos_redis_cache():
    cache = redis_cache(REDIS_URL)
    cache.delete_many(["a", "n"])
    assert cache.get("a") is None
    cache.set("a", {"b": [1, 2]}, 30)
    assert cache.get("a") == {"b": [1, 2]}
    assert cache.add("a", "other") is False
    cache.set("n", 1)
    assert cache.incr("n", 2) == 3
    cache.delete_many(["a", "n"])
    assert cache.get_many(["a", "n"]) == {}
