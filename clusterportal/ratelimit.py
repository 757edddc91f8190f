"""A per-client rate limit for expensive public views: django-ratelimit's counters in the cache.

Clients are told apart by their address (``clusterportal.client_ip``, so a forged
X-Forwarded-For from outside the proxies changes nothing), signed-in users by their account.
The counters live in the shared cache; with the cache out of reach django-ratelimit cannot
count and, as ``RATELIMIT_FAIL_OPEN`` says, lets the request through (the cache fails open,
``clusterportal.cache_backends``): an outage of Redis must not lock the public out.
"""

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django_ratelimit.core import get_usage

from clusterportal.client_ip import client_ip


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
