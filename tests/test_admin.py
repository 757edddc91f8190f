"""The back office: every page renders, large networks stay fast, history is kept."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from growthfields.models import Edition, GrowthField
from members.models import Organisation
from networks.models import Network
from tests.factories import (
    DeclaredMemberCountFactory,
    GrowthFieldAliasFactory,
    KeyFigureFactory,
    MembershipFactory,
    NetworkAliasFactory,
    NetworkFactory,
    NetworkGrowthFieldFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = {"growthfields", "networks", "members"}


@pytest.fixture
def one_of_everything():
    """At least one object of every model of ours."""
    network = NetworkFactory()
    figure = KeyFigureFactory()
    GrowthFieldAliasFactory(growth_field=figure.growth_field)
    NetworkAliasFactory(network=network)
    NetworkGrowthFieldFactory(network=network, growth_field=figure.growth_field, is_primary=True)
    DeclaredMemberCountFactory(network=network, source=figure.source)
    organisation = OrganisationFactory()
    organisation.growth_fields.add(figure.growth_field)
    MembershipFactory(network=network, organisation=organisation)
    Edition.objects.create(slug="broschuere-2012", title="ThCM-Broschüre", source=figure.source)


def our_models():
    return [model for model in admin.site._registry if model._meta.app_label in OUR_APPS]


def test_every_model_of_ours_is_registered():
    """All eleven models have an admin."""
    names = {model.__name__ for model in our_models()}
    assert names == {
        "Source",
        "Edition",
        "GrowthField",
        "GrowthFieldAlias",
        "KeyFigure",
        "Network",
        "NetworkAlias",
        "NetworkGrowthField",
        "DeclaredMemberCount",
        "Membership",
        "Organisation",
    }


@pytest.mark.usefixtures("one_of_everything")
@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_every_admin_page_renders(superuser_client, model):
    """Changelist, search, add form, change form and history render for a superuser."""
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    obj = model.objects.first()
    urls = [
        reverse(f"{prefix}_changelist"),
        reverse(f"{prefix}_changelist") + "?q=a",
        reverse(f"{prefix}_add"),
        reverse(f"{prefix}_change", args=[obj.pk]),
        reverse(f"{prefix}_history", args=[obj.pk]),
    ]
    for url in urls:
        response = superuser_client.get(url)
        assert response.status_code == 200, url


def test_admin_speaks_german(superuser_client):
    """The back office uses German labels."""
    response = superuser_client.get(reverse("admin:members_organisation_add"))
    content = response.content.decode()
    assert "Organisation hinzufügen" in content
    assert "Beschäftigte" in content


def network_form_queries(client, network):
    url = reverse("admin:networks_network_change", args=[network.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_network_form_does_not_grow_with_members(superuser_client):
    """A network's change form runs as many queries with 40 members as with 2,
    and links to the membership list instead of listing every member."""
    small, large = NetworkFactory(), NetworkFactory()
    MembershipFactory.create_batch(2, network=small)
    MembershipFactory.create_batch(40, network=large)

    small_queries, _ = network_form_queries(superuser_client, small)
    large_queries, response = network_form_queries(superuser_client, large)

    assert large_queries == small_queries
    content = response.content.decode()
    assert "40 aktuelle Mitgliedschaften" in content
    assert f"network__id__exact={large.pk}" in content
    assert large.memberships.first().organisation.name not in content


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:members_organisation_changelist",
        "admin:networks_membership_changelist",
        "admin:networks_network_changelist",
        "admin:growthfields_keyfigure_changelist",
    ],
)
def test_changelists_run_no_query_per_row(superuser_client, url_name):
    """Changelists cost the same number of queries for 3 rows as for 30."""
    network = NetworkFactory()
    MembershipFactory.create_batch(3, network=network)
    KeyFigureFactory.create_batch(3)
    few = changelist_queries(superuser_client, reverse(url_name))
    MembershipFactory.create_batch(27, network=NetworkFactory())
    NetworkFactory.create_batch(27)
    KeyFigureFactory.create_batch(27)
    many = changelist_queries(superuser_client, reverse(url_name))
    assert many == few


def test_foreign_keys_to_large_tables_use_autocomplete(superuser_client):
    """The membership form never renders a select of every organisation."""
    OrganisationFactory.create_batch(30)
    response = superuser_client.get(reverse("admin:networks_membership_add"))
    content = response.content.decode()
    assert "data-ajax--url" in content
    assert content.count("<option") < 10


def test_an_admin_edit_is_recorded_in_history(superuser_client):
    """Saving an organisation in the admin writes a history entry with the user."""
    organisation = OrganisationFactory(name="Alt GmbH")
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    data = {
        "name": "Neu GmbH",
        "legal_form": "GmbH",
        "kind": "unternehmen",
        "leg_id": organisation.leg_id,
        "published": "on",
        "postcode": "07743",
        "town": "Jena",
        "district": "Jena",
        "loaded_version": organisation.version,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.name == "Neu GmbH"
    latest = organisation.history.latest()
    assert latest.name == "Neu GmbH"
    assert latest.history_user.username == "redaktion"


def test_alias_admin_refuses_a_taken_spelling(superuser_client):
    """A spelling that normalises like an existing alias is refused with a message."""
    alias = GrowthFieldAliasFactory(name="MSR")
    response = superuser_client.post(
        reverse("admin:growthfields_growthfieldalias_add"),
        {"growth_field": alias.growth_field.pk, "name": " msr "},
    )
    assert response.status_code == 200
    assert "bereits einem anderen Eintrag zugeordnet" in response.content.decode()


def test_growth_field_form_edits_lists_line_by_line(superuser_client):
    """Strengths are edited one per line and stored as a list."""
    field = KeyFigureFactory().growth_field
    url = reverse("admin:growthfields_growthfield_change", args=[field.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200
    data = {
        "name": field.name,
        "name_en": "",
        "short_name": "",
        "slug": field.slug,
        "category": field.category,
        "agency": "thcm",
        "sort_order": "0",
        "strengths": "Forschung stark\n\nExport hoch\n",
        "weaknesses": "",
        "wz_codes": "29",
        "description": "",
        "description_en": "",
        "key_figures-TOTAL_FORMS": "0",
        "key_figures-INITIAL_FORMS": "0",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
    }
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    field.refresh_from_db()
    assert field.strengths == ["Forschung stark", "Export hoch"]
    assert field.wz_codes == ["29"]
    assert GrowthField.objects.filter(pk=field.pk).exists()
    assert Network.objects.count() == 0
    assert Organisation.objects.count() == 0


GERMAN_NAMES = ["ada Solar GmbH", '"Eichsfelder Biosysteme" GmbH', "Ölmühle Apolda GmbH", "Werra AG"]


@pytest.mark.parametrize("order", ["1", "-1"])
def test_a_name_column_sorts_in_german_order(superuser_client, order):
    """Clicking the name column's header sorts by ``core.collation.german_order`` (leading
    quotation marks ignored, ä = a, case together), up and down, not by the bytes."""
    for name in reversed(GERMAN_NAMES):
        OrganisationFactory(name=name)
    response = superuser_client.get(reverse("admin:members_organisation_changelist"), {"o": order})
    names = [row.name for row in response.context["cl"].result_list]
    assert names == (GERMAN_NAMES if order == "1" else GERMAN_NAMES[::-1])


def test_a_network_name_column_sorts_in_german_order(superuser_client):
    for name in ("Werra-Netz", "at Netz", "Ölnetz"):
        NetworkFactory(name=name)
    response = superuser_client.get(reverse("admin:networks_network_changelist"), {"o": "1"})
    names = [row.name for row in response.context["cl"].result_list]
    assert names == ["at Netz", "Ölnetz", "Werra-Netz"]
