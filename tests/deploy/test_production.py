"""Production settings, served as in production: ``check --deploy`` passes, collectstatic makes
hashed and compressed files, and gunicorn (gunicorn.conf.py, whitenoise) serves them with
long caching, gzip, the security headers, the HTTPS redirect and JSON logs.

Every server here runs in a subprocess on its own SQLite file, so these tests run the same on
the SQLite and the PostgreSQL pass."""

import re
import subprocess
import time

import pytest

from tests.deploy.servers import PYTHON, REPO_ROOT, Gunicorn, manage, production_env

HTTPS = {"X-Forwarded-Proto": "https", "Host": "portal.example"}


def test_check_deploy_passes_with_production_settings():
    """``manage.py check --deploy --fail-level WARNING`` finds nothing with production settings
    and only SECRET_KEY and ALLOWED_HOSTS set."""
    env = production_env()
    del env["SECURE_SSL_REDIRECT"]
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    """Without SECRET_KEY in the environment, production settings fail and name it."""
    env = production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [PYTHON, "manage.py", "check"], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory, static_root):
    """gunicorn with production settings (HTTPS redirect on, as in production), its static
    files collected into a temporary STATIC_ROOT and a migrated SQLite file of its own."""
    root = tmp_path_factory.mktemp("production")
    env = production_env(
        DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}",
        STATIC_ROOT=static_root,
        SECURE_SSL_REDIRECT="True",
    )
    manage(env, "migrate", "--noinput")
    gunicorn = Gunicorn(env)
    try:
        yield gunicorn.start(), static_root
    finally:
        gunicorn.stop()


def hashed_css(static_root):
    names = sorted(path.name for path in (static_root / "css").glob("portal.*.css"))
    assert names, "no hashed portal.css"
    return names[0]


def test_collectstatic_makes_hashed_and_compressed_files(server):
    """collectstatic writes every file under a content-hashed name, with a .gz copy and a
    manifest."""
    _, static_root = server
    name = hashed_css(static_root)
    assert re.fullmatch(r"portal\.[0-9a-f]{12}\.css", name)
    assert (static_root / "css" / f"{name}.gz").is_file()
    assert (static_root / "staticfiles.json").is_file()
    assert list((static_root / "admin" / "js").glob("inlines.*.js.gz"))


def test_hashed_static_file_is_cached_for_long_and_gzipped(server):
    """A hashed static URL comes with a cache lifetime of at least a year, immutable, and
    gzipped for a client that accepts it (plain for one that does not)."""
    gunicorn, static_root = server
    path = f"/static/css/{hashed_css(static_root)}"
    response = gunicorn.get(path, headers={**HTTPS, "Accept-Encoding": "gzip"})
    assert response.status == 200
    max_age = int(re.search(r"max-age=(\d+)", response.headers["Cache-Control"]).group(1))
    assert max_age >= 365 * 24 * 60 * 60
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.body[:2] == b"\x1f\x8b"
    plain = gunicorn.get(path, headers=HTTPS)
    assert plain.headers.get("Content-Encoding") is None
    assert b"{" in plain.body


def test_public_page_carries_the_security_headers(server):
    """A public page served over HTTPS (behind the proxy) has HSTS, X-Frame-Options DENY, a
    referrer policy, nosniff and the enforced Content-Security-Policy."""
    gunicorn, _ = server
    response = gunicorn.get("/netzwerke/", headers=HTTPS)
    assert response.status == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "Content-Security-Policy-Report-Only" not in headers


def test_session_and_csrf_cookies_are_secure(server):
    """The CSRF cookie the login form sets is marked Secure."""
    gunicorn, _ = server
    response = gunicorn.get("/admin/login/", headers=HTTPS)
    assert response.status == 200
    cookie = next(c for c in response.headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    assert "Secure" in cookie


def test_plain_http_is_redirected_to_https_except_healthz(server):
    """A request the proxy did not mark as HTTPS is redirected; the load balancer's /healthz
    over plain HTTP is answered."""
    gunicorn, _ = server
    response = gunicorn.get("/netzwerke/", headers={"Host": "portal.example"})
    assert response.status == 301
    assert response.headers["Location"] == "https://portal.example/netzwerke/"
    health = gunicorn.get("/healthz", headers={"Host": "portal.example"})
    assert health.status == 200


def test_logs_are_json_lines_with_request_fields(server):
    """gunicorn and the app log one JSON object per line; a request's access line has method,
    path (without the query string), status and duration."""
    gunicorn, _ = server
    gunicorn.get("/mitglieder/?q=jemand%40example.org", headers=HTTPS)
    # gunicorn writes the access line after the response has gone: wait for it a little.
    deadline = time.monotonic() + 15
    while True:
        try:
            lines = gunicorn.log_lines()  # fails if any line is not JSON
        except ValueError:  # a line being written just now
            lines = []
        access = [line for line in lines if line["logger"] == "gunicorn.access"]
        members = [line for line in access if line["path"] == "/mitglieder/"]
        if members or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    lines = gunicorn.log_lines()  # every line complete by now: each must be JSON
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    assert members, access
    assert members[-1]["method"] == "GET"
    assert members[-1]["status"] == 200
    assert isinstance(members[-1]["duration_ms"], float)
    assert "example.org" not in gunicorn.output()
