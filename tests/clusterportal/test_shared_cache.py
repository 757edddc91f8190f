"""Without CACHE_URL the default cache is shared between processes: an import run on the
command line shows at once on a development server that is already running.

Everything runs as separate processes with the development settings (not the test settings):
``migrate``, a ``runserver`` and ``import_leg`` against one SQLite file and the default cache
(its directory moved into the test's temporary directory with CACHE_DIR)."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_FILE = REPO_ROOT / "fixtures" / "demo" / "leg-demo.csv"
COUNT = re.compile(r'class="result-count"[^>]*>(\d+) Organisation')
START_ATTEMPTS = 600  # × 0.1 s: runserver needs a while to start on a busy machine


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dev_environment(tmp_path):
    """The development settings on a fresh SQLite file; CACHE_URL unset."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CACHE_URL", "DATABASE_URL", "PORTAL_PAGE_CACHE", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="clusterportal.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CACHE_DIR=str(tmp_path / "cache"),
        DEBUG="False",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def dev_server(dev_environment, tmp_path):
    """A migrated database and `runserver` on it, in their own processes."""
    result = manage(dev_environment, "migrate", "--noinput", "-v0")
    assert result.returncode == 0, result.stderr
    result = manage(dev_environment, "load_reference_data")
    assert result.returncode == 0, result.stderr
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO_ROOT,
        env=dev_environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(START_ATTEMPTS):
            if server.poll() is not None:
                pytest.fail((tmp_path / "server.log").read_text())
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("runserver did not answer")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def directory_count(base):
    with urllib.request.urlopen(f"{base}/mitglieder/", timeout=30) as response:
        html = response.read().decode()
    match = COUNT.search(html)
    assert match, html[:2000]
    return int(match.group(1))


def test_an_import_on_the_command_line_shows_at_once_on_the_running_server(
    dev_server, dev_environment, tmp_path
):
    """The server has cached the empty directory; import_leg, another process, invalidates
    the shared cache, so the server's next answer counts the imported organisations."""
    assert directory_count(dev_server) == 0
    assert directory_count(dev_server) == 0  # now served from the page cache

    result = manage(dev_environment, "import_leg", str(DEMO_FILE))
    assert result.returncode == 0, result.stderr

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        (published,) = db.execute(
            "SELECT COUNT(*) FROM members_organisation WHERE published"
        ).fetchone()
    assert published == 300
    assert directory_count(dev_server) == published
    assert any((tmp_path / "cache").iterdir()), "the server did not use the file cache"
