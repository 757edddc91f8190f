import sys

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.cache import cache_public_page, cached
from growthfields.selectors import comparison_table
from networks.selectors import networks_in_brochure_order

# What a request meets when the database (or the shared cache) cannot be reached: connection
# refused, server restarting or gone, a timeout (Django's RedisCache raises redis-py's errors).
# Such a request gets the 503 page, not a 500.
UNAVAILABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 30


@method_decorator(cache_public_page, name="dispatch")
class HomeView(TemplateView):
    """Start page: the growth fields and networks at a glance, entry points to the rest."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        table = comparison_table()
        return super().get_context_data(
            rows=table.rows,
            footnotes=table.overview_footnotes,
            networks=cached("home-networks", lambda: list(networks_in_brochure_order())),
            **kwargs,
        )


HEALTH_KEY = "clusterportal:healthz"


@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """For the load balancer: 200 ``{"status": "ok"}`` when this instance reaches the database
    (``SELECT 1``) and the cache; 200 ``{"status": "degraded"}`` when only the cache is out of
    reach (pages are then built from the database: slower, not down, so the load balancer must
    keep the instance); 503 ``{"status": "unavailable"}`` when the database is. Never cached."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except UNAVAILABLE:
        checks["database"] = "unavailable"
    try:
        cache.set(HEALTH_KEY, 1, timeout=10)
        checks["cache"] = "ok" if cache.get(HEALTH_KEY) == 1 else "unavailable"
    except UNAVAILABLE:
        checks["cache"] = "unavailable"
    if checks["database"] != "ok":
        status, code = "unavailable", 503
    elif checks["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)


def is_unavailable(error: BaseException | None) -> bool:
    """Whether ``error``, or an error it was raised from, says the database or cache is out of
    reach (rather than a bug)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def service_unavailable(request):
    """The friendly 503 page. Rendered without the request's context processors, so without
    any database access (no user, no session, no messages), and never cached."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: the 503 page when the database or cache is unreachable, else the 500 page.

    Django calls it for an exception from any layer, the view, ``ATOMIC_REQUESTS`` opening its
    transaction and every middleware (sessions, authentication) alike, while the exception is
    being handled, so ``sys.exception()`` is the error.
    """
    if is_unavailable(sys.exception()):
        return service_unavailable(request)
    return defaults.server_error(request, template_name=template_name)
