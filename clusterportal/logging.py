"""Structured logs: one JSON object per line, the same shape for the app and gunicorn.

Every line has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``; a request's
line adds ``method``, ``path`` (never the query string: searches may hold names or e-mail
addresses) and ``status``, and gunicorn's access lines ``duration_ms`` and ``bytes``. The
client's address is not logged. Tracebacks come as ``exc_info``.

Used by ``LOGGING`` (``LOG_FORMAT=json``, the default in production) and by
``gunicorn.conf.py``; this module must not import Django settings.
"""

from collections.abc import Mapping
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
# gunicorn's access atoms: what we keep and under which name.
ACCESS_FORMAT = "%(m)s %(U)s %(s)s"


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class JsonFormatter(BaseJsonFormatter):
    """python-json-logger's formatter with our field names and request fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", FORMAT)
        kwargs.setdefault("rename_fields", RENAMED)
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def formatTime(self, record, datefmt=None):
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")

    def add_fields(self, log_record, record, message_dict):
        super().add_fields(log_record, record, message_dict)
        # django.request / django.server pass the request itself: keep method and path only.
        request = log_record.pop("request", None)
        if request is not None and hasattr(request, "method"):
            log_record.setdefault("method", request.method)
            log_record.setdefault("path", getattr(request, "path", None))
        if "status_code" in log_record:
            log_record["status"] = log_record.pop("status_code")
        log_record.pop("server_time", None)
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            atoms = record.args
            log_record.update(
                method=atoms.get("m"),
                path=atoms.get("U"),
                status=_number(atoms.get("s")),
                bytes=_number(atoms.get("B")),
            )
            microseconds = _number(atoms.get("D"))
            if microseconds is not None:
                log_record["duration_ms"] = round(microseconds / 1000, 1)
