"""The LEG import in the back office: upload → preview (nothing written) → confirm (exactly the
preview written), the error report, permissions, the private upload files and their cleanup."""

import csv
import datetime
import io
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imports.choices import RunOrigin, RunStatus
from imports.models import ImportRun
from members.models import Organisation
from networks.models import Membership
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LEG_DIR = django_settings.BASE_DIR.parent / "shared" / "leg"
HEADERS = [
    "LEG-ID",
    "Name",
    "Rechtsform",
    "Art",
    "Straße",
    "PLZ",
    "Ort",
    "Landkreis",
    "Telefon",
    "E-Mail",
    "Website",
    "Gründungsjahr",
    "Beschäftigte",
    "Umsatz Mio EUR",
    "Exportquote %",
    "WZ 2008",
    "Wachstumsfelder",
    "Netzwerke",
    "Schlagworte",
    "Stand",
]
UPLOAD_URL = "admin:imports_importrun_upload"
CONFIRM_BUTTON = 'value="Import bestätigen"'


def leg_row(leg_id, **values):
    """One company row of the LEG format; ``values`` are keyed by header."""
    row = {
        "LEG-ID": leg_id,
        "Name": f"Optikwerk {leg_id} GmbH",
        "Rechtsform": "GmbH",
        "Art": "Unternehmen",
        "Straße": "Carl-Zeiss-Promenade 10",
        "PLZ": "7743",
        "Ort": "Jena",
        "Landkreis": "Jena",
        "Telefon": "03641 123456",
        "E-Mail": "info@optikwerk.de",
        "Website": "www.optikwerk.de",
        "Gründungsjahr": "1991",
        "Beschäftigte": "1.250",
        "Umsatz Mio EUR": "12,5",
        "Exportquote %": "45,6 %",
        "WZ 2008": "26.70",
        "Wachstumsfelder": "Optik/Optoelektronik; MSR",
        "Netzwerke": "OptoNet",
        "Schlagworte": "Laser, Optische Systeme",
        "Stand": "27.02.2012",
    }
    row.update(values)
    return [row[header] for header in HEADERS]


def leg_csv(*rows) -> bytes:
    """A UTF-8 LEG export with BOM, as the LEG database writes it."""
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


SMALL = leg_csv(
    leg_row("TH-000001"), leg_row("TH-000002"), leg_row("TH-000003", Beschäftigte="ca. 120")
)


@pytest.fixture
def reference_data():
    """Growth fields, networks and their aliases, so that real LEG rows match."""
    call_command("load_reference_data", stdout=io.StringIO())


@pytest.fixture
def upload_dir(private_upload_dir, reference_data):
    """The test's own upload directory (tests/conftest.py), with the reference data loaded."""
    return private_upload_dir


def stored_files(directory):
    return sorted(directory.iterdir()) if directory.exists() else []


def upload(client, content, name="leg.csv"):
    return client.post(
        reverse(UPLOAD_URL),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def upload_run(client, content, name="leg.csv"):
    """Upload a file and return the run of its preview."""
    response = upload(client, content, name)
    run = ImportRun.objects.latest("pk")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("admin:imports_importrun_preview", args=[run.pk])
    return run


def confirm(client, run):
    return client.post(reverse("admin:imports_importrun_confirm", args=[run.pk]))


def preview_page(client, run, page=None):
    url = reverse("admin:imports_importrun_preview", args=[run.pk])
    response = client.get(url, {"page": page} if page else {})
    assert response.status_code == 200
    return response.content.decode()


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def written_state():
    """Everything an import writes: organisations, their history, links and memberships."""
    return (
        Organisation.objects.count(),
        Organisation.history.count(),
        Organisation.growth_fields.through.objects.count(),
        Membership.objects.count(),
    )


@pytest.fixture
def staff_client(django_user_model):
    """A staff user who may look at organisations and runs, but not import."""
    user = django_user_model.objects.create_user("praktikum", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_organisation", "view_importrun"])
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def importer_client(django_user_model):
    """A staff user with the import permission, but not a superuser."""
    user = django_user_model.objects.create_user("sachbearbeitung", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_importrun", "view_importrun"])
    )
    client = Client()
    client.force_login(user)
    return client


# Upload and preview --------------------------------------------------------------------------


def test_upload_page_is_linked_from_the_organisation_changelist_and_renders(
    superuser_client, upload_dir
):
    """The organisation list links to the LEG upload; the page shows a German upload form."""
    url = reverse(UPLOAD_URL)
    changelist = superuser_client.get(reverse("admin:members_organisation_changelist"))
    assert f'<a href="{url}" class="leg-import-link">LEG-Datei importieren</a>' in (
        changelist.content.decode()
    )
    response = superuser_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "LEG-Datei importieren" in content
    assert 'type="file"' in content
    assert "LEG-Datei" in content and "höchstens 20,0\xa0MB" in content
    assert 'class="breadcrumbs"' in content and "Importläufe" in content


def test_the_run_list_links_to_the_upload_and_the_change_page_is_read_only(
    superuser_client, upload_dir
):
    """Runs are listed with their counts, cannot be added or edited, and their page shows
    the report with a link to the CSV."""
    run = upload_run(superuser_client, SMALL)
    changelist = superuser_client.get(reverse("admin:imports_importrun_changelist"))
    assert changelist.status_code == 200
    content = changelist.content.decode()
    assert reverse(UPLOAD_URL) in content
    assert "leg.csv" in content
    assert reverse("admin:imports_importrun_add") not in content
    assert superuser_client.get(reverse("admin:imports_importrun_add")).status_code == 403
    for query in ("?q=leg", f"?q={run.sha256}", "?status__exact=preview", "?origin__exact=admin"):
        response = superuser_client.get(reverse("admin:imports_importrun_changelist") + query)
        assert response.status_code == 200
        assert "leg.csv" in response.content.decode()

    change = superuser_client.get(reverse("admin:imports_importrun_change", args=[run.pk]))
    assert change.status_code == 200
    content = change.content.decode()
    assert reverse("admin:imports_importrun_report", args=[run.pk]) in content
    assert reverse("admin:imports_importrun_preview", args=[run.pk]) in content
    assert 'name="_save"' not in content
    assert "Keine Fehler und keine Warnungen." in content


def test_only_a_superuser_may_delete_a_run(
    superuser_client, importer_client, upload_dir, django_capture_on_commit_callbacks
):
    """Staff with every import right still cannot delete the record of a run; when a
    superuser deletes a preview, its stored file goes once the deletion is committed."""
    run = upload_run(superuser_client, SMALL)
    url = reverse("admin:imports_importrun_delete", args=[run.pk])
    assert importer_client.get(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert not ImportRun.objects.filter(pk=run.pk).exists()
    assert stored_files(upload_dir) == []


def test_upload_shows_a_preview_with_counts_and_changes_and_writes_nothing(
    superuser_client, upload_dir
):
    """The preview counts new, changed and unchanged rows and shows each change as
    old → new, with a confirm button; no organisation, link or history row is written."""
    OrganisationFactory(leg_id="TH-000002", name="Alter Name GmbH")
    OrganisationFactory(leg_id="TH-999999")
    before = written_state()

    run = upload_run(superuser_client, SMALL)

    assert run.status == RunStatus.PREVIEW
    assert run.origin == RunOrigin.ADMIN
    assert run.user.username == "redaktion"
    assert (run.rows, run.created, run.updated, run.unchanged, run.not_in_file) == (3, 2, 1, 0, 1)
    assert written_state() == before
    content = preview_page(superuser_client, run)
    for label in ("neu", "geändert", "unverändert", "nicht in der Datei", "Warnungen", "Fehler"):
        assert f'<span class="label">{label}</span>' in content
    assert "Alter Name GmbH" in content and "Optikwerk TH-000002 GmbH" in content
    assert "TH-000001" in content and "TH-000003" in content
    assert "Optik/Optoelektronik" in content and "OptoNet" in content
    assert "12,500" in content  # revenue as Germans read it, not "12.500"
    assert "27.02.2012" in content
    assert '<td class="new">Unternehmen</td>' in content  # the label, not the stored value
    assert '<td class="new">ja</td>' in content  # "ca. 120" employees: an estimate
    assert CONFIRM_BUTTON in content and "csrfmiddlewaretoken" in content
    assert "Verwerfen" in content
    assert written_state() == before


def test_a_file_with_an_error_row_shows_the_error_and_cannot_be_confirmed(
    superuser_client, upload_dir
):
    """A bad row is reported with its row number and column; there is no confirm button,
    nothing is written, and the refused file is deleted at once."""
    content = leg_csv(leg_row("TH-000001"), leg_row("TH-000002", Art="Raumschiff"))
    before = written_state()

    run = upload_run(superuser_client, content)

    assert run.status == RunStatus.REFUSED
    assert run.error_count == 1
    page = preview_page(superuser_client, run)
    assert '<td class="row-number">3</td>' in page
    assert '<td class="column">Art</td>' in page
    assert '<td class="value">Raumschiff</td>' in page
    assert "unbekannte Art" in page
    assert '<span class="label">neu</span>' not in page  # a refused file is not compared
    assert CONFIRM_BUTTON not in page
    assert written_state() == before
    assert stored_files(upload_dir) == []
    response = confirm(superuser_client, run)
    assert response["Location"] == reverse(UPLOAD_URL)
    assert written_state() == before


def test_an_unreadable_file_is_refused_with_a_german_reason(superuser_client, upload_dir):
    """A file with commas instead of semicolons is refused as a whole, and deleted."""
    run = upload_run(superuser_client, b"LEG-ID,Name,Art\nTH-000001,A,Unternehmen\n")
    assert run.status == RunStatus.REFUSED
    assert "Falsches Trennzeichen" in preview_page(superuser_client, run)
    assert stored_files(upload_dir) == []


def test_an_oversize_upload_gets_a_german_form_error(superuser_client, upload_dir, settings):
    """A file over LEG_IMPORT_MAX_BYTES is refused by the form: no run, no stored file."""
    settings.LEG_IMPORT_MAX_BYTES = 100
    response = upload(superuser_client, SMALL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"] == [
        f"Die Datei ist {len(SMALL)}\xa0Bytes groß; erlaubt sind höchstens 100\xa0Bytes."
    ]
    assert "erlaubt sind höchstens 100" in response.content.decode()
    assert ImportRun.objects.count() == 0
    assert stored_files(upload_dir) == []


def test_only_csv_and_xlsx_files_are_accepted(superuser_client, upload_dir):
    """Another extension is refused by the form in German."""
    response = upload(superuser_client, SMALL, name="leg.txt")
    assert response.status_code == 200
    assert "Dateiendung „txt“ ist nicht erlaubt" in response.context["form"].errors["file"][0]
    assert ImportRun.objects.count() == 0


def test_an_xlsx_file_is_previewed_and_imported(superuser_client, upload_dir):
    """The sample workbook goes through the same preview and confirm."""
    run = upload_run(superuser_client, (LEG_DIR / "sample.xlsx").read_bytes(), "sample.xlsx")
    assert run.status == RunStatus.PREVIEW, run.report[:3]
    assert stored_files(upload_dir)[0].suffix == ".xlsx"
    confirm(superuser_client, run)
    run.refresh_from_db()
    assert run.status == RunStatus.IMPORTED
    assert Organisation.objects.count() == run.created


def test_the_preview_shows_the_first_changes_in_file_order(superuser_client, upload_dir):
    """The changes shown are the first rows of the file: a change to an existing
    organisation in row 2 is shown even if 250 new organisations follow."""
    OrganisationFactory(leg_id="TH-000001", name="Alter Name GmbH")
    rows = [leg_row(f"TH-{n:06d}") for n in range(1, 252)]
    run = upload_run(superuser_client, leg_csv(*rows))
    assert (run.created, run.updated) == (250, 1)
    assert run.changes[0]["row"] == 2
    assert "Alter Name GmbH" in preview_page(superuser_client, run)


# Confirm -------------------------------------------------------------------------------------


def test_confirm_writes_exactly_the_previewed_data(superuser_client, upload_dir):
    """The 300-row sample: the confirm writes as many new and changed organisations as the
    preview counted, and the same file uploaded again changes nothing."""
    OrganisationFactory(leg_id="TH-000001", name="Alter Name GmbH")
    OrganisationFactory(leg_id="TH-000002")
    OrganisationFactory(leg_id="TH-999999")
    content = (LEG_DIR / "sample.csv").read_bytes()
    run = upload_run(superuser_client, content, "sample.csv")
    preview = (run.rows, run.created, run.updated, run.unchanged, run.not_in_file)
    assert preview == (300, 298, 2, 0, 1)
    organisations, history, *_ = written_state()

    response = confirm(superuser_client, run)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:imports_importrun_change", args=[run.pk])
    run.refresh_from_db()
    assert run.status == RunStatus.IMPORTED
    assert (run.rows, run.created, run.updated, run.unchanged, run.not_in_file) == preview
    assert Organisation.objects.count() == organisations + 298
    assert Organisation.history.count() == history + 298 + 2
    assert Organisation.objects.get(leg_id="TH-000001").name != "Alter Name GmbH"
    assert message_texts(response) == [
        "„sample.csv“ importiert: 298 neu, 2 geändert, 0 unverändert, 1 nicht in der Datei."
    ]
    again = upload_run(superuser_client, content, "sample.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 300)


def test_a_second_confirm_of_the_same_run_is_refused(superuser_client, upload_dir):
    """Once imported, the run cannot be confirmed again; nothing is written twice."""
    run = upload_run(superuser_client, SMALL)
    confirm(superuser_client, run)
    after_first = written_state()

    response = confirm(superuser_client, run)

    assert response["Location"] == reverse(UPLOAD_URL)
    assert message_texts(response)[-1] == "Dieser Importlauf wartet nicht auf eine Bestätigung."
    assert written_state() == after_first
    run.refresh_from_db()
    assert run.status == RunStatus.IMPORTED


def test_confirm_is_post_only(superuser_client, upload_dir):
    """A GET on the confirm URL writes nothing."""
    run = upload_run(superuser_client, SMALL)
    response = superuser_client.get(reverse("admin:imports_importrun_confirm", args=[run.pk]))
    assert response.status_code == 405
    assert Organisation.objects.count() == 0


def test_confirm_refuses_a_file_altered_after_the_preview(superuser_client, upload_dir):
    """If the stored file changed on disk, nothing is written and the run is given up."""
    run = upload_run(superuser_client, SMALL)
    (stored,) = stored_files(upload_dir)
    stored.write_bytes(leg_csv(leg_row("TH-000001"), leg_row("TH-000666")))

    response = confirm(superuser_client, run)

    assert response["Location"] == reverse(UPLOAD_URL)
    assert message_texts(response) == ["Die gespeicherte Datei fehlt oder wurde verändert."]
    assert Organisation.objects.count() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED
    assert stored_files(upload_dir) == []


def test_confirm_refuses_when_the_database_changed_since_the_preview(superuser_client, upload_dir):
    """An organisation the file updates was edited after the preview: the confirm writes
    nothing and sends staff to a new preview of the same file."""
    organisation = OrganisationFactory(leg_id="TH-000002", name="Alter Name GmbH")
    run = upload_run(superuser_client, SMALL)
    Organisation.objects.filter(pk=organisation.pk).update(phone="0361 999999")
    before = written_state()

    response = confirm(superuser_client, run)

    new_run = ImportRun.objects.latest("pk")
    assert new_run.pk != run.pk
    assert response["Location"] == reverse("admin:imports_importrun_preview", args=[new_run.pk])
    assert message_texts(response) == [
        "Die Daten haben sich seit der Vorschau geändert. Bitte die neue Vorschau prüfen."
    ]
    assert written_state() == before
    organisation.refresh_from_db()
    assert (organisation.name, organisation.phone) == ("Alter Name GmbH", "0361 999999")
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED
    assert new_run.status == RunStatus.PREVIEW
    assert "0361 999999" in preview_page(superuser_client, new_run)
    # The new preview can be confirmed, and keeps the file until then.
    assert len(stored_files(upload_dir)) == 1
    confirm(superuser_client, new_run)
    organisation.refresh_from_db()
    assert organisation.phone == "03641 123456"
    assert stored_files(upload_dir) == []


# Permissions ---------------------------------------------------------------------------------


def test_staff_without_the_import_permission_gets_403_everywhere(
    superuser_client, staff_client, upload_dir
):
    """Upload, preview, confirm, discard and report answer 403 with a German reason to staff
    without ``imports.add_importrun``; nothing is written."""
    run = upload_run(superuser_client, SMALL)
    before = written_state()
    runs = ImportRun.objects.count()
    urls = [
        ("get", reverse(UPLOAD_URL)),
        ("post", reverse(UPLOAD_URL)),
        ("get", reverse("admin:imports_importrun_preview", args=[run.pk])),
        ("post", reverse("admin:imports_importrun_confirm", args=[run.pk])),
        ("post", reverse("admin:imports_importrun_discard", args=[run.pk])),
        ("get", reverse("admin:imports_importrun_report", args=[run.pk])),
    ]
    for method, url in urls:
        data = {"file": SimpleUploadedFile("leg.csv", SMALL)} if method == "post" else {}
        response = getattr(staff_client, method)(url, data)
        assert response.status_code == 403, url
        assert "keine Berechtigung, LEG-Dateien zu importieren" in response.content.decode()
    assert written_state() == before
    assert ImportRun.objects.count() == runs
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEW
    assert len(stored_files(upload_dir)) == 1
    changelist = staff_client.get(reverse("admin:members_organisation_changelist"))
    assert changelist.status_code == 200


def test_only_the_uploader_or_a_superuser_may_confirm(
    superuser_client, importer_client, upload_dir
):
    """Another importer sees the preview without a confirm button and gets 403 on confirm
    and discard; the uploader (here a superuser) still can confirm."""
    run = upload_run(superuser_client, SMALL)
    content = preview_page(importer_client, run)
    assert CONFIRM_BUTTON not in content
    for name in ("confirm", "discard"):
        response = importer_client.post(reverse(f"admin:imports_importrun_{name}", args=[run.pk]))
        assert response.status_code == 403
    assert Organisation.objects.count() == 0
    confirm(superuser_client, run)
    assert Organisation.objects.count() == 3


def test_an_importer_confirms_their_own_upload(importer_client, upload_dir):
    """A staff user with the import permission uploads and confirms without being superuser."""
    run = upload_run(importer_client, SMALL)
    assert CONFIRM_BUTTON in preview_page(importer_client, run)
    response = confirm(importer_client, run)
    assert response.status_code == 302
    assert Organisation.objects.count() == 3
    assert Organisation.history.first().history_user.username == "sachbearbeitung"


# Report --------------------------------------------------------------------------------------


def test_the_report_downloads_as_csv_with_formulas_neutralised(superuser_client, upload_dir):
    """The CSV has a BOM, ``;``, the German header, every error, and a value starting with
    "=" gets a leading apostrophe so a spreadsheet shows it as text."""
    content = leg_csv(
        leg_row("TH-000001", Art='=HYPERLINK("http://evil.example";"klick")'),
        leg_row("TH-000002", **{"E-Mail": "@kaputt"}),
    )
    run = upload_run(superuser_client, content)

    response = superuser_client.get(reverse("admin:imports_importrun_report", args=[run.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="importbericht-{run.pk}.csv"'
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Zeile", "Spalte", "Wert", "Meldung", "Art"]
    assert lines[1][:3] == ["2", "Art", '\'=HYPERLINK("http://evil.example";"klick")']
    assert lines[1][4] == "Fehler"
    assert lines[2][:3] == ["3", "E-Mail", "'@kaputt"]
    assert lines[2][4] == "Warnung"
    assert len(lines) == 1 + len(run.report)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+49 3641", "'+49 3641"),
        ("-5+3", "'-5+3"),
        ("-5", "-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Jena", "Jena"),
        (3, "3"),
        (None, ""),
    ],
)
def test_report_cells_never_start_a_formula(value, shown):
    """Every cell a spreadsheet would evaluate starts with an apostrophe; a plain number such
    as "-5" is a number to a spreadsheet and stays as it is."""
    from core.csvsafe import neutralised_text

    assert neutralised_text(value) == shown


def test_errors_are_paginated_by_100(superuser_client, upload_dir):
    """150 bad rows: page 1 shows the first 100 errors, ``?page=2`` the rest."""
    rows = [leg_row(f"TH-{n:06d}", Art=f"Falsch-{n:03d}") for n in range(1, 151)]
    run = upload_run(superuser_client, leg_csv(*rows))
    assert run.error_count == 150

    first = preview_page(superuser_client, run)
    second = preview_page(superuser_client, run, page=2)

    assert "Falsch-001" in first and "Falsch-100" in first and "Falsch-101" not in first
    assert "Falsch-101" in second and "Falsch-150" in second and "Falsch-001" not in second
    assert "Seite 2 von 2" in second
    assert "?page=2" in first
    change = superuser_client.get(
        reverse("admin:imports_importrun_change", args=[run.pk]), {"page": 2}
    )
    assert "Falsch-150" in change.content.decode()


# The stored upload ---------------------------------------------------------------------------


def test_the_stored_upload_is_private_and_removed_after_confirm(superuser_client, upload_dir):
    """The upload waits under a random name with mode 0600 in a 0700 directory, and is
    deleted by the confirm."""
    run = upload_run(superuser_client, SMALL, name="Firmen Jena.csv")
    (stored,) = stored_files(upload_dir)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(upload_dir.stat().st_mode) == 0o700
    assert stored.suffix == ".csv" and "Jena" not in stored.name
    assert stored.read_bytes() == SMALL
    assert run.stored_file == str(stored)
    assert run.file_name == "Firmen Jena.csv"

    confirm(superuser_client, run)

    assert stored_files(upload_dir) == []
    run.refresh_from_db()
    assert run.stored_file == ""


def test_an_upload_too_large_for_memory_is_stored_intact(superuser_client, upload_dir, settings):
    """An upload Django spools to a temporary file is copied chunk by chunk, byte for byte."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    content = (LEG_DIR / "sample.csv").read_bytes()
    run = upload_run(superuser_client, content, "sample.csv")
    (stored,) = stored_files(upload_dir)
    assert stored.read_bytes() == content
    assert run.status == RunStatus.PREVIEW
    assert run.file_size == len(content)


def test_discard_marks_the_run_superseded_and_removes_the_file(superuser_client, upload_dir):
    """Discarding ("Verwerfen") writes nothing, gives the run up and deletes the file."""
    run = upload_run(superuser_client, SMALL)
    response = superuser_client.post(reverse("admin:imports_importrun_discard", args=[run.pk]))
    assert response["Location"] == reverse(UPLOAD_URL)
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED
    assert run.stored_file == ""
    assert stored_files(upload_dir) == []
    assert Organisation.objects.count() == 0
    assert CONFIRM_BUTTON not in preview_page(superuser_client, run)


def test_cleanup_removes_old_and_orphaned_uploads(superuser_client, upload_dir):
    """The cleanup discards previews older than 24 h with their files, deletes files of
    finished runs and orphans, and keeps a fresh preview's file."""
    old = upload_run(superuser_client, SMALL)
    fresh = upload_run(superuser_client, leg_csv(leg_row("TH-000004")))
    ImportRun.objects.filter(pk=old.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=25)
    )
    finished_file = upload_dir / ("a" * 32 + ".csv")
    finished_file.write_bytes(SMALL)
    finished = ImportRun.objects.create(
        status=RunStatus.FAILED,
        origin=RunOrigin.ADMIN,
        file_name="kaputt.csv",
        sha256="0" * 64,
        stored_file=str(finished_file),
    )
    orphan = upload_dir / ("b" * 32 + ".xlsx")
    orphan.write_bytes(b"PK")
    an_hour_ago = (timezone.now() - datetime.timedelta(hours=2)).timestamp()
    os.utime(orphan, (an_hour_ago, an_hour_ago))
    young_orphan = upload_dir / ("c" * 32 + ".csv")
    young_orphan.write_bytes(b"x")
    foreign = upload_dir / "notiz.txt"
    foreign.write_text("nicht von uns")
    os.utime(foreign, (an_hour_ago, an_hour_ago))
    out = io.StringIO()

    call_command("cleanup_import_uploads", stdout=out)

    remaining = {path.name for path in stored_files(upload_dir)}
    assert remaining == {
        os.path.basename(fresh.stored_file),
        young_orphan.name,
        foreign.name,
    }
    old.refresh_from_db()
    finished.refresh_from_db()
    assert (old.status, old.stored_file) == (RunStatus.SUPERSEDED, "")
    assert finished.stored_file == ""
    fresh.refresh_from_db()
    assert fresh.status == RunStatus.PREVIEW
    printed = out.getvalue()
    assert "1 Datei(en) abgeschlossener Importläufe gelöscht" in printed
    assert "1 alte Vorschau(en) verworfen" in printed
    assert "1 verwaiste Datei(en) gelöscht" in printed
    assert Organisation.objects.count() == 0


# Large files ---------------------------------------------------------------------------------


def generated_export(directory, rows, first_id):
    path = directory / f"leg-{rows}.csv"
    subprocess.run(
        [
            sys.executable,
            str(LEG_DIR / "make_leg_export.py"),
            "--rows",
            str(rows),
            "--first-id",
            str(first_id),
            "--out",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path.read_bytes()


def confirm_queries(client, run):
    with CaptureQueriesContext(connection) as queries:
        response = confirm(client, run)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.IMPORTED, run.message
    return len(queries)


def test_a_2000_row_file_is_confirmed_in_as_many_queries_as_500_rows(
    superuser_client, upload_dir, tmp_path
):
    """Preview and confirm of generated exports work, and the confirm's number of queries
    does not depend on the number of rows."""
    small = upload_run(superuser_client, generated_export(tmp_path, 500, 100_001))
    large = upload_run(superuser_client, generated_export(tmp_path, 2000, 200_001))
    assert (small.status, small.created) == (RunStatus.PREVIEW, 500)
    assert (large.status, large.created) == (RunStatus.PREVIEW, 2000)
    assert Organisation.objects.count() == 0

    small_queries = confirm_queries(superuser_client, small)
    large_queries = confirm_queries(superuser_client, large)

    assert Organisation.objects.count() == 2500
    assert large_queries == small_queries
