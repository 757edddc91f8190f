"""Optimistic locking: of two people editing the same organisation or network, the second
save is refused with a message instead of overwriting the first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Organisation
from networks.models import DeclaredMemberCount, Membership, Network
from networks.scoping import EDITORS_GROUP
from tests.factories import NetworkFactory, OrganisationFactory, SourceFactory
from tests.permissions.helpers import change_form_data, client_for, make_staff

pytestmark = pytest.mark.django_db

STALE = "Dieser Eintrag wurde inzwischen von redakteurin geändert"


@pytest.fixture
def second_editor_client(django_user_model):
    return client_for(make_staff(django_user_model, "kollege", EDITORS_GROUP))


def load(client, url):
    """The change form's data as loaded; the page carries the version as a hidden input."""
    page = client.get(url)
    assert page.status_code == 200
    data = change_form_data(page)
    hidden = f'<input type="hidden" name="loaded_version" value="{data["loaded_version"]}"'
    assert hidden in page.content.decode()
    return data


@pytest.mark.parametrize(
    ("factory", "model", "field"),
    [(OrganisationFactory, Organisation, "name"), (NetworkFactory, Network, "description")],
    ids=["organisation", "network"],
)
def test_the_second_of_two_saves_is_refused(
    editor_client, second_editor_client, factory, model, field
):
    """Both load version 1; the first save wins and raises the version to 2; the second gets
    a German message naming who changed it and keeps nothing of its own."""
    obj = factory()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    first, second = load(editor_client, url), load(second_editor_client, url)
    assert first["loaded_version"] == second["loaded_version"] == 1

    saved = editor_client.post(url, {**first, field: "Erste Fassung"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    refused = second_editor_client.post(url, {**second, field: "Zweite Fassung"})

    assert refused.status_code == 200
    errors = refused.context["adminform"].form.non_field_errors()
    assert len(errors) == 1 and errors[0].startswith(STALE)
    assert "Bitte laden Sie die Seite neu" in refused.content.decode()
    obj = model.objects.get(pk=obj.pk)
    assert getattr(obj, field) == "Erste Fassung"
    assert obj.version == 2


def test_each_save_raises_the_version_by_one(editor_client):
    """Saving twice, each time from a freshly loaded form, ends at version 3."""
    organisation = OrganisationFactory()
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    for name in ("Eins GmbH", "Zwei GmbH"):
        response = editor_client.post(url, {**load(editor_client, url), "name": name})
        assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.version) == ("Zwei GmbH", 3)


@pytest.mark.parametrize(
    ("factory", "model", "field"),
    [(OrganisationFactory, Organisation, "name"), (NetworkFactory, Network, "description")],
    ids=["organisation", "network"],
)
def test_a_save_outside_the_admin_makes_an_open_form_outdated(editor_client, factory, model, field):
    """Any save counts the version up in the database (here one from code, as an
    import-export import or the shell would), so a form loaded before it is refused."""
    obj = factory()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    data = load(editor_client, url)
    elsewhere = model.objects.get(pk=obj.pk)
    setattr(elsewhere, field, "Von anderswo")
    elsewhere.save()
    assert elsewhere.version == 2  # read back from the database after the save

    refused = editor_client.post(url, {**data, field: "Aus dem Formular"})
    assert refused.status_code == 200
    assert "Bitte laden Sie die Seite neu" in refused.content.decode()
    assert getattr(model.objects.get(pk=obj.pk), field) == "Von anderswo"


def test_the_version_is_read_under_a_row_lock(editor_client):
    """The check reads the row with SELECT … FOR UPDATE where the database has it."""
    organisation = OrganisationFactory()
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    data = load(editor_client, url)
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.post(url, data).status_code == 302
    locked = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert bool(locked) == connection.features.has_select_for_update


def test_a_form_without_its_version_is_refused(editor_client):
    """A post without the hidden version does not save."""
    organisation = OrganisationFactory(name="Alt GmbH")
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    data = load(editor_client, url)
    del data["loaded_version"]
    response = editor_client.post(url, {**data, "name": "Neu GmbH"})
    assert response.status_code == 200
    assert "Der Bearbeitungsstand fehlt" in response.content.decode()
    assert Organisation.objects.get(pk=organisation.pk).name == "Alt GmbH"


def test_an_inline_change_on_an_old_version_is_refused_too(editor_client, second_editor_client):
    """A stale organisation form that only adds a membership, and a stale network form that
    only adds a declared count, save nothing."""
    organisation = OrganisationFactory()
    network = NetworkFactory()
    source = SourceFactory()
    org_url = reverse("admin:members_organisation_change", args=[organisation.pk])
    net_url = reverse("admin:networks_network_change", args=[network.pk])
    stale_org, stale_net = load(second_editor_client, org_url), load(second_editor_client, net_url)
    for url in (org_url, net_url):
        assert editor_client.post(url, load(editor_client, url)).status_code == 302

    stale_org.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-network": network.pk,
            "memberships-0-role": "mitglied",
        }
    )
    stale_net.update(
        {
            "declared_counts-TOTAL_FORMS": "1",
            "declared_counts-0-total": "12",
            "declared_counts-0-reference_date": "2012-09-01",
            "declared_counts-0-reference_precision": "month",
            "declared_counts-0-source": source.pk,
        }
    )
    for url, data in ((org_url, stale_org), (net_url, stale_net)):
        response = second_editor_client.post(url, data)
        assert response.status_code == 200
        assert STALE in response.content.decode()
    assert not Membership.objects.exists()
    assert not DeclaredMemberCount.objects.exists()
    assert Organisation.objects.get(pk=organisation.pk).version == 2
    assert Network.objects.get(pk=network.pk).version == 2
