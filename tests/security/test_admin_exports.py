"""The back office's import and export buttons (django-import-export): formulas escaped in
CSV and XLSX, exports that re-import unchanged, and private, cleaned-up upload files."""

import datetime
import io
import os
import stat
from decimal import Decimal

import pytest
import tablib
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from core import tmp_storage
from core.formats import SafeCSV, SafeXLSX
from members.models import Organisation
from tests.factories import OrganisationFactory

from .conftest import (
    admin_export,
    admin_import_confirm,
    admin_import_preview,
    csv_records,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

ORGANISATIONS = "members_organisation"
ADMINS_WITH_IMPORT_EXPORT = [
    "growthfields_growthfield",
    "growthfields_source",
    "growthfields_keyfigure",
    "networks_network",
    "networks_membership",
    "networks_declaredmembercount",
    "members_organisation",
]


def stored_tmp_files():
    directory = tmp_storage.tmp_directory(create=False)
    return sorted(directory.iterdir()) if directory.exists() else []


# Formats -------------------------------------------------------------------------------------


# Organisations come from files through the LEG import only: their admin exports, no import.
ADMIN_PAGES = [
    (name, step)
    for step in ("import", "export")
    for name in ADMINS_WITH_IMPORT_EXPORT
    if not (step == "import" and name == ORGANISATIONS)
]


@pytest.mark.parametrize(("name", "step"), ADMIN_PAGES)
def test_admin_pages_offer_exactly_our_csv_and_xlsx(superuser_client, name, step):
    """Every import and export page offers CSV and XLSX, and they are our escaping formats."""
    response = superuser_client.get(reverse(f"admin:{name}_{step}"))
    assert response.status_code == 200
    choices = response.context["form"].fields["format"].choices
    assert [label for value, label in choices if value != ""] == ["csv", "xlsx"]
    model_admin = next(
        model_admin
        for model, model_admin in admin.site._registry.items()
        if f"{model._meta.app_label}_{model._meta.model_name}" == name
    )
    formats = getattr(model_admin, f"get_{step}_formats")()
    assert formats == [SafeCSV, SafeXLSX]


# Export --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["=1+1", "@SUM(A1)", "-cmd|' /C calc'!A0", "+49 Optik"])
def test_admin_csv_export_escapes_formulas(superuser_client, name):
    """A name a spreadsheet would run is exported as text with a leading apostrophe."""
    OrganisationFactory(name=name, leg_id="TH-000001")
    (record,) = csv_records(admin_export(superuser_client, ORGANISATIONS, "csv"))
    assert record["name"] == "'" + name
    assert record["leg_id"] == "TH-000001"


@pytest.mark.parametrize("name", ["=1+1", "@SUM(A1)"])
def test_admin_xlsx_export_escapes_formulas(superuser_client, name):
    """In XLSX the name is a text cell with the apostrophe, never a formula cell; numbers stay
    number cells."""
    OrganisationFactory(name=name, employees=1250, revenue_meur=Decimal("12.5"))
    header, row = xlsx_rows(admin_export(superuser_client, ORGANISATIONS, "xlsx"))
    record = dict(zip(header, row, strict=True))
    assert record["name"] == "'" + name
    assert record["employees"] == 1250
    assert record["revenue_meur"] == 12.5


def test_negative_numbers_survive_both_formats():
    """No model field may hold a negative number (all are checked ≥ 0), so the formats are
    tested directly: a negative number, typed or as German text, is neither prefixed nor
    turned into text."""
    dataset = tablib.Dataset(headers=["name", "typed", "text", "formula"])
    dataset.append(["-5", Decimal("-1234.5"), "-1234,5", "-1+2"])

    csv_text = SafeCSV().export_data(dataset)
    assert csv_text.splitlines()[1] == '-5,-1234.5,"-1234,5",\'-1+2'

    workbook_rows = xlsx_rows(SafeXLSX().export_data(dataset))
    assert workbook_rows[1] == ("-5", -1234.5, "-1234,5", "'-1+2")


def test_formats_round_trip_every_cell():
    """Export then import through each format gives back the original cells."""
    dataset = tablib.Dataset(headers=["a", "b", "c"])
    dataset.append(["=1+1", "'=1+1", "'Jena"])
    dataset.append(["@SUM(A1)", "\tx", "-5"])
    for file_format in (SafeCSV(), SafeXLSX()):
        back = file_format.create_dataset(file_format.export_data(dataset))
        assert [list(row) for row in back] == [list(row) for row in dataset], file_format


def test_xlsx_export_replaces_characters_xlsx_cannot_hold(superuser_client):
    """A control character in a name does not break the XLSX export."""
    OrganisationFactory(name="Optik\x01Werk")
    header, row = xlsx_rows(admin_export(superuser_client, ORGANISATIONS, "xlsx"))
    assert dict(zip(header, row, strict=True))["name"] == "Optik\ufffdWerk"


# Export → import -----------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_reimports_unchanged_without_double_escaping(superuser_client, file_format):
    """Upload an export again and confirm it: the rows are reported unchanged and the names
    stay exactly "=1+1" and "'=1+1" (no apostrophe added or lost)."""
    OrganisationFactory(name="=1+1", leg_id="TH-000001")
    OrganisationFactory(name="'=1+1", leg_id="TH-000002")
    OrganisationFactory(name="-5", leg_id="TH-000003")
    content = admin_export(superuser_client, ORGANISATIONS, file_format)

    preview = admin_import_preview(superuser_client, ORGANISATIONS, content, file_format)
    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 3
    assert result.totals["update"] == 0 and result.totals["new"] == 0
    (stored,) = stored_tmp_files()

    confirm = admin_import_confirm(superuser_client, ORGANISATIONS, preview)
    assert confirm.status_code == 302
    names = dict(Organisation.objects.values_list("leg_id", "name"))
    assert names == {"TH-000001": "=1+1", "TH-000002": "'=1+1", "TH-000003": "-5"}
    assert not stored.exists(), "the confirmed import deletes its file"


def test_an_escaped_cell_imports_without_its_apostrophe(superuser_client):
    """A file edited by hand with our escaping ("'=Optik") stores the name "=Optik"."""
    OrganisationFactory(name="Alt", leg_id="TH-000001")
    content = admin_export(superuser_client, ORGANISATIONS, "csv").decode("utf-8-sig")
    content = content.replace("Alt", "'=Optik")

    preview = admin_import_preview(superuser_client, ORGANISATIONS, content.encode(), "csv")
    assert preview.context["result"].totals["update"] == 1
    admin_import_confirm(superuser_client, ORGANISATIONS, preview)
    assert Organisation.objects.get().name == "=Optik"


# The stored upload ---------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_upload_waits_private_in_our_directory(superuser_client, upload_dir, file_format):
    """Between preview and confirm the file is 0600 in a 0700 directory below
    LEG_IMPORT_UPLOAD_DIR, under a random name, with the uploaded bytes."""
    OrganisationFactory()
    content = admin_export(superuser_client, ORGANISATIONS, file_format)
    preview = admin_import_preview(superuser_client, ORGANISATIONS, content, file_format)
    assert "confirm_form" in preview.context

    (stored,) = stored_tmp_files()
    assert stored.parent == upload_dir / "import-export"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(upload_dir.stat().st_mode) == 0o700
    assert tmp_storage.STORED_NAME.fullmatch(stored.name)
    assert preview.context["confirm_form"].initial["import_file_name"] == stored.name
    assert stored.read_bytes() == content


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("/etc/passwd", 400),
        ("../../settings.py", 400),
        ("abc", 400),
        ("A" * 32, 400),
        # The form strips the line break: one of our names, but no such file ("expired").
        ("a" * 32 + "\n", 302),
    ],
)
def test_a_foreign_file_name_in_the_confirm_form_is_refused(superuser_client, name, status):
    """The stored file's name comes back from the browser: anything but one of our names is a
    bad request, and no file outside our directory is read."""
    response = superuser_client.post(
        reverse(f"admin:{ORGANISATIONS}_process_import"),
        {
            "import_file_name": name,
            "original_file_name": "x.csv",
            "format": "0",
            "resource": "0",
        },
    )
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == reverse(f"admin:{ORGANISATIONS}_import")
    assert Organisation.objects.count() == 0


def test_cleanup_deletes_abandoned_admin_uploads_and_keeps_fresh_ones(superuser_client):
    """Files of previews nobody confirmed are deleted once older than --older-than hours;
    younger ones and files that are not ours stay."""
    OrganisationFactory()
    content = admin_export(superuser_client, ORGANISATIONS, "csv")
    admin_import_preview(superuser_client, ORGANISATIONS, content, "csv")
    admin_import_preview(superuser_client, ORGANISATIONS, content, "csv")
    old, fresh = stored_tmp_files()
    three_hours_ago = (datetime.datetime.now() - datetime.timedelta(hours=3)).timestamp()
    os.utime(old, (three_hours_ago, three_hours_ago))
    foreign = old.parent / "notiz.txt"
    foreign.write_text("nicht von uns")
    os.utime(foreign, (three_hours_ago, three_hours_ago))

    out = io.StringIO()
    call_command("cleanup_import_uploads", "--older-than", "2", stdout=out)

    assert stored_tmp_files() == sorted([fresh, foreign])
    assert "1 liegengebliebene Importdatei(en) der Verwaltung gelöscht" in out.getvalue()

    call_command("cleanup_import_uploads", stdout=io.StringIO())  # default: 24 hours
    assert fresh.exists()


def test_cleanup_without_any_admin_upload_creates_nothing(upload_dir):
    """The command does not create the directories it has nothing to clean in."""
    call_command("cleanup_import_uploads", stdout=io.StringIO())
    assert not upload_dir.exists()


def test_confirming_after_the_cleanup_is_a_bad_request(superuser_client):
    """A preview confirmed after its file was cleaned up imports nothing and sends the user
    back to the upload form, saying the preview has expired."""
    OrganisationFactory(name="Alt", leg_id="TH-000001")
    content = admin_export(superuser_client, ORGANISATIONS, "csv").decode("utf-8-sig")
    preview = admin_import_preview(
        superuser_client, ORGANISATIONS, content.replace("Alt", "Neu").encode(), "csv"
    )
    call_command("cleanup_import_uploads", "--older-than", "0", stdout=io.StringIO())
    assert stored_tmp_files() == []

    response = admin_import_confirm(superuser_client, ORGANISATIONS, preview)

    assert response.status_code == 302
    assert response["Location"] == reverse(f"admin:{ORGANISATIONS}_import")
    page = superuser_client.get(response["Location"])
    assert "Die Vorschau ist abgelaufen" in page.content.decode()
    assert Organisation.objects.get().name == "Alt"
