"""Cheap tests of the load and fault benchmarks (bench/load.py, bench/faults.py): the
locustfile's addresses answer 200, the figures are computed right. No load, no timing."""

import csv
import json
from urllib.parse import urlsplit

import pytest

from bench import faults
from bench import load as bench
from tests.factories import (
    GrowthFieldFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
)


@pytest.fixture
def directory_data():
    """Two growth fields, two networks, 30 organisations (more than a page of 25), all of
    them members of the first network and in the first growth field."""
    fields = [GrowthFieldFactory(), GrowthFieldFactory()]
    networks = [NetworkFactory(), NetworkFactory()]
    for n in range(30):
        organisation = OrganisationFactory(town="Jena" if n % 2 else "Weimar", employees=n * 10)
        organisation.growth_fields.add(fields[0])
        MembershipFactory(organisation=organisation, network=networks[0])
    return fields, networks


@pytest.mark.django_db
def test_every_address_of_the_task_mix_answers_200(client, directory_data):
    """Every address bench/load.py hands to the locustfile (all groups, both languages, pages
    of lists, filters, searches, typos, details, API) answers 200 without a redirect, so
    any failure in a load run is the server's, not the address list's."""
    groups = bench.build_url_groups(organisations=5, api_organisations=3)

    assert set(groups) == set(bench.GROUP_WEIGHTS)
    assert all(groups.values()), "every group has addresses"
    urls = [url for group in groups.values() for url in group]
    assert any(urlsplit(url).path.startswith("/en/") for url in urls), "English pages too"
    assert any("page=2" in url for url in groups["directory"]), "a second directory page"
    assert any("q=Pr%C3%A4zisionstechnk" in url for url in groups["search"]), "a typo"
    failed = {}
    for url in sorted(set(urls)):
        response = client.get(url)
        if response.status_code != 200:
            failed[url] = response.status_code
    assert failed == {}


@pytest.mark.django_db
def test_url_file_has_the_shape_the_locustfile_reads(tmp_path, directory_data):
    """The JSON file carries, per group, the weight from GROUP_WEIGHTS and the addresses."""
    groups = bench.build_url_groups(organisations=2, api_organisations=1)
    path = tmp_path / "urls.json"

    bench.write_url_file(groups, path)

    data = json.loads(path.read_text(encoding="utf-8"))["groups"]
    assert {name: entry["weight"] for name, entry in data.items()} == bench.GROUP_WEIGHTS
    assert data["home"]["urls"] == ["/", "/en/"]


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.95, None),
        ([7.0], 0.99, 7.0),
        (list(range(1, 21)), 0.95, 19),  # nearest rank: the 19th of 20
        (list(range(1, 21)), 0.50, 10),
        (list(range(100, 0, -1)), 0.99, 99),  # order of the input does not matter
        (list(range(1, 101)), 0.999, 100),
    ],
)
def test_percentile_is_the_nearest_rank(values, fraction, expected):
    """The percentile is the smallest value with at least that fraction of values at or
    below it; nothing for no values."""
    assert bench.percentile(values, fraction) == expected


def write_samples(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["start", "group", "url", "ms", "bytes", "ok"])
        writer.writerows(rows)


def test_samples_are_summarised_per_group_and_window(tmp_path):
    """Samples as the locustfile writes them are read back; per group and in total: count,
    errors, requests per second of the window, and percentiles; requests outside the window
    are left out."""
    path = tmp_path / "samples.csv"
    rows = [(f"{1000 + i * 0.1:.6f}", "home", "/", f"{i + 1:.3f}", 100, 1) for i in range(20)]
    rows += [(f"{1000 + i * 0.5:.6f}", "api_list", "/api/", "50.000", 10, 0 if i == 3 else 1)
             for i in range(4)]
    rows.append(("2000.000000", "home", "/", "9999.000", 100, 1))  # outside the window
    write_samples(path, rows)

    samples = bench.read_samples(path)
    stats = bench.summarise(samples, start=1000, end=1010)

    assert len(samples) == 25
    assert stats["home"].count == 20
    assert stats["home"].p50 == 10
    assert stats["home"].p95 == 19
    assert stats["home"].p99 == 20
    assert stats["home"].errors == 0
    assert stats["api_list"].errors == 1
    assert stats["all"].count == 24
    assert stats["all"].rps == pytest.approx(2.4)


def test_summary_without_window_spans_first_start_to_last_end():
    """Without a window, requests per second are counted over the first request's start to
    the last one's end."""
    samples = [
        bench.Sample(100.0, "home", "/", 500.0, 1, True),
        bench.Sample(101.5, "home", "/", 500.0, 1, True),
    ]

    stats = bench.summarise(samples)

    assert stats["all"].rps == pytest.approx(1.0)  # 2 requests in 2 s


def test_report_marks_a_p95_ten_times_idle_as_a_miss():
    """The side-by-side table shows each group's p95 during the import as a multiple of its
    idle p95 and marks 10 × or more as a miss."""
    idle = {"home": bench.GroupStats("home", 10, 0, 5.0, 10.0, 20.0, 30.0),
            "all": bench.GroupStats("all", 10, 0, 5.0, 10.0, 20.0, 30.0)}
    loaded = {"home": bench.GroupStats("home", 10, 0, 4.0, 50.0, 250.0, 300.0),
              "all": bench.GroupStats("all", 10, 0, 4.0, 50.0, 100.0, 300.0)}

    table = bench.render_pair(idle, loaded, title="t", import_result=None, cache_note="")

    assert (
        "| home | 10 | 5.0 | 10.0 | 20.0 | 30.0 | 0 | 10 | 4.0 | 50.0 | 250 | 300 | 0 | 12.5 × MISS |"
        in table
    )
    assert "| **all** |" in table and "| 5.0 × |" in table


def test_recovery_is_the_first_of_ten_consecutive_200s():
    """Time to recovery counts from the database's return to the first answer of an unbroken
    run of ten 200s; an isolated 200 between 503s does not count, and no such run is None."""
    hits = [faults.Hit(10 + i, 10.2 + i, "/", status)
            for i, status in enumerate([503, 200, 503] + [200] * 10)]

    assert faults.recovery(hits, since=10) == pytest.approx(13.2 - 10)
    assert faults.recovery(hits[:8], since=10) is None
    assert faults.status_counts(hits[:3]) == "1 × 200, 2 × 503"
    assert faults.status_counts([faults.Hit(1, 2, "/", None, "timed out")]) == "1 × no answer"
