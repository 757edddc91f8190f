"""Helpers of the security tests: the upload directory, and the admin's import and
export buttons driven like staff drive them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

FORMAT_INDEX = {"csv": "0", "xlsx": "1"}


@pytest.fixture
def upload_dir(private_upload_dir):
    """The test's own upload directory (tests/conftest.py sets it for every test)."""
    return private_upload_dir


def admin_export(client, admin_name, file_format):
    """The admin's export of every column of ``admin_name`` (e.g. "members_organisation")."""
    url = reverse(f"admin:{admin_name}_export")
    form = client.get(url).context["form"]
    selected = {
        name: "on" for name, field in form.fields.items() if hasattr(field, "resource_name")
    }
    response = client.post(url, {"format": FORMAT_INDEX[file_format], "resource": "0", **selected})
    assert response.status_code == 200, response.content[:500]
    return response.content


def csv_records(content: bytes) -> list[dict]:
    import csv

    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook.active.values)


def admin_import_preview(client, admin_name, content: bytes, file_format, name=None):
    """Upload ``content`` to the admin's import (the preview step); the response."""
    upload = SimpleUploadedFile(name or f"upload.{file_format}", content)
    return client.post(
        reverse(f"admin:{admin_name}_import"),
        {"format": FORMAT_INDEX[file_format], "import_file": upload},
    )


def admin_import_confirm(client, admin_name, preview):
    """Confirm a preview the way its "Import bestätigen" button does."""
    return client.post(
        reverse(f"admin:{admin_name}_process_import"), preview.context["confirm_form"].initial
    )
