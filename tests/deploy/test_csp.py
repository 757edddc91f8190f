"""The Content-Security-Policy is enforced on every response: strict on public pages, with
inline styles allowed in the back office only (never inline scripts)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # data: only for KERN's icons in its stylesheet
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def directives(response):
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


@pytest.mark.parametrize(
    "path", ["/", "/en/", "/netzwerke/", "/mitglieder/", "/wachstumsfelder/", "/gibt-es-nicht/"]
)
def test_public_pages_carry_the_strict_enforced_policy(client, path):
    """Public pages (the 404 page too) carry the strict policy, enforced, not report-only."""
    response = client.get(path)
    assert directives(response) >= STRICT
    assert "unsafe" not in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_back_office_allows_inline_styles_but_no_inline_scripts(superuser_client):
    """The admin's pages may use inline <style> blocks; scripts stay 'self' only."""
    response = superuser_client.get(reverse("admin:networks_network_changelist"))
    assert response.status_code == 200
    found = directives(response)
    assert "style-src 'self' 'unsafe-inline'" in found
    assert "script-src 'self'" in found
    assert "frame-ancestors 'none'" in found


def test_english_back_office_gets_the_same_policy(superuser_client):
    """The back office under /en/ is recognised as such too."""
    response = superuser_client.get("/en/admin/")
    assert "style-src 'self' 'unsafe-inline'" in directives(response)


def test_admin_login_page_is_back_office(client):
    """The login page (anonymous) is part of the back office."""
    response = client.get(reverse("admin:login"))
    assert "style-src 'self' 'unsafe-inline'" in directives(response)
