"""The back office's import and export buttons (django-import-export): formulas escaped in
CSV and XLSX, exports that re-import unchanged, and private, cleaned-up upload files.

Organisations only export: they come from files through the LEG import alone, so the import
side is driven through the sources (``growthfields_source``), whose free-text title can hold
a formula-like value just as well."""

import datetime
import io
import os
import stat
from decimal import Decimal

import pytest
import tablib
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from core import tmp_storage
from core.formats import SafeCSV, SafeXLSX
from growthfields.models import Source
from members.models import Organisation
from tests.factories import OrganisationFactory, SourceFactory

from .conftest import (
    admin_export,
    admin_import_confirm,
    admin_import_preview,
    csv_records,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

ORGANISATIONS = "members_organisation"
SOURCES = "growthfields_source"
ADMINS_WITH_IMPORT_EXPORT = [
    "growthfields_growthfield",
    "growthfields_source",
    "growthfields_keyfigure",
    "networks_network",
    "networks_membership",
    "networks_declaredmembercount",
]
ADMINS_WITH_EXPORT_ONLY = ["members_organisation"]


def stored_tmp_files():
    directory = tmp_storage.tmp_directory(create=False)
    return sorted(directory.iterdir()) if directory.exists() else []


# Formats -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "step"),
    [(name, step) for name in ADMINS_WITH_IMPORT_EXPORT for step in ("import", "export")]
    + [(name, "export") for name in ADMINS_WITH_EXPORT_ONLY],
)
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


@pytest.mark.parametrize("name", ADMINS_WITH_EXPORT_ONLY)
def test_organisations_have_no_admin_import(superuser_client, name):
    """Organisations come from files through the LEG import only: their admin has no import
    URL and no confirmation step, not even for a superuser. The address an import page would
    have is only read as an object id (the admin's catch-all for old change links), which
    finds no object; an upload posted there imports nothing. The change list shows no import
    button."""
    model_admin = next(
        model_admin
        for model, model_admin in admin.site._registry.items()
        if f"{model._meta.app_label}_{model._meta.model_name}" == name
    )
    assert not hasattr(model_admin, "import_action")
    changelist = reverse(f"admin:{name}_changelist")
    for step in ("import", "process_import"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{name}_{step}")

        response = superuser_client.get(f"{changelist}{step}/")
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert response["Location"] == f"{changelist}{step}/change/"
            page = superuser_client.get(response["Location"], follow=True)
            assert page.redirect_chain[-1] == (reverse("admin:index"), 302)
            assert "import_file" not in page.content.decode()

        upload = io.BytesIO(b"leg_id,name\nTH-000001,=1+1\n")
        upload.name = "upload.csv"
        response = superuser_client.post(
            f"{changelist}{step}/", {"format": "0", "import_file": upload}
        )
        assert response.status_code in (302, 403, 404)
    assert Organisation.objects.count() == 0
    page = superuser_client.get(changelist).content.decode()
    assert f'href="{changelist}import/"' not in page


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


def source_titles():
    return dict(Source.objects.filter(slug__startswith="q-").values_list("slug", "title"))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_reimports_unchanged_without_double_escaping(superuser_client, file_format):
    """Upload an export again and confirm it: the rows are reported unchanged and the titles
    stay exactly "=1+1" and "'=1+1" (no apostrophe added or lost), after the export wrote
    them escaped."""
    SourceFactory(title="=1+1", slug="q-1")
    SourceFactory(title="'=1+1", slug="q-2")
    SourceFactory(title="-5", slug="q-3")
    rows = Source.objects.count()
    content = admin_export(superuser_client, SOURCES, file_format)
    if file_format == "csv":
        exported = {record["slug"]: record["title"] for record in csv_records(content)}
    else:
        header, *body = xlsx_rows(content)
        exported = {
            record["slug"]: record["title"]
            for record in (dict(zip(header, row, strict=True)) for row in body)
        }
    assert exported["q-1"] == "'=1+1"
    assert exported["q-2"] == "''=1+1"
    assert exported["q-3"] == "-5"

    preview = admin_import_preview(superuser_client, SOURCES, content, file_format)
    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == rows
    assert result.totals["update"] == 0 and result.totals["new"] == 0
    (stored,) = stored_tmp_files()

    confirm = admin_import_confirm(superuser_client, SOURCES, preview)
    assert confirm.status_code == 302
    assert source_titles() == {"q-1": "=1+1", "q-2": "'=1+1", "q-3": "-5"}
    assert Source.objects.count() == rows
    assert not stored.exists(), "the confirmed import deletes its file"


def test_an_escaped_cell_imports_without_its_apostrophe(superuser_client):
    """A file edited by hand with our escaping ("'=Optik") stores the title "=Optik"."""
    SourceFactory(title="Alt", slug="q-1")
    content = admin_export(superuser_client, SOURCES, "csv").decode("utf-8-sig")
    assert content.count("Alt") == 1
    content = content.replace("Alt", "'=Optik")

    preview = admin_import_preview(superuser_client, SOURCES, content.encode(), "csv")
    assert preview.context["result"].totals["update"] == 1
    admin_import_confirm(superuser_client, SOURCES, preview)
    assert source_titles() == {"q-1": "=Optik"}


# The stored upload ---------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_upload_waits_private_in_our_directory(superuser_client, upload_dir, file_format):
    """Between preview and confirm the file is 0600 in a 0700 directory below
    LEG_IMPORT_UPLOAD_DIR, under a random name, with the uploaded bytes."""
    SourceFactory()
    content = admin_export(superuser_client, SOURCES, file_format)
    preview = admin_import_preview(superuser_client, SOURCES, content, file_format)
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
    rows = Source.objects.count()
    response = superuser_client.post(
        reverse(f"admin:{SOURCES}_process_import"),
        {
            "import_file_name": name,
            "original_file_name": "x.csv",
            "format": "0",
            "resource": "0",
        },
    )
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == reverse(f"admin:{SOURCES}_import")
    assert Source.objects.count() == rows


def test_cleanup_deletes_abandoned_admin_uploads_and_keeps_fresh_ones(superuser_client):
    """Files of previews nobody confirmed are deleted once older than --older-than hours;
    younger ones and files that are not ours stay."""
    SourceFactory()
    content = admin_export(superuser_client, SOURCES, "csv")
    admin_import_preview(superuser_client, SOURCES, content, "csv")
    admin_import_preview(superuser_client, SOURCES, content, "csv")
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
    SourceFactory(title="Alt", slug="q-1")
    content = admin_export(superuser_client, SOURCES, "csv").decode("utf-8-sig")
    assert content.count("Alt") == 1
    preview = admin_import_preview(
        superuser_client, SOURCES, content.replace("Alt", "Neu").encode(), "csv"
    )
    assert preview.context["result"].totals["update"] == 1
    call_command("cleanup_import_uploads", "--older-than", "0", stdout=io.StringIO())
    assert stored_tmp_files() == []

    response = admin_import_confirm(superuser_client, SOURCES, preview)

    assert response.status_code == 302
    assert response["Location"] == reverse(f"admin:{SOURCES}_import")
    page = superuser_client.get(response["Location"])
    assert "Die Vorschau ist abgelaufen" in page.content.decode()
    assert source_titles() == {"q-1": "Alt"}
