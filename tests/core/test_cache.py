import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core import cache as figures_cache
from growthfields.choices import Metric
from tests.factories import (
    GrowthFieldFactory,
    KeyFigureFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


class Builder:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return f"build {self.calls}"


def test_an_entry_is_built_once_and_then_read_from_the_cache():
    """The builder runs on the first read only."""
    builder = Builder()
    assert figures_cache.cached("k", builder) == "build 1"
    assert figures_cache.cached("k", builder) == "build 1"
    assert builder.calls == 1


def test_invalidate_makes_every_entry_stale():
    """After invalidate() the next read builds again."""
    builder = Builder()
    figures_cache.cached("k", builder)
    figures_cache.invalidate()
    assert figures_cache.cached("k", builder) == "build 2"


def test_entries_are_kept_per_language():
    """German and English pages never share an entry."""
    builder = Builder()
    with translation.override("de"):
        german = figures_cache.cached("k", builder)
    with translation.override("en"):
        english = figures_cache.cached("k", builder)
    assert (german, english) == ("build 1", "build 2")
    assert figures_cache.make_key("k").endswith(str(figures_cache.current_version()))


def test_a_lost_version_never_brings_back_old_entries():
    """If the version number is evicted, the new one differs from every earlier one."""
    builder = Builder()
    figures_cache.cached("k", builder)
    cache.delete(figures_cache.VERSION_KEY)
    assert figures_cache.cached("k", builder) == "build 2"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda: KeyFigureFactory(), id="key figure saved"),
        pytest.param(lambda: SourceFactory(), id="source saved"),
        pytest.param(lambda: GrowthFieldFactory(), id="growth field saved"),
        pytest.param(lambda: NetworkFactory(), id="network saved"),
        pytest.param(lambda: MembershipFactory(), id="membership saved"),
        pytest.param(lambda: OrganisationFactory(), id="organisation saved"),
    ],
)
def test_saving_data_invalidates_the_cache(change):
    """Every watched model's save bumps the version."""
    before = figures_cache.current_version()
    change()
    assert figures_cache.current_version() != before


def test_deleting_and_linking_invalidate_the_cache():
    """A deletion and an m2m change (organisation to growth field) bump the version too."""
    organisation = OrganisationFactory()
    field = GrowthFieldFactory()
    before = figures_cache.current_version()
    organisation.growth_fields.add(field)
    after_link = figures_cache.current_version()
    assert after_link != before
    figure = KeyFigureFactory(growth_field=field)
    before_delete = figures_cache.current_version()
    figure.delete()
    assert figures_cache.current_version() != before_delete


def test_comparison_second_request_runs_fewer_queries(client):
    """The comparison table, member counts and overlap come from the cache the second time."""
    KeyFigureFactory()
    url = reverse("compare")
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert len(second) < len(first)
    # What is left is the request's transaction (ATOMIC_REQUESTS), no reads.
    assert not [query for query in second.captured_queries if "SELECT" in query["sql"]]


def test_a_changed_key_figure_shows_on_the_next_request(client):
    """Saving a figure in the back office is visible at once, not after the cache expires."""
    field = GrowthFieldFactory(name="Automobil")
    figure = KeyFigureFactory(
        growth_field=field,
        metric=Metric.EMPLOYEES,
        value=Decimal("50000"),
        reference_date=datetime.date(2012, 9, 1),
    )
    url = reverse("compare")
    assert "ca. 50.000" in client.get(url).content.decode()
    figure.value = Decimal("61000")
    figure.save()
    content = client.get(url).content.decode()
    assert "ca. 61.000" in content
    assert "ca. 50.000" not in content
