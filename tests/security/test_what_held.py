"""What held against the hostile tester of issue 18 keeps holding: markup from the data or the
address is shown as text (names, profiles, search words), redirects after login and language
change stay on the site, admin actions need the CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Organisation
from tests.factories import GrowthFieldFactory, NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
EVIL = "https://evil.example/phish"


@pytest.mark.parametrize(
    "query",
    [SCRIPT, f'"><img src=x onerror=alert(1)>{SCRIPT}', f"jena {SCRIPT}"],
)
def test_search_words_are_shown_as_text(client, query):
    """A search query with markup comes back escaped in the field, the chips and the result
    line, never as markup, on the directory and in a network's member list."""
    network = NetworkFactory()
    for url in (reverse("members:list"), network.get_absolute_url()):
        html = client.get(url, {"q": query}).content.decode()
        assert SCRIPT not in html
        assert "<img src=x" not in html
        assert ESCAPED in html


def test_markup_in_a_network_profile_is_shown_as_text(client):
    """Profile text, topics and a growth field's description are escaped."""
    network = NetworkFactory(description=f"Profil {SCRIPT}", topics=[SCRIPT])
    html = client.get(network.get_absolute_url()).content.decode()
    assert SCRIPT not in html
    assert html.count(ESCAPED) >= 2
    field = GrowthFieldFactory(description=f"Feld {SCRIPT}")
    html = client.get(field.get_absolute_url()).content.decode()
    assert SCRIPT not in html and ESCAPED in html


def test_markup_in_an_organisation_name_is_text_in_the_api_and_the_directory(client):
    OrganisationFactory(name=SCRIPT, town=SCRIPT)
    html = client.get(reverse("members:list")).content.decode()
    assert SCRIPT not in html
    assert client.get("/api/organisations/")["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "target", [EVIL, "//evil.example/", "https:evil.example", "/\\evil.example"]
)
def test_the_login_does_not_redirect_off_the_site(client, django_user_model, target):
    """A successful login with ``next`` pointing elsewhere lands in the back office."""
    django_user_model.objects.create_user("redaktion", password="richtig-und-lang", is_staff=True)
    response = client.post(
        reverse("admin:login") + "?next=" + target,
        {"username": "redaktion", "password": "richtig-und-lang", "next": target},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize("target", [EVIL, "//evil.example/"])
def test_the_language_switch_does_not_redirect_off_the_site(client, target):
    response = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_an_admin_action_without_the_csrf_token_is_refused(django_user_model):
    """The bulk delete posted without a CSRF token (a forged form on another site) is a 403
    and deletes nothing."""
    user = django_user_model.objects.create_superuser("chef", "c@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    organisation = OrganisationFactory()
    response = client.post(
        reverse("admin:members_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [organisation.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()
