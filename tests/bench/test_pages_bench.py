"""Smoke test of the page benchmark (bench/pages.py): its page list resolves, its plan walker
tells a sequential scan of the organisations table from an index plan, and its measuring loop
runs on a tiny dataset. No timing is asserted."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import resolve

from bench import pages as bench
from tests.factories import (
    GrowthFieldFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
)


def seq_scan_plan():
    """EXPLAIN (FORMAT JSON) of a directory page that reads the table sequentially, with an
    index scan on a link table and a seq scan of another table besides."""
    return [
        {
            "Plan": {
                "Node Type": "Limit",
                "Plans": [
                    {
                        "Node Type": "Sort",
                        "Plans": [
                            {
                                "Node Type": "Hash Join",
                                "Plans": [
                                    {
                                        "Node Type": "Seq Scan",
                                        "Parent Relationship": "Outer",
                                        "Parallel Aware": True,
                                        "Relation Name": "members_organisation",
                                        "Alias": "members_organisation",
                                    },
                                    {
                                        "Node Type": "Hash",
                                        "Plans": [
                                            {
                                                "Node Type": "Seq Scan",
                                                "Relation Name": "members_organisation_growth_fields",
                                            }
                                        ],
                                    },
                                ],
                            }
                        ],
                    }
                ],
            }
        }
    ]


def index_plan():
    return [
        {
            "Plan": {
                "Node Type": "Limit",
                "Plans": [
                    {
                        "Node Type": "Index Scan",
                        "Index Name": "organisation_district_name",
                        "Relation Name": "members_organisation",
                        "Plans": [
                            {
                                "Node Type": "Seq Scan",
                                "Parent Relationship": "SubPlan",
                                "Relation Name": "networks_network",
                            }
                        ],
                    },
                    {
                        "Node Type": "Bitmap Heap Scan",
                        "Relation Name": "members_organisation",
                        "Plans": [
                            {
                                "Node Type": "Bitmap Index Scan",
                                "Index Name": "organisation_search_fts",
                            }
                        ],
                    },
                ],
            }
        }
    ]


def test_plan_walker_finds_the_seq_scan_on_organisations():
    found = bench.plan_seq_scans(seq_scan_plan())
    assert [node["Relation Name"] for node in found] == ["members_organisation"]


def test_plan_walker_reads_json_text_and_a_nested_init_plan():
    import json

    plan = index_plan()
    plan[0]["Plan"]["Plans"][0]["Plans"].append(
        {
            "Node Type": "Seq Scan",
            "Parent Relationship": "InitPlan",
            "Relation Name": "members_organisation",
        }
    )
    assert len(bench.plan_seq_scans(json.dumps(plan))) == 1


def test_plan_walker_finds_nothing_in_an_index_plan():
    assert bench.plan_seq_scans(index_plan()) == []


def test_only_selects_on_the_organisations_table_are_explained():
    assert bench.reads_organisations('SELECT 1 FROM "members_organisation" WHERE true')
    assert not bench.reads_organisations(
        'SELECT 1 FROM "members_organisation_growth_fields" WHERE true'
    )
    assert not bench.reads_organisations("UPDATE \"members_organisation\" SET name = 'x'")


def dataset():
    return bench.Dataset(organisations=100_000, network_slug="optonet", network_members=5_000)


@override_settings(ROOT_URLCONF=bench.URLCONF)
def test_every_page_of_the_list_resolves():
    pages = bench.build_pages(dataset())
    keys = [page.key for page in pages]
    assert len(keys) == len(set(keys))
    assert keys[0] == "trivial"
    for page in pages:
        match = resolve(urlsplit(page.url).path)
        assert match.func is not None, page.url
    by_key = {page.key: page for page in pages}
    assert resolve(urlsplit(by_key["directory"].url).path).view_name == "members:list"
    assert "page=4000" in by_key["directory_deep"].url
    assert "page=200" in by_key["network_deep"].url
    assert all(page.checked for page in pages if page.group in ("filter", "search"))


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=bench.URLCONF)
def test_the_bench_runs_on_a_tiny_dataset():
    growth_field = GrowthFieldFactory(slug="automobil")
    network = NetworkFactory(slug="optonet")
    for organisation in OrganisationFactory.create_batch(3, district="Jena"):
        organisation.growth_fields.add(growth_field)
        MembershipFactory(network=network, organisation=organisation)
    pages = bench.build_pages(
        bench.Dataset(organisations=3, network_slug="optonet", network_members=3)
    )

    results = bench.measure(pages, requests=2, warmup=1, progress=lambda message: None)

    assert set(results) == {page.key for page in pages}
    trivial = results["trivial"]
    assert trivial.ok and len(trivial.times) == 2 and trivial.queries == []
    for result in results.values():
        # A page not written yet is reported (n/a with its status), never a crash.
        assert result.status is not None
        assert len(result.times) == (2 if result.status == 200 else 0) or result.error
    if connection.vendor == "postgresql":
        bench.run_explains(results, page_size=25)
        for result in results.values():
            if result.page.checked:
                assert result.explained, result.page.key
                assert not any(item.error for item in result.explained), result.page.key
    report = bench.render(
        results,
        {
            "organisations": 3,
            "server": connection.vendor,
            "database": "test",
            "network": "optonet",
            "network_members": 3,
            "requests": 2,
            "warmup": 1,
            "machine": "test",
            "code": "Code: test",
        },
    )
    assert report.count("\n| ") == len(pages) + 1  # header and one line per page
