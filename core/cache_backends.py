"""A Redis cache that fails open: with Redis out of reach the portal gets slower, never down.

Everything the portal keeps in its cache can be rebuilt from the database: the rendered pages
and figures (``core.cache``), the directory's counts, the sitemap, the export rate
limit's counters. So when Redis cannot be reached (connection refused, a timeout, a restart)
``FailOpenRedisCache`` answers as an empty cache that keeps nothing: ``get`` gives the default,
``set`` does nothing, ``add``/``delete``/``touch``/``has_key`` give False, ``incr`` gives
None (django-ratelimit reads that as "count unknown"; ``core.ratelimit`` lets the export through
and refuses the public forms). Each failure is logged as a warning.

After a failure Redis is not asked again for ``RETRY_SECONDS`` (``OPTIONS["RETRY_SECONDS"]``,
default 5) in this process: a dead or black-holed Redis costs one connection attempt (bounded
by the client's ``socket_connect_timeout``) per process every few seconds, not one per cache
call. ``failures()`` counts the failed operations of the process; ``core.cache``
compares it before and after to know an invalidation was lost and to heal after an outage.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What "Redis out of reach" looks like: redis-py's errors (ConnectionError, TimeoutError,
# BusyLoadingError, a read-only replica's errors, …) and the socket's own (OSError).
UNAVAILABLE = (RedisError, OSError)


class _Outage:
    """The process's view of one Redis location: failures so far, and until when not to ask."""

    def __init__(self):
        self.lock = threading.Lock()
        self.failures = 0
        self.down_until = 0.0


class FailOpenRedisCache(RedisCache):
    """Django's ``RedisCache``, answering as an empty cache while Redis cannot be reached."""

    _outages: dict[str, _Outage] = {}
    _outages_lock = threading.Lock()

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        location = server if isinstance(server, str) else ",".join(server)
        with self._outages_lock:
            self._outage = self._outages.setdefault(location, _Outage())

    def failures(self) -> int:
        """How many cache operations of this process have failed so far (for this location)."""
        return self._outage.failures

    def _call(self, operation, fallback, *args, **kwargs):
        outage = self._outage
        if outage.down_until and time.monotonic() < outage.down_until:
            with outage.lock:
                outage.failures += 1
            return fallback
        try:
            result = operation(*args, **kwargs)
        except UNAVAILABLE as error:
            with outage.lock:
                outage.failures += 1
                outage.down_until = time.monotonic() + self.retry_seconds
            logger.warning(
                "Cache nicht erreichbar (%s: %s); die Seiten werden ohne Cache gebaut.",
                type(error).__name__,
                error,
            )
            return fallback
        if outage.down_until:
            outage.down_until = 0.0
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError, as in every Django cache.
        return self._call(super().incr, None, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)
