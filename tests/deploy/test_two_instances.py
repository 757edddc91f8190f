"""Two app servers, one PostgreSQL, one Redis: the app servers hold no state.

Two gunicorn processes (production settings) on different loopback ports share a PostgreSQL
database of their own (created here, dropped after) and one Redis database. A network's page,
cached in Redis by both, shows an edit made through the back office of server A at once when
fetched through server B, and a session opened through A is valid on B.

Needs PostgreSQL (the test run's DATABASE_URL) and Redis at 127.0.0.1:6379: skipped without
them, a failure instead when PORTAL_REQUIRE_SERVICES=1 (CI's PostgreSQL pass).
"""

import contextlib
import os
import re
import secrets
import uuid
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from tests.deploy.servers import Gunicorn, manage, production_env

REDIS_URL = "redis://127.0.0.1:6379/14"
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"
PUBLIC = {"Host": "portal.example", "X-Forwarded-Proto": "https"}
NETWORK = "optonet"


def unavailable(reason):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (PORTAL_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)


def require_services():
    if connection.vendor != "postgresql":
        unavailable(
            "Zwei App-Server brauchen PostgreSQL: DATABASE_URL=postgres://… setzen "
            f"(jetzt: {connection.vendor})"
        )
    try:
        redis_client().ping()
    except Exception as error:
        unavailable(f"Zwei App-Server brauchen Redis auf 127.0.0.1:6379: {error}")


def server_database():
    """Connection settings of the test run's PostgreSQL server."""
    config = settings.DATABASES["default"]
    return {
        "host": config.get("HOST") or "127.0.0.1",
        "port": str(config.get("PORT") or 5432),
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or "",
    }


def admin_sql(statement):
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **server_database()) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="module")
def servers(request):
    """Servers A and B, migrated database with the reference data and a superuser."""
    require_services()
    static_root = request.getfixturevalue("static_root")
    name = f"cp_two_instances_{os.getpid()}"
    prefix = f"two-instances-{uuid.uuid4().hex[:12]}"
    db = server_database()
    auth = f"{db['user']}:{db['password']}" if db["password"] else db["user"]
    password = secrets.token_urlsafe(16)
    env = production_env(
        DATABASE_URL=f"postgres://{auth}@{db['host']}:{db['port']}/{name}",
        CACHE_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        STATIC_ROOT=static_root,
        DJANGO_SUPERUSER_PASSWORD=password,
    )
    running = []
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "load_reference_data")
        manage(env, "createsuperuser", "--noinput", "--username", "redaktion",
               "--email", "redaktion@example.org")  # fmt: skip
        for _ in range(2):
            running.append(Gunicorn(env))
            running[-1].start()
        yield {
            "a": running[0],
            "b": running[1],
            "password": password,
            "prefix": prefix,
            "database": name,
        }
    finally:
        for server in running:
            server.stop()
        with contextlib.suppress(Exception):
            client = redis_client()
            keys = list(client.scan_iter(match=f"{prefix}:*"))
            if keys:
                client.delete(*keys)
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class FormFields(HTMLParser):
    """The fields a browser would submit from the form with id ``form_id``."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # Browsers drop the newline Django writes after <textarea>.
            self.fields.append((name, value.removeprefix("\r\n").removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


class BackOffice:
    """A staff member's browser session against one server: cookies sent by hand (they are
    Secure; the proxy's X-Forwarded-Proto makes the request count as HTTPS)."""

    def __init__(self, server, cookies=None):
        self.server = server
        self.cookies = dict(cookies or {})

    def headers(self, **extra):
        cookie = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        return {**PUBLIC, "Cookie": cookie, **extra}

    def get(self, path):
        response = self.server.get(path, headers=self.headers())
        self.cookies.update(response.cookies())
        return response

    def post(self, path, fields):
        body = urlencode(fields)
        response = self.server.get(
            path,
            method="POST",
            body=body,
            headers=self.headers(
                **{
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": "https://portal.example",
                }
            ),
        )
        self.cookies.update(response.cookies())
        return response

    def login(self, password):
        page = self.get("/admin/login/?next=/admin/")
        parser = FormFields("login-form")
        parser.feed(page.text)
        fields = dict(parser.fields, username="redaktion", password=password)
        response = self.post("/admin/login/?next=/admin/", fields)
        assert response.status == 302, response.text[:2000]
        assert "sessionid" in self.cookies
        return self


def network_page(server):
    response = server.get(f"/netzwerke/{NETWORK}/", headers=PUBLIC)
    assert response.status == 200
    return response.text


def test_a_session_opened_through_a_is_valid_on_b(servers):
    """Logged in through A, the same session cookie opens the back office on B."""
    through_a = BackOffice(servers["a"]).login(servers["password"])
    through_b = BackOffice(servers["b"], cookies=through_a.cookies)
    response = through_b.get("/admin/")
    assert response.status == 200
    assert "redaktion" in response.text
    assert BackOffice(servers["b"]).get("/admin/").status == 302  # without it: the login


def test_an_edit_through_a_is_visible_through_b_at_once(servers):
    """A network's page, cached in the shared Redis, shows a description saved through A's
    back office at once when fetched through B."""
    a, b = servers["a"], servers["b"]
    assert "Zwei-Server-Test" not in network_page(a)
    assert "Zwei-Server-Test" not in network_page(b)
    keys = [key.decode() for key in redis_client().scan_iter(match=f"{servers['prefix']}:*")]
    assert any(":clusterportal:figures:page:" in key for key in keys), keys

    staff = BackOffice(a).login(servers["password"])
    listing = staff.get(f"/admin/networks/network/?slug__exact={NETWORK}")
    path = re.search(r"/admin/networks/network/\d+/change/", listing.text).group(0)
    form = staff.get(path)
    assert form.status == 200
    parser = FormFields("network_form")
    parser.feed(form.text)
    fields = [(name, value) for name, value in parser.fields if name != "description"]
    fields += [("description", "Neu im Zwei-Server-Test: gespeichert über Server A."), ("_save", "1")]
    saved = staff.post(path, fields)
    assert saved.status == 302, saved.text[:3000]

    assert "Neu im Zwei-Server-Test: gespeichert über Server A." in network_page(b)
    assert "Neu im Zwei-Server-Test: gespeichert über Server A." in network_page(a)


def test_pages_recover_when_the_database_drops_every_connection(servers):
    """After PostgreSQL ends every connection (as a restart does), the next uncached pages are
    served again at once: the kept connections are checked before reuse (CONN_HEALTH_CHECKS),
    no app server restart needed."""
    a, b = servers["a"], servers["b"]
    for number, server in enumerate([a, b, a, b]):  # every worker thread keeps a connection
        assert server.get(f"/mitglieder/?q=vorher{number}", headers=PUBLIC).status == 200
    ended = admin_sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{servers['database']}' AND pid <> pg_backend_pid()"
    )
    assert ended, "the app servers kept no connection (CONN_MAX_AGE)"
    for number, server in enumerate([a, b, a, b, a, b]):
        response = server.get(f"/mitglieder/?q=nachher{number}", headers=PUBLIC)
        assert response.status == 200, response.text[:500]
