"""The test database's reference data (tests/conftest.py): loaded once per session, present
where a test asks for ``reference_data``, absent elsewhere, and back after a flush."""

import pytest

from growthfields.models import GrowthField, KeyFigure
from networks.models import Network

# fixtures/reference/*.yaml
GROWTH_FIELDS, KEY_FIGURES, NETWORKS = 18, 87, 14


def reference_counts():
    return GrowthField.objects.count(), KeyFigure.objects.count(), Network.objects.count()


def test_a_test_that_asks_finds_the_reference_data(reference_data):
    """Every growth field, key figure and network of the fixtures is there."""
    assert reference_counts() == (GROWTH_FIELDS, KEY_FIGURES, NETWORKS)


@pytest.mark.django_db
def test_any_other_test_finds_the_reference_tables_empty():
    """Without ``reference_data`` the test starts on empty tables (its own data set alone)."""
    assert reference_counts() == (0, 0, 0)


def test_a_change_rolls_back_with_the_test(reference_data):
    """What one test deletes is back for the next (this one and the first, in either order)."""
    assert reference_counts() == (GROWTH_FIELDS, KEY_FIGURES, NETWORKS)
    KeyFigure.objects.all().delete()
    assert KeyFigure.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_without_it_finds_empty_tables():
    """Committed, then flushed: the tests after it still find the reference data."""
    assert reference_counts() == (0, 0, 0)
    Network.objects.create(name="Eigenes Netzwerk", short_name="Eigen", slug="eigen")


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_after_a_flush_finds_the_reference_data(reference_data):
    """The rows are written back after the flush that ended the test before."""
    assert reference_counts() == (GROWTH_FIELDS, KEY_FIGURES, NETWORKS)
    assert not Network.objects.filter(slug="eigen").exists()
