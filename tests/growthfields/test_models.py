import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from growthfields.choices import Metric
from growthfields.models import GrowthFieldAlias, KeyFigure
from tests.factories import (
    GrowthFieldAliasFactory,
    GrowthFieldFactory,
    KeyFigureFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_two_sources_for_the_same_figure_coexist():
    """Optik: the LEG database and the OptoNet study both report companies."""
    field = GrowthFieldFactory(name="Optik/Optoelektronik")
    KeyFigureFactory(growth_field=field, value=155, source=SourceFactory(title="LEG"))
    KeyFigureFactory(growth_field=field, value=167, source=SourceFactory(title="OptoNet"))
    assert field.key_figures.filter(metric=Metric.COMPANIES).count() == 2


def test_a_newer_year_adds_a_point_to_the_series():
    """Same field, metric and source at a later date is a new point, not an overwrite."""
    source = SourceFactory()
    first = KeyFigureFactory(source=source)
    KeyFigureFactory(
        growth_field=first.growth_field, source=source, reference_date=datetime.date(2013, 9, 1)
    )
    assert list(first.growth_field.key_figures.series().values_list("value", flat=True)) == [
        Decimal("500.00"),
        Decimal("500.00"),
    ]


def test_the_same_point_twice_is_refused():
    """(growth field, metric, reference date, source) is unique."""
    figure = KeyFigureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyFigureFactory(growth_field=figure.growth_field, source=figure.source)


@pytest.mark.parametrize(
    ("metric", "value", "approximate"),
    [
        (Metric.COMPANIES, Decimal("-1"), False),
        (Metric.EXPORT_QUOTA, Decimal("100.5"), False),
        (Metric.GVA_SHARE, None, True),
    ],
    ids=["negative", "percentage-over-100", "no-data-marked-approximate"],
)
def test_impossible_figures_are_refused_by_the_database(metric, value, approximate):
    """Negative values, shares over 100 % and 'ca. keine Angaben' cannot be stored."""
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyFigureFactory(metric=metric, value=value, approximate=approximate)


def test_no_data_is_stored_as_null():
    """'keine Angaben' is a missing value, and stays distinguishable from zero."""
    figure = KeyFigureFactory(metric=Metric.GVA_SHARE, value=None, approximate=False)
    figure.refresh_from_db()
    assert figure.value is None
    assert KeyFigure.objects.filter(value=0).count() == 0


def test_alias_keeps_its_normalised_name():
    """An alias stores the key the import matches on."""
    alias = GrowthFieldAliasFactory(name=" Mess-, Steuer- und Regeltechnik (MSR) ")
    assert alias.normalized_name == "mess steuer und regeltechnik msr"


def test_duplicate_alias_spelling_is_a_validation_error():
    """Two aliases that normalise alike are refused with a German message."""
    GrowthFieldAliasFactory(name="Servicerobotik")
    duplicate = GrowthFieldAlias(growth_field=GrowthFieldFactory(), name="SERVICEROBOTIK ")
    with pytest.raises(ValidationError, match="bereits"):
        duplicate.full_clean()


def test_name_index_resolves_names_short_names_and_aliases():
    """Own names, English names, short names and aliases all lead to the field."""
    field = GrowthFieldFactory(name="Mess-, Steuer- und Regeltechnik", short_name="MSR")
    GrowthFieldAliasFactory(growth_field=field, name="Messtechnik")
    index = type(field).objects.name_index()
    assert index["mess steuer und regeltechnik"] == field.pk
    assert index["msr"] == field.pk
    assert index["messtechnik"] == field.pk
    assert index[field.name_en.lower()] == field.pk


def test_a_part_cannot_have_parts():
    """Parts are one level deep (Biotechnologie under Life Sciences)."""
    life_sciences = GrowthFieldFactory(name="Life Sciences")
    biotech = GrowthFieldFactory(name="Biotechnologie", parent=life_sciences)
    nested = GrowthFieldFactory.build(name="Tiefer", slug="tiefer", parent=biotech)
    with pytest.raises(ValidationError, match="eine Ebene"):
        nested.full_clean()


def test_source_shows_its_reference_date_as_precisely_as_known():
    """A month-precise source reads 'September 2012', a year-precise one '2011'."""
    assert SourceFactory(reference_precision="month").reference_display == "September 2012"
    assert SourceFactory(reference_precision="year").reference_display == "2012"
