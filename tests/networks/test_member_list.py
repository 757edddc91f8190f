"""A network's member list is the directory's list: the same selector, view mixin and
included template, so the two cannot drift apart again."""

import datetime

import pytest
from django.urls import reverse

from members.views import DirectoryListMixin
from networks.choices import MembershipRole
from networks.views import NetworkDetailView
from tests.factories import MembershipFactory, NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NAME_SORTED = 'aria-sort="ascending"'


@pytest.fixture
def network():
    network = NetworkFactory(slug="optonet", name="OptoNet e.V.")
    for name in ("Alpha Optik GmbH", "Beta Laser GmbH"):
        MembershipFactory(network=network, organisation=OrganisationFactory(name=name))
    return network


def name_header(content: str) -> str:
    start = content.index('<th scope="col" aria-sort=', content.index("<thead>"))
    return content[start : content.index("</th>", start)]


@pytest.mark.parametrize(
    "page", [reverse("members:list"), reverse("networks:detail", kwargs={"slug": "optonet"})]
)
def test_a_blank_search_keeps_the_name_order_marked(client, network, page):
    """``?q=`` of blanks is no search: both lists read the filterset's cleaned q and mark the
    name column as the order in use (the network page read the raw parameter and lost it)."""
    content = client.get(page, {"q": "   "}).content.decode()
    assert NAME_SORTED in name_header(content)
    assert "Alpha Optik GmbH" in content and "Beta Laser GmbH" in content


@pytest.mark.parametrize(
    "page", [reverse("members:list"), reverse("networks:detail", kwargs={"slug": "optonet"})]
)
def test_a_search_orders_by_relevance_on_both_lists(client, network, page):
    """With search words, neither list marks a column: the order is relevance."""
    content = client.get(page, {"q": "Laser"}).content.decode()
    assert NAME_SORTED not in name_header(content)
    assert "Beta Laser GmbH" in content and "Alpha Optik GmbH" not in content


def test_both_pages_use_the_directory_mixin_and_the_one_table():
    """The network page lists its members with the directory's mixin and table template."""
    assert issubclass(NetworkDetailView, DirectoryListMixin)


def test_both_pages_render_the_shared_table(client, network):
    templates = {
        page: {template.name for template in client.get(page).templates}
        for page in (reverse("members:list"), network.get_absolute_url())
    }
    for names in templates.values():
        assert "members/includes/organisation_table.html" in names


def test_a_page_number_below_one_shows_the_first_page_on_both_lists(client, network):
    """The same paging rule on both lists (the network page showed the last page)."""
    MembershipFactory.create_batch(30, network=network)
    for page in (reverse("members:list"), network.get_absolute_url()):
        response = client.get(page, {"page": "0"})
        assert response.context["page_obj"].number == 1, page


def test_the_role_is_an_annotation(client, network):
    """Each member carries its role in this network and since when, read in the list's own
    query instead of picked from its memberships in the template."""
    partner = OrganisationFactory(name="Gamma Partner AG")
    MembershipFactory(
        network=network,
        organisation=partner,
        role=MembershipRole.PARTNER,
        since=datetime.date(2015, 3, 1),
    )
    MembershipFactory(organisation=partner)  # a membership in another network
    response = client.get(network.get_absolute_url())
    rows = {row.name: row for row in response.context["organisations"]}
    assert rows["Gamma Partner AG"].network_role == "Partner"
    assert rows["Gamma Partner AG"].network_member_since == datetime.date(2015, 3, 1)
    assert rows["Alpha Optik GmbH"].network_role == "Mitglied"
    content = response.content.decode()
    assert 'Partner <span class="muted">seit 2015</span>' in content
