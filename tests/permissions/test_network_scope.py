"""A network manager reaches the rows of their own networks only, wherever a row can be
reached: change lists, forms, choices, autocomplete, history, bulk actions."""

import pytest
from django.urls import reverse

from networks.models import DeclaredMemberCount, Membership, Network
from tests.factories import (
    DeclaredMemberCountFactory,
    MembershipFactory,
    NetworkAliasFactory,
    NetworkGrowthFieldFactory,
    OrganisationFactory,
)
from tests.permissions.helpers import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(own_network, other_network):
    """One membership, declared count, spelling and growth-field link in each network."""
    return {
        network: {
            "membership": MembershipFactory(network=network),
            "declaredmembercount": DeclaredMemberCountFactory(network=network),
            "networkalias": NetworkAliasFactory(network=network),
            "networkgrowthfield": NetworkGrowthFieldFactory(network=network),
        }
        for network in (own_network, other_network)
    }


def changelist_pks(client, model_name):
    response = client.get(reverse(f"admin:networks_{model_name}_changelist"))
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "model_name", ["membership", "declaredmembercount", "networkalias", "networkgrowthfield"]
)
def test_change_lists_show_only_the_managers_networks_rows(
    manager_client, editor_client, rows, own_network, other_network, model_name
):
    """A manager's change lists hold only their network's rows; an editor's hold all."""
    own, other = rows[own_network][model_name], rows[other_network][model_name]
    assert changelist_pks(manager_client, model_name) == {own.pk}
    assert changelist_pks(editor_client, model_name) == {own.pk, other.pk}


def test_the_network_list_shows_only_managed_networks(manager_client, own_network):
    """A manager's network list holds only the networks they manage."""
    assert changelist_pks(manager_client, "network") == {own_network.pk}


def test_another_networks_form_is_unreachable(manager_client, other_network):
    """Opening or posting another network's form leads away without showing or changing it."""
    url = reverse("admin:networks_network_change", args=[other_network.pk])
    assert manager_client.get(url).status_code == 302
    response = manager_client.post(url, {"description": "übernommen", "loaded_version": 1})
    assert response.status_code == 302
    other_network.refresh_from_db()
    assert other_network.description == ""


def test_a_manager_edits_the_profile_but_not_the_name(manager_client, own_network):
    """In their network's form, name, slug, kind, alliance and managers are read-only: a
    posted new name is ignored, the new profile text is saved."""
    url = reverse("admin:networks_network_change", args=[own_network.pk])
    page = manager_client.get(url)
    form = page.context["adminform"].form
    assert {"description", "website", "topics", "profile_source"} <= set(form.fields)
    assert not {"name", "slug", "kind", "managers", "member_networks"} & set(form.fields)

    data = change_form_data(page)
    data.update(name="Übernommen e.V.", slug="uebernommen", description="Optik aus Jena.")
    response = manager_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    own_network.refresh_from_db()
    assert own_network.description == "Optik aus Jena."
    assert own_network.name == "OptoNet e.V."
    assert own_network.slug == "optonet"


def test_a_membership_can_only_be_added_to_the_managers_network(
    manager_client, own_network, other_network
):
    """The membership form refuses another network as an invalid choice and accepts the
    manager's own."""
    organisation = OrganisationFactory()
    url = reverse("admin:networks_membership_add")
    data = {"organisation": organisation.pk, "role": "mitglied"}
    refused = manager_client.post(url, {**data, "network": other_network.pk})
    assert refused.status_code == 200
    assert "network" in refused.context["adminform"].form.errors
    assert not Membership.objects.exists()

    accepted = manager_client.post(url, {**data, "network": own_network.pk})
    assert accepted.status_code == 302
    assert Membership.objects.get().network == own_network


def test_another_networks_membership_cannot_be_changed_or_deleted(
    manager_client, rows, other_network
):
    """Change and delete pages of another network's membership lead away; it stays as it
    was."""
    membership = rows[other_network]["membership"]
    change = reverse("admin:networks_membership_change", args=[membership.pk])
    delete = reverse("admin:networks_membership_delete", args=[membership.pk])
    assert manager_client.post(change, {"role": "partner"}).status_code == 302
    assert manager_client.post(delete, {"post": "yes"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "mitglied"


def test_network_autocomplete_offers_only_managed_networks(
    manager_client, editor_client, own_network, other_network
):
    """The network search behind the membership and declared count forms answers a manager
    with their networks only; an editor gets all."""
    for model_name in ("membership", "declaredmembercount"):
        params = {
            "app_label": "networks",
            "model_name": model_name,
            "field_name": "network",
            "term": "",
        }
        url = reverse("admin:autocomplete")
        mine = manager_client.get(url, params).json()["results"]
        assert [result["id"] for result in mine] == [str(own_network.pk)]
        every = editor_client.get(url, params).json()["results"]
        assert {result["id"] for result in every} == {str(own_network.pk), str(other_network.pk)}


def test_bulk_delete_touches_only_the_managers_rows(manager_client, rows, own_network, other_network):
    """"Delete selected" with ids of both networks deletes only the manager's membership."""
    own, other = rows[own_network]["membership"], rows[other_network]["membership"]
    response = manager_client.post(
        reverse("admin:networks_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [own.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=own.pk).exists()
    assert Membership.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    "model_name", ["membership", "declaredmembercount", "networkalias", "networkgrowthfield"]
)
def test_history_of_another_networks_rows_is_closed(
    manager_client, rows, other_network, model_name
):
    """History list, a historical version and a revert of another network's row are refused
    (403 or 404), and the row stays."""
    obj = rows[other_network][model_name]
    record = obj.history.latest()
    prefix = f"admin:networks_{model_name}"
    history = manager_client.get(reverse(f"{prefix}_history", args=[obj.pk]))
    assert history.status_code in (403, 404)
    version_url = reverse(f"{prefix}_simple_history", args=[obj.pk, record.history_id])
    assert manager_client.get(version_url).status_code in (403, 404)
    assert manager_client.post(version_url, {}).status_code in (403, 404)
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_history_of_another_network_is_closed_even_after_its_deletion(
    manager_client, other_network
):
    """A deleted network's history is not shown to a manager through its old id."""
    pk = other_network.pk
    other_network.delete()
    response = manager_client.get(reverse("admin:networks_network_history", args=[pk]))
    assert response.status_code in (403, 404)


def test_an_old_version_in_the_managers_network_does_not_open_a_moved_row(
    manager_client, own_network, other_network
):
    """A membership once in the manager's network, now moved to another: its old version is
    neither shown to the manager nor can it be restored (which would pull the row back)."""
    membership = MembershipFactory(network=own_network)
    old = membership.history.latest()
    membership.network = other_network
    membership.save()
    url = reverse("admin:networks_membership_simple_history", args=[membership.pk, old.history_id])

    assert manager_client.get(url).status_code == 403
    response = manager_client.post(
        url, {"organisation": membership.organisation_id, "network": own_network.pk, "role": ""}
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.network == other_network


def test_a_reader_cannot_revert_from_the_history(reader_client, own_network):
    """Reverting is a change: a reader who may view the history gets 403 on the revert post
    and the network keeps its current profile."""
    own_network.description = "neu"
    own_network.save()
    first = own_network.history.earliest()
    url = reverse("admin:networks_network_simple_history", args=[own_network.pk, first.history_id])
    assert reader_client.get(url).status_code == 200
    assert reader_client.post(url, {"name": own_network.name}).status_code == 403
    own_network.refresh_from_db()
    assert own_network.description == "neu"


def test_a_manager_reverts_their_networks_profile_from_the_history(manager_client, own_network):
    """Reverting one's own network to an earlier version works and counts as a change."""
    own_network.description = "neu"
    own_network.save()
    first = own_network.history.earliest()
    url = reverse("admin:networks_network_simple_history", args=[own_network.pk, first.history_id])
    page = manager_client.get(url)
    assert page.status_code == 200
    response = manager_client.post(url, change_form_data(page))
    assert response.status_code == 302, response.content.decode()[:2000]
    own_network.refresh_from_db()
    assert own_network.description == ""
    assert own_network.version == 3  # the save above, then the revert


def test_declared_counts_are_edited_in_the_network_form(manager_client, own_network):
    """A manager adds a declared member count through the inline of their network's form."""
    page = manager_client.get(reverse("admin:networks_network_change", args=[own_network.pk]))
    data = change_form_data(page)
    source = DeclaredMemberCountFactory().source  # some source to cite
    DeclaredMemberCount.objects.all().delete()
    prefix = "declared_counts"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-total": "93",
            f"{prefix}-0-reference_date": "2012-09-01",
            f"{prefix}-0-reference_precision": "month",
            f"{prefix}-0-source": source.pk,
        }
    )
    response = manager_client.post(
        reverse("admin:networks_network_change", args=[own_network.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert DeclaredMemberCount.objects.get().network == own_network
    assert Network.objects.get(pk=own_network.pk).version == 2


def test_managers_are_chosen_from_the_network_management_group(
    editor_client, manager, editor, own_network
):
    """An editor assigns managers in the network's form; only active staff users of the
    group Netzwerkmanagement are offered."""
    page = editor_client.get(reverse("admin:networks_network_change", args=[own_network.pk]))
    choices = page.context["adminform"].form.fields["managers"].queryset
    assert list(choices) == [manager]
