"""First run: an empty directory explains how to fill it, and `make demo` fills it."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from members.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_FILE = REPO_ROOT / "fixtures" / "demo" / "leg-demo.csv"


def list_url(language="de"):
    with translation.override(language):
        return reverse("members:list")


def test_empty_directory_says_nothing_is_imported_yet_and_how_to_import(client):
    """With no organisation at all the page says so and names the import, not the filters."""
    html = client.get(list_url()).content.decode()
    assert "Noch keine Organisationen importiert" in html
    assert "manage.py import_leg" in html
    assert "make demo" in html
    assert "Keine Organisation erfüllt alle gewählten Filter zugleich" not in html


def test_empty_directory_text_in_english(client):
    """The English page explains it in English."""
    html = client.get(list_url("en")).content.decode()
    assert "No organisations imported yet" in html


def test_filters_that_exclude_everything_keep_the_filter_message(client):
    """Organisations exist but none matches: the page talks about the filters."""
    OrganisationFactory(town="Jena")
    html = client.get(list_url(), {"kind": "hochschule", "town": "Nirgendwo"}).content.decode()
    assert "Noch keine Organisationen importiert" not in html
    assert "Keine Organisation" in html


def test_unpublished_organisations_only_count_as_nothing_imported(client):
    """What the public may not see does not fill the directory."""
    OrganisationFactory(published=False)
    html = client.get(list_url()).content.decode()
    assert "Noch keine Organisationen importiert" in html


def test_make_demo_imports_the_committed_sample_file():
    """`make demo` runs import_leg on fixtures/demo/leg-demo.csv, and that file imports
    cleanly: a few hundred organisations, no refused row."""
    makefile = (REPO_ROOT / "Makefile").read_text()
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe and "import_leg fixtures/demo/leg-demo.csv" in recipe.group(1)
    assert "make demo" in (REPO_ROOT / "README.md").read_text()

    call_command("load_reference_data", stdout=StringIO())
    out = StringIO()
    call_command("import_leg", str(DEMO_FILE), stdout=out, stderr=StringIO())
    assert "Fehler:             0" in out.getvalue()
    assert Organisation.objects.count() == 300
    assert Organisation.objects.filter(memberships__isnull=False).distinct().count() > 50
    assert Organisation.objects.filter(growth_fields__isnull=False).distinct().count() > 200
