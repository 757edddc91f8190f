"""Rate limits for the public views: django-ratelimit's counters in the cache.

Clients are told apart by their address (``core.client_ip``, so a forged
X-Forwarded-For from outside the proxies changes nothing), signed-in users by their account.
The counters live in the shared cache. With the cache out of reach nothing can be counted, and
each limit decides what that means (docs/robustness.md, "Rate limits without the cache"):

- ``seconds_to_wait`` (the directory's export) fails open: a dead cache must not take the
  downloads down, and ``Slots`` still bounds them.
- ``form_refusal`` (contact, correction and barrier-report forms) fails closed: the form is
  refused with a German message until the cache is back, since a form that sends mail or
  writes a row would otherwise be open to a flood.

django-ratelimit's own switch ``RATELIMIT_FAIL_OPEN`` stays off, so that an outage is seen
here (a counted request with the count 0) and not mistaken for a request within the limit.

``Slots`` bounds how many such requests run at once in a process, whatever their clients: a
rate per client cannot stop eight clients (or one with eight connections) from taking every
worker thread at the same moment.
"""

import threading
from typing import NamedTuple

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from core.client_ip import client_ip


def client_key(group, request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def _count(request, *, group: str, key, rate: str) -> tuple[bool, int | None]:
    """Count this request against ``rate`` ("10/10m") under ``key``: whether it could be
    counted (a counted request has a count of at least 1; 0 means the cache is out of reach),
    and the seconds until the key may ask again if it is over the limit, else None."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is None:  # limits switched off (RATELIMIT_ENABLE)
        return True, None
    if usage["count"] == 0:
        return False, None
    if not usage["should_limit"]:
        return True, None
    return True, max(1, int(usage["time_left"]))


def seconds_to_wait(request, *, group: str, rate: str) -> int | None:
    """Count this request against ``rate`` for its client; the seconds until the client may
    ask again if it is over the limit, else None. Fails open: without the cache nothing is
    counted and nobody waits."""
    return _count(request, group=group, key=client_key, rate=rate)[1]


FORMS_UNAVAILABLE = _(
    "Das Formular kann wegen einer technischen Störung gerade nicht gesendet werden. Bitte "
    "versuchen Sie es in einigen Minuten erneut."
)


class Refusal(NamedTuple):
    """Why a form is not sent: the message for the form, the response's status."""

    message: str
    status: int


def form_refusal(request, limits: list[tuple[str, str, str]], *, message) -> Refusal | None:
    """Count this request against every ``(group, rate, value)``: ``message`` with 429 if any
    limit is exceeded, ``FORMS_UNAVAILABLE`` with 503 if the cache cannot count (fails
    closed), else None. Every limit is counted, also when another one refuses, so a sender who
    keeps trying stays limited."""
    refusal = None
    for group, rate, value in limits:
        counted, wait = _count(
            request, group=group, key=lambda _group, _request, value=value: value, rate=rate
        )
        if not counted:
            return Refusal(FORMS_UNAVAILABLE, 503)
        if wait is not None:
            refusal = Refusal(message, 429)
    return refusal


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
