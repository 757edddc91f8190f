"""A versioned cache for the pages built from all figures at once (the comparison, the overviews).

Every entry's key carries a version number kept in the cache itself; ``invalidate()`` bumps the
version, so every entry built before becomes unreachable at once (and expires on its own).
Entries are per language: their texts (labels, dates, notices) are translated when built.
The receivers in ``clusterportal.signals`` call ``invalidate()`` whenever the data changes;
bulk writes that send no signals (the LEG import) call it themselves.

The cache may be out of reach (a Redis outage): the backend (``core.cache_backends``)
then answers as an empty cache, so every entry is built from the database, and a bump of the
version is lost. ``lost_invalidations()`` counts those (the LEG import warns about them).

Stale entries after an outage: a lost bump leaves the version key as it was, and if Redis comes
back with its data (a network partition, a restart from its snapshot), every entry built before
the outage would be served again though the data changed meanwhile. So a process that saw the
cache fail bumps the version itself the first time it reaches the cache again
(``current_version``): every process that was serving pages during the outage does, each once,
and what they cost is one rebuild of each entry. A change written by a process that saw the
outage and ended before it (the import command) is caught by the others' bump; if no other
process touched the cache during the outage, the entries expire on their own (pages after
``PAGE_TIMEOUT``, figures after ``TIMEOUT``), or ``manage.py invalidate_cache`` drops them at
once. A Redis that comes back empty holds no version key: a fresh one is made (never an old
number), so nothing stale can be read.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

VERSION_KEY = "clusterportal:figures:version"
TIMEOUT = 60 * 60 * 24

T = TypeVar("T")

logger = logging.getLogger(__name__)

_lost_invalidations = 0
# The backend's failure count when this process last found the cache answering.
_failures_when_last_up = 0


def _failures() -> int:
    """How many cache operations of this process failed so far (0 for caches that never do)."""
    failures = getattr(cache, "failures", None)
    return failures() if callable(failures) else 0


def lost_invalidations() -> int:
    """How many invalidations of this process could not reach the cache so far."""
    return _lost_invalidations


def current_version() -> int:
    global _failures_when_last_up
    failures = _failures()
    version = cache.get(VERSION_KEY)
    if _failures() != failures:
        return 0  # out of reach: nothing is kept, so any number will do
    if failures != _failures_when_last_up:
        # Back after an outage this process saw: a bump may have been lost meanwhile.
        _failures_when_last_up = failures
        if version is not None and _bump():
            version = cache.get(VERSION_KEY, version)
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


def _bump() -> bool:
    """Make the version new; False (and a warning) if the cache could not be reached."""
    global _lost_invalidations
    failures = _failures()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    if _failures() == failures:
        return True
    _lost_invalidations += 1
    logger.warning("Cache nicht erreichbar: die gespeicherten Seiten konnten nicht erneuert werden.")
    return False


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
