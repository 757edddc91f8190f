"""The three groups the data migration creates, and what each may do."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse

from members.models import Organisation
from networks.scoping import (
    EDITORS_GROUP,
    NETWORK_MANAGERS_GROUP,
    READERS_GROUP,
    networks_for_user,
    user_has_all_networks,
)
from tests.factories import DeclaredMemberCountFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

roles_migration = importlib.import_module("clusterportal.migrations.0001_roles")
# Later apps grant the groups their own permissions in migrations of their own.
LATER_ROLES_MIGRATIONS = [
    importlib.import_module(name)
    for name in ("events.migrations.0002_roles", "corrections.migrations.0002_roles")
]


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def group_state():
    return {group.name: codenames(group.name) for group in Group.objects.order_by("name")}


def test_the_editors_may_do_everything_and_import_leg_files():
    """ThCM-Redaktion changes and deletes every model, imports and exports each, reaches
    all networks and may run the LEG import."""
    perms = codenames(EDITORS_GROUP)
    assert {
        "members.change_organisation",
        "members.delete_organisation",
        "networks.add_network",
        "networks.change_network",
        "growthfields.change_keyfigure",
        "members.import_organisation",
        "members.export_organisation",
        "networks.import_membership",
        "growthfields.import_source",
        "networks.access_all_networks",
        "imports.add_importrun",
    } <= perms


def test_network_managers_edit_only_network_rows_and_have_no_leg_import():
    """Netzwerkmanagement changes networks, memberships and declared counts, sees
    organisations, imports only memberships and declared counts, and has neither the LEG
    import nor access to every network."""
    perms = codenames(NETWORK_MANAGERS_GROUP)
    assert {
        "members.view_organisation",
        "networks.change_network",
        "networks.add_membership",
        "networks.delete_declaredmembercount",
        "networks.import_membership",
        "networks.import_declaredmembercount",
        "networks.export_network",
    } <= perms
    assert not {
        "members.change_organisation",
        "members.import_organisation",
        "networks.add_network",
        "networks.delete_network",
        "networks.import_network",
        "networks.access_all_networks",
        "growthfields.change_growthfield",
        "imports.add_importrun",
    } & perms


def test_readers_only_view_and_export():
    """Lesezugriff has view and export permissions (and sees every network), nothing else."""
    perms = codenames(READERS_GROUP)
    assert "members.view_organisation" in perms
    assert "networks.export_membership" in perms
    assert "networks.access_all_networks" in perms
    actions = {codename.split(".")[1].split("_")[0] for codename in perms}
    assert actions == {"view", "export", "access"}


def test_the_migration_can_run_again_and_be_reversed():
    """Running the migration's function again changes nothing; reversing it removes the
    groups, and running it once more brings them back exactly as before."""
    schema_editor = SimpleNamespace(connection=connection)
    before = group_state()
    permissions = Permission.objects.count()

    roles_migration.create_groups(apps, schema_editor)
    assert group_state() == before
    assert Permission.objects.count() == permissions

    roles_migration.remove_groups(apps, schema_editor)
    assert not Group.objects.filter(
        name__in=[EDITORS_GROUP, NETWORK_MANAGERS_GROUP, READERS_GROUP]
    ).exists()
    roles_migration.create_groups(apps, schema_editor)
    for later in LATER_ROLES_MIGRATIONS:  # the later apps' permissions
        later.grant(apps, schema_editor)
    assert group_state() == before


def test_a_network_manager_gets_403_on_the_leg_upload(manager_client, editor_client):
    """The LEG upload needs imports.add_importrun: the editors have it, managers do not."""
    url = reverse("admin:imports_importrun_upload")
    assert manager_client.get(url).status_code == 403
    assert editor_client.get(url).status_code == 200


def test_who_reaches_which_networks(manager, editor, reader, own_network, other_network):
    """Editors and readers reach every network, a manager only the one they manage."""
    assert user_has_all_networks(editor) and user_has_all_networks(reader)
    assert not user_has_all_networks(manager)
    assert set(networks_for_user(manager)) == {own_network}
    assert set(networks_for_user(editor)) == {own_network, other_network}


def test_a_reader_sees_organisations_but_cannot_change_them(reader_client):
    """A reader's organisation form is read-only: the page renders without a save button,
    a posted change is refused with 403 and nothing changes."""
    organisation = OrganisationFactory(name="Alt GmbH")
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    page = reader_client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = reader_client.post(url, {"name": "Neu GmbH", "loaded_version": 1})
    assert response.status_code == 403
    assert Organisation.objects.get(pk=organisation.pk).name == "Alt GmbH"
    assert reader_client.get(reverse("admin:members_organisation_add")).status_code == 403


def test_a_network_manager_sees_organisations_read_only(manager_client):
    """Managers see the organisation list and forms, without a save button."""
    organisation = OrganisationFactory()
    assert manager_client.get(reverse("admin:members_organisation_changelist")).status_code == 200
    page = manager_client.get(reverse("admin:members_organisation_change", args=[organisation.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


OUR_MODELS = [
    "growthfields_source",
    "growthfields_growthfield",
    "growthfields_growthfieldalias",
    "growthfields_keyfigure",
    "networks_network",
    "networks_networkalias",
    "networks_networkgrowthfield",
    "networks_declaredmembercount",
    "networks_membership",
    "members_organisation",
]


@pytest.mark.parametrize("group_client", ["editor_client", "manager_client", "reader_client"])
def test_every_group_sees_every_change_list_and_the_index(request, group_client):
    """The admin index and all change lists of our models render for each group."""
    client = request.getfixturevalue(group_client)
    MembershipFactory()
    assert client.get(reverse("admin:index")).status_code == 200
    for name in OUR_MODELS:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name


@pytest.mark.parametrize(
    ("group_client", "addable"),
    [
        ("editor_client", set(OUR_MODELS)),
        ("manager_client", {"networks_membership", "networks_declaredmembercount"}),
        ("reader_client", set()),
    ],
)
def test_each_group_may_add_just_its_models(request, group_client, addable):
    """Editors may add everything, managers memberships and declared counts, readers
    nothing (403)."""
    client = request.getfixturevalue(group_client)
    for name in OUR_MODELS:
        status = client.get(reverse(f"admin:{name}_add")).status_code
        assert status == (200 if name in addable else 403), name


def test_a_manager_sees_their_networks_pages_and_history(manager_client, own_network):
    """The manager's own network: change form with the declared counts inline, and its
    history, render."""
    DeclaredMemberCountFactory(network=own_network)
    MembershipFactory(network=own_network)
    page = manager_client.get(reverse("admin:networks_network_change", args=[own_network.pk]))
    assert page.status_code == 200
    assert 'name="_save"' in page.content.decode()
    history = manager_client.get(reverse("admin:networks_network_history", args=[own_network.pk]))
    assert history.status_code == 200


def test_an_organisations_page_shows_a_manager_only_their_networks_memberships(
    manager_client, own_network, other_network
):
    """The memberships inline of an organisation in two networks lists only the manager's."""
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, network=own_network)
    MembershipFactory(organisation=organisation, network=other_network)
    page = manager_client.get(reverse("admin:members_organisation_change", args=[organisation.pk]))
    (inline,) = page.context["inline_admin_formsets"]
    assert [form.instance.network for form in inline.formset.forms] == [own_network]
