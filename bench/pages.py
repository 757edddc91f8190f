#!/usr/bin/env python
"""Page-speed benchmark: the public pages' server time and queries at 100,000 organisations.

    .venv/bin/python bench/pages.py [--database-url postgres://…/clusterportal_bench_pages]
                                    [--requests 30] [--warmup 3] [--rebuild] [--verbose]
    .venv/bin/python bench/pages.py --only search_jena,compare_cold --verbose
    .venv/bin/python bench/pages.py --profile directory_deep     # cProfile of one page

Prepares its own PostgreSQL database (created if missing, migrated, reference data, 100,000
organisations imported from a generated LEG export unless already there, one network topped up
to 5,000 current members, ANALYZE), then requests every page in-process through Django's test
``Client`` (the whole middleware stack, view, database and template; no network, no WSGI
server) round-robin, after warm-up requests, and compares each page's median with a trivial
"ok" view measured in the same rounds. Every directory filter and search is checked with
EXPLAIN for a sequential scan of the organisations table. Prints a Markdown table and writes it
to bench/out/pages.md; see docs/performance.md.
"""

import argparse
import cProfile
import io
import json
import logging
import math
import os
import pstats
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import common  # noqa: E402
from bench.common import (  # noqa: E402
    OUT,
    SEED,
    code_state,
    database_name,
    drop_database,
    export_file,
    log,
    machine,
    percentile,
    server_version,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/clusterportal_bench_pages"
URLCONF = "bench.pages_urls"
ORGANISATIONS = 100_000
NETWORK_MEMBERS = 5_000

TARGET_MEDIAN_MS = 25.0
TARGET_RATIO = 10.0
TARGET_COMPARE_QUERIES = 10  # "a handful of aggregate queries" when nothing is cached
ORGANISATION_TABLE = "members_organisation"

# Not counted as queries: the transaction control of ATOMIC_REQUESTS (BEGIN and COMMIT; savepoints
# inside an outer transaction, as in the tests).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


# --------------------------------------------------------------------------- the pages


@dataclass
class Page:
    """One URL to measure. ``group``: floor, page, filter, search, network, compare.
    ``checked``: its organisation queries must not scan the table (a directory filter or
    search). ``cold``: requested with a dummy cache, so nothing cached is reused."""

    key: str
    label: str
    url: str
    group: str
    checked: bool = False
    cold: bool = False
    params: dict = field(default_factory=dict)


@dataclass
class Dataset:
    """What the page list depends on in the database."""

    organisations: int
    network_slug: str
    network_members: int
    growth_field_slug: str = "automobil"
    page_size: int = 25


# Directory filters and searches whose parameters do not depend on the data: (key, label, group,
# parameters).
FIXED_LISTINGS = (
    ("filter_kind", "filter kind = hochschule", "filter", {"kind": "hochschule"}),
    ("filter_district", "filter district = Jena", "filter", {"district": "Jena"}),
    ("filter_wz", "filter WZ division = 26", "filter", {"wz": "26"}),
    ("filter_size", "filter size = mittel (50–249)", "filter", {"size": "mittel"}),
    ("search_jena", "search q=Jena", "search", {"q": "Jena"}),
    ("search_keyword", "search q=Sensorik (frequent keyword)", "search", {"q": "Sensorik"}),
    ("search_typo", "search with a typo, q=Präzisionstechnk", "search", {"q": "Präzisionstechnk"}),
    (
        "filter_search",
        "filter + search: district = Jena, q=Sensorik",
        "search",
        {"district": "Jena", "q": "Sensorik"},
    ),
)


def build_pages(data: Dataset) -> list[Page]:
    """The pages, in the order they are requested in each round. Needs the bench URLconf."""
    from django.urls import reverse

    directory = reverse("members:list")
    last_page = max(1, math.ceil(data.organisations / data.page_size))
    network_last_page = max(1, math.ceil(data.network_members / data.page_size))
    network = reverse("networks:detail", kwargs={"slug": data.network_slug})

    def listing(key, label, group, params, checked=True):
        url = f"{directory}?{urlencode(params)}" if params else directory
        return Page(key, label, url, group, checked=checked, params=params)

    return [
        Page("trivial", 'trivial view (plain "ok", the floor)', reverse("bench_ok"), "floor"),
        Page("home", "home page", reverse("home"), "page"),
        listing("directory", "directory, page 1", "page", {}, checked=False),
        listing(
            "directory_deep",
            f"directory, last page ({last_page:,})",
            "page",
            {"page": last_page},
            checked=False,
        ),
        listing(
            "filter_growth_field",
            f"filter growth field = {data.growth_field_slug}",
            "filter",
            {"growth_field": data.growth_field_slug},
        ),
        listing(
            "filter_network",
            f"filter network = {data.network_slug} ({data.network_members:,} members)",
            "filter",
            {"network": data.network_slug},
        ),
        *(listing(*spec) for spec in FIXED_LISTINGS),
        Page(
            "network",
            f"network {data.network_slug} ({data.network_members:,} members), page 1",
            network,
            "network",
        ),
        Page(
            "network_deep",
            f"network {data.network_slug}, last page ({network_last_page:,})",
            f"{network}?{urlencode({'page': network_last_page})}",
            "network",
        ),
        Page(
            "growth_field",
            f"growth field {data.growth_field_slug}",
            reverse("growthfields:detail", kwargs={"slug": data.growth_field_slug}),
            "page",
        ),
        Page("compare", "comparison page (cache warm)", reverse("compare"), "compare"),
        Page(
            "compare_cold",
            "comparison page, nothing cached (dummy cache)",
            reverse("compare"),
            "compare",
            cold=True,
        ),
    ]


# --------------------------------------------------------------------------- EXPLAIN


def plan_seq_scans(plan, relation=ORGANISATION_TABLE):
    """The nodes of an ``EXPLAIN (FORMAT JSON)`` result that read ``relation`` sequentially
    (``Seq Scan``, also when parallel), searching every sub-plan, init plan and CTE."""
    if isinstance(plan, str | bytes):
        plan = json.loads(plan)
    found = []

    def walk(node):
        if node.get("Node Type", "").endswith("Seq Scan") and node.get("Relation Name") == relation:
            found.append(node)
        for child in node.get("Plans", ()):
            walk(child)

    for entry in plan if isinstance(plan, list) else [plan]:
        walk(entry.get("Plan", entry))
    return found


_TABLE_RE = re.compile(rf'"{ORGANISATION_TABLE}"(?!_)')


def reads_organisations(sql: str) -> bool:
    """Whether a statement is a SELECT on the organisations table (not just its link tables)."""
    return sql.lstrip().upper().startswith("SELECT") and bool(_TABLE_RE.search(sql))


@dataclass
class Explained:
    sql: str
    seq_scans: int
    plan: object = None
    error: str = ""


def explain(connection, sql, params=None, analyze=False):
    """EXPLAIN one statement; JSON unless ``analyze`` (then the text plan with timings)."""
    options = "ANALYZE, BUFFERS, FORMAT TEXT" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}", params)
        rows = cursor.fetchall()
    if analyze:
        return "\n".join(row[0] for row in rows)
    return rows[0][0]


def explain_statements(connection, statements):
    """EXPLAIN every captured statement that reads the organisations table."""
    results = []
    for sql in statements:
        if not reads_organisations(sql):
            continue
        try:
            plan = explain(connection, sql)
        except Exception as error:  # noqa: BLE001 - reported, not fatal
            results.append(Explained(sql, 0, error=f"{type(error).__name__}: {error}"))
            continue
        results.append(Explained(sql, len(plan_seq_scans(plan)), plan))
    return results


def directory_statements(params, page_size=25):
    """The statements the directory runs for ``params`` (page 1 or ``page``, and the count),
    built from the shared filterset; used when the page itself cannot be requested."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.filtersets import OrganisationFilterSet
    from members.models import Organisation

    page = int(params.get("page", 1))
    data = {key: value for key, value in params.items() if key != "page"}
    queryset = OrganisationFilterSet(data, Organisation.objects.for_directory()).qs
    with CaptureQueriesContext(connection) as captured:
        queryset.count()
        list(queryset[(page - 1) * page_size : page * page_size])
    return [query["sql"] for query in captured.captured_queries]


# --------------------------------------------------------------------------- the database


def prepare_database(rows):
    """Migrate, load reference data, import ``rows`` organisations unless there, top up the
    biggest network to NETWORK_MEMBERS current members, ANALYZE."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from clusterportal.management.commands.load_reference_data import reference_data_load
    from members.models import Organisation

    started = time.perf_counter()
    log(f"migrating {connection.settings_dict['NAME']} …")
    call_command("migrate", interactive=False, verbosity=0)
    reference_data_load()
    have = Organisation.objects.count()
    if have >= rows:
        log(f"{have:,} organisations already there (--rebuild to start afresh)")
    else:
        from imports.choices import RunStatus
        from imports.services import leg_import_run

        path = export_file(rows, seed=SEED)
        log(f"importing {path.name} ({have:,} organisations so far) …")
        run = leg_import_run(path=path, max_bytes=settings.LEG_IMPORT_COMMAND_MAX_BYTES)
        if run.status != RunStatus.IMPORTED:
            sys.exit(f"import failed: {run.status} {run.message}")
        log(f"imported in {run.duration:.0f} s")
    slug, members = top_up_network(NETWORK_MEMBERS)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # visibility map too, as autovacuum would leave it
    log(f"database ready in {time.perf_counter() - started:.0f} s")
    return slug, members


def top_up_network(target):
    """Give the network with the most current published members at least ``target`` of them,
    adding memberships (bulk_create, no history) for published organisations not in it yet."""
    from django.db import transaction
    from django.db.models import Exists, OuterRef

    from members.models import Organisation
    from networks.models import Membership, Network

    network = (
        Network.objects.networks().with_member_counts().order_by("-member_count", "pk").first()
    )
    if network is None:
        sys.exit("no network in the database (reference data missing?)")
    missing = target - network.member_count
    if missing > 0:
        candidates = (
            Organisation.objects.published()
            .filter(
                ~Exists(Membership.objects.filter(network=network, organisation=OuterRef("pk")))
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:missing]
        )
        with transaction.atomic():
            Membership.objects.bulk_create(
                [Membership(network=network, organisation_id=pk) for pk in candidates],
                batch_size=1000,
            )
        log(f"network {network.slug}: {network.member_count:,} members, added {missing:,}")
    network = Network.objects.with_member_counts().get(pk=network.pk)
    return network.slug, network.member_count


def dataset():
    from django.conf import settings

    from members.models import Organisation
    from networks.models import Network

    network = (
        Network.objects.networks().with_member_counts().order_by("-member_count", "pk").first()
    )
    return Dataset(
        organisations=Organisation.objects.published().count(),
        network_slug=network.slug,
        network_members=network.member_count,
        page_size=settings.PORTAL_PAGE_SIZE,
    )


# --------------------------------------------------------------------------- measuring


class SqlClock:
    """Execute wrapper: the time spent in the database driver, and the statements."""

    def __init__(self):
        self.seconds = 0.0
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements += 1


@dataclass
class Result:
    page: Page
    status: int | None = None
    error: str = ""
    times: list = field(default_factory=list)  # seconds per request
    sql_times: list = field(default_factory=list)
    queries: list = field(default_factory=list)  # captured {sql, time} of one request
    explained: list = field(default_factory=list)
    explain_source: str = ""
    size: int = 0

    @property
    def ok(self):
        return self.status == 200 and bool(self.times)

    @property
    def median(self):
        return statistics.median(self.times) if self.times else None

    @property
    def p95(self):
        """Nearest rank: the smallest time that at least 95 % of the requests did not exceed."""
        return percentile(self.times, 0.95)

    @property
    def sql_median(self):
        return statistics.median(self.sql_times) if self.sql_times else None

    @property
    def seq_scans(self):
        return sum(item.seq_scans for item in self.explained)


def _request(client, page):
    from django.test import override_settings

    if page.cold:
        with override_settings(CACHES=DUMMY_CACHE):
            return client.get(page.url)
    return client.get(page.url)


def _timed(client, page, clock):
    """One request: wall time of ``client.get`` (the handler, middleware, view, queries and
    template rendering), and the driver's share of it."""
    from django.test import override_settings

    override = override_settings(CACHES=DUMMY_CACHE) if page.cold else None
    if override:
        override.enable()
    try:
        clock.seconds = 0.0
        started = time.perf_counter()
        response = client.get(page.url)
        elapsed = time.perf_counter() - started
    finally:
        if override:
            override.disable()
    return response, elapsed, clock.seconds


def _failure(response):
    exc_info = getattr(response, "exc_info", None)
    if exc_info and exc_info[1] is not None:
        return f"{type(exc_info[1]).__name__}: {str(exc_info[1]).splitlines()[0][:120]}"
    return ""


def measure(pages, requests, warmup, progress=log):
    """Warm up, capture one request's queries, then ``requests`` rounds over every page that
    answered 200 (one request of each page per round, in the same order)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)
    results = {page.key: Result(page) for page in pages}
    for page in pages:
        result = results[page.key]
        for _ in range(warmup):
            response = _request(client, page)
        result.status = response.status_code
        result.size = len(response.content)
        if response.status_code != 200:
            result.error = _failure(response)
            progress(f"  {page.key}: HTTP {response.status_code} {result.error}")
            continue
        with CaptureQueriesContext(connection) as captured:
            _request(client, page)
        result.queries = [
            dict(query)
            for query in captured.captured_queries
            if not query["sql"].upper().startswith(TRANSACTION_CONTROL)
        ]

    live = [page for page in pages if results[page.key].status == 200]
    clock = SqlClock()
    with connection.execute_wrapper(clock):
        for round_number in range(requests):
            for page in live:
                response, elapsed, sql_seconds = _timed(client, page, clock)
                result = results[page.key]
                if response.status_code != 200:
                    result.status = response.status_code
                    result.error = (
                        _failure(response)
                        or f"HTTP {response.status_code} in round {round_number + 1}"
                    )
                result.times.append(elapsed)
                result.sql_times.append(sql_seconds)
            if (round_number + 1) % 10 == 0:
                progress(f"  round {round_number + 1}/{requests}")
    return results


def run_explains(results, page_size):
    """EXPLAIN the organisation queries of every page; a directory filter or search that could
    not be requested is explained from the filterset's queries instead."""
    from django.db import connection

    for result in results.values():
        page = result.page
        statements = [query["sql"] for query in result.queries]
        result.explain_source = "page"
        if not statements and page.checked:
            statements = directory_statements(page.params, page_size)
            result.explain_source = "filterset"
        result.explained = explain_statements(connection, statements)


# --------------------------------------------------------------------------- profiling


def profile_page(page, requests, warmup):
    from django.test import Client

    client = Client(raise_request_exception=False)
    for _ in range(warmup):
        response = _request(client, page)
    if response.status_code != 200:
        sys.exit(f"{page.key}: HTTP {response.status_code} {_failure(response)}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        _request(client, page)
    profiler.disable()
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"pages_profile_{page.key}.pstats"
    profiler.dump_stats(target)
    for order in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(order)
        stats.print_stats(25)
        print(f"\n=== {page.key}: {requests} requests under cProfile, by {order} ===")
        print(stream.getvalue())
    print(f"written: {target.relative_to(REPO)} (python -m pstats to browse)")


# --------------------------------------------------------------------------- the report


def _ms(seconds):
    return "—" if seconds is None else f"{seconds * 1000:,.1f}"


def verdict(result, trivial_median):
    """(met, reasons) for one page; met is None for the floor and pages not measured."""
    page = result.page
    if page.group == "floor" or not result.ok:
        return None, []
    reasons = []
    if result.median * 1000 > TARGET_MEDIAN_MS:
        reasons.append(f"> {TARGET_MEDIAN_MS:g} ms")
    if trivial_median and result.median / trivial_median > TARGET_RATIO:
        reasons.append(f"> {TARGET_RATIO:g}× trivial")
    if page.checked and result.seq_scans:
        reasons.append("seq scan")
    if page.cold and len(result.queries) > TARGET_COMPARE_QUERIES:
        reasons.append(f"> {TARGET_COMPARE_QUERIES} queries")
    return not reasons, reasons


def render(results, header):
    trivial = results["trivial"]
    base = trivial.median if trivial.ok else None
    lines = [
        f"### Page speed: {header['organisations']:,} organisations on {header['server']}",
        "",
        f"Machine: {header['machine']}. Database `{header['database']}`; network "
        f"`{header['network']}` with {header['network_members']:,} current members. "
        f"{header['requests']} timed requests per page after {header['warmup']} warm-up "
        f"requests, pages interleaved round-robin. {header['code']}.",
        "",
        "| Page | Median ms | p95 ms | of which SQL ms | Queries | × trivial "
        "| Seq scan on organisations | Target met? |",
        "|---|--:|--:|--:|--:|--:|---|---|",
    ]
    for result in results.values():
        page = result.page
        label = f"{page.label}<br>`{page.url}`"
        if not result.ok:
            why = f"HTTP {result.status}" + (f": {result.error}" if result.error else "")
            seq = _seq_cell(result)
            lines.append(f"| {label} | n/a ({why}) | | | | | {seq} | n/a |")
            continue
        ratio = f"{result.median / base:.1f}×" if base else "—"
        met, reasons = verdict(result, base)
        target = "floor" if met is None else ("✓" if met else "✗ " + ", ".join(reasons))
        lines.append(
            f"| {label} | {_ms(result.median)} | {_ms(result.p95)} | {_ms(result.sql_median)} "
            f"| {len(result.queries)} | {ratio} | {_seq_cell(result)} | {target} |"
        )
    lines += ["", *summary(results, base)]
    return "\n".join(lines)


def _seq_cell(result):
    if not result.explained:
        return "—"
    errors = sum(bool(item.error) for item in result.explained)
    cell = "YES" if result.seq_scans else "no"
    if not result.page.checked and result.seq_scans:
        cell += " (not a target)"
    if result.explain_source == "filterset":
        cell += " (filterset)"
    if errors:
        cell += f" ({errors} not explained)"
    return cell


def summary(results, base):
    pages = [r for r in results.values() if r.page.group != "floor"]
    measured = [r for r in pages if r.ok]
    missing = [r for r in pages if not r.ok]
    fast = [r for r in measured if r.median * 1000 <= TARGET_MEDIAN_MS]
    close = [r for r in measured if base and r.median / base <= TARGET_RATIO]
    checked = [r for r in pages if r.page.checked and r.explained]
    scanning = [r for r in checked if r.seq_scans]
    lines = [
        f"Targets: median ≤ {TARGET_MEDIAN_MS:g} ms: {len(fast)} of {len(measured)} pages "
        f"measured; ≤ {TARGET_RATIO:g}× the trivial view ({_ms(base)} ms): {len(close)} of "
        f"{len(measured)}; no sequential scan of `{ORGANISATION_TABLE}` for a filter or search: "
        f"{len(checked) - len(scanning)} of {len(checked)} clean.",
    ]
    cold = results.get("compare_cold")
    warm = results.get("compare")
    if cold and cold.ok:
        lines.append(
            f"Comparison page: {len(cold.queries)} queries with nothing cached "
            f"(target ≤ {TARGET_COMPARE_QUERIES}), {len(warm.queries) if warm and warm.ok else '—'} "
            "with the cache warm."
        )
    if missing:
        lines.append(
            "Not measured: " + ", ".join(f"{r.page.key} (HTTP {r.status})" for r in missing) + "."
        )
    for result in measured:
        met, reasons = verdict(result, base)
        if met is False:
            lines.append(f"MISS {result.page.key}: {', '.join(reasons)}")
    for result in scanning:
        lines.append(f"FAIL {result.page.key}: sequential scan on {ORGANISATION_TABLE}")
    return lines


def print_details(results, connection):
    """--verbose: the queries of pages that missed a target, the plans of scanning ones, and
    EXPLAIN ANALYZE of each such page's slowest organisation query."""
    base = results["trivial"].median if results["trivial"].ok else None
    for result in results.values():
        met, reasons = verdict(result, base)
        scanning = result.page.checked and result.seq_scans
        if met is not False and not scanning:
            continue
        print(f"\n=== {result.page.key} ({result.page.url}): {', '.join(reasons)} ===")
        for query in result.queries:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
        for item in result.explained:
            if item.seq_scans:
                print(f"\n  Seq Scan in:\n  {item.sql}\n")
                print(explain_text(connection, item.sql))
        slow = sorted(
            (q for q in result.queries if reads_organisations(q["sql"])),
            key=lambda q: float(q["time"]),
            reverse=True,
        )[:1]
        for query in slow:
            print(f"\n  EXPLAIN ANALYZE of the slowest ({float(query['time']) * 1000:.1f} ms):")
            print(explain(connection, query["sql"], analyze=True))


def explain_text(connection, sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


# --------------------------------------------------------------------------- main


def setup_django(database_url):
    """Django on ``database_url`` with the bench URLconf (the portal plus the trivial view)."""
    common.setup_django(database_url)
    from django.test import override_settings

    override_settings(ROOT_URLCONF=URLCONF).enable()
    # 404s and 500s of pages not written yet are reported in the table, not logged per request.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_PAGES_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=ORGANISATIONS,
        help="organisations to import when the database has fewer",
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    parser.add_argument(
        "--no-setup",
        action="store_true",
        help="measure the database as it is (no migrate, import or top-up)",
    )
    parser.add_argument("--only", help="comma-separated page keys (the trivial view always runs)")
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="instead: cProfile --requests requests of one page, print the top",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit non-zero for any missed target, not only a seq scan",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="queries, plans and EXPLAIN ANALYZE of pages that miss a target",
    )
    args = parser.parse_args(argv)
    if args.requests < 1 or args.warmup < 1:
        parser.error("--requests and --warmup must be at least 1")
    name = database_name(args.database_url)
    if not args.no_setup and "bench" not in name:
        parser.error(
            f"refusing to set up {name!r}: the name must contain 'bench' "
            "(use --no-setup to measure another database as it is)"
        )
    if args.rebuild and args.no_setup:
        parser.error("--rebuild and --no-setup exclude each other")
    return parser, args


def prepare(args):
    """Drop the database (``--rebuild``), set Django up, and unless ``--no-setup`` create,
    migrate, fill and top up the database."""
    if args.rebuild:
        log(f"dropping {database_name(args.database_url)} …")
        drop_database(args.database_url)
    setup_django(args.database_url)
    if not args.no_setup:
        from django.core.management import call_command

        call_command("ensure_database")
        prepare_database(args.rows)


def select_pages(parser, pages, only):
    """The pages ``--only`` names (comma-separated keys), always with the trivial view."""
    keys = {page.key for page in pages}
    wanted = {key.strip() for key in only.split(",")}
    if unknown := wanted - keys:
        parser.error(
            f"--only: unknown {', '.join(sorted(unknown))}; one of {', '.join(sorted(keys))}"
        )
    return [page for page in pages if page.key == "trivial" or page.key in wanted]


def report_header(args, data, connection):
    return {
        "organisations": data.organisations,
        "server": server_version(connection),
        "database": database_name(args.database_url),
        "network": data.network_slug,
        "network_members": data.network_members,
        "requests": args.requests,
        "warmup": args.warmup,
        "machine": machine(),
        "code": code_state(),
    }


def exit_status(results, strict):
    """1 when a filter or search scans the organisations table (``--strict``: any miss)."""
    base = results["trivial"].median if results["trivial"].ok else None
    if any(r.page.checked and r.seq_scans for r in results.values()):
        return 1
    if strict and any(verdict(r, base)[0] is False for r in results.values()):
        return 1
    return 0


def main(argv=None):
    parser, args = parse_args(argv)
    prepare(args)
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("the page benchmark needs PostgreSQL (EXPLAIN, full-text and trigram search)")
    data = dataset()
    pages = build_pages(data)
    if args.profile:
        chosen = [page for page in pages if page.key == args.profile]
        if not chosen:
            parser.error(f"--profile: one of {', '.join(sorted(p.key for p in pages))}")
        profile_page(chosen[0], args.requests, args.warmup)
        return 0
    if args.only:
        pages = select_pages(parser, pages, args.only)

    log(f"{len(pages)} pages × ({args.warmup} warm-up + {args.requests} timed) requests …")
    results = measure(pages, args.requests, args.warmup)
    run_explains(results, data.page_size)
    report = render(results, report_header(args, data, connection))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "pages.md").write_text(report + "\n")
    if args.verbose:
        print_details(results, connection)
    print()
    print(report)
    print(f"\n(written to {(OUT / 'pages.md').relative_to(REPO)})")
    return exit_status(results, args.strict)


if __name__ == "__main__":
    sys.exit(main())
