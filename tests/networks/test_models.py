import datetime

import pytest
from django.db import IntegrityError, transaction

from networks.models import Network
from tests.factories import (
    DeclaredMemberCountFactory,
    MembershipFactory,
    NetworkAliasFactory,
    NetworkFactory,
    NetworkGrowthFieldFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def test_a_network_has_at_most_one_primary_growth_field():
    """A second primary growth field is refused."""
    link = NetworkGrowthFieldFactory(is_primary=True)
    NetworkGrowthFieldFactory(network=link.network, is_primary=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkGrowthFieldFactory(network=link.network, is_primary=True)


def test_primary_growth_field_is_reported():
    """The network knows its primary growth field."""
    link = NetworkGrowthFieldFactory(is_primary=True)
    NetworkGrowthFieldFactory(network=link.network)
    assert link.network.primary_growth_field == link.growth_field


def test_declared_counts_form_a_series():
    """ELMUG: 26 members in 2012 and 45 in 2019 coexist."""
    elmug = NetworkFactory(name="ELMUG eG")
    DeclaredMemberCountFactory(network=elmug, total=26, companies=23, research=3)
    DeclaredMemberCountFactory(
        network=elmug,
        total=45,
        companies=None,
        research=None,
        reference_date=datetime.date(2019, 1, 1),
    )
    assert list(elmug.declared_counts.values_list("total", flat=True)) == [26, 45]


def test_declared_companies_cannot_exceed_total():
    """'of which companies' is at most the total."""
    with pytest.raises(IntegrityError), transaction.atomic():
        DeclaredMemberCountFactory(total=10, companies=11, research=0)


def test_membership_is_unique_per_network():
    """An organisation is a member of a network once."""
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(organisation=membership.organisation, network=membership.network)


def test_membership_cannot_end_before_it_starts():
    """'until' lies after 'since'."""
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(since=datetime.date(2012, 1, 1), until=datetime.date(2011, 1, 1))


def test_member_counts_count_current_published_members_only():
    """Counted members leave out ended memberships and, for the public, unpublished ones."""
    network = NetworkFactory()
    MembershipFactory.create_batch(3, network=network)
    MembershipFactory(network=network, until=datetime.date(2000, 1, 1))
    MembershipFactory(network=network, organisation=OrganisationFactory(published=False))
    NetworkFactory()  # a network without members counts 0, not None

    public = {n.pk: n.member_count for n in Network.objects.with_member_counts()}
    internal = Network.objects.with_member_counts(published_only=False).get(pk=network.pk)
    assert public[network.pk] == 3
    assert sorted(public.values()) == [0, 3]
    assert internal.member_count == 4


def test_an_organisation_belongs_to_several_networks():
    """Memberships in two networks are both visible from the organisation."""
    organisation = OrganisationFactory()
    first, second = NetworkFactory(), NetworkFactory()
    MembershipFactory(organisation=organisation, network=first)
    MembershipFactory(organisation=organisation, network=second)
    assert set(organisation.networks.all()) == {first, second}


def test_alliance_groups_networks():
    """The Industrieallianz lists its networks; each network knows its alliances."""
    optonet, elmug = NetworkFactory(), NetworkFactory()
    alliance = NetworkFactory(name="Industrieallianz Thüringen", kind="allianz")
    alliance.member_networks.set([optonet, elmug])
    assert set(alliance.member_networks.all()) == {optonet, elmug}
    assert list(optonet.alliances.all()) == [alliance]
    assert list(Network.objects.networks().exclude(pk__in=[optonet.pk, elmug.pk])) == []


def test_name_index_resolves_network_spellings():
    """'Optonet e.V.', 'OPTONET' and an alias lead to OptoNet e.V."""
    optonet = NetworkFactory(name="OptoNet e.V.", short_name="OptoNet")
    NetworkAliasFactory(network=optonet, name="Kompetenznetz Optische Technologien")
    index = Network.objects.name_index()
    assert index["optonet"] == optonet.pk
    assert index["kompetenznetz optische technologien"] == optonet.pk
