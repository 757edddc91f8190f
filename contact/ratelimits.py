"""Cache-based rate limits (django-ratelimit) for the public forms."""

from django_ratelimit.core import is_ratelimited

from core.client_ip import client_ip as core_client_ip


def client_ip(request) -> str:
    """The client's address as the login throttling reads it (X-Forwarded-For only from
    TRUSTED_PROXIES), so one rule decides for the whole portal."""
    return core_client_ip(request)


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
