"""Issue 13: every key figure belongs to an edition, also the ones a LEG import adds."""

import datetime

import pytest
from django.utils import timezone

from growthfields.models import Edition, KeyFigure
from imports import services
from imports.choices import RunStatus
from tests.imports.test_leg_import import (
    FIGURES_2013,
    LEG_SOURCE,
    key_figure_csv,
)

pytestmark = pytest.mark.django_db


def test_a_key_figure_import_adds_its_figures_as_one_edition(reference_data, tmp_path):
    """The figures one run adds belong to one new edition "LEG-Kennzahlen, <file>, <date>",
    published on the day of the import; a second run of new figures is another edition, the
    same file again (nothing new) adds none, and the 2012 figures keep the brochure's."""
    brochure = set(KeyFigure.objects.values_list("edition__slug", flat=True))
    run = services.leg_import_run(path=key_figure_csv(tmp_path / "kennzahlen.csv", FIGURES_2013))
    assert run.status == RunStatus.IMPORTED, run.report
    added = KeyFigure.objects.filter(reference_date__year=2013, source__title=LEG_SOURCE)
    assert added.count() == 4
    editions = {figure.edition for figure in added.select_related("edition")}
    assert len(editions) == 1
    edition = editions.pop()
    today = timezone.localdate()
    assert edition.title == f"LEG-Kennzahlen, kennzahlen.csv, {today:%d.%m.%Y}"
    assert (edition.published, edition.published_display) == (today, f"{today:%d.%m.%Y}")
    assert edition.history.count() == 1
    assert (
        set(KeyFigure.objects.exclude(pk__in=added).values_list("edition__slug", flat=True))
        == brochure
    )

    editions_before = Edition.objects.count()
    again = services.leg_import_run(path=key_figure_csv(tmp_path / "kennzahlen.csv", FIGURES_2013))
    assert again.key_figures_created == 0
    assert Edition.objects.count() == editions_before

    later = [["Automobil", "Umsatz Mrd EUR", "8,2", "x", "", "2014", LEG_SOURCE]]
    services.leg_import_run(path=key_figure_csv(tmp_path / "kennzahlen.csv", later))
    figure = KeyFigure.objects.get(reference_date=datetime.date(2014, 1, 1))
    assert figure.edition is not None
    assert figure.edition != edition
    assert figure.edition.slug != edition.slug
    assert not KeyFigure.objects.filter(edition__isnull=True, source__title=LEG_SOURCE).exists()
