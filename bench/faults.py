#!/usr/bin/env python
"""Fault tests: PostgreSQL restarted while visitors browse, and killed during a LEG import.

    .venv/bin/python bench/faults.py [--port 55432] [--rows 100000] [--keep]

Runs against a PRIVATE PostgreSQL cluster it creates itself (``initdb`` as the user postgres in
a temporary directory under /tmp, ``pg_ctl`` on ``--port``), so that stopping and killing the
database disturbs nobody else; the cluster is stopped and its directory deleted at the end,
also after a failure (``--keep`` keeps it for a post-mortem). Must run as root or postgres.

(a) Browsing: gunicorn (production settings, page cache off so every request reads the
database) and a client fetching pages in a loop; the database is restarted (``pg_ctl restart
-m fast``), and once more stopped for a few seconds and started again. Checked: no request
during the outage hangs, they get the 503 page, and after the restart pages answer 200 again
without restarting gunicorn (time to recovery). Once with ``CONN_MAX_AGE=60`` (production:
persistent connections, health checks) and once with ``CONN_MAX_AGE=0``.

(b) Import: ``manage.py import_leg`` of a 100,000-row export; as soon as it writes (a COPY,
INSERT or UPDATE of the import is active in ``pg_stat_activity``), the database is killed
(``pg_ctl stop -m immediate``), then started again. Checked: the command exited non-zero with a
clear error message (no traceback), nothing of the file is in the database, and the import
run is recorded as failed.

(c) Redis outage: gunicorn with ``CACHE_URL`` at a closed port and the page cache on: every
page and ``/healthz`` (200, "degraded"), a save with its cache signals and an import
(``import_leg`` exits 0 with a warning), timed against the same pages with Redis up.

(d) Export flood: 8 parallel anonymous XLSX exports for 20 s while ``/`` and ``/healthz`` are
measured (rate limit and export slots: 429 beyond them); before it, the full file twice
(written once, then served from disk).

Prints PASS/FAIL per check and writes bench/out/faults.md; exit status 1 if any check failed.
See docs/performance.md.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import (  # noqa: E402
    GENERATOR,
    OUT,
    SEED,
    Gunicorn,
    code_state,
    collectstatic,
    export_file,
    log,
    port_free,
    server_env,
)

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "clusterportal_faults"
HANG_LIMIT = 5.0  # seconds: a request during the outage that takes longer "hangs"
RECOVERY_LIMIT = 30.0  # seconds after the database is back
OUTAGE = 5.0  # seconds the database stays stopped in the outage scenario
BROWSE_FIRST_ID = 500_001  # the browsing data's LEG-IDs, apart from the import file's
BROWSE_ROWS = 2_000
ORGANISATIONS = 100_000
# The Redis database the Redis and export scenarios may empty (the load benchmark's).
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"


# --------------------------------------------------------------------------- the cluster


class Cluster:
    """A throw-away PostgreSQL cluster in a temporary directory, run as the user postgres."""

    def __init__(self, port):
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="cp_faults_", dir="/tmp"))
        self.data = self.root / "data"
        self.logfile = self.root / "postgres.log"
        shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _as_postgres(self, *command, check=True):
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(
            [str(c) for c in command], capture_output=True, text=True, check=check
        )

    def init(self):
        self._as_postgres(
            PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync",
        )
        return self

    def pg_ctl(self, action, *options, check=True):
        extra = ()
        if action in ("start", "restart"):
            extra = (
                "-l", self.logfile, "-o",
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1",
            )
        return self._as_postgres(
            PG_BIN / "pg_ctl", action, "-D", self.data, "-w", *extra, *options, check=check
        )

    def start(self):
        self.pg_ctl("start")

    def stop(self, mode="fast", check=True):
        return self.pg_ctl("stop", "-m", mode, check=check)

    def restart(self, mode="fast"):
        self.pg_ctl("restart", "-m", mode)

    def running(self):
        return self.pg_ctl("status", check=False).returncode == 0

    def connect(self):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=DATABASE, autocommit=True
        )

    def destroy(self, keep=False):
        if self.running():
            self.stop("immediate", check=False)
        if keep:
            log(f"kept {self.root} (port {self.port})")
        else:
            shutil.rmtree(self.root, ignore_errors=True)


def manage(env, *args, check=True, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, check=check, **kwargs
    )


def browse_file():
    return export_file(BROWSE_ROWS, seed=SEED, first_id=BROWSE_FIRST_ID, quiet=True)


# --------------------------------------------------------------------------- the checks


@dataclass
class Check:
    name: str
    passed: bool
    detail: str = ""


@dataclass
class Scenario:
    title: str
    checks: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def check(self, name, passed, detail=""):
        self.checks.append(Check(name, bool(passed), detail))
        log(f"  {'PASS' if passed else 'FAIL'}: {name}{f' ({detail})' if detail else ''}")

    @property
    def passed(self):
        return all(c.passed for c in self.checks)


@dataclass
class Hit:
    start: float
    end: float
    url: str
    status: int | None  # None: no HTTP answer at all
    error: str = ""

    @property
    def seconds(self):
        return self.end - self.start


class Browser(threading.Thread):
    """Fetches the addresses in turn, one request at a time, until stopped."""

    def __init__(self, host, urls, timeout=30.0):
        super().__init__(daemon=True)
        self.host, self.urls, self.timeout = host, urls, timeout
        self.hits = []
        self.stopping = threading.Event()

    def run(self):
        index = 0
        while not self.stopping.is_set():
            url = self.urls[index % len(self.urls)]
            index += 1
            start = time.time()
            try:
                with urllib.request.urlopen(self.host + url, timeout=self.timeout) as response:
                    response.read()
                    status, error = response.status, ""
            except urllib.error.HTTPError as exc:
                status, error = exc.code, ""
            except OSError as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"
            self.hits.append(Hit(start, time.time(), url, status, error))
            time.sleep(0.05)

    def stop(self):
        self.stopping.set()
        self.join(timeout=self.timeout + 5)


def status_counts(hits):
    counts = {}
    for hit in hits:
        key = str(hit.status) if hit.status is not None else "no answer"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{n} × {key}" for key, n in sorted(counts.items())) or "none"


def recovery(hits, since, consecutive=10):
    """Seconds from ``since`` to the first 200 after which ``consecutive`` answers in a row
    are 200; None if that never happened."""
    later = [h for h in hits if h.start >= since]
    for i, hit in enumerate(later):
        run = later[i : i + consecutive]
        if len(run) == consecutive and all(h.status == 200 for h in run):
            return hit.end - since
    return None


def browse_scenario(cluster, env, urls, *, kind, conn_max_age):
    """(a) One gunicorn, a browsing client; the database restarted (``kind="restart"``) or
    stopped for OUTAGE seconds and started again (``kind="outage"``)."""
    title = {
        "restart": "database restarted (`pg_ctl restart -m fast`) while browsing",
        "outage": f"database stopped for {OUTAGE:.0f} s (`pg_ctl stop -m fast`, then `start`) "
        "while browsing",
    }[kind] + f", `CONN_MAX_AGE={conn_max_age}`"
    scenario = Scenario(title)
    log(f"(a) {title}")
    browse_env = dict(env, CONN_MAX_AGE=str(conn_max_age))
    server = Gunicorn(
        env=browse_env, workers=2, threads=2, log_path=OUT / "faults_gunicorn.log"
    ).start()
    browser = Browser(server.host, urls)
    try:
        browser.start()
        time.sleep(3)
        down = time.time()
        if kind == "restart":
            cluster.restart("fast")
        else:
            cluster.stop("fast")
            time.sleep(OUTAGE)
            cluster.start()
        up = time.time()
        deadline = up + RECOVERY_LIMIT
        while time.time() < deadline and recovery(browser.hits, up) is None:
            time.sleep(0.5)
        time.sleep(1)
        alive = server.process.poll() is None  # the same gunicorn, never restarted
    finally:
        browser.stop()
        server.stop()

    hits = browser.hits
    before = [h for h in hits if h.end <= down]
    outage = [h for h in hits if h.start >= down and h.start < up]
    overlapping = [h for h in hits if h.start < up and h.end > down]
    after = [h for h in hits if h.start >= up]
    recovered = recovery(hits, up)
    slowest = max((h.seconds for h in overlapping), default=0.0)
    scenario.figures += [
        ("requests before the fault", f"{len(before)}: {status_counts(before)}"),
        (
            "requests started while the database was down or restarting",
            f"{len(outage)} in {up - down:.1f} s: {status_counts(outage)}",
        ),
        ("slowest request overlapping the outage", f"{slowest:.2f} s"),
        ("requests after the database was back", f"{len(after)}: {status_counts(after)}"),
        (
            "time to recovery (database back → first of 10 consecutive 200s)",
            "never" if recovered is None else f"{recovered:.2f} s",
        ),
    ]
    scenario.check("every page answered 200 before the fault", before and all(
        h.status == 200 for h in before), status_counts(before))
    scenario.check(
        f"no request overlapping the outage took longer than {HANG_LIMIT:.0f} s (no hang)",
        slowest <= HANG_LIMIT, f"slowest {slowest:.2f} s",
    )
    failed = [h for h in outage if h.status != 200]
    scenario.check(
        "requests during the outage got the 503 page (or were answered normally)",
        all(h.status in (200, 503) for h in outage),
        status_counts(outage) + ("; none failed" if not failed else ""),
    )
    scenario.check(
        f"pages answer 200 again within {RECOVERY_LIMIT:.0f} s, gunicorn not restarted",
        recovered is not None and alive,
        "never" if recovered is None else f"after {recovered:.2f} s",
    )
    errors = sorted({h.error for h in hits if h.error})
    if errors:
        scenario.notes.append("Client errors: " + "; ".join(errors[:3]))
    return scenario


# --------------------------------------------------------------------------- (b) the import


COUNT_TABLES = (
    "members_organisation",
    "members_organisation_growth_fields",
    "networks_membership",
    "members_historicalorganisation",
    "imports_importrun",
)


def table_counts(connection):
    counts = {}
    for table in COUNT_TABLES:
        try:
            counts[table] = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        except Exception:  # noqa: BLE001 - a table renamed by a later migration is reported
            counts[table] = None
    return counts


def writing_query(connection):
    """The import's write of data, when one is running: a COPY, INSERT or UPDATE, but not of
    the run record itself (the import may save it before it writes the data)."""
    row = connection.execute(
        "SELECT left(query, 80) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
        "AND datname = current_database() AND state = 'active' "
        "AND (query ILIKE 'COPY%%' OR query ILIKE 'INSERT%%' OR query ILIKE 'UPDATE%%') "
        "AND query NOT ILIKE 'INSERT INTO \"imports_importrun\" %%' "
        "AND query NOT ILIKE 'UPDATE \"imports_importrun\" %%'"
    ).fetchone()
    return row[0] if row else None


@dataclass
class KilledImport:
    """``manage.py import_leg`` whose database was killed while it wrote."""

    returncode: int | None = None
    stdout: str = ""
    stderr_lines: list = field(default_factory=list)
    killed_at: float = 0.0  # seconds after the start
    killed_during: str | None = None  # the statement running when the database was killed
    exited_at: float = 0.0


def kill_during_import(cluster, env, path, scenario, *, write_timeout=600.0):
    """Start the import, kill the database (``pg_ctl stop -m immediate``) as soon as one of
    its writes is active, and wait for the command to exit. The database stays down."""
    killed = KilledImport()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_leg", str(path)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    reader = threading.Thread(
        target=lambda: killed.stderr_lines.extend(iter(process.stderr.readline, "")),
        daemon=True,
    )
    reader.start()
    started = time.time()
    try:
        with cluster.connect() as watcher:
            while process.poll() is None and time.time() - started < write_timeout:
                killed.killed_during = writing_query(watcher)
                if killed.killed_during:
                    break
                time.sleep(0.05)
        killed.killed_at = time.time() - started
        if killed.killed_during is None:
            killed.returncode = process.poll()
            return killed
        cluster.stop("immediate")
        log(f"  killed the database {killed.killed_at:.1f} s in, during: {killed.killed_during}")
        try:
            killed.stdout, rest = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            killed.stdout, rest = process.communicate()
            scenario.notes.append("The import did not exit within 300 s and was killed.")
        reader.join(timeout=5)
        # communicate() reads stderr too, racing the reader thread: keep what it got.
        killed.stderr_lines.extend((rest or "").splitlines(keepends=True))
        killed.exited_at = time.time() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    killed.returncode = process.returncode
    return killed


def import_scenario(cluster, env, path, *, write_timeout=600.0):
    scenario = Scenario(
        f"database killed (`pg_ctl stop -m immediate`) while `import_leg` writes "
        f"{path.name}"
    )
    log(f"(b) {scenario.title}")
    with cluster.connect() as connection:
        before = table_counts(connection)
    killed = kill_during_import(cluster, env, path, scenario, write_timeout=write_timeout)
    if killed.killed_during is None:
        scenario.check("the import reached its write phase", False,
                       f"exit {killed.returncode} before any write was seen")
        return scenario
    cluster.start()
    with cluster.connect() as connection:
        after = table_counts(connection)
        runs = connection.execute(
            "SELECT status, left(message, 200) FROM imports_importrun WHERE file_name = %s "
            "ORDER BY id", [path.name]
        ).fetchall()
        from_file = connection.execute(
            "SELECT count(*) FROM members_organisation WHERE leg_id BETWEEN %s AND %s",
            ["TH-000001", f"TH-{BROWSE_FIRST_ID - 1:06d}"],
        ).fetchone()[0]
    judge_import(scenario, killed, before=before, after=after, runs=runs, from_file=from_file)
    return scenario


def judge_import(scenario, killed, *, before, after, runs, from_file):
    """The killed import's figures and checks: a non-zero exit, a clear message and no
    traceback, nothing half-written, the run recorded as failed."""
    stderr_lines = killed.stderr_lines
    stderr = "".join(stderr_lines)
    progress = [line for line in stderr_lines if line.startswith(("Lesen", "Prüfen", "Schreiben"))]
    messages = [line for line in stderr_lines if line not in progress and not line.startswith("  ")]
    last_lines = "".join(stderr_lines[-6:]).strip()
    (OUT / "faults_import_stderr.txt").write_text(stderr, encoding="utf-8")
    # Where an uncaught exception left the project's code (the last frame outside the venv).
    frames = [line.strip() for line in stderr_lines
              if line.strip().startswith(f'File "{REPO}/') and "/.venv/" not in line]
    scenario.figures += [
        ("killed", f"{killed.killed_at:.1f} s after the start, while running "
         f"`{killed.killed_during}…`"),
        ("the command exited", f"{killed.exited_at - killed.killed_at:.1f} s later with status "
         f"{killed.returncode}"),
        ("rows before → after (organisations, growth-field links, memberships, "
         "organisation history, import runs)",
         " · ".join(f"{before[t]} → {after[t]}" for t in COUNT_TABLES)),
        ("import runs recorded for the file", ", ".join(f"{s}: {m!r}" for s, m in runs) or
         "none"),
    ]
    if "Traceback" in stderr and frames:
        scenario.figures.append(
            ("the traceback left the project's code in", frames[-1].replace(f"{REPO}/", ""))
        )
    scenario.notes.append(
        "Last lines on stderr (all of it: bench/out/faults_import_stderr.txt):\n\n```\n"
        + last_lines + "\n```"
    )
    scenario.check("the command exited with a non-zero status",
                   killed.returncode not in (0, None), f"exit {killed.returncode}")
    clear = "Traceback" not in stderr and any(line.strip() for line in messages)
    scenario.check("a clear error message on stderr, no traceback", clear,
                   "a Python traceback" if "Traceback" in stderr else messages[-1].strip()
                   if messages else "nothing")
    unchanged = all(before[t] == after[t] for t in COUNT_TABLES if t != "imports_importrun")
    scenario.check("nothing half-written: every table as before, no organisation of the file",
                   unchanged and from_file == 0, f"{from_file} organisations of the file")
    scenario.check("the import run is recorded as failed",
                   any(status == "failed" for status, _m in runs),
                   ", ".join(s for s, _m in runs) or "no run recorded")
    scenario.notes.append(f"stdout: {killed.stdout.strip()[-300:] or '(empty)'}")


# --------------------------------------------------------------------------- report, main


# --------------------------------------------------------------------------- Redis and exports

DEAD_CACHE_URL = "redis://127.0.0.1:1/0"  # a closed port: every cache call is refused
FLOOD_CLIENTS = 8
FLOOD_SECONDS = 20.0
EXPORT_URL = "/mitglieder/export/?format=xlsx"


def fetch(url, timeout=30.0):
    """(status or None, seconds, body) of one GET."""
    start = time.time()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, time.time() - start, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, time.time() - start, exc.read()
    except OSError:
        return None, time.time() - start, b""


def seconds_summary(values):
    if not values:
        return "–"
    ordered = sorted(values)
    median = ordered[len(ordered) // 2]
    return f"median {median * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms ({len(values)} requests)"


def redis_outage_scenario(env, urls, *, redis_url, rounds=5):
    """(c) Redis out of reach (``CACHE_URL`` at a closed port), page cache on: every page,
    ``/healthz``, a save with its signals and an import, against the same pages with Redis."""
    scenario = Scenario(f"Redis unreachable (`CACHE_URL={DEAD_CACHE_URL}`), page cache on")
    log(f"(c) {scenario.title}")
    timings = {}
    for label, cache_url in (("Redis up", redis_url), ("Redis down", DEAD_CACHE_URL)):
        redis_env = dict(env, CACHE_URL=cache_url, PORTAL_PAGE_CACHE="True")
        server = Gunicorn(
            env=redis_env, workers=2, threads=2, log_path=OUT / "faults_gunicorn.log"
        ).start()
        try:
            hits = [(url, *fetch(server.host + url)[:2]) for _ in range(rounds) for url in urls]
            health = fetch(server.host + "/healthz")
        finally:
            server.stop()
        timings[label] = [seconds for _, _, seconds in hits]
        statuses = status_counts([Hit(0, 0, url, status) for url, status, _ in hits])
        scenario.figures.append((f"pages, {label}", f"{statuses}; {seconds_summary(timings[label])}"))
        scenario.figures.append((f"`/healthz`, {label}", f"{health[0]} {health[2].decode()[:120]}"))
        if label == "Redis down":
            scenario.check("every page answers 200 with Redis down",
                           all(status == 200 for _, status, _ in hits), statuses)
            scenario.check("/healthz answers 200, cache degraded",
                           health[0] == 200 and b'"degraded"' in health[2], health[2].decode())
    dead = dict(env, CACHE_URL=DEAD_CACHE_URL)
    save = manage(
        dead, "shell", "-c",
        "from networks.models import Network; n = Network.objects.order_by('pk').first(); "
        "n.description = (n.description or '') + ' '; n.save(); print('saved', n.pk)",
        check=False, capture_output=True, text=True,
    )
    scenario.check("a save (model save and its cache signals, as the admin runs them) works",
                   save.returncode == 0 and "saved" in save.stdout, save.stderr.strip()[-200:])
    path = OUT / "faults_redis_import.csv"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--rows", "200", "--out", str(path),
         "--seed", str(SEED), "--first-id", "900001"],
        check=True, capture_output=True,
    )
    started = time.time()
    run = manage(dead, "import_leg", str(path), check=False, capture_output=True, text=True)
    scenario.figures.append(("import of 200 new rows, Redis down",
                             f"exit {run.returncode}, {time.time() - started:.1f} s"))
    scenario.check("import_leg commits and exits 0", run.returncode == 0,
                   run.stderr.strip()[-200:])
    scenario.check("import_leg warns that the page cache could not be renewed",
                   "Seiten-Cache war nicht erreichbar" in run.stderr)
    return scenario


def export_flood_scenario(env, *, redis_url):
    """(d) FLOOD_CLIENTS anonymous clients ask for the XLSX export in a loop for FLOOD_SECONDS
    while a browser measures ``/`` and ``/healthz``; before that, the same browser alone."""
    scenario = Scenario(
        f"export flood: {FLOOD_CLIENTS} parallel anonymous `{EXPORT_URL}` for "
        f"{FLOOD_SECONDS:.0f} s while `/` and `/healthz` are measured"
    )
    log(f"(d) {scenario.title}")
    redis_env = dict(env, CACHE_URL=redis_url, PORTAL_PAGE_CACHE="True")
    server = Gunicorn(
        env=redis_env, workers=2, threads=2, log_path=OUT / "faults_gunicorn.log"
    ).start()
    try:
        import redis

        redis.Redis.from_url(redis_url).flushdb()  # the rate limit's counters start at 0
        # The full file before the flood (the flood uses up this address's rate limit).
        full = [fetch(server.host + "/mitglieder/export/alle/?format=xlsx", timeout=300)
                for _ in range(2)]
        idle = Browser(server.host, ["/", "/healthz"])
        idle.start()
        time.sleep(5)
        idle.stop()
        exports, stop = [], threading.Event()

        def flood():
            while not stop.is_set():
                status, seconds, _ = fetch(server.host + EXPORT_URL, timeout=120)
                exports.append((status, seconds))

        browser = Browser(server.host, ["/", "/healthz"])
        browser.start()
        threads = [threading.Thread(target=flood, daemon=True) for _ in range(FLOOD_CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(FLOOD_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=130)
        browser.stop()
    finally:
        server.stop()
    for label, hits in (("idle", idle.hits), ("during the flood", browser.hits)):
        for url in ("/", "/healthz"):
            scenario.figures.append((f"`{url}` {label}", seconds_summary(
                [h.seconds for h in hits if h.url == url and h.status == 200])))
    served = [seconds for status, seconds in exports if status == 200]
    scenario.figures.append(("exports", status_counts([Hit(0, 0, "", st) for st, _ in exports])))
    scenario.figures.append(("exports answered 200", seconds_summary(served)))
    scenario.figures.append(("full file, first and second request",
                             ", ".join(f"{st} in {sec:.2f} s" for st, sec, _ in full)))
    during = list(browser.hits)
    scenario.check("`/` and `/healthz` answer 200 throughout the flood",
                   during and all(h.status == 200 for h in during), status_counts(during))
    scenario.check(f"no `/` or `/healthz` request takes longer than {HANG_LIMIT:.0f} s",
                   all(h.seconds < HANG_LIMIT for h in during),
                   f"max {max((h.seconds for h in during), default=0):.2f} s")
    scenario.check("exports beyond the rate limit get 429",
                   any(status == 429 for status, _ in exports))
    return scenario



def render(scenarios, header):
    lines = ["## Fault tests", "", header, ""]
    for scenario in scenarios:
        lines += [f"### {'PASS' if scenario.passed else 'FAIL'}: {scenario.title}", ""]
        if scenario.figures:
            lines += ["| | |", "|---|---|"]
            lines += [f"| {name} | {value} |" for name, value in scenario.figures]
            lines.append("")
        lines += [f"- {'PASS' if c.passed else 'FAIL'}: {c.name}" + (f" — {c.detail}" if c.detail
                  else "") for c in scenario.checks]
        lines += ["", *[f"{note}\n" for note in scenario.notes]]
    passed = sum(c.passed for s in scenarios for c in s.checks)
    total = sum(len(s.checks) for s in scenarios)
    lines.append(f"**{'PASS' if passed == total else 'FAIL'}**: {passed} of {total} checks passed.")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=55432, help="the private cluster's port")
    parser.add_argument("--rows", type=int, default=ORGANISATIONS,
                        help="rows of the import that is killed")
    parser.add_argument("--only", choices=("browse", "import", "redis", "export"),
                        help="one part only")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL,
                        help="a Redis database the Redis and export scenarios may empty")
    parser.add_argument("--keep", action="store_true", help="keep the cluster's directory")
    args = parser.parse_args(argv)
    if os.geteuid() != 0 and os.environ.get("USER") != "postgres":
        parser.error("run as root (initdb and pg_ctl run as the user postgres via runuser)")
    if not port_free(args.port):
        parser.error(f"port {args.port} is in use (--port)")

    OUT.mkdir(parents=True, exist_ok=True)
    import_path = export_file(args.rows, seed=SEED) if args.only in (None, "import") else None
    scenarios = []
    cluster = Cluster(args.port)
    try:
        log(f"private cluster in {cluster.root}, port {args.port} …")
        cluster.init()
        cluster.start()
        env = server_env(
            database_url=cluster.url, cache_url="locmemcache://faults", page_cache=False
        )
        manage(env, "ensure_database", stdout=subprocess.DEVNULL)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "load_reference_data", stdout=subprocess.DEVNULL)
        manage(env, "import_leg", str(browse_file()), stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
        if not (OUT / "static" / "staticfiles.json").exists():
            collectstatic(env)
        with cluster.connect() as connection:
            pk = connection.execute(
                "SELECT id FROM members_organisation WHERE published ORDER BY id LIMIT 1"
            ).fetchone()[0]
            server_version = connection.execute("SHOW server_version").fetchone()[0]
        urls = ["/", "/mitglieder/", "/mitglieder/?q=Jena", f"/mitglieder/{pk}/",
                "/en/comparison/", "/api/organisations/", "/healthz"]
        if args.only in (None, "browse"):
            for conn_max_age in (60, 0):
                for kind in ("restart", "outage"):
                    scenarios.append(browse_scenario(
                        cluster, env, urls, kind=kind, conn_max_age=conn_max_age))
        if args.only in (None, "import"):
            scenarios.append(import_scenario(cluster, env, import_path))
        if args.only in (None, "redis"):
            scenarios.append(redis_outage_scenario(env, urls, redis_url=args.redis_url))
        if args.only in (None, "export"):
            scenarios.append(export_flood_scenario(env, redis_url=args.redis_url))
    finally:
        cluster.destroy(keep=args.keep)

    header = (
        f"Private PostgreSQL {server_version} cluster (initdb in a temporary directory, port "
        f"{args.port}), production settings (`CACHE_URL` local memory, `PORTAL_PAGE_CACHE=False`: "
        f"every page reads the database), gunicorn (gunicorn.conf.py) 2 gthread workers × 2 "
        f"threads, {BROWSE_ROWS:,} organisations for browsing; the browsing client requests "
        f"{', '.join(f'`{u}`' for u in urls)} in turn, one at a time. "
        f"{code_state()}."
    )
    report = render(scenarios, header)
    (OUT / "faults.md").write_text(report + "\n", encoding="utf-8")
    print(report)
    print(f"\n(written to {(OUT / 'faults.md').relative_to(REPO)})")
    return 0 if all(s.passed for s in scenarios) else 1


if __name__ == "__main__":
    sys.exit(main())
