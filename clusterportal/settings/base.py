"""Base settings, read from the environment (django-environ).

``DATABASE_URL`` selects the database; without it the portal uses the SQLite file
``db.sqlite3`` in the repository root, so a fresh machine needs no server.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from core.formats import SafeCSV, SafeXLSX

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "axes",
    "csp",
    "django_filters",
    "drf_spectacular",
    "import_export",
    "post_office",
    "rest_framework",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
]
LOCAL_APPS = [
    "clusterportal",
    "core",
    "growthfields",
    "networks",
    "members",
    "events",
    "imports",
    "contact",
    "corrections",
    "pages",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-csp's middleware, plus the back office's PORTAL_ADMIN_CSP_UPDATE.
    "clusterportal.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins while an address/user is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "clusterportal.urls"
WSGI_APPLICATION = "clusterportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clusterportal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("Deutsch")),
    ("en", _("Englisch")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # KERN, the German administration's design system, as npm installed it (`make setup`).
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Links without a scheme ("www.elmug.de") get https://, as Django 6 will do by default.
FORMS_URLFIELD_ASSUME_HTTPS = True

# django-import-export: only the two formats the agency works with, both escaping formulas on
# export (core.csvsafe) and undoing exactly that on import.
IMPORT_EXPORT_FORMATS = [SafeCSV, SafeXLSX]
# Uploads between preview and confirm: 0600 files below LEG_IMPORT_UPLOAD_DIR, never in /tmp.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "core.tmp_storage.PrivateTempFolderStorage"
# Import and export need their own permissions ("members.import_organisation",
# "networks.export_membership", …; see networks/scoping.py), not just staff status.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"

# LEG spreadsheet import: limits that refuse a file before it is parsed in full.
LEG_IMPORT_MAX_BYTES = env.int("LEG_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)  # uploads
LEG_IMPORT_COMMAND_MAX_BYTES = env.int("LEG_IMPORT_COMMAND_MAX_BYTES", default=200 * 1024 * 1024)
LEG_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int(
    "LEG_IMPORT_MAX_UNCOMPRESSED_BYTES", default=300 * 1024 * 1024
)
LEG_IMPORT_MAX_ROWS = env.int("LEG_IMPORT_MAX_ROWS", default=500_000)
LEG_IMPORT_MAX_COLUMNS = env.int("LEG_IMPORT_MAX_COLUMNS", default=200)
# How long an import waits for another one writing (seconds), then fails with a message.
LEG_IMPORT_LOCK_WAIT = env.int("LEG_IMPORT_LOCK_WAIT", default=60)
# Uploaded files wait here between preview and confirm; never below MEDIA_ROOT (not served).
LEG_IMPORT_UPLOAD_DIR = env.path("LEG_IMPORT_UPLOAD_DIR", default=BASE_DIR / "var" / "imports")
# A row exactly as last imported (and its organisation unedited since) costs a hash, not a
# cleaning and comparison (imports.digest). Off: every row goes the full path.
LEG_IMPORT_DIGESTS = env.bool("LEG_IMPORT_DIGESTS", default=True)
# Back-office uploads larger than this are planned and written by the task worker
# (imports.tasks; `manage.py import_worker`), with a progress page, instead of in the request.
LEG_IMPORT_BACKGROUND_BYTES = env.int("LEG_IMPORT_BACKGROUND_BYTES", default=1024 * 1024)
# A running background import whose worker gave no sign of life for this long is failed.
LEG_IMPORT_WORKER_TIMEOUT = env.int("LEG_IMPORT_WORKER_TIMEOUT", default=120)  # seconds
# Django's tasks API (django-tasks, the backport): jobs in the database, run by db_worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600

# Logs go to stdout: plain lines in development, one JSON object per line with LOG_FORMAT=json
# (production's default; fields: clusterportal.logging). django.request's errors propagate here.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "clusterportal.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": env("LOG_FORMAT", default="text"),
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Public portal
PORTAL_PAGE_SIZE = 25
# Public pages are kept rendered until the data changes (core.cache.cache_public_page).
PORTAL_PAGE_CACHE = env.bool("PORTAL_PAGE_CACHE", default=True)
PORTAL_MAX_PAGE_SIZE = 100
# The member directory's export (members.views): every client (address, or account when signed
# in) may ask for PORTAL_EXPORT_RATE exports ("10/10m": ten per ten minutes), then gets 429
# with Retry-After; the counters are in the cache and, without it, not enforced (fail open,
# core.ratelimit).
# Anonymous exports hold at most PORTAL_EXPORT_ANONYMOUS_MAX_ROWS rows and point to the full
# file, written to PORTAL_EXPORT_DIR once per data version (and day) and served from there.
PORTAL_EXPORT_RATE = env("PORTAL_EXPORT_RATE", default="10/10m")
# Exports (and writes of the full file) running at once per app server process; the others get
# 429 at once, so that a burst of downloads leaves the worker threads to the pages.
PORTAL_EXPORT_CONCURRENCY = env.int("PORTAL_EXPORT_CONCURRENCY", default=1)
PORTAL_EXPORT_ANONYMOUS_MAX_ROWS = env.int("PORTAL_EXPORT_ANONYMOUS_MAX_ROWS", default=5000)
PORTAL_EXPORT_DIR = env.path("PORTAL_EXPORT_DIR", default=BASE_DIR / "var" / "exports")
# Off, django-ratelimit's default: each limit decides what a dead cache means (core.ratelimit):
# the export lets requests through, the public forms refuse them until the cache is back.
RATELIMIT_FAIL_OPEN = False
# The licence the open data (pages' downloads and the API) is published under.
PORTAL_DATA_LICENSE = {
    "name": env(
        "PORTAL_DATA_LICENSE_NAME", default="Datenlizenz Deutschland – Namensnennung – Version 2.0"
    ),
    "id": env("PORTAL_DATA_LICENSE_ID", default="dl-de/by-2-0"),
    "url": env("PORTAL_DATA_LICENSE_URL", default="https://www.govdata.de/dl-de/by-2-0"),
    "attribution": env(
        "PORTAL_DATA_ATTRIBUTION", default="Thüringer ClusterManagement (ThCM), LEG Thüringen"
    ),
}
# Who is told by e-mail of a barrier reported through the accessibility statement's form
# (comma-separated); without it the address for barrier reports in the back office's contact details.
PORTAL_STAFF_EMAIL = env.list("PORTAL_STAFF_EMAIL", default=[])
# The address the portal is reached at, for canonical links in the sitemap (no trailing slash).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="")

# Without CACHE_URL a file cache under var/cache (CACHE_DIR), shared by every process on this
# machine: a change made on the command line (import_leg) shows on the running server at once.
CACHE_DIR = env.path("CACHE_DIR", default=BASE_DIR / "var" / "cache")
CACHES = {
    "default": env.cache("CACHE_URL", default=f"filecache://{CACHE_DIR}"),
}
# Redis fails open (core.cache_backends): out of reach, it answers as an empty cache,
# so pages are built from the database and nothing answers 503 for it. Connecting and reading
# give up after CACHE_SOCKET_TIMEOUT seconds; after a failure Redis is asked again after
# CACHE_RETRY_SECONDS.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache_backends.FailOpenRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
            "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
            "RETRY_SECONDS": env.float("CACHE_RETRY_SECONDS", default=5),
        }
    )
# django-ratelimit counts in the default cache. Django's own RedisCache (production's CACHE_URL)
# counts atomically but is not on the library's list (W001). The local-memory cache of
# development and tests counts per process (E003): with several app servers, set CACHE_URL.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Mail: EMAIL_URL names the SMTP server (smtp+tls://user:password@host:587, see
# django-environ); without it mail is printed to the console. Nothing is sent while a page is
# answered: mail is queued in the database (django-post-office) and sent by
# "manage.py send_queued_mail" (docs/operations.md, "Mail"), which retries a refused mail
# POST_OFFICE["MAX_RETRIES"] times, RETRY_INTERVAL apart.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update({key: value for key, value in EMAIL_CONFIG.items() if value is not None})
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Clusterportal Thüringen <portal@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_CONFIG["EMAIL_BACKEND"]},
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": env.int("MAIL_MAX_RETRIES", default=5),
    "RETRY_INTERVAL": timedelta(minutes=env.int("MAIL_RETRY_MINUTES", default=10)),
    "LOG_LEVEL": 1,  # failures only: a delivered message leaves no log row
    "MESSAGE_ID_ENABLED": True,
    "THREADS_PER_PROCESS": 1,
}

# "Kontakt aufnehmen" (contact): limits against abuse, and how long messages are kept.
CONTACT_RETENTION_DAYS = env.int("CONTACT_RETENTION_DAYS", default=30)
CONTACT_MESSAGE_MAX_CHARS = 5000
CONTACT_MIN_FILL_SECONDS = 3  # a form sent sooner after it was loaded is refused
CONTACT_FORM_MAX_AGE_SECONDS = 24 * 60 * 60  # an older form is reloaded
# django-ratelimit rates ("count/period", period s, m, h or d).
CONTACT_RATE_PER_SENDER = env("CONTACT_RATE_PER_SENDER", default="5/h")  # sender's e-mail
CONTACT_RATE_PER_IP = env("CONTACT_RATE_PER_IP", default="10/h")  # client address
CONTACT_RATE_PER_RECIPIENT = env("CONTACT_RATE_PER_RECIPIENT", default="20/d")
# Barrier reports through the accessibility statement's form (pages), per client address.
FEEDBACK_RATE_PER_IP = env("FEEDBACK_RATE_PER_IP", default="10/h")

# "Aktualität" (back office): what is listed as outdated, in days (mail: minutes waiting).
FRESHNESS_KEY_FIGURE_DAYS = env.int("FRESHNESS_KEY_FIGURE_DAYS", default=3 * 365)
FRESHNESS_MEMBER_COUNT_DAYS = env.int("FRESHNESS_MEMBER_COUNT_DAYS", default=2 * 365)
FRESHNESS_PROFILE_REVIEW_DAYS = env.int("FRESHNESS_PROFILE_REVIEW_DAYS", default=365)
FRESHNESS_ORGANISATION_RECORD_DAYS = env.int("FRESHNESS_ORGANISATION_RECORD_DAYS", default=2 * 365)
FRESHNESS_MAIL_MINUTES = env.int("FRESHNESS_MAIL_MINUTES", default=60)

# Content-Security-Policy (django-csp 4), enforced in every setting, not report-only. The public
# pages run no JavaScript and load only our own CSS and images. The back office (every view of
# the admin site, import-export and the LEG import included) may also use inline <style> blocks,
# as Django's change list and the import pages do, and nothing else: the admin's scripts are
# files and pass 'self'. clusterportal.middleware.CSPMiddleware adds PORTAL_ADMIN_CSP_UPDATE.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for KERN's icons, which kern.min.css carries as data: SVG images.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
PORTAL_ADMIN_CSP_UPDATE = {"style-src": ["'unsafe-inline'"]}

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.LicensedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.PortalAutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Clusterportal Thüringen – Open Data API",
    "DESCRIPTION": "Wachstumsfelder mit Kennzahlen und Quellen, Netzwerke und Mitglieder. Nur lesend.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Every date in the API says how precisely it is known: one enum for all of them.
    "ENUM_NAME_OVERRIDES": {"DatePrecisionEnum": "core.dates.DatePrecision"},
}

# Login throttling (django-axes 8). After AXES_FAILURE_LIMIT failed logins for the same user
# name from the same address, that combination is locked out for AXES_COOLOFF_MINUTES (every
# further attempt during the lockout starts the wait again); a successful login clears the
# count. The client's address is REMOTE_ADDR, unless the request comes from one of the
# TRUSTED_PROXIES (addresses or networks, "10.0.0.1,192.168.0.0/24"; empty by default): only
# then is X-Forwarded-For read, from the right, skipping the trusted proxies' own entries; the
# first other entry is the client. A client reaching the app directly cannot choose its address
# with a forged header. django-ipware is not installed, so core.client_ip does it
# (the export's rate limit counts per client the same way).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60  # hours, as axes reads it
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_VERBOSE = False  # no "AXES: BEGIN" line from every process at start
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
