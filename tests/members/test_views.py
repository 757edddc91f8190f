"""The public member directory and organisation pages."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from members.choices import District, OrganisationKind
from tests.factories import (
    GrowthFieldFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

ROW_LINK = re.compile(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>')


def list_url(language="de"):
    with translation.override(language):
        return reverse("members:list")


def names_on(response):
    """The organisation names in the result table, in their order."""
    return ROW_LINK.findall(response.content.decode())


@pytest.fixture
def directory():
    """Five published organisations in two networks and growth fields, one unpublished."""
    optics = GrowthFieldFactory(slug="optik")
    optonet = NetworkFactory(slug="optonet", short_name="OptoNet")
    automotive = NetworkFactory(slug="at", short_name="at")
    organisations = {
        "jenoptik": OrganisationFactory(
            name="Jenoptik GmbH",
            employees=3000,
            employees_approximate=True,
            wz_code="26.70",
            keywords="Laser",
        ),
        "mueller": OrganisationFactory(
            name="Müller Maschinenbau GmbH",
            postcode="99084",
            town="Erfurt",
            district=District.ERFURT,
            employees=45,
            wz_code="28.11",
        ),
        "university": OrganisationFactory(
            name="Friedrich-Schiller-Universität Jena",
            kind=OrganisationKind.UNIVERSITY,
        ),
        "institute": OrganisationFactory(
            name="Fraunhofer IOF",
            kind=OrganisationKind.RESEARCH_INSTITUTE,
            employees=5,
        ),
        "coating": OrganisationFactory(
            name="Weimarer Oberflächen KG",
            postcode="99423",
            town="Weimar",
            district=District.WEIMAR,
            employees=120,
        ),
        "hidden": OrganisationFactory(name="Verborgene Jenaer GmbH", published=False),
    }
    organisations["jenoptik"].growth_fields.add(optics)
    organisations["hidden"].growth_fields.add(optics)
    MembershipFactory(organisation=organisations["jenoptik"], network=optonet)
    MembershipFactory(organisation=organisations["university"], network=optonet)
    MembershipFactory(organisation=organisations["university"], network=automotive)
    MembershipFactory(organisation=organisations["mueller"], network=automotive)
    MembershipFactory(organisation=organisations["hidden"], network=optonet)
    return organisations


ALL_PUBLISHED = [
    "Fraunhofer IOF",
    "Friedrich-Schiller-Universität Jena",
    "Jenoptik GmbH",
    "Müller Maschinenbau GmbH",
    "Weimarer Oberflächen KG",
]


# The directory


@pytest.mark.parametrize("language", ["de", "en"])
def test_directory_lists_published_organisations_by_name(client, directory, language):
    """Both languages list every published organisation, by name; the unpublished one never."""
    response = client.get(list_url(language))
    assert response.status_code == 200
    assert names_on(response) == ALL_PUBLISHED
    assert "Verborgene" not in response.content.decode()


def test_row_shows_kind_town_district_employees_and_networks(client, directory):
    response = client.get(list_url())
    row = re.search(r"<tr>\s*<th scope=\"row\"><a[^>]*>Jenoptik GmbH.*?</tr>", response.text, re.S)
    assert row
    row = row.group(0)
    assert directory["jenoptik"].get_absolute_url() in row
    assert "Unternehmen" in row
    assert "Jena" in row
    assert "ca. 3.000" in row
    assert 'class="badge" href="/netzwerke/optonet/"' in row


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"growth_field": "optik"}, ["Jenoptik GmbH"]),
        ({"network": "optonet"}, ["Friedrich-Schiller-Universität Jena", "Jenoptik GmbH"]),
        ({"network": "at"}, ["Friedrich-Schiller-Universität Jena", "Müller Maschinenbau GmbH"]),
        ({"kind": "hochschule"}, ["Friedrich-Schiller-Universität Jena"]),
        ({"district": "Weimar"}, ["Weimarer Oberflächen KG"]),
        ({"wz": "28"}, ["Müller Maschinenbau GmbH"]),
        ({"size": "kleinst"}, ["Fraunhofer IOF"]),
        ({"size": "mittel"}, ["Weimarer Oberflächen KG"]),
        ({"size": "ka"}, ["Friedrich-Schiller-Universität Jena"]),
        ({"district": "Jena", "kind": "unternehmen"}, ["Jenoptik GmbH"]),
    ],
)
def test_each_filter_returns_its_rows(client, directory, params, expected):
    assert names_on(client.get(list_url(), params)) == expected


def test_search_finds_name_town_and_keyword(client, directory):
    assert names_on(client.get(list_url(), {"q": "Laser"})) == ["Jenoptik GmbH"]
    assert names_on(client.get(list_url(), {"q": "Erfurt"})) == ["Müller Maschinenbau GmbH"]
    assert names_on(client.get(list_url(), {"q": "MÜLLER"})) == ["Müller Maschinenbau GmbH"]


def test_sorting_by_employees_descending_puts_missing_last(client, directory):
    names = names_on(client.get(list_url(), {"sort": "-employees"}))
    assert names == [
        "Jenoptik GmbH",
        "Weimarer Oberflächen KG",
        "Müller Maschinenbau GmbH",
        "Fraunhofer IOF",
        "Friedrich-Schiller-Universität Jena",
    ]


def test_sort_headers_mark_the_current_order(client, directory):
    """The sorted column says so (aria-sort); its link reverses the order, keeps the filters,
    goes back to page 1 and to the results' heading (#ergebnisse)."""
    response = client.get(list_url(), {"sort": "town", "district": "Jena", "page": "2"})
    html = response.text
    assert 'aria-sort="ascending"><a href="?sort=-town&amp;district=Jena#ergebnisse">' in html
    assert 'class="num"><a href="?sort=-employees&amp;district=Jena#ergebnisse">' in html


@pytest.fixture
def thirty():
    return [OrganisationFactory(name=f"Firma {number:02d}") for number in range(1, 31)]


def test_pagination_shows_25_then_the_rest(client, thirty):
    first = names_on(client.get(list_url()))
    second = names_on(client.get(list_url(), {"page": "2"}))
    assert first == [f"Firma {number:02d}" for number in range(1, 26)]
    assert second == [f"Firma {number:02d}" for number in range(26, 31)]


def test_page_size_takes_only_the_offered_sizes(client, thirty):
    assert len(names_on(client.get(list_url(), {"page_size": "50"}))) == 30
    assert len(names_on(client.get(list_url(), {"page_size": "7"}))) == 25
    assert len(names_on(client.get(list_url(), {"page_size": "viele"}))) == 25


def test_page_past_the_end_shows_the_last_page(client, thirty):
    response = client.get(list_url(), {"page": "99"})
    assert response.status_code == 200
    assert names_on(response)[0] == "Firma 26"


@pytest.mark.parametrize("page", ["zwei", "0", "-1", "2.5", ""])
def test_page_that_is_no_page_number_shows_the_first(client, thirty, page):
    response = client.get(list_url(), {"page": page})
    assert response.status_code == 200
    assert names_on(response)[0] == "Firma 01"


def test_pagination_links_keep_the_filters(client, thirty):
    response = client.get(list_url(), {"district": "Jena", "page_size": "25"})
    assert 'href="?district=Jena&amp;page_size=25&amp;page=2" rel="next"' in response.text


def test_result_count_and_chips(client, directory):
    """Each chip links to the page without its filter and without the page number."""
    response = client.get(
        list_url(), {"district": "Jena", "network": "optonet", "sort": "-name", "page": "1"}
    )
    html = response.text
    assert "2 Organisationen gefunden" in html
    assert '<a class="chip" href="/mitglieder/?network=optonet&amp;sort=-name">' in html
    assert '<a class="chip" href="/mitglieder/?district=Jena&amp;sort=-name">' in html
    assert "Landkreis: Jena" in html
    assert '<a href="/mitglieder/?sort=-name">Alle Filter entfernen</a>' in html


def test_empty_result_explains_itself(client, directory):
    response = client.get(list_url(), {"q": "Raumfahrt", "district": "Suhl"})
    assert response.status_code == 200
    html = response.text
    assert "0 Organisationen gefunden" in html
    assert 'class="empty-state"' in html
    assert "Zur Suche nach „Raumfahrt“ passt keine Organisation" in html
    assert "zeigen Sie alle Mitglieder" in html
    assert "<table" not in html


def test_invalid_filter_values_are_reported_and_ignored(client, directory):
    """An unknown kind, growth field or page is no server error: the page says what it ignored
    (in German) and applies the valid filters."""
    response = client.get(
        list_url(),
        {"kind": "raumschiff", "growth_field": "gibt-es-nicht", "district": "Weimar", "wz": "1"},
    )
    assert response.status_code == 200
    html = response.text
    assert "Diese Angaben sind ungültig und wurden nicht berücksichtigt" in html
    assert "Bitte eine gültige Auswahl treffen" in html
    assert names_on(response) == ["Weimarer Oberflächen KG"]


def test_export_links_carry_the_current_filters(client, directory):
    response = client.get(list_url(), {"district": "Jena", "page": "1", "page_size": "50"})
    html = response.text
    assert 'href="/mitglieder/export/?district=Jena&amp;format=csv"' in html
    assert 'href="/mitglieder/export/?district=Jena&amp;format=xlsx"' in html
    assert 'rel="license"' in html


def test_filter_form_works_without_javascript(client, directory):
    """A GET form with a label for every control and a submit button."""
    html = client.get(list_url()).text
    form = re.search(r'<form class="filters" method="get".*?</form>', html, re.S).group(0)
    for name in ("q", "growth_field", "network", "kind", "district", "wz", "size", "page_size"):
        assert f'<label for="id_{name}">' in form
        assert f'id="id_{name}"' in form
    assert '<button class="kern-btn kern-btn--primary" type="submit">' in form


def test_markup_in_a_name_is_shown_as_text(client):
    organisation = OrganisationFactory(name="<script>alert(1)</script>")
    listed = client.get(list_url()).text
    detail = client.get(organisation.get_absolute_url()).text
    for html in (listed, detail):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.fixture
def many_members():
    """120 organisations, each a member of two networks and in a growth field."""
    networks = NetworkFactory.create_batch(2)
    growth_field = GrowthFieldFactory()
    for organisation in OrganisationFactory.create_batch(120):
        organisation.growth_fields.add(growth_field)
        for network in networks:
            MembershipFactory(organisation=organisation, network=network)


@pytest.mark.parametrize("page_size", ["25", "100"])
def test_directory_runs_a_fixed_number_of_queries(
    client, many_members, django_assert_num_queries, page_size
):
    """Count, the page's keys, its rows, networks of the rows, and the growth field and network
    options: six queries whatever the page size (and the request's savepoint and its release)."""
    with django_assert_num_queries(8):
        response = client.get(list_url(), {"page_size": page_size, "sort": "-employees"})
    assert len(names_on(response)) == int(page_size)


@pytest.mark.parametrize("page_size", ["25", "100"])
def test_filtered_directory_runs_a_fixed_number_of_queries(
    client, many_members, django_assert_num_queries, page_size
):
    """A chosen growth field and network cost one query each to look up."""
    params = {"page_size": page_size, "network": "netzwerk-0", "growth_field": "wachstumsfeld-0"}
    with django_assert_num_queries(10):
        client.get(list_url(), params)


# The organisation page


@pytest.fixture
def organisation():
    optics = GrowthFieldFactory(name="Optische Technologien", slug="optik")
    organisation = OrganisationFactory(
        name="Jenoptik GmbH",
        street="Carl-Zeiß-Straße 1",
        phone="03641 65-0",
        email="info@jenoptik.example",
        website="https://www.jenoptik.example/",
        founding_year=1991,
        employees=3000,
        employees_approximate=True,
        revenue_meur=Decimal("1100.500"),
        export_quota=Decimal("65.00"),
        wz_code="26.70",
        keywords="Laser, Optik",
        record_date=datetime.date(2012, 2, 27),
    )
    organisation.growth_fields.add(optics)
    MembershipFactory(
        organisation=organisation,
        network=NetworkFactory(name="OptoNet e.V.", slug="optonet"),
        since=datetime.date(2001, 3, 1),
    )
    MembershipFactory(
        organisation=organisation,
        network=NetworkFactory(name="Altes Netz e.V."),
        until=datetime.date(2009, 12, 31),
    )
    return organisation


def test_detail_shows_address_networks_growth_fields_and_figures(client, organisation):
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    html = response.text
    assert "<title>Jenoptik GmbH – Clusterportal Thüringen</title>" in html
    assert 'name="description" content="Jenoptik GmbH, Unternehmen in Jena' in html
    assert "Carl-Zeiß-Straße 1" in html
    assert "07743 Jena" in html
    assert '<a href="https://www.jenoptik.example/" rel="nofollow noopener"' in html
    assert '<a href="/netzwerke/optonet/">OptoNet e.V.</a>' in html
    assert "Mitglied seit März 2001" in html
    assert "Altes Netz" not in html
    assert '<a href="/wachstumsfelder/optik/">Optische Technologien</a>' in html
    assert "ca. 3.000" in html
    assert "1.100,5 Mio. EUR" in html
    assert "65 %" in html
    assert "1991" in html
    assert "26.70 – Herstellung von Datenverarbeitungsgeräten" in html
    assert ">Laser</a>" in html
    assert "27. Februar 2012" in html


def test_detail_never_shows_phone_or_email(client, organisation):
    html = client.get(organisation.get_absolute_url()).text
    assert "03641" not in html
    assert "info@jenoptik.example" not in html


def test_detail_says_keine_angaben_where_data_is_missing(client):
    organisation = OrganisationFactory()
    html = client.get(organisation.get_absolute_url()).text
    assert html.count("keine Angaben") == 6  # employees, revenue, quota, year, WZ, Stand
    assert " 0 Mio. EUR" not in html


def test_detail_in_english(client, organisation):
    with translation.override("en"):
        url = reverse("members:detail", kwargs={"pk": organisation.pk})
    assert url.startswith("/en/")
    response = client.get(url)
    assert response.status_code == 200
    assert "Jenoptik GmbH" in response.text


def test_unpublished_or_unknown_organisation_is_not_found(client):
    hidden = OrganisationFactory(published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reverse("members:detail", kwargs={"pk": 987654})).status_code == 404


def test_detail_runs_a_fixed_number_of_queries(client, organisation, django_assert_num_queries):
    """The organisation, its current networks, its growth fields and whether it has an address
    for "Kontakt aufnehmen": four queries (and the request's savepoint and its release)."""
    with django_assert_num_queries(6):
        assert client.get(organisation.get_absolute_url()).status_code == 200
