"""Cache-based rate limits (django-ratelimit) for the public forms."""

from django.conf import settings
from django_ratelimit.core import is_ratelimited


def client_ip(request) -> str:
    """The client's address as the login throttling reads it (trusting AXES_PROXY_COUNT
    proxies), so one rule decides for the whole portal."""
    return settings.AXES_CLIENT_IP_CALLABLE(request)


def rate_limited(request, limits: list[tuple[str, str, str]]) -> bool:
    """Count this request against every ``(group, rate, value)`` and say whether any limit is
    exceeded. Every limit is counted, also when another one refuses, so a sender who keeps
    trying stays limited."""
    limited = False
    for group, rate, value in limits:
        if is_ratelimited(
            request,
            group=group,
            key=lambda _group, _request, value=value: value,
            rate=rate,
            increment=True,
        ):
            limited = True
    return limited
