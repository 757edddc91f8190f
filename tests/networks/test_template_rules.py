"""Templates show, models decide: whether a network is an alliance, its latest declared member
count, an import run's state are read from the model, not worked out in a template."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings

from core.dates import DatePrecision
from imports.choices import RunStatus
from imports.models import ImportRun
from networks.choices import NetworkKind
from networks.models import Network
from tests.factories import DeclaredMemberCountFactory, NetworkFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
LONGEST_LINE = 200


def template_lines():
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            yield path.relative_to(TEMPLATES), number, line


def test_no_template_line_is_longer_than_200_characters():
    """A line a reviewer can read: no template line over 200 characters."""
    long_lines = [
        f"{path}:{number} ({len(line)})"
        for path, number, line in template_lines()
        if len(line) > LONGEST_LINE
    ]
    assert long_lines == []


def test_templates_compare_no_choice_values():
    """Choices are checked by model properties (``network.is_alliance``, ``run.is_preview``),
    never by comparing a stored value in a template."""
    compared = re.compile(r"\.(kind|status)\s*[!=]=")
    found = [f"{path}:{number}" for path, number, line in template_lines() if compared.search(line)]
    assert found == []


def test_is_alliance():
    assert Network(kind=NetworkKind.ALLIANCE).is_alliance
    assert not Network(kind=NetworkKind.NETWORK).is_alliance


@pytest.mark.parametrize(
    ("status", "preview", "refused"),
    [
        (RunStatus.PREVIEW, True, False),
        (RunStatus.REFUSED, False, True),
        (RunStatus.IMPORTED, False, False),
    ],
)
def test_run_status_helpers(status, preview, refused):
    run = ImportRun(status=status)
    assert run.is_preview is preview
    assert run.is_refused is refused


@pytest.mark.django_db
def test_the_latest_declared_count_is_an_annotation():
    """The newest reference date wins, whatever order the counts were entered in; a network
    that declares nothing has none."""
    network = NetworkFactory()
    for total, year in ((45, 2019), (30, 2012)):
        DeclaredMemberCountFactory(
            network=network,
            total=total,
            companies=None,
            research=None,
            reference_date=datetime.date(year, 1, 1),
            reference_precision=DatePrecision.YEAR,
        )
    silent = NetworkFactory()
    rows = {row.pk: row for row in Network.objects.with_latest_declared()}
    assert rows[network.pk].declared_total == 45
    assert rows[network.pk].declared_reference_display == "2019"
    assert rows[silent.pk].declared_total is None
    assert rows[silent.pk].declared_reference_display is None
