"""Public pages are kept rendered until the data changes."""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PORTAL_PAGE_CACHE = True


def test_a_second_visit_is_served_without_queries(client):
    """Only the request's savepoint and its release reach the database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    OrganisationFactory(name="Jenoptik GmbH")
    first = client.get(reverse("members:list"))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(reverse("members:list"))
    assert [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]] == []
    assert second.content == first.content
    assert "Jenoptik GmbH" in second.content.decode()


def test_a_change_shows_at_once():
    """Saving an organisation makes every kept page stale."""
    from django.test import Client

    client = Client()
    organisation = OrganisationFactory(name="Alte Firma GmbH")
    assert "Alte Firma GmbH" in client.get(reverse("members:list")).content.decode()
    organisation.name = "Neue Firma GmbH"
    organisation.save()
    body = client.get(reverse("members:list")).content.decode()
    assert "Neue Firma GmbH" in body and "Alte Firma GmbH" not in body


def test_each_address_and_language_has_its_own_copy(client):
    OrganisationFactory(name="Jenoptik GmbH", town="Jena")
    OrganisationFactory(name="Erfurter Werk GmbH", town="Erfurt")
    jena = client.get(reverse("members:list"), {"q": "Jena"}).content.decode()
    erfurt = client.get(reverse("members:list"), {"q": "Erfurt"}).content.decode()
    assert "Jenoptik GmbH" in jena and "Erfurter Werk GmbH" not in jena
    assert "Erfurter Werk GmbH" in erfurt and "Jenoptik GmbH" not in erfurt
    english = client.get("/en/members/").content.decode()
    assert '<html lang="en">' in english


def test_staff_always_see_the_live_page(admin_client):
    OrganisationFactory()
    admin_client.get(reverse("members:list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        admin_client.get(reverse("members:list"))
    assert len(queries) > 0


def test_not_found_is_not_kept(client):
    assert client.get("/mitglieder/999999/").status_code == 404
    organisation = OrganisationFactory()
    assert client.get(f"/mitglieder/{organisation.pk}/").status_code == 200


def test_each_host_has_its_own_copy(client, settings):
    """A page names its canonical address with the host it was asked for."""
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    first = client.get("/", HTTP_HOST="a.example").content.decode()
    second = client.get("/", HTTP_HOST="b.example").content.decode()
    assert '<link rel="canonical" href="http://a.example/">' in first
    assert '<link rel="canonical" href="http://b.example/">' in second
