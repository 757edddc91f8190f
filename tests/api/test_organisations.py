"""/api/organisations/: the published member directory with its filters, without personal
data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.api import LicensedPagination
from members.choices import District, OrganisationKind
from tests.factories import (
    GrowthFieldFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

FIELDS = {
    "id",
    "api_url",
    "url",
    "leg_id",
    "name",
    "legal_form",
    "kind",
    "street",
    "postcode",
    "town",
    "district",
    "website",
    "founding_year",
    "employees",
    "employees_approximate",
    "revenue_meur",
    "revenue_approximate",
    "export_quota",
    "wz_code",
    "growth_fields",
    "networks",
    "keywords",
    "record_date",
}


@pytest.fixture
def directory():
    """Four published organisations and one unpublished one that matches every filter."""
    optics = GrowthFieldFactory(slug="optik")
    machines = GrowthFieldFactory(slug="maschinenbau")
    optonet = NetworkFactory(slug="optonet")
    elmug = NetworkFactory(slug="elmug")
    laser = OrganisationFactory(
        leg_id="TH-000001",
        name="Jenaer Laser GmbH",
        street="Carl-Zeiss-Straße 1",
        town="Jena",
        district=District.JENA,
        phone="03641 123456",
        email="info@laser.example",
        website="https://laser.example",
        founding_year=1991,
        employees=5,
        revenue_meur=Decimal("1.250"),
        revenue_approximate=True,
        export_quota=Decimal("40.00"),
        wz_code="26.51",
        keywords="Laser, Mikroskopie",
        record_date=datetime.date(2012, 9, 1),
    )
    laser.growth_fields.add(optics)
    MembershipFactory(organisation=laser, network=optonet)
    MembershipFactory(organisation=laser, network=elmug, until=datetime.date(2010, 12, 31))
    university = OrganisationFactory(
        leg_id="TH-000002",
        name="Hochschule Erfurt",
        kind=OrganisationKind.UNIVERSITY,
        postcode="99085",
        town="Erfurt",
        district=District.ERFURT,
        employees=300,
        employees_approximate=True,
        wz_code="85.42",
    )
    university.growth_fields.add(machines)
    MembershipFactory(organisation=university, network=elmug)
    tools = OrganisationFactory(
        leg_id="TH-000003",
        name="Suhler Werkzeugbau KG",
        postcode="98527",
        town="Suhl",
        district=District.SUHL,
        employees=None,
        wz_code="28.41",
    )
    tools.growth_fields.add(machines)
    MembershipFactory(organisation=tools, network=elmug, until=datetime.date(2011, 6, 30))
    optics_research = OrganisationFactory(
        leg_id=None,
        name="Institut für Photonik",
        kind=OrganisationKind.RESEARCH_INSTITUTE,
        town="Jena",
        district=District.JENA,
        employees=120,
        wz_code="72.19",
        keywords="Photonik, Laser",
    )
    optics_research.growth_fields.add(optics)
    MembershipFactory(organisation=optics_research, network=optonet)
    hidden = OrganisationFactory(
        leg_id="TH-000009",
        name="Jenaer Laser Geheim GmbH",
        town="Jena",
        district=District.JENA,
        employees=5,
        wz_code="26.51",
        keywords="Laser",
        published=False,
    )
    hidden.growth_fields.add(optics)
    MembershipFactory(organisation=hidden, network=optonet)
    return {
        "laser": laser,
        "university": university,
        "tools": tools,
        "research": optics_research,
        "hidden": hidden,
    }


def names(response):
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["results"])


def test_list_shows_published_organisations_with_their_fields(api_client, directory):
    """The list holds the published organisations by name, each with every documented field."""
    response = api_client.get("/api/organisations/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 4
    assert [item["name"] for item in data["results"]] == [
        "Hochschule Erfurt",
        "Institut für Photonik",
        "Jenaer Laser GmbH",
        "Suhler Werkzeugbau KG",
    ]
    for item in data["results"]:
        assert set(item) == FIELDS


def test_detail_has_the_directory_data(api_client, directory):
    """An organisation's record: its data, growth fields, current networks and keywords."""
    laser = directory["laser"]
    response = api_client.get(f"/api/organisations/{laser.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == laser.pk
    assert data["leg_id"] == "TH-000001"
    assert data["kind"] == "unternehmen"
    assert data["street"] == "Carl-Zeiss-Straße 1"
    assert data["postcode"] == "07743"
    assert data["district"] == "Jena"
    assert data["founding_year"] == 1991
    assert data["employees"] == 5
    assert data["employees_approximate"] is False
    assert Decimal(data["revenue_meur"]) == Decimal("1.25")
    assert data["revenue_approximate"] is True
    assert Decimal(data["export_quota"]) == 40
    assert data["wz_code"] == "26.51"
    assert data["growth_fields"] == ["optik"]
    assert data["networks"] == ["optonet"]
    assert data["keywords"] == ["Laser", "Mikroskopie"]
    assert data["record_date"] == "2012-09-01"


def test_no_personal_data(api_client, directory):
    """Neither phone numbers nor e-mail addresses appear, in the list or in a record."""
    listing = api_client.get("/api/organisations/")
    detail = api_client.get(f"/api/organisations/{directory['laser'].pk}/")
    for item in [*listing.json()["results"], detail.json()]:
        assert "phone" not in item
        assert "email" not in item
    for response in (listing, detail):
        assert b"03641" not in response.content
        assert b"info@laser.example" not in response.content


def test_phone_and_email_are_not_even_read(api_client, directory):
    """The API's queries do not select the phone and e-mail columns at all."""
    with CaptureQueriesContext(connection) as queries:
        api_client.get("/api/organisations/", {"q": "Laser"})
        api_client.get(f"/api/organisations/{directory['laser'].pk}/")
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"members_organisation"."phone"' not in sql
    assert '"members_organisation"."email"' not in sql


def test_missing_numbers_stay_null(api_client, directory):
    """Employees, revenue and export quota without data are null, never 0."""
    data = api_client.get(f"/api/organisations/{directory['tools'].pk}/").json()
    assert data["employees"] is None
    assert data["revenue_meur"] is None
    assert data["export_quota"] is None
    assert data["leg_id"] == "TH-000003"
    research = api_client.get(f"/api/organisations/{directory['research'].pk}/").json()
    assert research["leg_id"] is None


def test_url_points_to_the_public_page(api_client, directory):
    """``url`` is the organisation's page in the directory, ``api_url`` this resource."""
    pk = directory["laser"].pk
    data = api_client.get(f"/api/organisations/{pk}/").json()
    assert data["url"] == f"http://testserver/mitglieder/{pk}/"
    assert data["api_url"] == f"http://testserver/api/organisations/{pk}/"


def test_unpublished_organisation_is_not_found(api_client, directory):
    """An unpublished organisation is 404 by id, as is an id that does not exist."""
    assert api_client.get(f"/api/organisations/{directory['hidden'].pk}/").status_code == 404
    assert api_client.get("/api/organisations/999999/").status_code == 404
    assert api_client.get("/api/organisations/abc/").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "Laser"},
        {"growth_field": "optik"},
        {"network": "optonet"},
        {"kind": "unternehmen"},
        {"district": "Jena"},
        {"wz": "26"},
        {"size": "kleinst"},
        {"leg_id": "TH-000009"},
    ],
)
def test_unpublished_organisation_never_appears(api_client, directory, params):
    """The unpublished organisation matches every one of these filters and still never shows."""
    response = api_client.get("/api/organisations/", params)
    assert response.status_code == 200
    assert "Jenaer Laser Geheim GmbH" not in names(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "Laser"}, ["Institut für Photonik", "Jenaer Laser GmbH"]),
        ({"q": "Erfurt"}, ["Hochschule Erfurt"]),
        ({"growth_field": "optik"}, ["Institut für Photonik", "Jenaer Laser GmbH"]),
        ({"growth_field": "maschinenbau"}, ["Hochschule Erfurt", "Suhler Werkzeugbau KG"]),
        ({"network": "optonet"}, ["Institut für Photonik", "Jenaer Laser GmbH"]),
        ({"network": "elmug"}, ["Hochschule Erfurt"]),
        ({"kind": "unternehmen"}, ["Jenaer Laser GmbH", "Suhler Werkzeugbau KG"]),
        ({"kind": "hochschule"}, ["Hochschule Erfurt"]),
        ({"district": "Jena"}, ["Institut für Photonik", "Jenaer Laser GmbH"]),
        ({"district": "Suhl"}, ["Suhler Werkzeugbau KG"]),
        ({"wz": "26"}, ["Jenaer Laser GmbH"]),
        ({"wz": "28"}, ["Suhler Werkzeugbau KG"]),
        ({"size": "kleinst"}, ["Jenaer Laser GmbH"]),
        ({"size": "mittel"}, ["Institut für Photonik"]),
        ({"size": "gross"}, ["Hochschule Erfurt"]),
        ({"size": "ka"}, ["Suhler Werkzeugbau KG"]),
        ({"leg_id": "TH-000002"}, ["Hochschule Erfurt"]),
        ({"leg_id": " th-000001 "}, ["Jenaer Laser GmbH"]),
        ({"district": "Jena", "kind": "forschungseinrichtung"}, ["Institut für Photonik"]),
    ],
)
def test_filters_return_the_right_rows(api_client, directory, params, expected):
    """Each of the directory's filters selects the same rows as on the directory's page."""
    assert names(api_client.get("/api/organisations/", params)) == expected


def test_current_memberships_only(api_client, directory):
    """A former membership neither lists the organisation under the network nor the network
    under the organisation."""
    tools = api_client.get(f"/api/organisations/{directory['tools'].pk}/").json()
    assert tools["networks"] == []
    assert "Suhler Werkzeugbau KG" not in names(
        api_client.get("/api/organisations/", {"network": "elmug"})
    )


def test_sort(api_client, directory):
    """``sort=-employees`` puts the largest first and those without a number last."""
    response = api_client.get("/api/organisations/", {"sort": "-employees"})
    assert [item["name"] for item in response.json()["results"]] == [
        "Hochschule Erfurt",
        "Institut für Photonik",
        "Jenaer Laser GmbH",
        "Suhler Werkzeugbau KG",
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "raumschiff"},
        {"district": "Berlin"},
        {"growth_field": "gibt-es-nicht"},
        {"network": "gibt-es-nicht"},
        {"wz": "99x"},
        {"size": "riesig"},
        {"sort": "phone"},
    ],
)
def test_invalid_filter_is_a_400_naming_the_parameter(api_client, directory, params):
    """An invalid filter value answers 400 with the error under the parameter's name."""
    response = api_client.get("/api/organisations/", params)
    assert response.status_code == 400
    (name,) = params
    assert name in response.json()


def test_pages(api_client, directory):
    """``page_size`` sets the page length; ``next`` and ``previous`` link the pages."""
    first = api_client.get("/api/organisations/", {"page_size": 3}).json()
    assert first["count"] == 4
    assert len(first["results"]) == 3
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/organisations/?page=2&page_size=3"
    second = api_client.get(first["next"]).json()
    assert [item["name"] for item in second["results"]] == ["Suhler Werkzeugbau KG"]
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/organisations/?page_size=3"
    assert api_client.get("/api/organisations/", {"page": 3, "page_size": 3}).status_code == 404


def test_filters_survive_in_page_links(api_client, directory):
    """The filter parameters carry over into ``next``."""
    data = api_client.get("/api/organisations/", {"district": "Jena", "page_size": 1}).json()
    assert data["count"] == 2
    assert "district=Jena" in data["next"]


def test_page_size_is_capped_at_500():
    """A client cannot ask for more than 500 rows a page."""
    pagination = LicensedPagination()
    request = Request(APIRequestFactory().get("/api/organisations/", {"page_size": 10000}))
    assert pagination.get_page_size(request) == 500


def make_organisations(count, field=None, network=None):
    field = field or GrowthFieldFactory()
    network = network or NetworkFactory()
    for _ in range(count):
        organisation = OrganisationFactory(keywords="Laser, Optik")
        organisation.growth_fields.add(field, GrowthFieldFactory())
        MembershipFactory(organisation=organisation, network=network)
        MembershipFactory(organisation=organisation)


def test_list_runs_a_constant_number_of_queries(api_client, django_assert_num_queries):
    """10 or 40 organisations, each with growth fields and networks: the same queries."""
    make_organisations(10)
    with django_assert_num_queries(QUERIES):
        assert len(api_client.get("/api/organisations/").json()["results"]) == 10
    make_organisations(30)
    with django_assert_num_queries(QUERIES):
        assert len(api_client.get("/api/organisations/").json()["results"]) == 40


def test_filtered_list_runs_a_constant_number_of_queries(api_client, django_assert_num_queries):
    """Filtering by growth field and network adds only the look-ups of the two slugs."""
    field = GrowthFieldFactory(slug="optik")
    network = NetworkFactory(slug="optonet")
    params = {"growth_field": "optik", "network": "optonet"}
    make_organisations(3, field, network)
    with django_assert_num_queries(QUERIES + 2):
        assert len(api_client.get("/api/organisations/", params).json()["results"]) == 3
    make_organisations(12, field, network)
    with django_assert_num_queries(QUERIES + 2):
        assert len(api_client.get("/api/organisations/", params).json()["results"]) == 15


# count, page, growth fields, current memberships (with networks), and the savepoint pair of
# ATOMIC_REQUESTS
QUERIES = 6


def test_output_does_not_depend_on_accept_language(api_client, directory):
    """The API answers in the portal's default language whatever the client asks for: the
    same addresses and messages for everyone."""
    pk = directory["laser"].pk
    data = api_client.get(f"/api/organisations/{pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["url"] == f"http://testserver/mitglieder/{pk}/"
    error = api_client.get("/api/organisations/", {"kind": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert error.json() == api_client.get("/api/organisations/", {"kind": "x"}).json()


def test_current_memberships_follow_the_date_of_the_request(client):
    """A membership that ends today is gone tomorrow, without restarting the server."""
    from unittest import mock

    from django.utils import timezone

    today = timezone.localdate()
    membership = MembershipFactory(until=today)
    slug = membership.network.slug
    url = f"/api/organisations/{membership.organisation.pk}/"
    assert client.get(url).json()["networks"] == [slug]
    with mock.patch("django.utils.timezone.localdate", return_value=today + datetime.timedelta(1)):
        assert client.get(url).json()["networks"] == []
