import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from growthfields.choices import Category, Metric
from tests.factories import (
    GrowthFieldFactory,
    KeyFigureFactory,
    MembershipFactory,
    NetworkFactory,
    NetworkGrowthFieldFactory,
    OrganisationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

# Growth fields, key figures with sources; plus the savepoint and release of ATOMIC_REQUESTS.
LIST_QUERIES = 2 + 1 + 2  # + the printed edition's footnote numbers


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference_data():
    call_command("load_reference_data", verbosity=0)


def detail_url(slug, language="de"):
    with translation.override(language):
        return reverse("growthfields:detail", kwargs={"slug": slug})


# --- List -----------------------------------------------------------------------------------


def test_list_renders_in_german_grouped_by_category(client, reference_data):
    """The fields appear under their category, in the order of the category choices."""
    response = client.get(reverse("growthfields:list"))
    assert response.status_code == 200
    content = response.content.decode()
    positions = [content.index(f">{label}</h2>") for label in Category.labels]
    assert positions == sorted(positions)
    assert positions[0] < content.index("Automobil") < positions[1]
    assert f'href="{detail_url("automobil")}"' in content
    assert "ca. 7,7 Mrd. EUR" in content


def test_list_renders_in_english(client, reference_data):
    """/en/growth-fields/ lists the English names."""
    with translation.override("en"):
        url = reverse("growthfields:list")
    assert url == "/en/growth-fields/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Automotive" in response.content.decode()


def test_list_shows_parts_under_their_field(client):
    """A part is linked from its field's card, not listed as a field of its own."""
    parent = GrowthFieldFactory(name="Life Sciences", sort_order=1)
    GrowthFieldFactory(name="Medizintechnik", parent=parent, sort_order=2)
    content = client.get(reverse("growthfields:list")).content.decode()
    assert "Teilbereiche:" in content
    assert '<h3><a href="/wachstumsfelder/' in content
    assert content.count("<h3>") == 1


def test_list_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    """Adding fields, parts and figures adds no query."""
    KeyFigureFactory()
    with django_assert_num_queries(LIST_QUERIES):
        client.get(reverse("growthfields:list"))
    for category in Category.values:
        field = GrowthFieldFactory(category=category)
        GrowthFieldFactory(parent=field)
        KeyFigureFactory(growth_field=field, metric=Metric.REVENUE)
    cache.clear()
    with django_assert_num_queries(LIST_QUERIES):
        client.get(reverse("growthfields:list"))


def test_list_escapes_names(client):
    """A field named <script> appears as text."""
    GrowthFieldFactory(name="<script>alert(1)</script>", name_en="")
    content = client.get(reverse("growthfields:list")).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# --- Detail ---------------------------------------------------------------------------------


def test_detail_shows_the_brochures_figures_for_automobil(client, reference_data):
    """Anlage 2: ca. 500 companies, ca. 50.000 employees, ca. 7,7 bn EUR, 32,3 % export (WZ 29)."""
    response = client.get(detail_url("automobil"))
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("ca. 500", "ca. 50.000", "ca. 7,7 Mrd. EUR", "32,3 %", "WZ 29", "8,4 %"):
        assert text in content
    assert "Stand: September 2012" in content
    assert "Unternehmens- und Technologiedatenbank der LEG Thüringen" in content
    assert content.count("<h1") == 1


def test_detail_renders_in_english(client, reference_data):
    """/en/growth-fields/automobil/ shows the English name and description."""
    url = detail_url("automobil", "en")
    assert url.startswith("/en/")
    response = client.get(url)
    assert response.status_code == 200
    assert "Automotive" in response.content.decode()


def test_detail_shows_keine_angaben_and_never_zero(client, reference_data):
    """Keramik's export quota is NULL: it reads "keine Angaben", never 0 %."""
    content = client.get(detail_url("keramik")).content.decode()
    assert "keine Angaben" in content
    assert "0 %" not in content
    assert "ca. 65" in content


def test_detail_shows_both_optik_sources_side_by_side(client, reference_data):
    """Optik/Optoelektronik: LEG database (ca. 155) and the OptoNet study (ca. 167) both appear."""
    content = client.get(detail_url("optik-optoelektronik")).content.decode()
    assert "ca. 155" in content
    assert "ca. 167" in content
    assert "49,9 %" in content
    assert "66 %" in content
    assert "Die optische Industrie in Thüringen" in content
    assert "Unternehmens- und Technologiedatenbank der LEG Thüringen" in content
    assert 'class="side-by-side"' in content


def test_detail_shows_strengths_weaknesses_with_their_source(client, reference_data):
    """The Trendatlas assessment is listed and cited."""
    content = client.get(detail_url("automobil")).content.decode()
    assert "fehlende Systemkompetenz" in content
    assert "Trendatlas Thüringen 2020" in content


def test_detail_links_parts_and_parent(client, reference_data):
    """Life Sciences links its parts; a part links back to its field."""
    content = client.get(detail_url("life-sciences")).content.decode()
    assert f'href="{detail_url("medizintechnik")}"' in content
    assert f'href="{detail_url("biotechnologie")}"' in content
    part = client.get(detail_url("medizintechnik")).content.decode()
    assert f'href="{detail_url("life-sciences")}"' in part


def test_detail_links_the_fields_networks(client, reference_data):
    """OptoNet is linked from Optik/Optoelektronik."""
    content = client.get(detail_url("optik-optoelektronik")).content.decode()
    assert 'href="/netzwerke/optonet/"' in content


def test_detail_counts_published_organisations_and_links_the_directory(client):
    """Only published organisations count; the link filters the directory by the field."""
    field = GrowthFieldFactory(slug="optik")
    for published in (True, True, False):
        OrganisationFactory(published=published).growth_fields.add(field)
    content = client.get(detail_url("optik")).content.decode()
    assert "2 veröffentlichte Organisationen" in content
    assert f'href="{reverse("members:list")}?growth_field=optik"' in content


def test_series_chart_appears_only_with_more_than_one_point(client):
    """One point: no chart; a second edition of the same source: chart and table."""
    field = GrowthFieldFactory(slug="reihe")
    first = SourceFactory(title="LEG-Datenbank", reference_date=datetime.date(2012, 9, 1))
    KeyFigureFactory(growth_field=field, metric=Metric.EMPLOYEES, value=100, source=first)
    content = client.get(detail_url("reihe")).content.decode()
    assert "<svg" not in content
    second = SourceFactory(title="LEG-Datenbank", reference_date=datetime.date(2013, 9, 1))
    KeyFigureFactory(
        growth_field=field,
        metric=Metric.EMPLOYEES,
        value=Decimal("120"),
        reference_date=datetime.date(2013, 9, 1),
        source=second,
    )
    content = client.get(detail_url("reihe")).content.decode()
    assert content.count("<svg") == 1
    assert 'role="img"' in content
    assert "ca. 120" in content and "ca. 100" in content
    assert "Beschäftigte nach Stichtag" in content


def test_unknown_slug_is_404(client):
    """A slug no field has gives 404."""
    assert client.get(detail_url("gibt-es-nicht")).status_code == 404


def test_detail_escapes_names_in_html_and_svg(client):
    """A field, network or series named <script> is shown as text, in the SVG too."""
    evil = "<script>alert(1)</script>"
    field = GrowthFieldFactory(slug="boese", name=evil, name_en="", description=evil)
    source = SourceFactory(title=evil)
    for year in (2011, 2012):
        KeyFigureFactory(
            growth_field=field, source=source, reference_date=datetime.date(year, 1, 1)
        )
    NetworkGrowthFieldFactory(growth_field=field, network=NetworkFactory(name=evil))
    content = client.get(detail_url("boese")).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    svg = content[content.index("<svg") : content.index("</svg>")]
    assert "&lt;script&gt;" in svg


def test_detail_query_count_does_not_grow_with_figures(client, django_assert_num_queries):
    """Field, figures, parts, networks, the organisation count and the next events: a fixed
    number of queries."""
    field = GrowthFieldFactory(slug="feld")
    KeyFigureFactory(growth_field=field)

    def count_queries():
        with django_assert_num_queries(6 + 2):
            client.get(detail_url("feld"))

    count_queries()
    for metric in Metric.values[1:]:
        KeyFigureFactory(growth_field=field, metric=metric, value=10, approximate=False)
    GrowthFieldFactory(parent=field)
    NetworkGrowthFieldFactory(growth_field=field)
    MembershipFactory().organisation.growth_fields.add(field)
    count_queries()
