"""Fuzzing the upload paths with random and mutated CSV/XLSX files (hypothesis).

(a) The LEG import: reading and planning (``imports.services.leg_import_plan``), and the back
    office's LEG upload view. (b) The key-figure admin's import button (django-import-export,
    preview step; organisations have none, they come through the LEG import only). Whatever the bytes, the outcome is clean: a German ``ImportFileError``, a
    form error or an issue list, HTTP 200/302/4xx, never an exception escaping, never a write.
Seeds are small cuts of ``../shared/leg/sample*.csv|xlsx`` and of an admin export; mutations
flip, delete, insert and truncate bytes, and for XLSX also corrupt one entry of the archive
(its XML mutated, then zipped again, so the damage reaches openpyxl's parser).

Each example must finish within a generous deadline (``FUZZ_DEADLINE_SECONDS``, default 5 s;
a guard against runaway parsing, not a speed test), and an example that hangs is stopped after
``FUZZ_HANG_SECONDS`` (60) and fails instead of blocking the suite. ``FUZZ_MAX_EXAMPLES``
(default 60) sets how many files each test tries; with ``CI`` set the examples are the same on
every run (derandomised), elsewhere each run tries new ones.
"""

import csv
import datetime
import io
import os
import signal
import zipfile
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import openpyxl
import pytest
import tablib
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.formats import SafeCSV, SafeXLSX
from growthfields.models import KeyFigure
from growthfields.resources import KeyFigureResource
from imports.models import ImportRun
from imports.reading import ImportFileError
from imports.services import leg_import_plan
from members.models import Organisation
from tests.factories import GrowthFieldFactory, SourceFactory

pytestmark = pytest.mark.django_db

LEG_DIR = django_settings.BASE_DIR.parent / "shared" / "leg"
SEED_ROWS = 12
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_MAX_EXAMPLES", 60)),
    deadline=datetime.timedelta(seconds=float(os.environ.get("FUZZ_DEADLINE_SECONDS", 5))),
    database=None,  # nothing written into the checkout
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the fixtures hold for every example alike
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@contextmanager
def hang_guard():
    """Fail (instead of hanging) when one example runs longer than FUZZ_HANG_SECONDS."""
    seconds = int(os.environ.get("FUZZ_HANG_SECONDS", 60))

    def stop(signum, frame):
        raise TimeoutError(f"Beispiel läuft länger als {seconds} s: hängt die Verarbeitung?")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# Seeds ---------------------------------------------------------------------------------------


def _xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Unternehmen"
    for row in rows:
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


@cache
def leg_seeds() -> tuple[bytes, ...]:
    """The first rows of each LEG sample, as CSV (UTF-8 with BOM, Windows-1252) and XLSX."""
    seeds = []
    for name in ("sample.csv", "sample-cp1252.csv"):
        lines = (LEG_DIR / name).read_bytes().split(b"\n")
        seeds.append(b"\n".join(lines[: SEED_ROWS + 1]) + b"\n")
    workbook = openpyxl.load_workbook(LEG_DIR / "sample.xlsx", read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(max_row=SEED_ROWS + 1, values_only=True))
    workbook.close()
    seeds.append(_xlsx(rows))
    return tuple(seeds)


@pytest.fixture
def key_figure_keys():
    """The growth field and source the admin seeds name."""
    GrowthFieldFactory(slug="fuzz-feld")
    SourceFactory(slug="fuzz-quelle")


@cache
def admin_seeds() -> dict[str, bytes]:
    """A key-figure export as the admin writes it, in CSV and XLSX."""
    headers = KeyFigureResource().get_export_headers()
    dataset = tablib.Dataset(headers=headers)
    for number, metric in enumerate(("companies", "revenue", "export_quota"), start=1):
        values = {
            "growth_field": "fuzz-feld",
            "metric": metric,
            "reference_date": f"2012-0{number}-01",
            "source": "fuzz-quelle",
            "value": "ca. 1.250" if number == 1 else "12,5",
            "approximate": "1" if number == 1 else "0",
            "scope_note": "=1+1" if number == 1 else f"WZ {number}",
            "reference_precision": "day",
        }
        dataset.append([values.get(header, "") for header in headers])
    return {"csv": SafeCSV().export_data(dataset).encode(), "xlsx": SafeXLSX().export_data(dataset)}


# Mutations -----------------------------------------------------------------------------------


@st.composite
def mutated_bytes(draw, data: bytes) -> bytes:
    """``data`` after one to four byte flips, deletions, insertions or a truncation."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        position = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]))
        if kind == "flip":
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif kind == "delete":
            del data[position : position + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=32))
        elif kind == "truncate":
            del data[position:]
        else:
            data[position:position] = data[position : position + draw(st.integers(1, 256))]
    return bytes(data)


@st.composite
def corrupted_archive(draw, data: bytes) -> bytes:
    """An XLSX with one archive entry's content mutated (or dropped), zipped again."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    index = draw(st.integers(0, len(entries) - 1))
    name, content = entries[index]
    if draw(st.booleans()):
        entries[index] = (name, draw(mutated_bytes(content)))
    else:
        del entries[index]
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry_name, entry_content in entries:
            archive.writestr(entry_name, entry_content)
    return stream.getvalue()


@st.composite
def mutated_cells(draw, data: bytes) -> bytes:
    """A CSV seed with one to three cells replaced by any text (quotes, delimiters, line
    breaks, formulas, control characters), written as valid CSV again in UTF-8."""
    text = data.decode("utf-8-sig", errors="replace")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    for _ in range(draw(st.integers(1, 3))):
        row = draw(st.sampled_from(rows))
        if row:
            row[draw(st.integers(0, len(row) - 1))] = draw(CELL_TEXT)
    stream = io.StringIO()
    csv.writer(stream, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return stream.getvalue().encode("utf-8", errors="surrogatepass")


CELL_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["=1+1", "'=1+1", "-5", "-1.234,5", "k. A.", "ca. 120", "", " ", "TH-1"]),
    st.text(alphabet=";,\"'=+-@\t\r\n0123456789.ca ", max_size=20),
)


def files(seeds) -> st.SearchStrategy[bytes]:
    """Random bytes, mutated seeds, CSV seeds with odd cells, XLSX seeds with a corrupted
    archive entry."""
    xlsx = [seed for seed in seeds if seed.startswith(b"PK")]
    text = [seed for seed in seeds if not seed.startswith(b"PK")]
    return st.one_of(
        st.binary(max_size=2048),
        st.sampled_from(seeds).flatmap(mutated_bytes),
        st.sampled_from(text).flatmap(mutated_cells),
        st.sampled_from(xlsx).flatmap(corrupted_archive),
    )


# (a) The LEG import --------------------------------------------------------------------------


@pytest.fixture
def reference_data():
    """Growth fields and networks, so that the samples' rows match (once per test)."""
    call_command("load_reference_data", stdout=io.StringIO())


@pytest.fixture
def leg_file(tmp_path, reference_data):
    return tmp_path / "leg-upload"


@FUZZ
@given(content=files(leg_seeds()), extension=st.sampled_from(["csv", "xlsx"]))
def test_leg_reading_and_planning_refuse_cleanly(leg_file, content, extension):
    """Reading and planning a damaged file either gives a plan (with its issues) or a German
    ImportFileError; nothing else escapes and nothing is written."""
    path = leg_file.with_suffix(f".{extension}")
    path.write_bytes(content)
    try:
        with hang_guard():
            plan = leg_import_plan(path=path)
    except ImportFileError as error:
        event("file refused")
        assert str(error).strip()
    else:
        event("planned with errors" if plan.refused else "planned")
        assert plan.rows >= 0
        for issue in plan.issues.errors + plan.issues.warnings:
            assert issue.message
    assert not Organisation.objects.exists()


@FUZZ
@given(content=files(leg_seeds()), extension=st.sampled_from(["csv", "xlsx"]))
def test_leg_upload_view_answers_cleanly(
    superuser_client, upload_dir, reference_data, content, extension
):
    """The back office's LEG upload answers every file with a preview (302) or the form again
    (200), writes no organisation, and keeps no file of a refused upload."""
    with hang_guard():
        response = superuser_client.post(
            reverse("admin:imports_importrun_upload"),
            {"file": SimpleUploadedFile(f"leg.{extension}", content)},
        )
    assert response.status_code in (200, 302)
    event(f"HTTP {response.status_code}")
    if response.status_code == 302:
        preview = superuser_client.get(response["Location"])
        assert preview.status_code == 200
    assert not Organisation.objects.exists()
    previews = set(ImportRun.objects.exclude(stored_file="").values_list("stored_file", flat=True))
    stored = (
        {str(path) for path in upload_dir.iterdir() if path.is_file()}
        if upload_dir.exists()
        else set()
    )
    assert stored <= previews


# (b) The admin's import button ---------------------------------------------------------------


@FUZZ
@given(data=st.data(), file_format=st.sampled_from(["csv", "xlsx"]))
def test_admin_import_preview_answers_cleanly(superuser_client, key_figure_keys, data, file_format):
    """The key-figure admin's import preview answers every file with HTTP 200 (a form error,
    row errors or a clean preview) and writes nothing."""
    seeds = tuple(admin_seeds().values())
    content = data.draw(files(seeds), label="content")
    with hang_guard():
        response = superuser_client.post(
            reverse("admin:growthfields_keyfigure_import"),
            {
                "format": {"csv": "0", "xlsx": "1"}[file_format],
                "import_file": SimpleUploadedFile(f"upload.{file_format}", content),
            },
        )
    assert response.status_code == 200
    context = response.context
    assert context["form"].errors or "result" in context
    if context["form"].errors:
        event("form error")
    elif "confirm_form" in context:
        event("clean preview")
    else:
        event("row errors")
    assert not KeyFigure.objects.exists()


def test_the_seeds_are_valid_files(superuser_client, tmp_path, reference_data, key_figure_keys):
    """Unmutated, every seed is read without errors (so the mutations start from real files)."""
    for number, seed in enumerate(leg_seeds()):
        path = Path(tmp_path) / f"seed-{number}"
        path.write_bytes(seed)
        plan = leg_import_plan(path=path)
        assert plan.rows == SEED_ROWS
        assert not plan.refused, plan.issues.errors[:3]
    for file_format, seed in admin_seeds().items():
        response = superuser_client.post(
            reverse("admin:growthfields_keyfigure_import"),
            {
                "format": {"csv": "0", "xlsx": "1"}[file_format],
                "import_file": SimpleUploadedFile(f"upload.{file_format}", seed),
            },
        )
        assert not response.context["form"].errors, file_format
        assert "confirm_form" in response.context, file_format  # a preview without errors


def test_the_hang_guard_stops_a_hanging_example(monkeypatch):
    """An example that does not finish is stopped with a TimeoutError."""
    import time

    monkeypatch.setenv("FUZZ_HANG_SECONDS", "1")
    with pytest.raises(TimeoutError), hang_guard():
        time.sleep(30)
