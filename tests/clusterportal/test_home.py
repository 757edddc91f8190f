import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from growthfields.choices import Metric
from tests.factories import GrowthFieldFactory, KeyFigureFactory, NetworkFactory

pytestmark = pytest.mark.django_db

# Growth fields, key figures with sources, the brochure's footnote numbers, networks with member
# counts, the next events (their organisers and growth fields are read only when there are
# some); plus the savepoint and its release of the request's transaction (ATOMIC_REQUESTS).
QUERIES = 5 + 2


def test_home_renders_in_german(client, reference_data):
    """The start page shows the growth fields at a glance with their figures and date."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Automobil" in content
    assert "ca. 500" in content
    assert "ca. 50.000" in content
    assert "ca. 7,7 Mrd. EUR" in content
    assert "September 2012" in content
    assert content.count("<h1") == 1


def test_home_renders_in_english(client, reference_data):
    """/en/ shows the English names of the fields."""
    with translation.override("en"):
        url = reverse("home")
    assert url == "/en/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Automotive" in response.content.decode()


def test_home_has_entry_points_to_search_networks_and_comparison(client):
    """A search form to the member directory's results (q), links to networks and the
    comparison."""
    content = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("members:list")}#ergebnisse"' in content
    assert 'name="q"' in content
    assert f'href="{reverse("networks:list")}"' in content
    assert f'href="{reverse("compare")}"' in content


def test_home_marks_missing_figures_as_keine_angaben(client):
    """A field without figures reads "keine Angaben", never 0."""
    GrowthFieldFactory(name="Kreativwirtschaft")
    content = client.get(reverse("home")).content.decode()
    assert "keine Angaben" in content
    assert ">0<" not in content


def test_home_escapes_names_from_the_database(client):
    """A growth field or network called <script> is shown as text."""
    field = GrowthFieldFactory(name="<script>alert(1)</script>", name_en="")
    KeyFigureFactory(growth_field=field)
    NetworkFactory(name="<script>alert(2)</script>")
    content = client.get(reverse("home")).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(1)" in content
    assert "&lt;script&gt;alert(2)" in content


def test_home_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    """More fields and networks do not mean more queries."""
    field = GrowthFieldFactory()
    KeyFigureFactory(growth_field=field)
    NetworkFactory()
    with django_assert_num_queries(QUERIES):
        client.get(reverse("home"))
    for _ in range(3):
        more = GrowthFieldFactory()
        KeyFigureFactory(growth_field=more, metric=Metric.EMPLOYEES)
        GrowthFieldFactory(parent=more)
        NetworkFactory()
    cache.clear()
    with django_assert_num_queries(QUERIES):
        client.get(reverse("home"))
