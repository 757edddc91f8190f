"""The import's report is bounded whatever the file (issue 18, case 4): of each kind of issue
(severity and column) the first 1,000 are kept, the rest counted; the run stores the totals
per kind and the admin shows them beside the first issues."""

import tracemalloc

import pytest

from imports import services
from imports.choices import RunOrigin, RunStatus
from imports.issues import MAX_PER_KIND
from imports.models import ImportRun
from tests.imports.test_leg_import import BASE_ROWS, company, errors, write_csv

pytestmark = pytest.mark.django_db


def test_one_cell_naming_65000_unknown_networks_gives_a_bounded_report(reference_data, tmp_path):
    """A 130 KB cell naming 65,000 unknown networks: all 65,000 are counted, the first 1,000
    kept, with the total per column; the run is refused and stored."""
    names = ";".join(["x"] * 65_000)  # 130 KB, just below the csv module's cell limit
    rows = [dict(row) for row in BASE_ROWS]
    rows[0]["Netzwerke"] = names
    run = services.leg_import_run(path=write_csv(tmp_path / "netze.csv", rows))
    assert run.status == RunStatus.REFUSED
    assert run.error_count == 65_000
    assert len(errors(run)) == MAX_PER_KIND
    assert run.issue_totals == [
        {"severity": "error", "column": "Netzwerke", "count": 65_000, "kept": MAX_PER_KIND}
    ]
    assert ImportRun.objects.get(pk=run.pk).error_count == 65_000


def bad_rows(count):
    """``count`` rows with three errors each (postcode, kind, founding year)."""
    return [
        company(f"TH-{number:06d}", f"Firma {number}", PLZ="x", Art="?", Gründungsjahr="12")
        for number in range(1, count + 1)
    ]


def test_a_file_of_bad_rows_keeps_the_first_issues_per_column(reference_data, tmp_path):
    """20,000 bad rows with three errors each: 60,000 errors counted, 1,000 kept per column
    (the first, in row order), memory far below what 60,000 issues would take."""
    path = write_csv(tmp_path / "schlecht.csv", bad_rows(20_000))
    tracemalloc.start()
    try:
        run = services.leg_import_run(path=path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert run.status == RunStatus.REFUSED
    assert run.error_count == 60_000
    assert len(run.report) == 3 * MAX_PER_KIND
    assert {(t["column"], t["count"], t["kept"]) for t in run.issue_totals} == {
        ("PLZ", 20_000, MAX_PER_KIND),
        ("Art", 20_000, MAX_PER_KIND),
        ("Gründungsjahr", 20_000, MAX_PER_KIND),
    }
    kept_rows = sorted({issue["row"] for issue in run.report})
    assert kept_rows == list(range(2, 2 + MAX_PER_KIND))
    assert peak < 120 * 1024 * 1024


def test_the_admin_shows_the_totals_and_the_first_issues(reference_data, tmp_path, superuser_client):
    """The preview of a cut report says so and lists the totals per column."""
    path = write_csv(tmp_path / "schlecht.csv", bad_rows(1_500))
    run = services.leg_import_run(path=path, origin=RunOrigin.ADMIN)
    response = superuser_client.get(f"/admin/imports/importrun/{run.pk}/preview/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Der Bericht ist gekürzt" in page
    assert 'id="leg-issue-totals"' in page and ">1500<" in page
    response = superuser_client.get(f"/admin/imports/importrun/{run.pk}/change/")
    assert response.status_code == 200 and "Der Bericht ist gekürzt" in response.content.decode()
