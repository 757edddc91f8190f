"""Production settings: secrets and hosts come from the environment, never defaults.

Required: ``SECRET_KEY`` (50+ random characters) and ``ALLOWED_HOSTS``. Every app server of one
portal gets the same environment: ``DATABASE_URL`` (PostgreSQL), ``CACHE_URL``
(``redis://host:6379/1``: the page cache and its version key are shared, so an edit through one
server is visible through all), and nothing is kept on the app servers themselves (sessions are
in the database, uploads waiting for confirmation in ``LEG_IMPORT_UPLOAD_DIR``, which must be a
shared directory when there is more than one server). The README lists every variable.
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, LOGGING, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# The addresses forms are posted from, with scheme ("https://portal.example"); Django derives
# them from ALLOWED_HOSTS for https requests, so this is only needed for other origins.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Connections are kept for CONN_MAX_AGE seconds and checked before each request reuses them,
# so pages recover by themselves after a database restart.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# CACHE_URL=redis://host:6379/1, one Redis for all app servers (base.py reads it). The prefix
# lets several portals (production, staging) share one Redis database.
CACHES["default"].setdefault("KEY_PREFIX", env("CACHE_KEY_PREFIX", default="clusterportal"))

# collectstatic writes here; whitenoise serves it.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cached for a year by whitenoise) and .gz/.br copies made by collectstatic.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind the reverse proxy, which terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Login throttling counts per client address: set TRUSTED_PROXIES to the reverse proxy's
# address(es) (base.py reads it); X-Forwarded-For is read only for requests coming from there.
# The load balancer asks the app servers directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# One JSON object per line on stdout (LOG_FORMAT=text for plain lines).
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")
