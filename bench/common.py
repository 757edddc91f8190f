"""What the benchmarks share (bench/run.py, pages.py, load.py, faults.py).

Paths and logging, free ports, PostgreSQL databases (create, drop), Django set up against a
benchmark database, the generated LEG exports (written once, reused by every benchmark), the
code state and the machine a report was measured on, gunicorn started and stopped on loopback,
and nearest-rank percentiles. Nothing here imports Django or psycopg at module level, so every
benchmark's ``--help`` works without a database.
"""

import csv
import datetime as dt
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
BIN = Path(sys.executable).parent
GENERATOR = Path(
    os.environ.get("LEG_GENERATOR", REPO.parent / "shared" / "leg" / "make_leg_export.py")
)
SEED = 2012  # the generator's seed for every benchmark's export, so the files are shared
CHANGE_EVERY = 10  # the later export changes every tenth row
# The code a report's figures depend on: uncommitted changes there are named in the report.
CODE_DIRS = (
    "clusterportal", "core", "growthfields", "networks", "members", "imports", "templates",
    "static",
)


def log(message):
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- ports


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


# --------------------------------------------------------------------------- PostgreSQL


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def pg_admin(url):
    """An autocommit connection to the maintenance database ``postgres`` of ``url``'s server."""
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


def drop_database(url):
    """Drop ``url``'s database if it exists, ending its connections."""
    from psycopg import sql

    with pg_admin(url) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(database_name(url))
            )
        )


def create_database(url):
    from psycopg import sql

    with pg_admin(url) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database_name(url))))


def setup_django(database_url, **environ):
    """Django with the base settings, ``DEBUG=False`` (as in production) and ``database_url``;
    ``environ`` adds or overrides environment variables before setup."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="clusterportal.settings.base",
        DEBUG="False",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="testserver,localhost,127.0.0.1",
        **environ,
    )
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))

    import django

    django.setup()


def server_version(connection):
    """``PostgreSQL 15.x`` or ``SQLite 3.x`` of a Django connection."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


# --------------------------------------------------------------------------- the LEG exports


def export_path(rows, *, seed=SEED, first_id=1):
    """Where the generated export of ``rows`` rows lives (one name per rows, seed, first id)."""
    return OUT / f"leg_r{rows}_s{seed}_f{first_id}.csv"


def export_file(rows, *, seed=SEED, first_id=1, quiet=False):
    """The generated LEG export, written by ../shared/leg/make_leg_export.py (``LEG_GENERATOR``)
    unless a file of the same rows, seed and first id is there already."""
    path = export_path(rows, seed=seed, first_id=first_id)
    if path.exists():
        if not quiet:
            log(f"reusing {path.relative_to(REPO)}")
        return path
    if not GENERATOR.is_file():
        sys.exit(f"generator not found: {GENERATOR} (set LEG_GENERATOR)")
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    if not quiet:
        log(f"writing {path.relative_to(REPO)} …")
    subprocess.run(
        [sys.executable, str(GENERATOR), "--rows", str(rows), "--out", str(tmp),
         "--seed", str(seed), "--first-id", str(first_id)],
        check=True, capture_output=quiet,
    )
    tmp.replace(path)
    return path


def _csv_writer(stream):
    # The generator's dialect: ';', '"', minimal quoting, CRLF; so unchanged rows stay identical.
    return csv.writer(stream, delimiter=";", lineterminator="\r\n")


def rewrite_export(source, target, change=None, limit=None):
    """Copy the CSV row by row, passing each data row (1-based number, row) through ``change``;
    at most ``limit`` data rows. Returns how many rows ``change`` changed."""
    tmp = target.with_name(f".{target.name}.tmp")
    changed = 0
    with (
        source.open(encoding="utf-8-sig", newline="") as inp,
        tmp.open("w", encoding="utf-8-sig", newline="") as out,
    ):
        reader, writer = csv.reader(inp, delimiter=";"), _csv_writer(out)
        header = next(reader)
        writer.writerow(header)
        for number, row in enumerate(reader, 1):
            if limit is not None and number > limit:
                break
            if change is not None and change(number, header, row):
                changed += 1
            writer.writerow(row)
    tmp.replace(target)
    return changed


def _later_stand(number, header, row):
    """Every tenth row: the record was updated, its Stand is one year (365 days) later."""
    if number % CHANGE_EVERY:
        return False
    column = header.index("Stand")
    stand = dt.datetime.strptime(row[column], "%d.%m.%Y").date()
    row[column] = (stand + dt.timedelta(days=365)).strftime("%d.%m.%Y")
    return True


def _differing_lines(a, b):
    with a.open("rb") as one, b.open("rb") as two:
        lines_a, lines_b = one.read().splitlines(), two.read().splitlines()
    if len(lines_a) != len(lines_b):
        return -1
    return sum(x != y for x, y in zip(lines_a, lines_b, strict=True))


def later_export(export):
    """The "later export" of ``export``: every tenth row's ``Stand`` one year on, every other
    byte identical (checked). Written once beside the export, reused afterwards."""
    later = export.with_name(f"{export.stem}_later{CHANGE_EVERY}.csv")
    if later.exists():
        log(f"reusing {later.relative_to(REPO)}")
        return later
    changed = rewrite_export(export, later, change=_later_stand)
    differing = _differing_lines(export, later)
    if differing != changed:
        later.unlink()
        sys.exit(f"later export: {differing} lines differ, expected {changed}")
    log(f"wrote {later.relative_to(REPO)}: Stand +365 days in {changed:,} rows")
    return later


# --------------------------------------------------------------------------- what was measured


def code_state(dirs=CODE_DIRS):
    """``Code: <git describe>`` and, if any, the uncommitted changes under ``dirs`` (others
    may edit the code while a benchmark runs)."""
    def git(*args):
        proc = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return proc.stdout.rstrip("\n")

    described = git("describe", "--always", "--tags").strip() or "?"
    changed = git("status", "--porcelain", "--", *dirs).splitlines()
    folders = sorted({line[3:].split("/")[0] + "/" for line in changed})
    return f"Code: {described}" + (
        f", uncommitted changes in {len(changed)} files under {', '.join(folders)}"
        if changed
        else ""
    )


def machine():
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


# --------------------------------------------------------------------------- timing


def percentile(values, fraction):
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of the values at
    or below it (p95 of 20 values is the 19th smallest). ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


# --------------------------------------------------------------------------- gunicorn


def server_env(*, database_url, cache_url, page_cache, extra=None):
    """The environment of gunicorn and of ``manage.py`` runs against it: production settings,
    loopback host, no SSL redirect (no TLS proxy in front), static files in bench/out/static."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="clusterportal.settings.production",
        SECRET_KEY="bench-load-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        PORTAL_PAGE_CACHE="True" if page_cache else "False",
        PYTHONPATH=str(REPO),
        STATIC_ROOT=str(OUT / "static"),
    )
    env.pop("DEBUG", None)
    env.update(extra or {})
    return env


def collectstatic(env):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=REPO, env=env, check=True,
    )


def wait_http(url, timeout=60.0, alive=lambda: True):
    """Wait until ``url`` answers 200; the status last seen otherwise (or the error). Gives up
    at once when ``alive()`` says the server has died."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline and alive():
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return 200
                last = response.status
        except urllib.error.HTTPError as error:
            last = error.code
        except OSError as error:
            last = error
        time.sleep(0.3)
    return last


class Gunicorn:
    """gunicorn (the repository's gunicorn.conf.py) serving clusterportal.wsgi on loopback,
    started and stopped by us; a context manager."""

    def __init__(self, *, env, workers, threads, port=None, log_path=None):
        self.env, self.workers, self.threads = env, workers, threads
        self.port = port or free_port()
        self.log_path = log_path or OUT / "load_gunicorn.log"
        self.process = None
        self.log_file = None

    @property
    def host(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.log_file = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"), "clusterportal.wsgi",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers),
                "--threads", str(self.threads),
                "--chdir", str(REPO),
            ],
            cwd=REPO, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT,
        )
        status = wait_http(
            f"{self.host}/", timeout=90, alive=lambda: self.process.poll() is None
        )
        if status != 200:
            self.stop()
            raise RuntimeError(f"gunicorn did not answer 200 on / ({status}); see {self.log_path}")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log_file:
            self.log_file.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
