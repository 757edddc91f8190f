"""The portal's URLs plus a trivial view, for bench/pages.py only (never in the site's URLconf).

``/bench-ok/`` answers a plain "ok" through the same middleware stack as every page: the
floor the pages are measured against.
"""

from django.http import HttpResponse
from django.urls import path

from clusterportal import urls as portal_urls


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench-ok/", ok, name="bench_ok"),
    *portal_urls.urlpatterns,
]

# Keep the portal's error handlers, if it defines any.
for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(portal_urls, _name):
        globals()[_name] = getattr(portal_urls, _name)
