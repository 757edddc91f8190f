"""Settings for the test suite: the base settings with a fast password hasher."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405

# Tests measure the pages themselves; the page cache has its own tests.
PORTAL_PAGE_CACHE = False

# Test clients leave streamed responses open: exports would keep their slots (members.views).
# The tests of the slots set their own limit.
PORTAL_EXPORT_CONCURRENCY = 10_000
# Mail queued by the tests is "sent" into django.core.mail.outbox; the SMTP tests point the
# backend at their own server.
POST_OFFICE = {
    **POST_OFFICE,  # noqa: F405
    "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
}

# Each test run keeps its cache in memory (never the checkout's var/cache), unless CACHE_URL
# names one; tests of the file cache shared between processes start their own processes.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://clusterportal-tests")}  # noqa: F405
