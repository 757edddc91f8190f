#!/usr/bin/env python
"""Load test: 32 concurrent visitors against gunicorn on loopback, idle and during a LEG import.

    .venv/bin/python bench/load.py [--users 32] [--duration 60] [--workers 5] [--threads 2]
                                   [--cache on,off] [--no-import] [--no-setup] [--wait 0]

Uses bench/pages.py's PostgreSQL database (100,000 organisations, one network with 5,000
members; built or topped up unless ``--no-setup``), collects the static files into
bench/out/static, starts gunicorn (the repository's gunicorn.conf.py, gthread workers) with the
production settings and a
Redis cache (``--cache-url``, default db 7, flushed before every run), and for every page-cache
setting in ``--cache`` runs locust headless (bench/locustfile.py) twice, side by side: idle,
then while ``manage.py import_leg`` imports a 100,000-row export with 10 % of the rows changed
into the same database. Per group of pages: requests/s, p50/p95/p99 (computed here from every
request, nearest rank), errors; the import's duration and result; each group's p95 during the
import as a multiple of its idle p95. Prints a Markdown report and writes bench/out/load.md.
Exit status 1 when any request failed, the import failed, or a p95 during the import reached
10 × idle. See docs/performance.md.
"""

import argparse
import csv
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import pages as pages_bench  # noqa: E402
from bench.common import (  # noqa: E402
    BIN,
    OUT,
    SEED,
    Gunicorn,
    code_state,
    collectstatic,
    database_name,
    export_file,
    later_export,
    log,
    machine,
    percentile,
    server_env,
    server_version,
)

LOCUSTFILE = REPO / "bench" / "locustfile.py"
SETTINGS = "clusterportal.settings.production"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/7"
RATIO_TARGET = 10.0

# Share of requests per group (locust weights); every group has German and English pages
# (the API has no language).
GROUP_WEIGHTS = {
    "home": 2,
    "directory": 6,
    "search": 3,
    "organisation": 5,
    "network": 2,
    "growthfield": 2,
    "compare": 1,
    "api_list": 2,
    "api_detail": 2,
}
HIT_WORDS = ("Jena", "Sensorik", "Optik")
# Words that match nothing as written, so the directory falls back to similar spelling.
TYPOS = ("Präzisionstechnk", "Sensork", "Jenoptk")
SORTS = ("name", "-employees", "town", "-record_date")


# --------------------------------------------------------------------------- the addresses


def build_url_groups(*, seed=SEED, organisations=60, api_organisations=30):
    """The addresses of every group, sampled from the database (Django must be set up).

    Only addresses that answer 200 on any database with data: pages of a list are never
    beyond its last page, and every slug and id exists and is published.
    """
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from growthfields.models import GrowthField
    from members.models import Organisation
    from networks.models import Network

    rng = random.Random(seed)
    page_size = settings.PORTAL_PAGE_SIZE
    published = Organisation.objects.published()
    ids = list(published.order_by("pk").values_list("pk", flat=True))
    last_page = max(1, math.ceil(len(ids) / page_size))
    towns = sorted(set(published.order_by("pk").values_list("town", flat=True)[:2000]) - {""})
    growth_fields = list(GrowthField.objects.order_by("slug").values_list("slug", flat=True))
    networks = list(
        Network.objects.with_member_counts().order_by("-member_count", "slug").values_list(
            "slug", "member_count"
        )
    )

    directory_params, search_params = _list_params(
        rng, last_page=last_page, towns=towns, growth_fields=growth_fields, networks=networks
    )
    groups = {name: [] for name in GROUP_WEIGHTS}
    sampled = rng.sample(ids, min(organisations, len(ids)))
    for language in ("de", "en"):
        with translation.override(language):
            directory = reverse("members:list")
            groups["home"].append(reverse("home"))
            groups["directory"] += [_with_query(directory, p) for p in directory_params]
            groups["search"] += [_with_query(directory, p) for p in search_params]
            groups["organisation"] += [
                reverse("members:detail", kwargs={"pk": pk}) for pk in sampled
            ]
            groups["network"].append(reverse("networks:list"))
            for slug, count in networks:
                url = reverse("networks:detail", kwargs={"slug": slug})
                groups["network"].append(url)
                if count > page_size:
                    groups["network"].append(_with_query(url, {"page": 2}))
            groups["growthfield"].append(reverse("growthfields:list"))
            groups["growthfield"] += [
                reverse("growthfields:detail", kwargs={"slug": slug}) for slug in growth_fields
            ]
            groups["compare"].append(reverse("compare"))

    groups["api_list"] += _api_lists(len(ids), networks)
    groups["api_detail"] += _api_details(sampled[:api_organisations], networks, growth_fields)
    return groups


def _list_params(rng, *, last_page, towns, growth_fields, networks):
    """The directory's query parameters (pages, one filter each, sort orders, combinations)
    and the searches' (hits, towns, typos, search with a filter)."""
    from members.choices import District, OrganisationKind, SizeClass

    directory_params = [{}]
    directory_params += [
        {"page": page} for page in sorted({2, 3, 10, 100, last_page // 2, last_page}) if
        1 < page <= last_page
    ]
    directory_params += [
        {"growth_field": slug} for slug in rng.sample(growth_fields, min(6, len(growth_fields)))
    ]
    directory_params += [{"network": slug} for slug, _count in networks[:4]]
    directory_params += [{"district": value} for value in rng.sample(District.values, 6)]
    directory_params += [{"kind": value} for value in OrganisationKind.values]
    directory_params += [{"size": value} for value in SizeClass.values]
    directory_params += [{"sort": value} for value in SORTS]
    directory_params += [
        {"district": "Jena", "kind": OrganisationKind.COMPANY, "sort": "-employees"},
        {"growth_field": growth_fields[0], "size": "mittel"} if growth_fields else {"size": "mittel"},
    ]
    search_params = [{"q": word} for word in HIT_WORDS]
    search_params += [{"q": town} for town in rng.sample(towns, min(3, len(towns)))]
    search_params += [{"q": word} for word in TYPOS]
    search_params += [{"district": "Jena", "q": "Sensorik"}]
    return directory_params, search_params


def _api_lists(organisations, networks):
    from django.conf import settings
    from django.urls import reverse

    api_pages = max(1, math.ceil(organisations / settings.REST_FRAMEWORK["PAGE_SIZE"]))
    organisations_api = reverse("api:organisation-list")
    lists = [
        organisations_api,
        *(
            _with_query(organisations_api, {"page": page})
            for page in sorted({2, 50, api_pages}) if 1 < page <= api_pages
        ),
        _with_query(organisations_api, {"district": "Jena"}),
        _with_query(organisations_api, {"q": "Sensorik"}),
        _with_query(organisations_api, {"page_size": 200}),
        reverse("api:network-list"),
        reverse("api:growthfield-list"),
    ]
    if networks:
        lists.append(_with_query(organisations_api, {"network": networks[0][0]}))
    return lists


def _api_details(organisation_ids, networks, growth_fields):
    from django.urls import reverse

    return [
        *(reverse("api:organisation-detail", kwargs={"pk": pk}) for pk in organisation_ids),
        *(reverse("api:network-detail", kwargs={"slug": slug}) for slug, _count in networks),
        *(reverse("api:growthfield-detail", kwargs={"slug": slug}) for slug in growth_fields),
    ]


def _with_query(url, params):
    return f"{url}?{urlencode(params)}" if params else url


def write_url_file(groups, path):
    data = {
        "groups": {
            name: {"weight": GROUP_WEIGHTS[name], "urls": urls} for name, urls in groups.items()
        }
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


# --------------------------------------------------------------------------- the figures


@dataclass
class Sample:
    """One request as the locustfile recorded it."""

    start: float  # epoch seconds
    group: str
    url: str
    ms: float
    size: int
    ok: bool

    @property
    def end(self):
        return self.start + self.ms / 1000


@dataclass
class GroupStats:
    group: str
    count: int
    errors: int
    rps: float
    p50: float | None
    p95: float | None
    p99: float | None


def read_samples(path):
    with open(path, newline="", encoding="utf-8") as stream:
        return [
            Sample(
                float(row["start"]), row["group"], row["url"], float(row["ms"]),
                int(row["bytes"]), row["ok"] == "1",
            )
            for row in csv.DictReader(stream)
        ]


def summarise(samples, *, start=None, end=None):
    """Per group and ``"all"``: requests, errors, requests/s and p50/p95/p99 in ms of the
    requests that started in ``[start, end)`` (default: all of them; the time base is then
    the first start to the last end)."""
    if start is not None or end is not None:
        low = start if start is not None else -math.inf
        high = end if end is not None else math.inf
        samples = [s for s in samples if low <= s.start < high]
    if not samples:
        return {}
    if start is None or end is None:
        start = min(s.start for s in samples) if start is None else start
        end = max(s.end for s in samples) if end is None else end
    seconds = max(end - start, 1e-9)
    by_group = {}
    for sample in samples:
        by_group.setdefault(sample.group, []).append(sample)
    by_group["all"] = samples
    result = {}
    for group, items in by_group.items():
        times = [s.ms for s in items]
        result[group] = GroupStats(
            group=group,
            count=len(items),
            errors=sum(not s.ok for s in items),
            rps=len(items) / seconds,
            p50=percentile(times, 0.50),
            p95=percentile(times, 0.95),
            p99=percentile(times, 0.99),
        )
    return result


# --------------------------------------------------------------------------- processes


@dataclass
class ImportResult:
    file_name: str
    returncode: int
    wall: float
    started: float
    ended: float
    status: str = ""
    duration: float | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    message: str = ""
    nice: int = 0


def run_phase(name, *, host, users, duration, wait, warmup=10.0, import_file=None,
              import_env=None, import_delay=5.0, tail=3.0, import_nice=0):
    """Locust for ``warmup`` + ``duration`` seconds (and, with ``import_file``, until the
    import that starts ``import_delay`` seconds after the warm-up has ended, plus ``tail``).
    Returns every sample, the import's result and the epoch second the measurement began
    (after the warm-up: requests before it only warm the workers and the page cache)."""
    samples_path = OUT / f"load_{name}_samples.csv"
    samples_path.unlink(missing_ok=True)
    env = dict(os.environ, LOAD_URLS=str(OUT / "load_urls.json"),
               LOAD_SAMPLES=str(samples_path), LOAD_WAIT=wait)
    with open(OUT / f"load_{name}_locust.log", "w", encoding="utf-8") as locust_log:
        locust = subprocess.Popen(
            [
                str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless",
                "-u", str(users), "-r", str(users), "-t", f"{duration * 20 + 3600}s",
                "--host", host, "--csv", str(OUT / f"load_{name}"), "--only-summary",
                "--loglevel", "WARNING", "--exit-code-on-error", "0",
            ],
            cwd=REPO, env=env, stdout=locust_log, stderr=subprocess.STDOUT,
        )
        begun = time.monotonic()
        measure_from = time.time() + warmup
        importer = result = None
        try:
            while True:
                time.sleep(0.2)
                elapsed = time.monotonic() - begun
                if import_file and importer is None and elapsed >= warmup + import_delay:
                    log(f"  import of {import_file.name} starts")
                    import_log = open(OUT / f"load_{name}_import.log", "w", encoding="utf-8")  # noqa: SIM115
                    started = time.time()
                    niced = ["nice", "-n", str(import_nice)] if import_nice else []
                    importer = subprocess.Popen(
                        [*niced, sys.executable, "manage.py", "import_leg", str(import_file)],
                        cwd=REPO, env=import_env, stdout=import_log, stderr=subprocess.STDOUT,
                    )
                if importer is not None and result is None and importer.poll() is not None:
                    ended = time.time()
                    import_log.close()
                    result = ImportResult(import_file.name, importer.returncode,
                                          ended - started, started, ended, nice=import_nice)
                    log(f"  import ended after {result.wall:.1f} s (exit {importer.returncode})")
                if locust.poll() is not None:
                    raise RuntimeError(f"locust ended early; see bench/out/load_{name}_locust.log")
                import_done = not import_file or (
                    result is not None and time.time() - result.ended >= tail
                )
                if elapsed >= warmup + duration and import_done:
                    break
        finally:
            if locust.poll() is None:
                locust.send_signal(signal.SIGTERM)
                locust.wait(timeout=120)
            if importer is not None and importer.poll() is None:
                importer.wait()
    if not samples_path.exists():
        raise RuntimeError(f"locust wrote no samples; see bench/out/load_{name}_locust.log")
    return read_samples(samples_path), result, measure_from


def next_import_file(rows):
    """The export that changes 10 % of the rows against the database's state: the later export
    (every tenth row's Stand one year on) after the original was imported, and the other way
    round; so every run of this benchmark imports 100,000 rows of which 10,000 are updates."""
    from imports.choices import RunStatus
    from imports.models import ImportRun

    export = export_file(rows, seed=SEED)
    later = later_export(export)
    last = ImportRun.objects.filter(status=RunStatus.IMPORTED).order_by("-pk").first()
    return export if last is not None and last.file_name == later.name else later


def read_import_run(result):
    from imports.models import ImportRun

    run = ImportRun.objects.filter(file_name=result.file_name).order_by("-pk").first()
    if run is not None:
        result.status, result.duration, result.rows = run.status, run.duration, run.rows
        result.created, result.updated, result.unchanged = run.created, run.updated, run.unchanged
        result.message = run.message
    return result


def redis_client(cache_url):
    import redis

    return redis.Redis.from_url(cache_url)


# --------------------------------------------------------------------------- the report


def _ms(value):
    return "–" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _cells(stats):
    if stats is None:
        return ["–"] * 6
    return [f"{stats.count:,}", f"{stats.rps:.1f}", _ms(stats.p50), _ms(stats.p95),
            _ms(stats.p99), str(stats.errors)]


def render_pair(idle, loaded, *, title, import_result, cache_note):
    """One Markdown table: every group idle and during the import, with the p95 ratio."""
    groups = [g for g in GROUP_WEIGHTS if g in idle] + ["all"]
    lines = [f"### {title}", ""]
    if loaded is not None:
        lines += [
            "| group | idle n | req/s | p50 ms | p95 ms | p99 ms | errors "
            "| during import n | req/s | p50 ms | p95 ms | p99 ms | errors | p95 ÷ idle p95 |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
    else:
        lines += [
            "| group | n | req/s | p50 ms | p95 ms | p99 ms | errors |",
            "|---|--:|--:|--:|--:|--:|--:|",
        ]
    for group in groups:
        a = idle.get(group)
        row = [f"**{group}**" if group == "all" else group]
        row += _cells(a)
        if loaded is not None:
            b = loaded.get(group)
            row += _cells(b)
            ratio = b.p95 / a.p95 if a and b and a.p95 else None
            row.append("–" if ratio is None else f"{ratio:.1f} ×" + (" MISS" if ratio >= RATIO_TARGET else ""))
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", cache_note]
    if import_result is not None:
        r = import_result
        lines += [
            "",
            "Import during the load: "
            + (f"`nice -n {r.nice} " if r.nice else "`")
            + f"manage.py import_leg {r.file_name}`: exit {r.returncode}, "
            f"run status **{r.status or '?'}**, {r.rows:,} rows ({r.created:,} created, "
            f"{r.updated:,} updated, {r.unchanged:,} unchanged), "
            f"{(r.duration or 0):.1f} s in the engine, {r.wall:.1f} s wall (process start to "
            "exit). The \"during import\" columns count the requests that started between the "
            "import process's start and its exit."
            + (f" Message: {r.message}" if r.message else ""),
        ]
    return "\n".join(lines)


def failures(samples, limit=5):
    bad = [s for s in samples if not s.ok]
    return [f"{s.group} {s.url}" for s in bad[:limit]]


# --------------------------------------------------------------------------- main


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_PAGES_DATABASE_URL", pages_bench.DEFAULT_DATABASE_URL))
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL))
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per run")
    parser.add_argument("--workers", type=int, default=5,
                        help="gunicorn worker processes (default 2 × cores + 1)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument("--wait", default="0", help="think time: seconds, or MIN,MAX")
    parser.add_argument("--cache", default="on,off", help="page cache settings to run: on, off")
    parser.add_argument("--no-import", action="store_true", help="idle runs only")
    parser.add_argument("--import-delay", type=float, default=5.0,
                        help="seconds of measured load before the import starts")
    parser.add_argument("--import-nice", type=int, default=10,
                        help="niceness of the import process (0: same priority as the pages); "
                        "a batch import runs niced on an app server, so visitors come first")
    parser.add_argument("--warmup", type=float, default=10.0,
                        help="seconds of load before each measurement (not counted)")
    parser.add_argument("--rows", type=int, default=pages_bench.ORGANISATIONS)
    parser.add_argument("--no-setup", action="store_true",
                        help="use the database as it is (no migrate, import or top-up)")
    args = parser.parse_args(argv)
    args.cache_modes = [mode.strip() for mode in args.cache.split(",")]
    if not set(args.cache_modes) <= {"on", "off"}:
        parser.error("--cache: on, off or on,off")
    if "bench" not in database_name(args.database_url):
        parser.error("the database name must contain 'bench' (the import writes to it)")
    return args


def run_cache_mode(args, mode, cache):
    """gunicorn with the page cache ``mode``; the idle run and (unless ``--no-import``) the run
    during an import. Per phase: (samples after the warm-up, import result, cache keys at the
    end, the epoch second the measurement began)."""
    from django.db import connection

    env = server_env(database_url=args.database_url, cache_url=args.cache_url,
                     page_cache=mode == "on")
    log(f"page cache {mode}: gunicorn with {args.workers} workers …")
    results = {}
    with Gunicorn(env=env, workers=args.workers, threads=args.threads) as gunicorn:
        for phase in ("idle", "import"):
            if phase == "import" and args.no_import:
                continue
            cache.flushdb()
            import_file = next_import_file(args.rows) if phase == "import" else None
            connection.close()
            log(f"  {phase}: {args.users} users, {args.duration} s …")
            samples, imported, measure_from = run_phase(
                f"cache_{mode}_{phase}", host=gunicorn.host, users=args.users,
                duration=args.duration, wait=args.wait, warmup=args.warmup,
                import_file=import_file, import_env=env, import_delay=args.import_delay,
                import_nice=args.import_nice,
            )
            if imported is not None:
                read_import_run(imported)
                connection.close()
            samples = [s for s in samples if s.start >= measure_from]
            results[phase] = (samples, imported, cache.dbsize(), measure_from)
    return results


def judge_cache_mode(args, mode, results):
    """The Markdown section of one page-cache setting, and whether it passed."""
    idle_samples, _none, idle_keys, idle_from = results["idle"]
    idle = summarise(idle_samples, start=idle_from, end=idle_from + args.duration)
    loaded = imported = None
    ok = idle["all"].errors == 0
    notes = [
        f"Page cache **{mode}** (`PORTAL_PAGE_CACHE={'True' if mode == 'on' else 'False'}`), "
        f"Redis db `{args.cache_url.rsplit('/', 1)[-1]}` flushed before each run, then "
        f"{args.warmup:.0f} s of load not counted (warm-up). Idle run: "
        f"{idle['all'].count:,} requests to {len({s.url for s in idle_samples})} distinct "
        f"addresses, {idle_keys:,} cache keys at its end"
    ]
    if "import" in results:
        import_samples, imported, import_keys, _from = results["import"]
        loaded = summarise(import_samples, start=imported.started, end=imported.ended)
        notes.append(
            f"; import run: {len(import_samples):,} requests "
            f"({loaded['all'].count if loaded else 0:,} of them during the import), "
            f"{import_keys:,} cache keys at its end (the import's end makes every page stale)"
        )
        ok &= imported.returncode == 0 and imported.status == "imported"
        ok &= not any(s for s in import_samples if not s.ok)
        whole = summarise(import_samples)["all"]
        notes.append(
            f". The whole import run (before, during and after the import): "
            f"{whole.rps:.1f} req/s, p95 {_ms(whole.p95)} ms, {whole.errors} errors."
        )
        if loaded:
            ok &= all(
                loaded[g].p95 / idle[g].p95 < RATIO_TARGET
                for g in loaded if g in idle and idle[g].p95
            )
    else:
        notes.append(".")
    section = render_pair(
        idle, loaded, title=f"Page cache {mode}", import_result=imported,
        cache_note="".join(notes),
    )
    return section, ok


def report_header(args, server, organisations):
    return (
        f"## Load test ({args.users} users, {args.duration} s per run, think time {args.wait} s)\n\n"
        f"{organisations:,} published organisations, {server} "
        f"(`{database_name(args.database_url)}`), gunicorn (gunicorn.conf.py) "
        f"{args.workers} gthread workers × {args.threads} threads on 127.0.0.1 with "
        f"`{SETTINGS}` (`CONN_MAX_AGE` 60 s with health checks), locust "
        f"{args.users} users on FastHttpUser (one process), {machine()}; the CPUs are "
        f"shared by server, database, load generator and other jobs. "
        f"{code_state()}. Times are per request as the client saw them "
        "(loopback; nearest-rank percentiles of every request)."
    )


def main(argv=None):
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    pages_bench.setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    if not args.no_setup:
        call_command("ensure_database")
        pages_bench.prepare_database(args.rows)
    groups = build_url_groups()
    write_url_file(groups, OUT / "load_urls.json")
    distinct = sum(len(urls) for urls in groups.values())
    log(f"{distinct} addresses in {len(groups)} groups (bench/out/load_urls.json)")
    server = server_version(connection)
    organisations = pages_bench.dataset().organisations
    connection.close()

    cache = redis_client(args.cache_url)
    sections, ok = [], True
    shutil.rmtree(OUT / "static", ignore_errors=True)
    collectstatic(server_env(database_url=args.database_url, cache_url=args.cache_url,
                             page_cache=True))
    for mode in args.cache_modes:
        results = run_cache_mode(args, mode, cache)
        section, passed = judge_cache_mode(args, mode, results)
        sections.append(section)
        ok &= passed
        for name, (samples, *_rest) in results.items():
            for line in failures(samples):
                log(f"  FAILED ({mode}, {name}): {line}")

    report = "\n\n".join([report_header(args, server, organisations), *sections]) + "\n\n" + (
        "**PASS**: no failed request, the import completed, every p95 during the import "
        f"below {RATIO_TARGET:.0f} × idle." if ok else
        "**FAIL**: failed requests, a failed import, or a p95 during the import at "
        f"{RATIO_TARGET:.0f} × idle or more (see above)."
    )
    (OUT / "load.md").write_text(report + "\n", encoding="utf-8")
    print(report)
    print(f"\n(written to {(OUT / 'load.md').relative_to(REPO)})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
