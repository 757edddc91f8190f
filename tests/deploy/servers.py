"""Helpers for the deployment tests: production settings in subprocesses, gunicorn on a free
loopback port, plain HTTP requests (no cookie jar: secure cookies are sent by hand)."""

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
START_TIMEOUT = 120  # seconds; this machine is slow and shared
WITHOUT_BROTLI = Path(__file__).with_name("without_brotli")


def production_env(**extra) -> dict:
    """The environment of an app server: production settings, secrets of its own, no SSL
    redirect (the tests speak plain HTTP on loopback, as the proxy does)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="clusterportal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,portal.example",
        SECURE_SSL_REDIRECT="False",
        LOG_FORMAT="json",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env: dict, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """``manage.py *args`` in a subprocess; fails with its output if it fails."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def collectstatic(static_root: Path) -> None:
    """``collectstatic`` with the production settings (hashed names, whitenoise's compression)
    into ``static_root``, without the brotli copies (see without_brotli/brotli.py)."""
    path = [str(WITHOUT_BROTLI), *filter(None, [os.environ.get("PYTHONPATH")])]
    manage(production_env(STATIC_ROOT=static_root, PYTHONPATH=os.pathsep.join(path)),
           "collectstatic", "--noinput")  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def cookies(self) -> dict:
        """The cookies set by this response: name → value."""
        found = {}
        for header in self.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
        return found


def request(port, path, method="GET", headers=None, body=None, timeout=60) -> Response:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


@dataclass
class Gunicorn:
    """One app server: ``gunicorn`` with the repository's gunicorn.conf.py."""

    env: dict
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log: Path | None = None

    def start(self):
        handle, name = tempfile.mkstemp(prefix="gunicorn-", suffix=".log")
        os.close(handle)
        self.log = Path(name)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [GUNICORN, "--bind", f"127.0.0.1:{self.port}"],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.output()}")
            with contextlib.suppress(OSError):
                if request(self.port, "/healthz", timeout=10).status == 200:
                    return self
            time.sleep(0.5)
        raise AssertionError(f"gunicorn did not answer /healthz:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    def log_lines(self) -> list[dict]:
        """The JSON objects it logged, one per line (a line that is not JSON fails)."""
        return [json.loads(line) for line in self.output().splitlines() if line.strip()]

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.log is not None:
            self.log.unlink(missing_ok=True)

    def get(self, path, **kwargs) -> Response:
        return request(self.port, path, **kwargs)
