"""The public lists' paginator keeps counts until the data changes."""

import pytest
from django.core.paginator import Paginator
from django.test import RequestFactory

from core.pagination import CachedCountPaginator, page_or_nearest, page_size_from
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


def test_the_leg_import_makes_counts_stale(
    reference_data, tmp_path, django_capture_on_commit_callbacks
):
    """The import writes in bulk without signals; it invalidates the cache itself, when its
    transaction commits (before, the old count is still right for everyone else)."""
    from imports.services import leg_import_run

    queryset = Organisation.objects.order_by("pk")
    assert CachedCountPaginator(queryset, 10).count == 0
    sample = tmp_path / "leg.csv"
    sample.write_text(
        "LEG-ID;Name;Art;PLZ;Ort\nTH-000001;Jenaer Optik GmbH;Unternehmen;07743;Jena\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks() as callbacks:
        run = leg_import_run(path=sample, file_name="leg.csv")
        assert run.created == 1
        assert CachedCountPaginator(queryset.all(), 10).count == 0  # not committed yet
    for callback in callbacks:
        callback()
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


def test_pages_keep_the_order_and_do_not_overlap():
    """Page 2 continues where page 1 ended, in the list's order, each row once."""
    for name in ["Delta", "Alpha", "Echo", "Charlie", "Bravo"]:
        OrganisationFactory(name=name)
    queryset = Organisation.objects.order_by("name", "pk")
    paginator = CachedCountPaginator(queryset, 2)
    names = [org.name for number in (1, 2, 3) for org in paginator.page(number)]
    assert names == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]


def test_a_page_keeps_prefetches_and_annotations(django_assert_num_queries):
    """Rows of a page come from the list's own queryset: annotations and prefetches hold."""
    from django.db.models import Value

    OrganisationFactory.create_batch(3)
    queryset = Organisation.objects.for_directory().annotate(marker=Value(7)).order_by("name", "pk")
    paginator = CachedCountPaginator(queryset, 2)
    paginator.count  # noqa: B018 - counted before the measured part
    with django_assert_num_queries(3):  # keys, rows, memberships
        page = paginator.page(1)
        rows = list(page)
    assert [row.marker for row in rows] == [7, 7]
    assert all(row.current_memberships == [] for row in rows)


@pytest.mark.parametrize(
    ("number", "expected"),
    [(None, 1), ("", 1), ("2", 2), ("3", 3), ("99", 3), ("0", 1), ("-4", 1), ("zwei", 1)],
)
def test_page_or_nearest_shows_the_nearest_page(number, expected):
    """Past the end the last page; below 1, empty or not a number the first."""
    paginator = Paginator(list(range(25)), 10)
    assert page_or_nearest(paginator, number).number == expected
