"""/api/growth-fields/: growth fields with their sourced key-figure series."""

import datetime
from decimal import Decimal

import pytest

from growthfields.choices import Metric
from tests.factories import GrowthFieldFactory, KeyFigureFactory, SourceFactory

pytestmark = pytest.mark.django_db


def figure(data, metric):
    (found,) = [point for point in data["key_figures"] if point["metric"] == metric]
    return found


def test_list_returns_every_growth_field_with_its_fields(api_client, reference_data):
    """The list holds the growth fields and their parts, each with every documented field."""
    response = api_client.get("/api/growth-fields/", {"page_size": 100})
    assert response.status_code == 200
    data = response.json()
    slugs = [item["slug"] for item in data["results"]]
    assert data["count"] == len(slugs)
    assert {"automobil", "life-sciences", "biotechnologie", "optik-optoelektronik"} <= set(slugs)
    assert set(data["results"][0]) == {
        "slug",
        "api_url",
        "url",
        "name",
        "name_en",
        "short_name",
        "category",
        "agency",
        "parent",
        "parts",
        "description",
        "description_en",
        "strengths",
        "weaknesses",
        "assessment_source",
        "wz_codes",
        "key_figures",
    }


def test_detail_has_the_brochures_figures_with_their_source(api_client, reference_data):
    """Automobil: about 500 companies and 50,000 employees (LEG database, September 2012)."""
    response = api_client.get("/api/growth-fields/automobil/")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Automobil"
    assert data["name_en"] == "Automotive"
    assert data["category"] == "anwendung"
    assert data["parent"] is None
    assert "hohe strukturelle Bedeutung der Branche in Thüringen" in data["strengths"]
    assert data["weaknesses"]
    assert data["assessment_source"]["slug"] == "trendatlas-2020"
    companies = figure(data, Metric.COMPANIES)
    assert Decimal(companies["value"]) == 500
    assert companies["approximate"] is True
    assert companies["reference_date"] == "2012-09"
    assert companies["reference_precision"] == "month"
    assert companies["source"] == {
        "slug": "leg-db-2012-09",
        "title": "Unternehmens- und Technologiedatenbank der LEG Thüringen",
        "publisher": "Landesentwicklungsgesellschaft Thüringen mbH (LEG Thüringen)",
        "reference_date": "2012-09",
        "reference_precision": "month",
        "url": "",
    }
    assert Decimal(figure(data, Metric.EMPLOYEES)["value"]) == 50000
    export_quota = figure(data, Metric.EXPORT_QUOTA)
    assert Decimal(export_quota["value"]) == Decimal("32.3")
    assert export_quota["scope_note"] == "WZ 29"
    assert export_quota["source"]["slug"] == "tls-betriebe-2011"


def test_missing_values_stay_null(api_client, reference_data):
    """A figure without a value ("keine Angaben") is null, never 0, and keeps its note."""
    data = api_client.get("/api/growth-fields/life-sciences/").json()
    gva_share = figure(data, Metric.GVA_SHARE)
    assert gva_share["value"] is None
    assert gva_share["approximate"] is False
    assert "kein Gesamtwert" in gva_share["note"]
    assert gva_share["source"]["slug"] == "trendatlas-2020"


def test_parts_and_parent_are_slugs(api_client, reference_data):
    """A growth field names its parts, a part its parent, by slug."""
    whole = api_client.get("/api/growth-fields/kunststoffe-und-keramik/").json()
    assert whole["parts"] == ["kunststoffe", "keramik"]
    part = api_client.get("/api/growth-fields/kunststoffe/").json()
    assert part["parent"] == "kunststoffe-und-keramik"
    assert part["wz_codes"] == ["22"]


def test_series_runs_oldest_first(api_client):
    """Several points of one metric form a series, oldest first, each with its own source."""
    field = GrowthFieldFactory(slug="optik")
    later = KeyFigureFactory(
        growth_field=field, value=Decimal("190"), reference_date=datetime.date(2012, 9, 1)
    )
    earlier = KeyFigureFactory(
        growth_field=field,
        value=Decimal("160"),
        reference_date=datetime.date(2011, 5, 1),
        source=SourceFactory(slug="optonet-studie"),
    )
    series = api_client.get("/api/growth-fields/optik/").json()["key_figures"]
    assert [point["reference_date"] for point in series] == ["2011", "2012"]  # as precise as known
    assert [point["source"]["slug"] for point in series] == [
        earlier.source.slug,
        later.source.slug,
    ]


def test_urls_point_to_the_public_page_and_the_api(api_client):
    """``url`` is the public page's absolute address, ``api_url`` this resource's."""
    GrowthFieldFactory(slug="automobil")
    data = api_client.get("/api/growth-fields/automobil/").json()
    assert data["url"] == "http://testserver/wachstumsfelder/automobil/"
    assert data["api_url"] == "http://testserver/api/growth-fields/automobil/"


def test_unknown_slug_is_404(api_client):
    """An unknown growth field is not found."""
    assert api_client.get("/api/growth-fields/gibt-es-nicht/").status_code == 404


def test_list_runs_a_constant_number_of_queries(api_client, django_assert_num_queries):
    """The list costs the same queries for 2 or 12 growth fields with figures and parts."""

    def make(count):
        for _ in range(count):
            field = GrowthFieldFactory(assessment_source=SourceFactory())
            GrowthFieldFactory(parent=field)
            KeyFigureFactory(growth_field=field)
            KeyFigureFactory(
                growth_field=field, metric=Metric.EMPLOYEES, value=None, approximate=False
            )

    make(1)
    with django_assert_num_queries(QUERIES):
        assert len(api_client.get("/api/growth-fields/").json()["results"]) == 2
    make(5)
    with django_assert_num_queries(QUERIES):
        assert len(api_client.get("/api/growth-fields/").json()["results"]) == 12


# count, page (with parent and assessment source), parts, key figures (with sources), and the
# savepoint pair of ATOMIC_REQUESTS
QUERIES = 6
