"""'Aktualität': what is older than the limits, counted on the admin index, each row linking to
where it is fixed; marking a profile "geprüft" records who and when and changes nothing else."""

import datetime

import pytest
from django.urls import reverse
from post_office.models import STATUS, Email

from corrections.models import ProfileReview
from tests.factories import (
    DeclaredMemberCountFactory,
    KeyFigureFactory,
    NetworkFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

FRESHNESS = reverse("admin:corrections_freshness")


def test_page_lists_what_is_older_than_the_limits(superuser_client, settings):
    settings.FRESHNESS_KEY_FIGURE_DAYS = 365
    old = KeyFigureFactory(reference_date=datetime.date(2012, 9, 1))
    KeyFigureFactory(reference_date=datetime.date.today())  # another growth field, current
    network = NetworkFactory(name="ELMUG eG")
    DeclaredMemberCountFactory(network=network, reference_date=datetime.date(2019, 1, 1))
    stale = OrganisationFactory(name="Alte Daten GmbH", record_date=datetime.date(2015, 1, 1))
    OrganisationFactory(name="Frische Daten GmbH", record_date=datetime.date.today())
    Email.objects.create(
        from_email="portal@example.de",
        to=["x@firma.de"],
        status=STATUS.failed,
        subject="s",
        message="m",
    )

    page = superuser_client.get(FRESHNESS).content.decode()

    assert f"growth_field__id__exact={old.growth_field_id}" in page
    assert "ELMUG eG" in page
    assert reverse("admin:members_organisation_change", args=[stale.pk]) in page
    assert "Frische Daten GmbH" not in page
    assert reverse("admin:post_office_email_change", args=[Email.objects.get().pk]) in page

    index = superuser_client.get(reverse("admin:index"))
    assert FRESHNESS in index.content.decode()
    assert "Organisationen mit altem LEG-Stand</th><td>1</td>" in index.content.decode()


def test_marking_a_profile_reviewed_changes_nothing_in_the_network(superuser_client):
    network = NetworkFactory(name="OptoNet e.V.")
    version = network.version
    history = network.history.count()
    response = superuser_client.post(FRESHNESS, {"network": network.pk})
    assert response.status_code == 302
    review = ProfileReview.objects.get()
    assert review.network == network and review.reviewed_by.username == "redaktion"
    network.refresh_from_db()
    assert network.version == version
    assert network.history.count() == history
    page = superuser_client.get(FRESHNESS).content.decode()
    assert reverse("admin:networks_network_change", args=[network.pk]) not in page
