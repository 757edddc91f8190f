"""Middleware of the portal itself."""

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.conf import settings


def is_back_office(request) -> bool:
    """Whether the request was answered by a view of the admin site (any language prefix)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.app_names


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with ``settings.PORTAL_ADMIN_CSP_UPDATE`` added to the enforced
    policy of the back office's responses only; public pages keep the strict policy."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and is_back_office(request):
            update = dict(parts.update or {})
            for directive, sources in settings.PORTAL_ADMIN_CSP_UPDATE.items():
                update[directive] = [*update.get(directive, ()), *sources]
            parts.update = update
        return parts
