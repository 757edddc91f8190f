#!/usr/bin/env python
"""Import benchmark: ``import_leg`` against the COPY floor and a plain ModelResource.

    .venv/bin/python bench/run.py [--rows 100000] [--resource-rows 10000]
                                  [--database postgres|sqlite|both] [--repeat N]
    .venv/bin/python bench/run.py --profile   # step (2) under cProfile instead

The parent process writes the LEG exports into bench/out/ (reused when present) and runs one
child process per database (``--database X --child``): Django can be set up for one database
per process only. Each child measures, on its own database (PostgreSQL: ``clusterportal_bench``,
dropped and created afresh; SQLite: bench/out/bench.sqlite3):

1. the floor: COPY of the CSV into an UNLOGGED table of text columns (SQLite: executemany of
   the raw CSV rows into a table of text columns);
2. ``import_leg`` of the file into an empty database, in-process, plus once as a
   ``manage.py import_leg`` subprocess (wall time including start-up, for information);
3. ``import_leg`` of the same file again (all unchanged);
   (3f) the same once more with ``LEG_IMPORT_DIGESTS`` off: every row cleaned and compared;
4. ``import_leg`` of a later export in which every tenth row's ``Stand`` moved on a year
   (with the digest path: only the changed rows are cleaned);
5. a plain django-import-export ModelResource (bench/leg_resource.py) on the first
   ``--resource-rows`` rows, scaled per row to ``--rows`` for the comparison;
6. the back office's path of the export into an empty database through the import worker
   (``imports.tasks``): the upload request, the worker's preview, the confirmation request,
   the worker's write.

Timings, SQL statement counts and RSS come from one pass, tracemalloc peaks from a second pass
of the same steps (tracemalloc slows allocation-heavy code down, so it must not be on while the
clock runs). The parent prints a Markdown table per database; see docs/performance.md.
"""

import argparse
import csv
import gc
import json
import os
import re
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import (  # noqa: E402
    CHANGE_EVERY,
    OUT,
    code_state,
    create_database,
    drop_database,
    export_file,
    later_export,
    log,
    machine,
    rewrite_export,
    server_version,
    setup_django,
)

BENCH_DB = os.environ.get("BENCH_DB", "clusterportal_bench")
SQLITE_PATH = OUT / "bench.sqlite3"
STAGE = "bench_leg_stage"
DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432"
MiB = 1024 * 1024


# --------------------------------------------------------------------------- the export files


def export_paths(args):
    export = OUT / f"leg_r{args.rows}_s{args.seed}_f{args.first_id}.csv"
    return {
        "export": export,
        "later": export.with_name(f"{export.stem}_later{CHANGE_EVERY}.csv"),
        "head": export.with_name(f"{export.stem}_head{args.resource_rows}.csv"),
    }


def prepare_files(args):
    paths = export_paths(args)
    export_file(args.rows, seed=args.seed, first_id=args.first_id)
    later_export(paths["export"])
    if paths["head"].exists():
        log(f"reusing {paths['head'].relative_to(REPO)}")
    else:
        rewrite_export(paths["export"], paths["head"], limit=args.resource_rows)
    return paths


# --------------------------------------------------------------------------- the child


def pg_server():
    return os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG_SERVER).rstrip("/")


def pg_recreate(drop_only=False):
    url = f"{pg_server()}/{BENCH_DB}"
    drop_database(url)
    if not drop_only:
        create_database(url)


class Counter:
    """Counts SQL statements: Django's execute wrapper sees what CaptureQueriesContext sees
    (one per execute/executemany) without keeping the SQL text, which would inflate the memory
    figures; COPY goes through psycopg's own cursor, so ``Cursor.copy`` is counted too."""

    def __init__(self):
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):
        self.statements += 1
        return execute(sql, params, many, context)

    def install_copy_hook(self):
        import psycopg

        original = psycopg.Cursor.copy
        counter = self

        def copy(cursor, *args, **kwargs):
            counter.statements += 1
            return original(cursor, *args, **kwargs)

        psycopg.Cursor.copy = copy


def _reset_peak_rss():
    """Reset the kernel's RSS high-water mark (and so ru_maxrss) to the current RSS."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _maxrss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


class Bench:
    def __init__(self, args, paths):
        from django.conf import settings
        from django.db import connection

        self.args = args
        self.paths = paths
        self.connection = connection
        self.settings = settings
        self.vendor = connection.vendor
        self.counter = Counter()
        if self.vendor == "postgresql":
            self.counter.install_copy_hook()
        self.rss_resettable = _reset_peak_rss()

    # -- database state

    def check_database(self):
        name = str(self.connection.settings_dict["NAME"])
        expected = BENCH_DB if self.vendor == "postgresql" else str(SQLITE_PATH)
        if name != expected:
            sys.exit(f"refusing to touch database {name!r}; expected {expected!r}")

    def reset(self):
        """Organisations, their links, memberships, history and import runs emptied."""
        from django_tasks_db.models import DBTaskResult

        from imports.models import ImportedRowDigest, ImportRun, ImportRunLink
        from members.models import Organisation
        from networks.models import Membership

        self.check_database()
        models = [
            Membership.history.model,
            Membership,
            Organisation.growth_fields.through,
            Organisation.history.model,
            ImportRunLink,
            ImportedRowDigest,
            Organisation,
            ImportRun,
            DBTaskResult,
        ]
        quote = self.connection.ops.quote_name
        tables = [quote(model._meta.db_table) for model in models]
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            if self.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            else:
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")

    def organisation_count(self):
        from members.models import Organisation

        return Organisation.objects.count()

    # -- measuring

    def measure(self, mode, work, prepare=None):
        """Run ``work()`` once: timed (mode "time") or under tracemalloc (mode "memory")."""
        if prepare is not None:
            prepare()
        gc.collect()
        self.counter.statements = 0
        result = {}
        with self.connection.execute_wrapper(self.counter):
            if mode == "memory":
                tracemalloc.start()
                started = time.perf_counter()
                info = work()
                result["traced_seconds"] = time.perf_counter() - started
                result["tracemalloc_peak"] = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            else:
                if self.rss_resettable:
                    _reset_peak_rss()
                rss_before = _maxrss()
                started = time.perf_counter()
                info = work()
                result["seconds"] = time.perf_counter() - started
                result["rss_growth"] = _maxrss() - rss_before
        result["statements"] = self.counter.statements
        result["info"] = info or {}
        return result

    # -- the steps

    def headers(self):
        with self.paths["export"].open(encoding="utf-8-sig", newline="") as stream:
            return next(csv.reader(stream, delimiter=";"))

    def create_stage(self):
        quote = self.connection.ops.quote_name
        columns = ", ".join(f"{quote(h)} text" for h in self.headers())
        unlogged = "UNLOGGED " if self.vendor == "postgresql" else ""
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"CREATE {unlogged}TABLE {STAGE} ({columns})")

    def floor(self):
        from django.db import transaction

        path = self.paths["export"]
        if self.vendor == "postgresql":
            statement = f"COPY {STAGE} FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)"
            with (
                transaction.atomic(),
                self.connection.cursor() as cursor,
                cursor.cursor.copy(statement) as copy,
                path.open("rb") as stream,
            ):
                while block := stream.read(1 << 20):
                    copy.write(block)
        else:
            import sqlite3

            width = len(self.headers())
            statement = f"INSERT INTO {STAGE} VALUES ({', '.join(['?'] * width)})"
            with (
                transaction.atomic(),
                self.connection.cursor() as cursor,
                path.open(encoding="utf-8-sig", newline="") as stream,
            ):
                reader = csv.reader(stream, delimiter=";")
                next(reader)
                # sqlite3's own executemany, streaming: Django's SQLite cursor wrapper tee()s
                # the iterator to peek at the first row and so keeps every row in memory.
                sqlite3.Cursor.executemany(cursor.cursor, statement, reader)
                self.counter.statements += 1  # bypassed Django's wrapper, so count it here

    def staged(self):
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {STAGE}")
            return cursor.fetchone()[0]

    def written_tables(self):
        """The tables import (2) writes, parents first."""
        from imports.models import ImportedRowDigest
        from members.models import Organisation
        from networks.models import Membership

        models = [
            Organisation,
            Organisation.history.model,
            Organisation.growth_fields.through,
            Membership,
            Membership.history.model,
            ImportedRowDigest,
        ]
        return [model._meta.db_table for model in models]

    def stash_written_rows(self):
        """Set aside what import (2) wrote, then empty those tables (not timed)."""
        from imports.models import ImportRunLink

        quote = self.connection.ops.quote_name
        tables = self.written_tables()
        with self.connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {quote('bench_keep_' + table)}")
                cursor.execute(
                    f"CREATE TABLE {quote('bench_keep_' + table)} AS SELECT * FROM {quote(table)}"
                )
            if self.vendor == "postgresql":
                # The runs' link table refers to organisations too; (2) leaves it empty.
                truncated = [*tables, ImportRunLink._meta.db_table]
                # CASCADE: contact enquiries refer to organisations (none in this database).
                cursor.execute(f"TRUNCATE {', '.join(map(quote, truncated))} CASCADE")
            else:
                for table in reversed(tables):
                    cursor.execute(f"DELETE FROM {quote(table)}")

    def schema_floor(self):
        """The same rows back, already clean, with one INSERT … SELECT per table: what the
        database itself spends on the real tables (indexes, search trigger, foreign keys)."""
        from django.db import transaction

        quote = self.connection.ops.quote_name
        rows = 0
        with transaction.atomic(), self.connection.cursor() as cursor:
            if self.vendor == "postgresql":  # as the import does
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in self.written_tables():
                keep = quote("bench_keep_" + table)
                cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {keep}")
                rows += cursor.rowcount
        with self.connection.cursor() as cursor:
            for table in self.written_tables():
                cursor.execute(f"DROP TABLE {quote('bench_keep_' + table)}")
        return {"rows_written": rows}

    def engine(self, path):
        from imports.choices import RunStatus
        from imports.services import leg_import_run

        run = leg_import_run(path=path, max_bytes=self.settings.LEG_IMPORT_COMMAND_MAX_BYTES)
        if run.status != RunStatus.IMPORTED:
            sys.exit(f"import_leg {path.name}: {run.status} {run.message} {run.report[:5]}")
        return {
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "warnings": run.warning_count,
            "engine_duration": run.duration,
        }

    def engine_full(self, path):
        """``engine`` with every row cleaned and compared (no digests)."""
        self.settings.LEG_IMPORT_DIGESTS = False
        try:
            return self.engine(path)
        finally:
            self.settings.LEG_IMPORT_DIGESTS = True

    def admin_client(self):
        from django.contrib.auth import get_user_model
        from django.test import Client

        self.settings.ALLOWED_HOSTS = [*self.settings.ALLOWED_HOSTS, "testserver"]
        self.settings.LEG_IMPORT_BACKGROUND_BYTES = 0  # every upload through the worker
        user, _ = get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        client = Client()
        client.force_login(user)
        return client

    def admin_steps(self, mode):
        """The back office's path through the worker: four steps, each measured on its own."""
        from django.urls import reverse
        from django_tasks_db.models import DBTaskResult

        from imports.choices import RunStatus
        from imports.models import ImportRun

        client = self.admin_client()
        state = {}

        def upload():
            with self.paths["export"].open("rb") as stream:
                response = client.post(reverse("admin:imports_importrun_upload"), {"file": stream})
            state["run"] = ImportRun.objects.latest("pk")
            return {"status": response.status_code, "run": state["run"].status}

        def worker():
            job = DBTaskResult.objects.filter(status="READY").order_by("enqueued_at").first()
            job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
            job.delete()
            run = ImportRun.objects.get(pk=state["run"].pk)
            return {"run": run.status, "created": run.created, "message": run.message[:200]}

        def confirm():
            url = reverse("admin:imports_importrun_confirm", args=[state["run"].pk])
            response = client.post(url)
            run = ImportRun.objects.get(pk=state["run"].pk)
            return {"status": response.status_code, "run": run.status}

        steps = {
            "admin_upload": self.measure(mode, upload),
            "admin_preview": self.measure(mode, worker),
            "admin_confirm": self.measure(mode, confirm),
            "admin_write": self.measure(mode, worker),
        }
        if steps["admin_write"]["info"]["run"] != RunStatus.IMPORTED:
            sys.exit(f"admin path: {steps['admin_write']['info']}")
        return steps

    def model_resource(self):
        import tablib
        from leg_resource import LegOrganisationResource

        with self.paths["head"].open(encoding="utf-8-sig", newline="") as stream:
            dataset = tablib.Dataset().load(stream.read(), format="csv", delimiter=";")
        result = LegOrganisationResource().import_data(dataset, dry_run=False, raise_errors=True)
        if result.has_errors() or result.has_validation_errors():
            sys.exit(f"ModelResource: errors {result.error_rows[:3]} {result.invalid_rows[:3]}")
        return {"created": result.totals["new"], "updated": result.totals["update"]}

    def command(self):
        """``manage.py import_leg`` in a subprocess: wall time including start-up."""
        from django.db import connections

        connections.close_all()
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "manage.py", "import_leg", str(self.paths["export"])],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        if proc.returncode:  # informational only: report it, do not lose the other figures
            last = (proc.stderr.strip().splitlines() or ["?"])[-1]
            log(f"manage.py import_leg failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
            return {"seconds": None, "error": f"exit {proc.returncode}: {last}", "info": {}}
        reported = re.search(r"Dauer:\s+([\d.]+) s", proc.stdout)
        created = re.search(r"neu:\s+(\d+)", proc.stdout)
        return {
            "seconds": seconds,
            # RUSAGE_CHILDREN: the largest RSS of any waited-for child; this is the only one.
            "max_rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
            "info": {
                "engine_duration": float(reported.group(1)) if reported else None,
                "created": int(created.group(1)) if created else None,
            },
        }

    def sequence(self, mode):
        steps = {}
        name = mode.ljust(6)
        self.reset()
        steps["floor"] = self.measure(mode, self.floor, prepare=self.create_stage)
        steps["floor"]["info"] = {"staged": self.staged()}
        self.reset()
        for key, path, engine in (
            ("import_new", self.paths["export"], self.engine),
            ("import_same", self.paths["export"], self.engine),
            ("import_same_full", self.paths["export"], self.engine_full),
            ("import_later", self.paths["later"], self.engine),
        ):
            steps[key] = self.measure(mode, lambda path=path, engine=engine: engine(path))
            if key == "import_new":
                # The state after (2) is put back, so (3) and (4) start from it.
                steps["schema_floor"] = self.measure(
                    mode, self.schema_floor, prepare=self.stash_written_rows
                )
        steps["organisations_after"] = self.organisation_count()
        self.reset()
        steps["resource"] = self.measure(mode, self.model_resource)
        self.reset()
        steps.update(self.admin_steps(mode))
        for key, step in steps.items():
            if isinstance(step, dict):
                took = step.get("seconds", step.get("traced_seconds"))
                log(f"  [{self.vendor} {name}] {key:<13} {took:8.2f} s  {step['info']}")
        return steps

    def profile(self):
        import cProfile
        import pstats

        self.reset()
        profiler = cProfile.Profile()
        profiler.enable()
        self.engine(self.paths["export"])
        profiler.disable()
        target = OUT / f"profile_{self.vendor}.pstats"
        profiler.dump_stats(target)
        stats = pstats.Stats(profiler)
        total = stats.total_tt
        rows = []
        for (file, line, func), (_cc, calls, tottime, cumtime, _callers) in sorted(
            stats.stats.items(), key=lambda item: item[1][2], reverse=True
        )[:15]:
            where = file.replace(str(REPO) + "/", "").replace(sys.prefix + "/", "")
            where = re.sub(r".*site-packages/", "", where)
            where = re.sub(r".*/lib/python3\.\d+/", "", where)
            rows.append({"function": f"{where}:{line}({func})", "calls": calls,
                         "tottime": tottime, "cumtime": cumtime})
        return {"file": str(target.relative_to(REPO)), "total": total, "top": rows}


def child(args):
    paths = export_paths(args)
    if args.database == "postgres":
        pg_recreate()
        database_url = f"{pg_server()}/{BENCH_DB}"
    else:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{SQLITE_PATH}"
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    from clusterportal.management.commands.load_reference_data import reference_data_load

    bench = Bench(args, paths)
    bench.check_database()
    log(f"[{args.database}] migrating {connection.settings_dict['NAME']} …")
    call_command("migrate", interactive=False, verbosity=0)
    reference_data_load()
    server = server_version(connection)

    if args.profile:
        result = {"database": args.database, "server": server, "profile": bench.profile()}
        (OUT / f"profile_{args.database}.json").write_text(json.dumps(result, indent=2))
        return finish(args)
    timed = [bench.sequence("time") for _ in range(args.repeat)]
    bench.reset()
    command = bench.command()
    log(f"  [{args.database}] manage.py import_leg {command['seconds'] or 0:.2f} s "
        f"{command.get('error', '')}{command['info']}")
    memory = bench.sequence("memory")
    result = {
        "database": args.database,
        "server": server,
        "rows": args.rows,
        "resource_rows": args.resource_rows,
        "repeat": args.repeat,
        "rss_method": "reset" if bench.rss_resettable else "lifetime",
        "machine": machine(),
        "organisations_after_step4": timed[0]["organisations_after"],
        "code": code_state(),
        "steps": best_steps(args, timed, memory) | {"command": {"rows": args.rows, **command}},
        "files": {k: str(p.relative_to(REPO)) for k, p in paths.items()},
    }
    (OUT / f"results_{args.database}.json").write_text(json.dumps(result, indent=2))
    finish(args)


ADMIN_STEPS = ("admin_upload", "admin_preview", "admin_confirm", "admin_write")


def best_steps(args, timed, memory):
    """Per step: the best timed pass's figures, with the memory pass's tracemalloc peak."""
    steps = {}
    for key in (
        "floor",
        "schema_floor",
        "import_new",
        "import_same",
        "import_same_full",
        "import_later",
        "resource",
        *ADMIN_STEPS,
    ):
        runs = [t[key] for t in timed]
        best = min(runs, key=lambda r: r["seconds"])
        steps[key] = {
            "rows": args.resource_rows if key == "resource" else args.rows,
            "seconds": best["seconds"],
            "seconds_all": [r["seconds"] for r in runs],
            "rss_growth": best["rss_growth"],
            "statements": best["statements"],
            "tracemalloc_peak": memory[key]["tracemalloc_peak"],
            "traced_seconds": memory[key]["traced_seconds"],
            "info": best["info"],
        }
    return steps


def finish(args):
    from django.db import connections

    connections.close_all()
    if args.database == "postgres" and not args.keep_db:
        pg_recreate(drop_only=True)


# --------------------------------------------------------------------------- the report


def _mib(value):
    if abs(value) < MiB:
        return f"{value / 1024:,.0f} KiB"
    return f"{value / MiB:,.1f} MiB"


def _times(value, base, minimum=0):
    if not base or base < minimum or value is None:
        return ""
    ratio = value / base
    if ratio >= 10:
        return f" (×{ratio:,.0f})"
    return f" (×{ratio:.2f})" if ratio >= 0.1 else f" (×{ratio:.2g})"


def render_header(result):
    rss_label = (
        "Peak RSS growth (getrusage, peak reset per step)"
        if result["rss_method"] == "reset"
        else "Max RSS growth (getrusage, process lifetime)"
    )
    return [
        f"### {result['server']}: {result['rows']:,} rows "
        f"(ModelResource: {result['resource_rows']:,} rows)",
        "",
        f"Machine: {result['machine']}. Each cell: the figure (× the floor's figure).",
        "",
        f"| Step | Rows | Seconds | × (1′) | Rows/s | Peak Python allocations (tracemalloc) "
        f"| {rss_label} | SQL statements |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]


def render(result):
    steps = result["steps"]
    floor = steps["floor"]
    floor_rate = floor["rows"] / floor["seconds"]
    schema_seconds = steps["schema_floor"]["seconds"]
    lines = render_header(result)

    def row(label, rows, seconds, peak, rss, statements):
        rate = rows / seconds
        cells = [
            label,
            f"{rows:,}",
            f"{seconds:,.2f}{_times(seconds, floor['seconds'])}",
            f"{seconds / schema_seconds:.2f}",
            f"{rate:,.0f}{_times(rate, floor_rate)}",
            "—" if peak is None
            else f"{_mib(peak)}{_times(peak, floor['tracemalloc_peak'], minimum=MiB)}",
            rss if isinstance(rss, str)
            else f"{_mib(rss)}{_times(rss, floor['rss_growth'], minimum=MiB)}",
            statements if isinstance(statements, str)
            else f"{statements:,}{_times(statements, floor['statements'])}",
        ]
        lines.append("| " + " | ".join(cells) + " |")

    def engine_row(label, key):
        s = steps[key]
        row(label, s["rows"], s["seconds"], s["tracemalloc_peak"], s["rss_growth"],
            s["statements"])

    engine_row(
        "(1) COPY into an UNLOGGED staging table of text columns (floor)"
        if result["database"] == "postgres"
        else "(1) executemany of the raw CSV rows into a staging table of text columns "
        "(floor; SQLite has no COPY)",
        "floor",
    )
    written = steps["schema_floor"]["info"]["rows_written"]
    engine_row(
        f"(1′) (2)'s rows, already clean, back into the real tables with INSERT … SELECT "
        f"({written:,} rows in 6 tables; no Python: the schema's own floor)",
        "schema_floor",
    )
    engine_row("(2) `import_leg`, empty database (in-process)", "import_new")
    command = steps["command"]
    label = "(2′) `manage.py import_leg` subprocess, wall time incl. start-up (informational)"
    if command["seconds"] is None:
        lines.append(f"| {label} | {command['rows']:,} | failed: {command['error']} "
                     "| — | — | — | — | — |")
    else:
        row(label, command["rows"], command["seconds"], None,
            f"{_mib(command['max_rss'])} max RSS of the process", "—")
    engine_row("(3) `import_leg`, same file again (all unchanged; digest path)", "import_same")
    engine_row(
        "(3f) the same with `LEG_IMPORT_DIGESTS=False` (every row cleaned and compared)",
        "import_same_full",
    )
    engine_row(
        f"(4) `import_leg`, later export ({100 // CHANGE_EVERY} % of rows changed; digest path)",
        "import_later",
    )
    res = steps["resource"]
    engine_row(
        f"(5) ModelResource, `use_bulk`, batch 1000, measured on {res['rows']:,} rows",
        "resource",
    )
    scale = result["rows"] / res["rows"]
    row(
        f"(5) ModelResource scaled per row to {result['rows']:,} rows (seconds, statements "
        f"× {scale:g}; memory not scaled)",
        result["rows"], res["seconds"] * scale, None, "—", round(res["statements"] * scale),
    )

    for key, label in (
        ("admin_upload", "(6a) back office: upload request (file stored, job queued)"),
        ("admin_preview", "(6b) back office: the worker's preview"),
        ("admin_confirm", "(6c) back office: confirmation request (job queued)"),
        ("admin_write", "(6d) back office: the worker's write"),
    ):
        engine_row(label, key)

    return "\n".join(lines + render_outcome(result))


def render_outcome(result):
    """The lines below the table: what each step did, the code measured, the targets."""
    steps = result["steps"]
    floor, res, command = steps["floor"], steps["resource"], steps["command"]
    counts = {
        key: steps[key]["info"] for key in ("import_new", "import_same", "import_later")
    }
    lines = [
        "",
        "Outcome: (2) created {created:,}; (3) unchanged {unchanged:,}; ".format(
            **counts["import_new"] | {"unchanged": counts["import_same"]["unchanged"]})
        + "(4) updated {updated:,}, unchanged {unchanged:,}; ".format(**counts["import_later"])
        + f"(5) created {res['info']['created']:,}."
        + (f" `import_leg` itself reported {command['info']['engine_duration']} s in (2′)."
           if command["seconds"] is not None else ""),
        f"{result['code']}.",
    ]
    if result["repeat"] > 1:
        lines.append(f"Seconds: best of {result['repeat']} timed passes.")

    resource_per_row = res["seconds"] / res["rows"]
    checks = []
    for key, label in (("import_new", "(2)"), ("import_same", "(3)"), ("import_later", "(4)")):
        s = steps[key]
        vs_floor = s["seconds"] / floor["seconds"]
        faster = resource_per_row / (s["seconds"] / s["rows"])
        checks.append(
            f"{label} {vs_floor:.1f}× floor {'✓' if vs_floor <= 10 else '✗'}, "
            f"{faster:.1f}× faster than (5) {'✓' if faster >= 5 else '✗'}, "
            f"{_mib(s['tracemalloc_peak'])} {'✓' if s['tracemalloc_peak'] < 500e6 else '✗'}"
        )
    schema = steps["schema_floor"]["seconds"]
    lines += [
        "",
        "Targets (≤ 10× floor, ≥ 5× faster than (5) per row, tracemalloc peak < 500 MB): "
        + "; ".join(checks) + ".",
        f"The database alone, writing (2)'s rows with no Python (1′), takes "
        f"{schema / floor['seconds']:.1f}× the floor; (2) is "
        f"{steps['import_new']['seconds'] / schema:.1f}× (1′).",
        "Issue 15's targets: (2) ≤ 1.5 × (1′): {:.2f} {}; (3) ≤ 3 × COPY: {:.1f} {}; "
        "(4) ≤ 5 × COPY: {:.1f} {}; the back office's requests (6a), (6c) under 1 s: "
        "{:.2f} s, {:.2f} s.".format(
            steps["import_new"]["seconds"] / schema,
            "✓" if steps["import_new"]["seconds"] <= 1.5 * schema else "✗",
            steps["import_same"]["seconds"] / floor["seconds"],
            "✓" if steps["import_same"]["seconds"] <= 3 * floor["seconds"] else "✗",
            steps["import_later"]["seconds"] / floor["seconds"],
            "✓" if steps["import_later"]["seconds"] <= 5 * floor["seconds"] else "✗",
            steps["admin_upload"]["seconds"],
            steps["admin_confirm"]["seconds"],
        ),
    ]
    return lines


def render_profile(result):
    profile = result["profile"]
    lines = [
        f"cProfile of step (2) on {result['server']} ({profile['file']}; "
        f"{profile['total']:.2f} s under the profiler), top 15 by tottime:",
        "",
        "| tottime s | cumtime s | calls | function |",
        "|--:|--:|--:|---|",
    ]
    for entry in profile["top"]:
        lines.append(
            f"| {entry['tottime']:.2f} | {entry['cumtime']:.2f} | {entry['calls']:,} "
            f"| `{entry['function']}` |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--resource-rows", type=int, default=10_000)
    parser.add_argument("--database", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--first-id", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="timed passes; best is reported")
    parser.add_argument(
        "--profile", action="store_true",
        help="instead of the benchmark, run step (2) once under cProfile and show the top 15",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep clusterportal_bench")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.resource_rows = min(args.resource_rows, args.rows)
    if args.child:
        if args.database == "both":
            parser.error("--child needs one database")
        child(args)
        return

    prepare_files(args)
    databases = ["postgres", "sqlite"] if args.database == "both" else [args.database]
    reports, failed = [], []
    kind = "profile" if args.profile else "results"
    for database in databases:
        (OUT / f"{kind}_{database}.json").unlink(missing_ok=True)
        command = [sys.executable, str(Path(__file__).resolve()), "--child",
                   "--database", database, "--rows", str(args.rows),
                   "--resource-rows", str(args.resource_rows), "--seed", str(args.seed),
                   "--first-id", str(args.first_id), "--repeat", str(args.repeat)]
        command += ["--profile"] * args.profile + ["--keep-db"] * args.keep_db
        log(f"[{database}] running {' '.join(command[2:])}")
        if subprocess.run(command, cwd=REPO).returncode:
            log(f"[{database}] benchmark failed")
            failed.append(database)
            continue
        result = json.loads((OUT / f"{kind}_{database}.json").read_text())
        reports.append(render_profile(result) if args.profile else render(result))
    report = "\n\n".join(reports)
    (OUT / f"{kind}.md").write_text(report + "\n")
    print()
    print(report)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
