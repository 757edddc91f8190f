"""The LEG import beside concurrent work (issue 18, cases 2 and 3), on PostgreSQL with real
second connections: an edit committed between the import's plan and its write survives (the
write is conditional on the version the plan read), the history is dated at the write, two
imports started together end cleanly one after the other, and every database error, the
driver's own included, ends the run as failed with a German message.

Needs PostgreSQL (the test run's DATABASE_URL): skipped without it, a failure instead when
PORTAL_REQUIRE_SERVICES=1 (CI's PostgreSQL pass)."""

import os
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections

from imports import companies, services, writers
from imports.choices import RunOrigin, RunStatus
from imports.models import ImportRun
from members.models import Organisation
from tests.imports.test_leg_import import (
    BASE_ROWS,
    command,
    company,
    later_rows,
    state,
    write_csv,
)

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


def require_postgresql():
    if connection.vendor != "postgresql":
        reason = (
            "Gleichzeitige Importe brauchen PostgreSQL: DATABASE_URL=postgres://… setzen "
            f"(jetzt: {connection.vendor})"
        )
        if REQUIRE_SERVICES:
            pytest.fail(f"{reason} (PORTAL_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def imported(db, tmp_path):
    """Reference data and the five known organisations, committed (other connections see
    them)."""
    require_postgresql()
    call_command("load_reference_data", stdout=StringIO())
    services.leg_import_run(path=write_csv(tmp_path / "bestand.csv", BASE_ROWS))
    return tmp_path


def in_other_connection(work):
    """Run ``work`` in a thread with its own database connection, committed when it returns."""
    errors = []

    def target():
        try:
            work()
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert not errors, errors


def back_office_edit(leg_id, **values):
    """What a back-office save does: the fields, and ``version + 1`` (VersionedMixin)."""

    def edit():
        organisation = Organisation.objects.get(leg_id=leg_id)
        for name, value in values.items():
            setattr(organisation, name, value)
        organisation.save()

    return edit


@pytest.mark.django_db(transaction=True)
def test_an_edit_saved_between_plan_and_write_is_never_overwritten(imported, monkeypatch):
    """The import has read TH-000001 and would write its street; before it writes, a
    back-office edit of that street commits from another connection. The import refuses:
    the run fails naming row 2, nothing is written (not even the new TH-000006), the edit
    survives, and the command ends with exit 1 and the message, no traceback."""
    rows = later_rows()
    rows[0]["Straße"] = "Industriestraße 6"
    path = write_csv(imported / "neu.csv", rows)
    edits = []

    def edit_while_paused():
        if not edits:
            edits.append(1)
            in_other_connection(back_office_edit("TH-000001", street="Admin-Straße 99"))

    monkeypatch.setattr(services, "before_write", edit_while_paused)
    out, err, status = command(path)
    assert status == 1
    assert "Zeilen 2" in err and "nichts geschrieben" in err, err
    assert "Traceback" not in err
    assert Organisation.objects.get(leg_id="TH-000001").street == "Admin-Straße 99"
    assert not Organisation.objects.filter(leg_id="TH-000006").exists()
    run = ImportRun.objects.latest("pk")
    assert run.status == RunStatus.FAILED and run.applied_at is None


@pytest.mark.django_db(transaction=True)
def test_an_edit_committed_after_the_version_check_is_not_overwritten(imported, monkeypatch):
    """Even an edit committed after the import checked the versions (inside its write
    transaction) survives: the UPDATE itself is conditional on the planned version."""
    rows = later_rows()
    rows[0]["Straße"] = "Industriestraße 6"
    path = write_csv(imported / "neu.csv", rows)
    check = companies.outdated_rows

    def check_then_edit(plan):
        found = check(plan)
        in_other_connection(back_office_edit("TH-000001", street="Admin-Straße 99"))
        return found

    monkeypatch.setattr(companies, "outdated_rows", check_then_edit)
    run = services.leg_import_run(path=path)
    assert run.status == RunStatus.FAILED
    assert "Zeilen 2" in run.message
    assert Organisation.objects.get(leg_id="TH-000001").street == "Admin-Straße 99"
    assert not Organisation.objects.filter(leg_id="TH-000006").exists()


@pytest.mark.django_db(transaction=True)
def test_the_history_is_dated_at_the_write_not_at_the_start(imported, monkeypatch):
    """An edit of another organisation commits while the import is between plan and write:
    the import goes through, and its history entries are dated after that edit's entry."""
    path = write_csv(imported / "neu.csv", later_rows())
    monkeypatch.setattr(
        services,
        "before_write",
        lambda: in_other_connection(back_office_edit("TH-000003", phone="0361 42")),
    )
    run = services.leg_import_run(path=path)
    assert run.status == RunStatus.IMPORTED, run.message
    edit = Organisation.history.filter(leg_id="TH-000003").latest("history_date")
    written = Organisation.history.filter(history_change_reason=run.history_reason)
    assert written.count() == 2  # TH-000001 changed, TH-000006 new
    assert all(entry.history_date > edit.history_date for entry in written)
    assert run.applied_at > edit.history_date


@pytest.mark.django_db(transaction=True)
def test_two_imports_with_overlapping_new_rows_end_cleanly(imported, monkeypatch):
    """Two command-line imports, both creating TH-000006 … TH-000030, planned together and
    then writing at once: one writes, the other waits for it and is refused with a German
    message naming the rows (exit 1, no traceback); every LEG-ID exists once."""
    new = [company(f"TH-{n:06d}", f"Neue Firma {n}") for n in range(6, 31)]
    first = write_csv(imported / "a.csv", [*BASE_ROWS, *new])
    second = write_csv(imported / "b.csv", [*BASE_ROWS, *new[::-1]])
    both_planned = threading.Barrier(2, timeout=30)
    monkeypatch.setattr(services, "before_write", both_planned.wait)
    results = {}

    def run_import(name, path):
        try:
            results[name] = command(path)
        except BaseException as error:  # a traceback the command let through
            results[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run_import, args=(name, path))
        for name, path in (("a", first), ("b", second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(result, tuple) for result in results.values()), results
    statuses = sorted(status for _out, _err, status in results.values())
    assert statuses == [0, 1], results
    [(_out, err, _status)] = [result for result in results.values() if result[2] == 1]
    assert "angelegt" in err and "Zeilen" in err and "Traceback" not in err, err
    assert Organisation.objects.filter(leg_id__startswith="TH-0000").count() == 30
    assert sorted(ImportRun.objects.values_list("status", flat=True)) == sorted(
        [RunStatus.IMPORTED, RunStatus.IMPORTED, RunStatus.FAILED]
    )


@pytest.mark.django_db(transaction=True)
def test_a_driver_error_from_copy_is_a_django_database_error(imported):
    """The bulk writer's COPY runs on the driver's own cursor; its errors arrive as Django's
    (``IntegrityError``), so every handler of the import sees them."""
    columns = ["leg_id", *companies.FIELDS, "published", "created_at", "updated_at"]
    existing = Organisation.objects.get(leg_id="TH-000001")
    row = (
        "TH-000001",
        *(getattr(existing, name) for name in companies.FIELDS),
        True,
        existing.created_at,
        existing.updated_at,
    )
    with pytest.raises(IntegrityError):
        writers.insert_rows(Organisation, columns, [row])


@pytest.mark.django_db(transaction=True)
def test_a_driver_error_while_confirming_fails_the_run_without_a_500(
    imported, monkeypatch, superuser_client, django_user_model
):
    """A psycopg error raised while a confirmation writes (as from the raw COPY cursor): the
    admin answers with a redirect and the German message, the run is failed, never left as a
    preview, and nothing is written."""
    import psycopg

    user = django_user_model.objects.get(username="redaktion")
    path = write_csv(imported / "neu.csv", later_rows())
    stored = imported / "upload.csv"
    stored.write_bytes(path.read_bytes())
    run = services.leg_import_run(
        path=stored, file_name="neu.csv", user=user, origin=RunOrigin.ADMIN, keep_file=True
    )
    assert run.status == RunStatus.PREVIEW
    before = state()

    def unique_violation(*args, **kwargs):
        raise psycopg.errors.UniqueViolation("doppelter Schlüssel leg_id")

    monkeypatch.setattr(companies, "insert_rows", unique_violation)
    response = superuser_client.post(f"/admin/imports/importrun/{run.pk}/confirm/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "nichts wurde geschrieben" in run.message
    assert not run.stored_file and not stored.exists()
    assert state() == before
