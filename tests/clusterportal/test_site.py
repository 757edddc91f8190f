"""Site-wide pages: sitemap, robots.txt, 404 and 500 in the site's design, imprint, privacy,
canonical and hreflang links, the language switch."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def reference_data():
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)


def test_sitemap_index_lists_every_section(client, reference_data):
    """sitemap.xml is an index of the sections: pages, growth fields, networks, members."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = [loc.text for loc in root.iterfind("s:sitemap/s:loc", SITEMAP_NS)]
    for section in ("pages", "growthfields", "networks", "members"):
        assert any(f"sitemap-{section}.xml" in url for url in locations), section


def test_sitemap_has_both_languages_with_alternates(client, reference_data):
    """Each page appears in German and English, each naming the other as hreflang alternate."""
    response = client.get("/sitemap-growthfields.xml")
    body = response.content.decode()
    assert "http://testserver/wachstumsfelder/automobil/" in body
    assert "http://testserver/en/growth-fields/automobil/" in body
    assert 'hreflang="en"' in body and 'hreflang="x-default"' in body


def test_sitemap_lists_only_published_organisations(client):
    """Unpublished organisations never appear in the sitemap."""
    shown = OrganisationFactory(published=True)
    hidden = OrganisationFactory(published=False)
    body = client.get("/sitemap-members.xml").content.decode()
    assert f"/mitglieder/{shown.pk}/" in body
    assert f"/mitglieder/{hidden.pk}/" not in body


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_404_page_is_in_the_site_design(client):
    """An unknown address answers 404 with the portal's header and ways on."""
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'class="site-header"' in body
    assert "Seite nicht gefunden" in body
    assert reverse("members:list") in body


def test_404_page_in_english(client):
    response = client.get("/en/does-not-exist/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_500_page_renders_without_a_request():
    """Django renders 500.html with an empty context; it must not need the request."""
    html = render_to_string("500.html")
    assert "Ein Fehler ist aufgetreten" in html
    assert 'class="site-header"' in html


def test_server_error_answers_with_the_500_page(settings):
    """An exception in a view gives the friendly 500 page, not a traceback."""
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    from unittest import mock

    with mock.patch("pages.views.ImprintView.get", side_effect=RuntimeError("boom")):
        response = client.get(reverse("imprint"))
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.content.decode()
    assert "boom" not in response.content.decode()


@pytest.mark.parametrize("name", ["imprint", "privacy"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_imprint_and_privacy_render(client, name, language):
    with translation.override(language):
        url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_english_urls_are_translated():
    with translation.override("en"):
        assert reverse("members:list") == "/en/members/"
        assert reverse("growthfields:list") == "/en/growth-fields/"
        assert reverse("networks:list") == "/en/networks/"
        assert reverse("compare") == "/en/comparison/"
    assert reverse("members:list") == "/mitglieder/"
    assert reverse("compare") == "/vergleich/"


def test_canonical_and_hreflang_links(client):
    """Every page names its canonical address (without query) and its address in each language."""
    body = client.get("/impressum/?x=1").content.decode()
    assert '<link rel="canonical" href="http://testserver/impressum/">' in body
    assert '<link rel="alternate" hreflang="de" href="http://testserver/impressum/">' in body
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/imprint/">' in body
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/impressum/">' in body


def test_language_switch_keeps_the_page_and_its_query(client):
    """The language links lead to the same page in the other language, filters kept."""
    body = client.get("/impressum/?q=Jena").content.decode()
    assert 'href="/en/imprint/?q=Jena" hreflang="en"' in body
    english = client.get("/en/imprint/?q=Jena").content.decode()
    assert 'href="/impressum/?q=Jena" hreflang="de"' in english
    assert '<html lang="en">' in english


def test_every_page_names_the_data_licence_in_the_footer(client):
    body = client.get("/impressum/").content.decode()
    assert "Datenlizenz Deutschland" in body
    assert 'rel="license"' in body
