"""A per-client rate limit for expensive public views: django-ratelimit's counters in the cache.

Clients are told apart by their address (``core.client_ip``, so a forged
X-Forwarded-For from outside the proxies changes nothing), signed-in users by their account.
The counters live in the shared cache; with the cache out of reach django-ratelimit cannot
count and, as ``RATELIMIT_FAIL_OPEN`` says, lets the request through (the cache fails open,
``core.cache_backends``): an outage of Redis must not lock the public out.

``Slots`` bounds how many such requests run at once in a process, whatever their clients: a
rate per client cannot stop eight clients (or one with eight connections) from taking every
worker thread at the same moment.
"""

import threading

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django_ratelimit.core import get_usage

from core.client_ip import client_ip


def client_key(group, request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def seconds_to_wait(request, *, group: str, rate: str) -> int | None:
    """Count this request against ``rate`` ("10/10m") for its client; the seconds until the
    client may ask again if it is over the limit, else None."""
    usage = get_usage(request, group=group, key=client_key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def too_many_requests(message: str, seconds: int) -> HttpResponse:
    """429 with ``Retry-After`` and a plain-text message for the visitor."""
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response


class Slots:
    """At most ``limit`` requests of one kind at a time in this process (thread-safe). A
    request that finds no free slot is answered at once instead of waiting: a worker's threads
    stay free for the pages."""

    def __init__(self):
        self._lock = threading.Lock()
        self.running = 0

    def try_acquire(self, limit: int) -> bool:
        with self._lock:
            if self.running >= limit:
                return False
            self.running += 1
            return True

    def release(self) -> None:
        with self._lock:
            self.running = max(0, self.running - 1)

    def hold_while_streaming(self, response):
        """Release the slot when ``response`` is closed: the server closes every response once
        it is sent or the client went away (Django's response closers run exactly once)."""
        response._resource_closers.append(self.release)
        return response
