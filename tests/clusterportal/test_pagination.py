"""The public lists' paginator keeps counts until the data changes."""

import pytest
from django.test import RequestFactory

from clusterportal.pagination import CachedCountPaginator, page_size_from
from members.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_count_is_counted_once_then_remembered(django_assert_num_queries):
    OrganisationFactory.create_batch(3)
    queryset = Organisation.objects.order_by("pk")
    with django_assert_num_queries(1):
        assert CachedCountPaginator(queryset, 2).count == 3
    with django_assert_num_queries(0):
        assert CachedCountPaginator(queryset.all(), 2).count == 3


def test_a_change_makes_the_count_stale():
    """Saving an organisation (a signal) invalidates the remembered count."""
    OrganisationFactory.create_batch(3)
    queryset = Organisation.objects.order_by("pk")
    assert CachedCountPaginator(queryset, 2).count == 3
    OrganisationFactory()
    assert CachedCountPaginator(queryset.all(), 2).count == 4


def test_different_filters_have_their_own_counts():
    OrganisationFactory(town="Jena")
    OrganisationFactory(town="Erfurt")
    assert CachedCountPaginator(Organisation.objects.filter(town="Jena"), 10).count == 1
    assert CachedCountPaginator(Organisation.objects.all(), 10).count == 2


def test_the_leg_import_makes_counts_stale(tmp_path):
    """The import writes in bulk without signals; it invalidates the cache itself."""
    from django.core.management import call_command

    from imports.services import leg_import_run

    call_command("load_reference_data", verbosity=0)
    queryset = Organisation.objects.order_by("pk")
    assert CachedCountPaginator(queryset, 10).count == 0
    sample = tmp_path / "leg.csv"
    sample.write_text(
        "LEG-ID;Name;Art;PLZ;Ort\nTH-000001;Jenaer Optik GmbH;Unternehmen;07743;Jena\n",
        encoding="utf-8",
    )
    run = leg_import_run(path=sample, file_name="leg.csv")
    assert run.created == 1
    assert CachedCountPaginator(queryset.all(), 10).count == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 25),
        ("page_size=50", 50),
        ("page_size=100", 100),
        ("page_size=7", 25),
        ("page_size=x", 25),
    ],
)
def test_page_size_only_from_the_offered_sizes(query, expected):
    assert page_size_from(RequestFactory().get(f"/?{query}")) == expected
