"""Unchanged rows cost a hash (``imports.digest``): a row exactly as last imported, whose
organisation nobody changed since, is counted unchanged without being cleaned or compared; any
edit, link change, revert, new alias or changed rule sends it through the full path again, and
counts, changes and history are exactly those of the full path (side by side on the quirk
files)."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from imports import leg, services
from imports.choices import RunStatus
from imports.models import ImportedRowDigest, ImportRun
from imports.revert import import_run_revert
from members.models import Organisation
from networks.models import Membership, Network
from tests.imports import test_leg_import as base
from tests.imports.test_leg_import import (
    BASE_ROWS,
    SHARED,
    generate,
    read_csv,
    records,
    warnings_of,
    write_csv,
)

pytestmark = pytest.mark.django_db

user = base.user


@pytest.fixture
def cleaned_rows(monkeypatch):
    """The numbers of the rows handed to the cleaner, per import."""
    seen = []
    original = leg.CompanyRowCleaner.clean

    def counting(self, rows):
        seen.extend(row for row, _cells in rows)
        return original(self, rows)

    monkeypatch.setattr(leg.CompanyRowCleaner, "clean", counting)
    return seen


def imported(path, **kwargs):
    run = services.leg_import_run(path=path, **kwargs)
    assert run.status == RunStatus.IMPORTED, run.report
    return run


def test_an_unchanged_reimport_cleans_no_row(reference_data, tmp_path, cleaned_rows):
    """The second import of the same file hands no row to the cleaner and counts all of them
    unchanged, skipped unseen."""
    path = generate(tmp_path / "a.csv", rows=300, seed=5)
    first = imported(path)
    assert len(cleaned_rows) == 300
    assert ImportedRowDigest.objects.count() == 300
    cleaned_rows.clear()

    again = imported(path)

    assert cleaned_rows == []
    assert (again.created, again.updated, again.unchanged, again.unseen) == (0, 0, 300, 300)
    assert again.not_in_file == first.not_in_file == 0
    assert again.rows == 300


def test_only_changed_rows_are_cleaned(reference_data, tmp_path, cleaned_rows):
    """A later export with two changed rows cleans exactly those two rows."""
    path = generate(tmp_path / "a.csv", rows=50, seed=6)
    imported(path)
    headers, rows = read_csv(path)
    rows[3][headers.index("Telefon")] += "9"
    rows[40][headers.index("Name")] += " neu"
    later = write_csv(
        tmp_path / "b.csv", [dict(zip(headers, r, strict=True)) for r in rows], headers
    )
    cleaned_rows.clear()

    run = imported(later)

    assert sorted(cleaned_rows) == [5, 42]  # spreadsheet rows (header is row 1)
    assert (run.updated, run.unchanged, run.unseen) == (2, 48, 48)


def test_a_back_office_edit_forces_a_full_compare(reference_data, tmp_path, cleaned_rows):
    """An organisation saved in the back office (its version counts up) is compared in full
    next time, and the file's value is written back as before."""
    path = write_csv(tmp_path / "a.csv", BASE_ROWS)
    imported(path)
    organisation = Organisation.objects.get(leg_id="TH-000002")
    organisation.name = "Von Hand geändert"
    organisation.save()
    cleaned_rows.clear()

    run = imported(path)

    assert cleaned_rows == [3]
    assert (run.updated, run.unchanged, run.unseen) == (1, 4, 4)
    assert Organisation.objects.get(leg_id="TH-000002").name == "Erfurter Sensortechnik AG"


def test_a_membership_removed_by_hand_is_added_again(reference_data, tmp_path, cleaned_rows):
    """A membership deleted by hand (the organisation itself unchanged) makes the row go the
    full path, which adds the file's network again, as without digests."""
    path = write_csv(tmp_path / "a.csv", BASE_ROWS)
    imported(path)
    Membership.objects.filter(organisation__leg_id="TH-000001").delete()
    cleaned_rows.clear()

    run = imported(path)

    assert cleaned_rows == [2]
    assert run.updated == 1
    assert Membership.objects.filter(organisation__leg_id="TH-000001").count() == 1


def test_a_new_alias_cleans_every_row_again(reference_data, tmp_path, cleaned_rows):
    """A network alias added in the back office changes what names resolve to: every row is
    cleaned again."""
    path = write_csv(tmp_path / "a.csv", BASE_ROWS)
    imported(path)
    Network.objects.get(slug="optonet").aliases.create(name="Optiknetz Jena")
    cleaned_rows.clear()

    run = imported(path)

    assert sorted(cleaned_rows) == [2, 3, 4, 5, 6]
    assert (run.unchanged, run.unseen) == (5, 0)


def test_a_new_rules_version_cleans_every_row_again(reference_data, tmp_path, cleaned_rows, monkeypatch):
    """Bumping ``CLEANING_RULES_VERSION`` invalidates every digest."""
    path = write_csv(tmp_path / "a.csv", BASE_ROWS)
    imported(path)
    monkeypatch.setattr(leg, "CLEANING_RULES_VERSION", leg.CLEANING_RULES_VERSION + 1)
    cleaned_rows.clear()

    run = imported(path)

    assert len(cleaned_rows) == 5
    assert run.unseen == 0


def test_a_reverted_run_compares_its_rows_in_full(reference_data, tmp_path, user, cleaned_rows):
    """A revert gives the organisations it restores a new version: the next import of the
    reverted file changes them again instead of skipping them."""
    first = write_csv(tmp_path / "a.csv", BASE_ROWS)
    imported(first)
    rows = [dict(row) for row in BASE_ROWS]
    rows[0]["Telefon"] = "03641 999999"
    second = imported(write_csv(tmp_path / "b.csv", rows))
    assert second.updated == 1
    import_run_revert(run=second, user=user)
    cleaned_rows.clear()

    again = imported(tmp_path / "b.csv")

    assert cleaned_rows == [2]
    assert again.updated == 1
    assert Organisation.objects.get(leg_id="TH-000001").phone == "03641 999999"


def test_warnings_of_skipped_rows_are_not_repeated(reference_data, tmp_path):
    """A skipped row's warning is not reported again; the run names the run that reported it."""
    rows = [dict(row) for row in BASE_ROWS]
    rows[1]["E-Mail"] = "info(at)sensortechnik.de"
    path = write_csv(tmp_path / "a.csv", rows)
    first = imported(path)
    assert first.warning_count == 1

    again = imported(path)

    assert warnings_of(again) == []
    assert (again.unseen, again.unseen_warning_runs) == (5, [first.pk])


def test_a_duplicate_of_a_skipped_row_is_still_refused(reference_data, tmp_path):
    """A LEG-ID doubled in the file is refused even when its first row would be skipped."""
    path = write_csv(tmp_path / "a.csv", BASE_ROWS)
    imported(path)
    doubled = write_csv(tmp_path / "b.csv", [*BASE_ROWS, dict(BASE_ROWS[0], Telefon="1")])

    run = services.leg_import_run(path=doubled)

    assert run.status == RunStatus.REFUSED
    assert [(e["row"], e["message"]) for e in run.report] == [
        (7, "LEG-ID doppelt in der Datei (Zeilen 2 und 7)")
    ]


def queries_of_reimport(path):
    with transaction.atomic():
        imported(path)
        with CaptureQueriesContext(connection) as queries:
            imported(path)
        transaction.set_rollback(True)
    return len(queries)


def test_an_unchanged_reimport_costs_fewer_queries_than_a_full_compare(
    reference_data, tmp_path, settings
):
    """With digests an unchanged re-import reads no snapshot of organisations, links and
    memberships: fewer queries than the full compare, as many for 2,000 rows as for 200."""
    small = generate(tmp_path / "200.csv", rows=200, seed=81)
    large = generate(tmp_path / "2000.csv", rows=2000, seed=81)
    with_digests = queries_of_reimport(small)
    assert queries_of_reimport(large) == with_digests
    settings.LEG_IMPORT_DIGESTS = False
    assert with_digests < queries_of_reimport(small)


# Side by side: the digest path and the full path give the same runs and the same history ----


def _history():
    """Organisation and membership history, run numbers replaced by their order."""
    runs = {
        f"#{pk}": f"#{n}"
        for n, pk in enumerate(ImportRun.objects.order_by("pk").values_list("pk", flat=True))
    }

    def reason(text):
        return re.sub(r"#\d+", lambda m: runs.get(m.group(0), m.group(0)), text or "")

    # Sorted by run, then LEG-ID: one INSERT … SELECT writes a run's entries in heap order.
    organisations = sorted(
        (reason(row[2]), row[0], row[1], row[3:])
        for row in Organisation.history.order_by("history_id").values_list(
            "leg_id", "history_type", "history_change_reason", *Organisation.DATA_FIELDS
        )
    )
    memberships = sorted(
        (reason(why), leg_id, network, kind)
        for leg_id, network, kind, why in Membership.history.order_by("history_id").values_list(
            "organisation__leg_id", "network_id", "history_type", "history_change_reason"
        )
    )
    return organisations, memberships


def _outcome(run):
    return (
        run.status,
        run.rows,
        run.created,
        run.updated,
        run.unchanged,
        run.not_in_file,
        run.error_count,
        run.changes,
    )


def _scenario(files, tmp_path, user):
    """Import the first file twice, edit one organisation and drop one membership by hand,
    import each later file twice; return every run's outcome, the history and the records."""
    outcomes = []
    first, *later = files
    outcomes.append(_outcome(imported(first)))
    outcomes.append(_outcome(imported(first)))
    organisation = Organisation.objects.order_by("leg_id").first()
    organisation.town = "Von Hand"
    organisation.save()
    Membership.objects.order_by("pk").first().delete()
    for path in later:
        outcomes.append(_outcome(imported(path)))
        outcomes.append(_outcome(imported(path)))
    return outcomes, _history(), records()


def _side_by_side(files, tmp_path, user, settings):
    results = {}
    for digests in (False, True):
        settings.LEG_IMPORT_DIGESTS = digests
        with transaction.atomic():
            results[digests] = _scenario(files, tmp_path, user)
            transaction.set_rollback(True)
    return results


@pytest.mark.parametrize(
    "name", ["sample.csv", "sample-cp1252.csv", "sample.xlsx", "generated.csv", "generated.xlsx"]
)
def test_the_digest_path_gives_the_full_paths_runs_and_history(
    reference_data,
    tmp_path,
    user,
    settings,
    name,
):
    """On each quirk file (the shared samples in every encoding and XLSX, generated exports):
    the same counts, change samples, history and records with and without digests."""
    if name.startswith("generated"):
        path = generate(tmp_path / name, rows=400, seed=44)
    else:
        path = SHARED / name
    files = [path]
    if name.endswith(".csv"):
        encoding = "cp1252" if "cp1252" in name else "utf-8-sig"
        headers, rows = read_csv(path, encoding=encoding)
        for row in rows[::7]:
            row[headers.index("Telefon")] += "1"
        files.append(
            write_csv(
                tmp_path / f"changed-{name}",
                [dict(zip(headers, r, strict=True)) for r in rows],
                headers,
                encoding=encoding,
            )
        )

    results = _side_by_side(files, tmp_path, user, settings)

    assert results[True] == results[False]
    outcomes = results[True][0]
    assert outcomes[0][2] > 0  # created
    assert all(outcome[0] == RunStatus.IMPORTED for outcome in outcomes)


def test_the_run_page_names_the_run_with_the_skipped_rows_warnings(
    reference_data, tmp_path, superuser_client
):
    """The back office's page of a run says how many rows were skipped unseen and links the
    earlier run whose report holds their warnings."""
    rows = [dict(row) for row in BASE_ROWS]
    rows[1]["E-Mail"] = "info(at)sensortechnik.de"
    path = write_csv(tmp_path / "a.csv", rows)
    first = imported(path)
    again = imported(path)

    page = superuser_client.get(f"/admin/imports/importrun/{again.pk}/change/")

    text = page.content.decode()
    assert "5 Zeilen waren seit dem letzten Import unverändert" in text
    assert f'/admin/imports/importrun/{first.pk}/change/">#{first.pk}</a>' in text
