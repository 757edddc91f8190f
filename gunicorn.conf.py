"""gunicorn for the portal: ``gunicorn`` in the repository root reads this file.

Every value comes from the environment, so all app servers share one file:

- ``BIND`` (e.g. ``10.0.0.5:8000`` or ``unix:/run/clusterportal.sock``), else ``HOST``:``PORT``
  (default ``127.0.0.1:8000``);
- ``WEB_CONCURRENCY``: worker processes, default 2 × cores + 1; ``GUNICORN_THREADS``: threads
  per worker, default 2;
- ``GUNICORN_TIMEOUT``: seconds a request may take, default 120 (a 20 MB LEG upload's preview);
- ``FORWARDED_ALLOW_IPS``: the reverse proxies whose ``X-Forwarded-Proto`` is trusted;
- ``LOG_FORMAT=text`` for gunicorn's own plain lines instead of JSON.

Worker class ``gthread``: a page spends much of its time waiting for PostgreSQL and Redis, when
other threads can run; a long back-office request (a LEG import) then holds one thread, not a
whole process; and keep-alive connections from the proxy are kept without blocking a worker.
Each thread keeps its own database connection: workers × threads × servers must stay below
PostgreSQL's ``max_connections``.
"""

import multiprocessing
import os

from clusterportal.logging import ACCESS_FORMAT

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterportal.settings.production")

wsgi_app = "clusterportal.wsgi:application"

bind = [
    os.environ.get("BIND")
    or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
]
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# On SIGTERM (deploy, scale-down) running requests get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then: a large import leaves a big heap behind.
max_requests = 1000
max_requests_jitter = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Access and error lines as JSON objects on stdout, in the same shape as the app's logs
# (clusterportal.logging): method, path without the query string, status, duration, bytes.
access_log_format = ACCESS_FORMAT
if os.environ.get("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
        },
        "formatters": {"json": {"()": "clusterportal.logging.JsonFormatter"}},
    }
else:
    accesslog = "-"
