"""Structured logs: with LOG_FORMAT=json (production's default) every record is one JSON
object per line on stdout, with time, level, logger and message, and a request's method, path
and status, but never its query string."""

import json
import logging
import subprocess
import sys

from clusterportal.logging import ACCESS_FORMAT, JsonFormatter
from tests.deploy.servers import REPO_ROOT


def format_record(name, msg, args=(), **extra):
    record = logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return json.loads(JsonFormatter().format(record))


def test_request_error_becomes_json_with_request_fields(rf):
    """A django.request record gives method, path and status, not the request object and not
    the query string (a search may hold an e-mail address)."""
    request = rf.get("/mitglieder/", {"q": "jemand@example.org"})
    line = format_record(
        "django.request",
        "Service Unavailable: %s",
        ("/mitglieder/",),
        request=request,
        status_code=503,
    )
    assert line["logger"] == "django.request"
    assert line["level"] == "ERROR"
    assert line["message"] == "Service Unavailable: /mitglieder/"
    assert line["method"] == "GET"
    assert line["path"] == "/mitglieder/"
    assert line["status"] == 503
    assert line["time"].endswith("+00:00")
    assert "example.org" not in json.dumps(line)


def test_gunicorn_access_line_gets_request_fields():
    """gunicorn's access record (its atoms as arguments) gives method, path, status, bytes and
    the duration in milliseconds."""
    atoms = {"m": "GET", "U": "/netzwerke/", "s": "200", "B": 4057, "D": 15320, "q": "x=1"}
    line = format_record("gunicorn.access", ACCESS_FORMAT, (atoms,))
    assert line["message"] == "GET /netzwerke/ 200"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/netzwerke/", 200)
    assert line["bytes"] == 4057
    assert line["duration_ms"] == 15.3


def test_log_format_json_writes_json_lines_to_stdout():
    """With LOG_FORMAT=json the settings' LOGGING writes a logged error, traceback included,
    as one parseable JSON line to stdout."""
    code = (
        "import django, logging\n"
        "django.setup()\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    logging.getLogger('django.request').exception('Kaputt')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "clusterportal.settings.base",
            "LOG_FORMAT": "json",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    errors = [line for line in lines if line["logger"] == "django.request"]
    assert errors[0]["message"] == "Kaputt"
    assert errors[0]["level"] == "ERROR"
    assert "ZeroDivisionError" in errors[0]["exc_info"]
