import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from members.choices import District, OrganisationKind
from networks.choices import MembershipRole, NetworkKind
from networks.templatetags.network_tags import first_sentences, split_sentences
from tests.factories import (
    DeclaredMemberCountFactory,
    MembershipFactory,
    NetworkFactory,
    NetworkGrowthFieldFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def reference_data():
    call_command("load_reference_data", verbosity=0)


def url(name, language="de", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def network_with_members(count, **network_fields):
    network = NetworkFactory(**network_fields)
    for _ in range(count):
        MembershipFactory(network=network)
    return network


def member_names(response):
    return [organisation.name for organisation in response.context["organisations"]]


# --- list -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "en"])
def test_list_shows_the_reference_networks_in_both_languages(client, reference_data, language):
    """Both languages list the networks with their declared counts and the alliance apart."""
    response = client.get(url("networks:list", language))
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    networks = {network.slug: network for network in response.context["networks"]}
    alliances = {network.slug: network for network in response.context["alliances"]}
    assert "optonet" in networks
    assert "industrieallianz-thueringen" in alliances
    assert "industrieallianz-thueringen" not in networks
    assert networks["optonet"].declared_total == 93
    assert url("networks:detail", language, slug="optonet") in response.content.decode()


def test_list_shows_the_latest_declared_count_and_the_primary_growth_field(client, reference_data):
    """ELMUG's card shows its 2019 count (45), not the 2012 one, and its primary growth field."""
    response = client.get(url("networks:list"))
    content = response.content.decode()
    elmug = next(n for n in response.context["networks"] if n.slug == "elmug")
    assert elmug.declared_reference_date.year == 2019
    assert elmug.declared_total == 45
    assert "Stand 2019" in content
    assert 'href="/wachstumsfelder/optik-optoelektronik/"' in content


def test_list_shows_the_industrieallianz_with_its_networks(client, reference_data):
    """The Industrieallianz's card links its six founding networks."""
    response = client.get(url("networks:list"))
    alliance = response.context["alliances"][0]
    slugs = {network.slug for network in alliance.member_networks.all()}
    assert slugs == {"polymermat", "elmug", "medways", "mnt", "optonet", "fermeth"}
    content = response.content.decode()
    for slug in slugs:
        assert f'href="/netzwerke/{slug}/"' in content


def test_list_is_ordered_by_name_ignoring_case(client):
    """Networks come by name, "automotive" among the A's, not after the capitals."""
    for name in ["Zeta e.V.", "automotive thüringen e.V.", "Beta e.V."]:
        NetworkFactory(name=name)
    response = client.get(url("networks:list"))
    assert [n.name for n in response.context["networks"]] == [
        "automotive thüringen e.V.",
        "Beta e.V.",
        "Zeta e.V.",
    ]


def test_list_sorts_by_counted_and_declared_members(client):
    """?sort=members puts the most counted members first, ?sort=declared the most declared."""
    small = network_with_members(1, name="A klein")
    large = network_with_members(3, name="B groß")
    DeclaredMemberCountFactory(network=small, total=90, companies=80, research=5)
    DeclaredMemberCountFactory(network=large, total=20, companies=10, research=5)
    by_members = client.get(url("networks:list"), {"sort": "members"})
    assert [n.pk for n in by_members.context["networks"]] == [large.pk, small.pk]
    by_declared = client.get(url("networks:list"), {"sort": "declared"})
    assert [n.pk for n in by_declared.context["networks"]] == [small.pk, large.pk]
    unknown = client.get(url("networks:list"), {"sort": "bogus"})
    assert [n.pk for n in unknown.context["networks"]] == [small.pk, large.pk]


def test_list_without_networks_shows_an_empty_state(client):
    """No networks: the page says so instead of showing empty sections."""
    response = client.get(url("networks:list"))
    assert response.status_code == 200
    assert 'class="empty-state"' in response.content.decode()


def test_list_counts_only_published_current_members(client):
    """The card's "in the portal" count leaves out unpublished and ended memberships."""
    network = network_with_members(2)
    MembershipFactory(network=network, organisation=OrganisationFactory(published=False))
    MembershipFactory(network=network, until=timezone.localdate() - datetime.timedelta(days=1))
    response = client.get(url("networks:list"))
    assert response.context["networks"][0].member_count == 2


def test_list_query_count_does_not_grow_with_networks(client, django_assert_num_queries):
    """More networks, counts, growth fields and alliances cost no further queries."""
    alliance = NetworkFactory(kind=NetworkKind.ALLIANCE)
    network = network_with_members(2)
    DeclaredMemberCountFactory(network=network)
    NetworkGrowthFieldFactory(network=network, is_primary=True)
    alliance.member_networks.add(network)
    with CaptureQueriesContext(connection) as few:
        client.get(url("networks:list"))

    for _ in range(5):
        more = network_with_members(3)
        DeclaredMemberCountFactory(network=more)
        DeclaredMemberCountFactory(network=more, reference_date=datetime.date(2019, 1, 1))
        NetworkGrowthFieldFactory(network=more, is_primary=True)
        NetworkGrowthFieldFactory(network=more)
        alliance.member_networks.add(more)
    NetworkFactory(kind=NetworkKind.ALLIANCE).member_networks.add(network)
    with django_assert_num_queries(len(few)):
        response = client.get(url("networks:list"))
    assert len(response.context["networks"]) == 6


def test_list_escapes_names(client):
    """A network named like a script tag is shown as text."""
    NetworkFactory(name=SCRIPT, description=f"{SCRIPT} Zweiter Satz.")
    content = client.get(url("networks:list")).content.decode()
    assert ESCAPED in content
    assert SCRIPT not in content


# --- detail ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "en"])
def test_optonet_shows_its_declared_counts_from_the_brochure(client, reference_data, language):
    """OptoNet: 93 members, of which 75 companies and 11 research institutions (September 2012),
    beside the count of its members in the portal; in both languages."""
    response = client.get(url("networks:detail", language, slug="optonet"))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'lang="{language}"' in content
    row = content.split('<table class="declared-counts">')[1].split("</table>")[0]
    for figure in ("93", "75", "11", "September 2012"):
        assert figure in row
    assert response.context["network"].member_count == 0
    assert 'href="https://www.optonet-jena.de" rel="noopener"' in content
    assert "/industrieallianz-thueringen/" in content  # the alliance it belongs to
    growth_field = "Optics/Optoelectronics" if language == "en" else "Optik/Optoelektronik"
    assert growth_field in content
    assert '<span class="badge">' in content  # the primary growth field is marked


def test_declared_counts_are_listed_over_time(client, reference_data):
    """ELMUG's counts of 2012 and 2019 both appear, the older first."""
    response = client.get(url("networks:detail", slug="elmug"))
    counts = list(response.context["network"].declared_counts.all())
    assert [c.reference_date.year for c in counts] == [2012, 2019]
    assert [c.total for c in counts] == [26, 45]


@pytest.mark.parametrize("language", ["de", "en"])
def test_industrieallianz_lists_its_networks(client, reference_data, language):
    """The alliance's page links its six networks."""
    response = client.get(url("networks:detail", language, slug="industrieallianz-thueringen"))
    assert response.status_code == 200
    content = response.content.decode()
    for slug in ("polymermat", "elmug", "medways", "mnt", "optonet", "fermeth"):
        assert url("networks:detail", language, slug=slug) in content


def test_unknown_slug_is_404(client):
    """A slug no network has gives "not found"."""
    assert client.get(url("networks:detail", slug="gibt-es-nicht")).status_code == 404


def test_detail_links_all_members_in_the_directory(client):
    """The page links the directory filtered to this network."""
    network = NetworkFactory(slug="optonet")
    content = client.get(network.get_absolute_url()).content.decode()
    assert f'href="{reverse("members:list")}?network=optonet"' in content


def test_detail_lists_only_published_current_members(client):
    """Unpublished organisations and ended memberships are left out of list and count;
    memberships ending in the future still count."""
    network = NetworkFactory()
    today = timezone.localdate()
    MembershipFactory(network=network, organisation=OrganisationFactory(name="Aktiv GmbH"))
    MembershipFactory(
        network=network,
        organisation=OrganisationFactory(name="Bald weg GmbH"),
        until=today + datetime.timedelta(days=30),
    )
    MembershipFactory(
        network=network,
        organisation=OrganisationFactory(name="Heute weg GmbH"),
        until=today,
    )
    MembershipFactory(
        network=network,
        organisation=OrganisationFactory(name="Ausgetreten GmbH"),
        until=today - datetime.timedelta(days=1),
    )
    MembershipFactory(
        network=network,
        organisation=OrganisationFactory(name="Verborgen GmbH", published=False),
    )
    MembershipFactory(organisation=OrganisationFactory(name="Anderes Netz GmbH"))
    response = client.get(network.get_absolute_url())
    assert member_names(response) == ["Aktiv GmbH", "Bald weg GmbH", "Heute weg GmbH"]
    assert response.context["network"].member_count == 3
    content = response.content.decode()
    assert "Ausgetreten GmbH" not in content
    assert "Verborgen GmbH" not in content


def test_member_filter_by_kind(client):
    """?kind=forschungseinrichtung shows the network's research institutes only, with a chip."""
    network = NetworkFactory()
    MembershipFactory(network=network, organisation=OrganisationFactory(name="Firma GmbH"))
    MembershipFactory(
        network=network,
        organisation=OrganisationFactory(
            name="Institut für Photonik", kind=OrganisationKind.RESEARCH_INSTITUTE
        ),
    )
    MembershipFactory(
        organisation=OrganisationFactory(
            name="Fremdes Institut", kind=OrganisationKind.RESEARCH_INSTITUTE
        )
    )
    response = client.get(network.get_absolute_url(), {"kind": "forschungseinrichtung"})
    assert member_names(response) == ["Institut für Photonik"]
    assert [chip["name"] for chip in response.context["active_filters"]] == ["kind"]
    content = response.content.decode()
    assert 'class="chip" href="/netzwerke/' in content  # removing the chip keeps the page


def test_member_filter_by_search_and_district(client):
    """?q= finds members by name; ?district= narrows to one district."""
    network = NetworkFactory()
    MembershipFactory(
        network=network, organisation=OrganisationFactory(name="Carl Zeiss Jena GmbH")
    )
    MembershipFactory(
        network=network,
        organisation=OrganisationFactory(
            name="Zeiss Erfurt GmbH", town="Erfurt", postcode="99084", district=District.ERFURT
        ),
    )
    MembershipFactory(network=network, organisation=OrganisationFactory(name="Jenoptik AG"))
    MembershipFactory(organisation=OrganisationFactory(name="Zeiss anderswo GmbH"))
    found = client.get(network.get_absolute_url(), {"q": "Zeiss"})
    assert sorted(member_names(found)) == ["Carl Zeiss Jena GmbH", "Zeiss Erfurt GmbH"]
    narrowed = client.get(network.get_absolute_url(), {"q": "Zeiss", "district": "Erfurt"})
    assert member_names(narrowed) == ["Zeiss Erfurt GmbH"]


def test_member_filter_without_result_shows_an_empty_state(client):
    """Filters that match nobody say so and offer to reset them."""
    network = network_with_members(2)
    response = client.get(network.get_absolute_url(), {"kind": "hochschule"})
    assert member_names(response) == []
    content = response.content.decode()
    assert 'class="empty-state"' in content
    assert f'href="{network.get_absolute_url()}#mitglieder"' in content


def test_members_sort_by_employees(client):
    """?sort=-employees puts the largest first; unknown sizes last."""
    network = NetworkFactory()
    for name, employees in [("Klein", 5), ("Groß", 500), ("Unbekannt", None), ("Mittel", 80)]:
        MembershipFactory(
            network=network, organisation=OrganisationFactory(name=name, employees=employees)
        )
    response = client.get(network.get_absolute_url(), {"sort": "-employees"})
    assert member_names(response) == ["Groß", "Mittel", "Klein", "Unbekannt"]


def test_members_show_their_role(client):
    """A partner is shown as partner."""
    network = NetworkFactory()
    MembershipFactory(network=network, role=MembershipRole.PARTNER)
    assert "Partner" in client.get(network.get_absolute_url()).content.decode()


def test_members_are_paginated(client):
    """30 members: 25 on page 1, 5 on page 2; ?page_size=50 shows all; other sizes fall back."""
    network = network_with_members(30)
    first = client.get(network.get_absolute_url())
    assert len(member_names(first)) == 25
    assert 'rel="next"' in first.content.decode()
    second = client.get(network.get_absolute_url(), {"page": 2})
    assert len(member_names(second)) == 5
    assert not set(member_names(first)) & set(member_names(second))
    assert len(member_names(client.get(network.get_absolute_url(), {"page_size": 50}))) == 30
    odd = client.get(network.get_absolute_url(), {"page_size": 7})
    assert len(member_names(odd)) == 25
    beyond = client.get(network.get_absolute_url(), {"page": 99})
    assert beyond.status_code == 200
    assert len(member_names(beyond)) == 5


def test_detail_escapes_network_and_member_names(client):
    """Names like a script tag appear as text, in the heading, the title and the member list."""
    network = NetworkFactory(name=SCRIPT, short_name="", description=SCRIPT)
    MembershipFactory(network=network, organisation=OrganisationFactory(name=SCRIPT))
    content = client.get(network.get_absolute_url()).content.decode()
    assert f"<h1>{ESCAPED}</h1>" in content
    assert f"<title>{ESCAPED}" in content
    assert f">{ESCAPED}</a></th>" in content
    assert SCRIPT not in content


def test_detail_query_count_does_not_grow_with_members(client, django_assert_num_queries):
    """30 or 90 members, 25 or 50 a page: the same number of queries."""
    network = network_with_members(30)
    DeclaredMemberCountFactory(network=network)
    NetworkGrowthFieldFactory(network=network, is_primary=True)
    NetworkFactory(kind=NetworkKind.ALLIANCE).member_networks.add(network)
    with CaptureQueriesContext(connection) as baseline:
        client.get(network.get_absolute_url())

    for _ in range(60):
        MembershipFactory(network=network)
    DeclaredMemberCountFactory(network=network, reference_date=datetime.date(2019, 1, 1))
    NetworkGrowthFieldFactory(network=network)
    cache.clear()  # measure with the count not yet remembered, as the first time
    with django_assert_num_queries(len(baseline)):
        response = client.get(network.get_absolute_url())
    assert len(member_names(response)) == 25
    cache.clear()
    with django_assert_num_queries(len(baseline)):
        response = client.get(network.get_absolute_url(), {"page_size": 50, "page": 2})
    assert len(member_names(response)) == 40


# --- profile lead ---------------------------------------------------------------------------------


def test_sentences_are_not_split_at_abbreviations_or_dates():
    """ "e.V.", "z. B." and "10. Juni" do not end a sentence."""
    text = "Gegründet am 10. Juni 2011 vom OptoNet e.V. und z. B. Jenoptik. Zweiter Satz."
    assert split_sentences(text) == [
        "Gegründet am 10. Juni 2011 vom OptoNet e.V. und z. B. Jenoptik.",
        "Zweiter Satz.",
    ]


def test_first_sentences_fit_the_length():
    """Whole sentences while they fit; a long first sentence is cut at a word with "…"."""
    assert first_sentences("Eins. Zwei. Drei.", 11) == "Eins. Zwei."
    cut = first_sentences("Ein sehr langer erster Satz ohne Ende", 20)
    assert cut == "Ein sehr langer…"
    assert first_sentences("") == ""
