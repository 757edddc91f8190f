"""A versioned cache for the pages built from all figures at once (the comparison, the overviews).

Every entry's key carries a version number kept in the cache itself; ``invalidate()`` bumps the
version, so every entry built before becomes unreachable at once (and expires on its own).
Entries are per language: their texts (labels, dates, notices) are translated when built.
The receivers in ``clusterportal.signals`` call ``invalidate()`` whenever the data changes;
bulk writes that send no signals (the LEG import) call it themselves.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

VERSION_KEY = "clusterportal:figures:version"
TIMEOUT = 60 * 60 * 24

T = TypeVar("T")


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh number, never an old one: entries of an evicted version stay unreachable.
        version = time.time_ns()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def make_key(key: str) -> str:
    return f"clusterportal:figures:{key}:{get_language() or '-'}:{current_version()}"


def cached(key: str, builder: Callable[[], T]) -> T:
    """The entry ``key`` in the active language, built by ``builder()`` if missing or stale."""
    full_key = make_key(key)
    value = cache.get(full_key)
    if value is None:
        value = builder()
        cache.set(full_key, value, timeout=TIMEOUT)
    return value


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def invalidate_on_commit() -> None:
    """Make every cached entry stale when the running transaction commits (at once outside
    one). For long bulk writes (the LEG import): until they commit, other requests still read
    the old data, so their cached pages stay right and are served throughout."""
    transaction.on_commit(_bump)


def invalidate() -> None:
    """Make every cached entry stale, now and again when the running transaction commits.

    Bumping now lets the writing request see its change; bumping on commit discards an entry
    another request may have built from the old data in between.
    """
    _bump()
    transaction.on_commit(_bump)


PAGE_TIMEOUT = 60 * 10  # "current" memberships depend on the date: never older than this


def cache_public_page(view):
    """Keep a public page's rendered HTML until the data changes (or ``PAGE_TIMEOUT``).

    Only anonymous GET requests answered with 200 are kept; the key is the full address (scheme,
    host, path, query) and the language, and the entry goes stale with every change (``invalidate``). The
    public pages carry no per-visitor content (no forms that post, no messages), so every
    visitor may get the same copy. ``settings.PORTAL_PAGE_CACHE = False`` turns it off.
    """
    import hashlib
    from functools import wraps

    from django.conf import settings
    from django.http import HttpResponse

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if (
            request.method != "GET"
            or not getattr(settings, "PORTAL_PAGE_CACHE", True)
            or (user is not None and user.is_authenticated)
        ):
            return view(request, *args, **kwargs)
        # The host and scheme too: the page names its canonical address with them.
        address = request.build_absolute_uri()
        digest = hashlib.sha256(address.encode()).hexdigest()
        key = make_key(f"page:{digest}")
        entry = cache.get(key)
        if entry is not None:
            content, content_type = entry
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), timeout=PAGE_TIMEOUT)
        return response

    return wrapper
