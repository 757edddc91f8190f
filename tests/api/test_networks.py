"""/api/networks/: networks and alliances with growth fields and member counts."""

import datetime

import pytest

from tests.factories import (
    DeclaredMemberCountFactory,
    GrowthFieldFactory,
    MembershipFactory,
    NetworkFactory,
    NetworkGrowthFieldFactory,
    OrganisationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_list_returns_networks_and_alliances_with_their_fields(api_client, reference_data):
    """The list holds the reference networks and the alliance, each with every documented
    field."""
    response = api_client.get("/api/networks/", {"page_size": 100})
    assert response.status_code == 200
    results = {item["slug"]: item for item in response.json()["results"]}
    assert {"optonet", "medways", "elmug", "industrieallianz-thueringen"} <= set(results)
    assert set(results["optonet"]) == {
        "slug",
        "api_url",
        "url",
        "name",
        "short_name",
        "kind",
        "legal_form",
        "website",
        "founded_on",
        "description",
        "topics",
        "activities",
        "labels",
        "profile_source",
        "growth_fields",
        "member_networks",
        "alliances",
        "member_count",
        "declared_member_counts",
    }


def test_alliance_names_its_networks_and_they_name_it(api_client, reference_data):
    """The Industrieallianz lists its six networks; each of them names the alliance."""
    alliance = api_client.get("/api/networks/industrieallianz-thueringen/").json()
    assert alliance["kind"] == "allianz"
    assert sorted(alliance["member_networks"]) == [
        "elmug",
        "fermeth",
        "medways",
        "mnt",
        "optonet",
        "polymermat",
    ]
    medways = api_client.get("/api/networks/medways/").json()
    assert medways["kind"] == "netzwerk"
    assert medways["alliances"] == ["industrieallianz-thueringen"]
    assert medways["member_networks"] == []
    assert medways["labels"] == ["Bronze Label of Cluster Management Excellence"]


def test_declared_counts_name_their_source(api_client, reference_data):
    """medways declares 60 members (38 companies, 13 research), September 2012, with source."""
    data = api_client.get("/api/networks/medways/").json()
    (declared,) = data["declared_member_counts"]
    assert declared["total"] == 60
    assert declared["companies"] == 38
    assert declared["research"] == 13
    assert declared["reference_date"] == "2012-09-01"
    assert declared["source"]["slug"] == "profil-medways-2012-09"
    assert declared["source"]["title"]


def test_member_count_counts_current_published_members(api_client):
    """``member_count`` counts current members in the portal: not former, not unpublished."""
    network = NetworkFactory(slug="optonet")
    MembershipFactory.create_batch(2, network=network)
    MembershipFactory(network=network, organisation=OrganisationFactory(published=False))
    MembershipFactory(network=network, until=datetime.date(2010, 12, 31))
    DeclaredMemberCountFactory(network=network, total=93)
    data = api_client.get("/api/networks/optonet/").json()
    assert data["member_count"] == 2
    assert data["declared_member_counts"][0]["total"] == 93


def test_growth_fields_name_the_primary_one(api_client):
    """A network's growth fields come as slugs, the primary one first and marked."""
    network = NetworkFactory(slug="optonet")
    NetworkGrowthFieldFactory(network=network, growth_field=GrowthFieldFactory(slug="mikro"))
    NetworkGrowthFieldFactory(
        network=network, growth_field=GrowthFieldFactory(slug="optik"), is_primary=True
    )
    data = api_client.get("/api/networks/optonet/").json()
    assert data["growth_fields"] == [
        {"slug": "optik", "primary": True},
        {"slug": "mikro", "primary": False},
    ]


def test_urls_point_to_the_public_page_and_the_api(api_client):
    """``url`` is the network's public page, ``api_url`` this resource."""
    NetworkFactory(slug="optonet", website="https://www.optonet-jena.de")
    data = api_client.get("/api/networks/optonet/").json()
    assert data["url"] == "http://testserver/netzwerke/optonet/"
    assert data["api_url"] == "http://testserver/api/networks/optonet/"
    assert data["website"] == "https://www.optonet-jena.de"


def test_list_runs_a_constant_number_of_queries(api_client, django_assert_num_queries):
    """The list costs the same queries for 2 or 10 networks with links, counts and members."""

    def make(count):
        for _ in range(count):
            network = NetworkFactory(profile_source=SourceFactory())
            NetworkGrowthFieldFactory(network=network, is_primary=True)
            DeclaredMemberCountFactory(network=network)
            MembershipFactory(network=network)
            alliance = NetworkFactory(kind="allianz")
            alliance.member_networks.add(network)

    make(1)
    with django_assert_num_queries(QUERIES):
        assert len(api_client.get("/api/networks/").json()["results"]) == 2
    make(4)
    with django_assert_num_queries(QUERIES):
        assert len(api_client.get("/api/networks/").json()["results"]) == 10


# count, page (with counts and profile source), growth field links, member networks,
# alliances, declared counts, and the savepoint pair of ATOMIC_REQUESTS
QUERIES = 8


def test_member_counts_follow_the_date_of_the_request(client):
    """A membership that ends today no longer counts tomorrow, without restarting the server."""
    from unittest import mock

    from django.utils import timezone

    today = timezone.localdate()
    membership = MembershipFactory(until=today)
    url = f"/api/networks/{membership.network.slug}/"
    assert client.get(url).json()["member_count"] == 1
    with mock.patch("django.utils.timezone.localdate", return_value=today + datetime.timedelta(1)):
        assert client.get(url).json()["member_count"] == 0
