"""Import and export need their own permissions, and a network manager's files reach
only their own networks' rows."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from growthfields.models import GrowthField, KeyFigure, Source
from members.models import Organisation
from networks.models import DeclaredMemberCount, Membership, Network
from tests.factories import (
    DeclaredMemberCountFactory,
    KeyFigureFactory,
    MembershipFactory,
    OrganisationFactory,
    SourceFactory,
)
from tests.permissions.helpers import client_for, make_staff

pytestmark = pytest.mark.django_db

ADMINS_WITH_IMPORT_EXPORT = [
    "growthfields_source",
    "growthfields_growthfield",
    "growthfields_keyfigure",
    "networks_network",
    "networks_membership",
    "networks_declaredmembercount",
]
# Organisations come from files through the LEG import only: their admin exports.
ADMINS_WITH_EXPORT = [*ADMINS_WITH_IMPORT_EXPORT, "members_organisation"]
MODELS = (Source, GrowthField, KeyFigure, Network, Membership, DeclaredMemberCount, Organisation)


def row_state():
    """Every row of every importable model, as values."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def csv_upload(text, name="datei.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def staff_without_import_export(django_user_model):
    """A staff user who may add, change, delete and view every model of ours and reach
    every network, but has no import or export permission."""
    user = make_staff(django_user_model, "sachbearbeitung")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["growthfields", "networks", "members"]
        ).filter(
            Q(codename__startswith="add_")
            | Q(codename__startswith="change_")
            | Q(codename__startswith="delete_")
            | Q(codename__startswith="view_")
            | Q(codename="access_all_networks")
        )
    )
    return client_for(user)


@pytest.mark.parametrize("name", ADMINS_WITH_EXPORT)
def test_staff_without_the_permissions_get_403_on_every_import_and_export_url(
    staff_without_import_export, name
):
    """Import form, upload, confirmation and export (form and file) answer 403 to a staff
    user without import/export permission, and no row changes; the change list still works
    but offers neither button."""
    MembershipFactory()
    DeclaredMemberCountFactory()
    KeyFigureFactory()
    before = row_state()
    client = staff_without_import_export
    export_url = reverse(f"admin:{name}_export")
    requests = [
        ("get", export_url, {}),
        ("post", export_url, {"format": "0", "resource": "0"}),
    ]
    if name in ADMINS_WITH_IMPORT_EXPORT:
        import_url = reverse(f"admin:{name}_import")
        process_url = reverse(f"admin:{name}_process_import")
        upload = csv_upload("slug,name\nx,Neu\n")
        requests += [
            ("get", import_url, {}),
            ("post", import_url, {"format": "0", "import_file": upload}),
            (
                "post",
                process_url,
                {"format": "0", "import_file_name": "x.csv", "original_file_name": "x.csv"},
            ),
        ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)
    assert row_state() == before

    changelist = client.get(reverse(f"admin:{name}_changelist"))
    assert changelist.status_code == 200
    content = changelist.content.decode()
    assert 'class="import_link"' not in content
    assert 'class="export_link"' not in content


@pytest.mark.parametrize("name", ADMINS_WITH_EXPORT)
def test_readers_export_but_never_import(reader_client, name):
    """Lesezugriff opens every export page and gets 403 on every import page (organisations
    have none: they come from files through the LEG import only)."""
    assert reader_client.get(reverse(f"admin:{name}_export")).status_code == 200
    if name in ADMINS_WITH_IMPORT_EXPORT:
        assert reader_client.get(reverse(f"admin:{name}_import")).status_code == 403
    else:
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{name}_import")


def membership_csv(*rows):
    lines = ["organisation,network,role,since,until"]
    lines += [f"{leg_id},{slug},mitglied,," for leg_id, slug in rows]
    return "\n".join(lines) + "\n"


def test_a_managers_file_naming_another_network_is_refused_with_the_row_number(
    manager_client, own_network, other_network
):
    """Row 2 names ELMUG, which the manager does not manage: the preview names the row and
    the network, offers no confirmation, and no membership exists afterwards."""
    first, second = OrganisationFactory(), OrganisationFactory()
    upload = csv_upload(membership_csv((first.leg_id, "optonet"), (second.leg_id, "elmug")))
    preview = manager_client.post(
        reverse("admin:networks_membership_import"), {"format": "0", "import_file": upload}
    )
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [2]
    assert "confirm_form" not in preview.context
    assert "Zeile 2: Das Netzwerk „ELMUG“ gehört nicht zu Ihren Netzwerken" in (
        preview.content.decode()
    )
    assert not Membership.objects.exists()


def test_a_managers_file_touching_another_networks_existing_row_is_refused(
    manager_client, other_network
):
    """A row that matches an existing membership of another network is refused, even if it
    would not change it."""
    membership = MembershipFactory(network=other_network)
    upload = csv_upload(membership_csv((membership.organisation.leg_id, "elmug")))
    preview = manager_client.post(
        reverse("admin:networks_membership_import"), {"format": "0", "import_file": upload}
    )
    assert preview.context["result"].has_validation_errors()
    assert "Zeile 1: Das Netzwerk „ELMUG“" in preview.content.decode()


def test_a_managers_file_for_their_own_network_is_imported(manager_client, own_network):
    """Preview, then confirmation: the membership in the manager's network is created."""
    organisation = OrganisationFactory()
    upload = csv_upload(membership_csv((organisation.leg_id, "optonet")))
    preview = manager_client.post(
        reverse("admin:networks_membership_import"), {"format": "0", "import_file": upload}
    )
    result = preview.context["result"]
    assert not result.has_validation_errors() and not result.has_errors()
    confirm = manager_client.post(
        reverse("admin:networks_membership_process_import"),
        preview.context["confirm_form"].initial,
    )
    assert confirm.status_code == 302
    assert Membership.objects.get().network == own_network


def test_a_confirmation_posted_past_the_preview_writes_nothing(
    manager_client, editor_client, own_network, other_network
):
    """A manager who posts the confirmation of a file they could not have previewed (one
    with another network's row) gets the import refused as a whole: nothing is written."""
    first, second = OrganisationFactory(), OrganisationFactory()
    upload = csv_upload(membership_csv((first.leg_id, "optonet"), (second.leg_id, "elmug")))
    preview = editor_client.post(
        reverse("admin:networks_membership_import"), {"format": "0", "import_file": upload}
    )
    confirm_data = preview.context["confirm_form"].initial

    response = manager_client.post(
        reverse("admin:networks_membership_process_import"), confirm_data, follow=True
    )
    assert response.status_code == 200
    assert not Membership.objects.exists()
    content = response.content.decode()
    assert "Der Import wurde abgelehnt" in content
    assert "Zeile 2: Das Netzwerk „ELMUG“" in content


def export_fields(client, name):
    form = client.get(reverse(f"admin:{name}_export")).context["form"]
    return {field: "on" for field, value in form.fields.items() if hasattr(value, "resource_name")}


@pytest.mark.parametrize("model_name", ["membership", "declaredmembercount", "network"])
def test_a_managers_export_holds_only_their_networks_rows(
    manager_client, own_network, other_network, model_name
):
    """Exported as CSV, memberships, declared counts and networks of other networks are
    missing, also when the change list filter in the address names the other network."""
    for network in (own_network, other_network):
        MembershipFactory(network=network)
        DeclaredMemberCountFactory(network=network)
    name = f"networks_{model_name}"
    url = reverse(f"admin:{name}_export")
    data = {"format": "0", "resource": "0", **export_fields(manager_client, name)}
    for query in ("", f"?network__id__exact={other_network.pk}"):
        if query and model_name == "network":
            continue
        response = manager_client.post(url + query, data)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        content = response.content.decode()
        assert "elmug" not in content
        if not query:
            assert "optonet" in content


def test_tampered_selected_ids_never_export_another_networks_rows(
    manager_client, own_network, other_network
):
    """The export of selected memberships ("export_items") with the id of another network's
    membership is refused; with the manager's own id it exports just that row."""
    own = MembershipFactory(network=own_network)
    other = MembershipFactory(network=other_network)
    name = "networks_membership"
    url = reverse(f"admin:{name}_export")
    data = {"format": "0", "resource": "0", **export_fields(manager_client, name)}

    tampered = manager_client.post(url, {**data, "export_items": [own.pk, other.pk]})
    assert not tampered.get("Content-Disposition", "").startswith("attachment")
    assert "export_items" in tampered.context["form"].errors
    assert other.organisation.leg_id not in tampered.content.decode()

    honest = manager_client.post(url, {**data, "export_items": [own.pk]})
    assert honest["Content-Disposition"].startswith("attachment")
    lines = honest.content.decode().splitlines()
    assert len(lines) == 2
    assert own.organisation.leg_id in lines[1]


def test_an_editor_imports_declared_counts_of_any_network(editor_client, other_network):
    """ThCM-Redaktion is not limited: a declared count of any network is imported."""
    source = SourceFactory(slug="thcm-2012")
    upload = csv_upload("network,reference_date,source,total\nelmug,2012-09-01,thcm-2012,93\n")
    preview = editor_client.post(
        reverse("admin:networks_declaredmembercount_import"),
        {"format": "0", "import_file": upload},
    )
    confirm = editor_client.post(
        reverse("admin:networks_declaredmembercount_process_import"),
        preview.context["confirm_form"].initial,
    )
    assert confirm.status_code == 302
    count = DeclaredMemberCount.objects.get()
    assert (count.network, count.source, count.total) == (other_network, source, 93)
