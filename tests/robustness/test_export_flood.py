"""The public export cannot tie up the site (issue 18, case 5): it is rate-limited per client
(429 with Retry-After and a German message), capped for anonymous requests (the file says
so and names the full file), and the full data set is a file written once per data version
and served from disk."""

import csv
import io
import os
from unittest import mock

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from members import export_files
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DEAD_CACHE = {
    "default": {
        "BACKEND": "core.cache_backends.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def export(client, fmt="csv", **extra):
    return client.get(reverse("members:export") + f"?format={fmt}", **extra)


def full(client, fmt="csv", **extra):
    return client.get(reverse("members:export_full") + f"?format={fmt}", **extra)


def csv_rows(response):
    content = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


# --- Rate limit -------------------------------------------------------------------------------


@override_settings(PORTAL_EXPORT_RATE="3/10m")
def test_a_client_over_the_limit_gets_429_with_retry_after_in_german(client):
    """The fourth export within ten minutes from one address: 429, Retry-After, a German
    message naming the full file; the full file counts against the same limit."""
    OrganisationFactory()
    assert [export(client).status_code for _ in range(3)] == [200] * 3
    refused = export(client, "xlsx")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    text = refused.content.decode()
    assert "Zu viele Downloads" in text
    assert reverse("members:export_full") in text
    assert full(client).status_code == 429


@override_settings(PORTAL_EXPORT_RATE="3/10m")
def test_the_limit_counts_per_client_address(client):
    """Another address is not limited by the first one's downloads; a forged X-Forwarded-For
    (no proxy configured) does not make a new client."""
    OrganisationFactory()
    for n in range(3):
        export(client, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    forged = export(client, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert forged.status_code == 429
    assert export(client, REMOTE_ADDR="192.0.2.2").status_code == 200


@override_settings(PORTAL_EXPORT_RATE="3/10m", CACHES=DEAD_CACHE)
def test_the_rate_limit_fails_open_without_the_cache(client):
    """With the cache out of reach the counters cannot be kept: exports are let through."""
    OrganisationFactory()
    assert [export(client).status_code for _ in range(5)] == [200] * 5


# --- Anonymous cap ----------------------------------------------------------------------------


@override_settings(PORTAL_EXPORT_ANONYMOUS_MAX_ROWS=2)
def test_an_anonymous_export_is_capped_and_says_so(client):
    """Three matches, a cap of two: the CSV streams the first two rows, its name and headers
    say it is capped and link the full file."""
    OrganisationFactory.create_batch(3)
    response = export(client)
    assert response.status_code == 200
    assert response.streaming
    assert len(csv_rows(response)) == 1 + 2
    assert response["X-Export-Row-Limit"] == "2"
    assert "-erste-2.csv" in response["Content-Disposition"]
    assert f'{reverse("members:export_full")}?format=csv>; rel="alternate"' in response["Link"]
    assert 'rel="license"' in response["Link"]


@override_settings(PORTAL_EXPORT_ANONYMOUS_MAX_ROWS=2)
def test_a_capped_xlsx_names_the_full_file_on_its_licence_sheet(client):
    OrganisationFactory.create_batch(3)
    response = export(client, "xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.worksheets[0].max_row == 1 + 2
    notes = [
        row for row in workbook.worksheets[1].iter_rows(values_only=True) if row[0] == "Hinweis"
    ]
    assert "die ersten 2 Treffer" in notes[0][1]
    assert reverse("members:export_full") in notes[0][1]


@override_settings(PORTAL_EXPORT_ANONYMOUS_MAX_ROWS=2)
def test_a_signed_in_export_is_not_capped(superuser_client):
    OrganisationFactory.create_batch(3)
    response = export(superuser_client)
    assert len(csv_rows(response)) == 1 + 3
    assert not response.has_header("X-Export-Row-Limit")


@override_settings(PORTAL_EXPORT_ANONYMOUS_MAX_ROWS=2)
def test_the_directory_notes_the_cap_and_offers_the_full_file(client):
    OrganisationFactory.create_batch(3)
    page = client.get(reverse("members:list")).content.decode()
    assert "die ersten 2 Treffer" in page
    assert f"{reverse('members:export_full')}?format=xlsx" in page


# --- The full file ----------------------------------------------------------------------------


def organisation_queries(context):
    return [q["sql"] for q in context.captured_queries if "members_organisation" in q["sql"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_full_file_is_written_once_and_served_from_disk(client, fmt):
    """The first download writes the file; the next ones read no organisation at all."""
    OrganisationFactory.create_batch(3)
    first = full(client, fmt)
    assert first.status_code == 200
    body = b"".join(first.streaming_content)
    files = list(export_files.directory().glob(f"*.{fmt}"))
    assert len(files) == 1
    with CaptureQueriesContext(connection) as context:
        again = full(client, fmt)
        assert b"".join(again.streaming_content) == body
    assert organisation_queries(context) == []
    assert "mitglieder-alle-" in again["Content-Disposition"]
    assert 'rel="license"' in again["Link"]


def test_a_change_of_the_data_writes_a_new_full_file(client):
    """After an organisation is saved (the data version changes), the next download writes a
    new file with it, and the old file is removed."""
    organisation = OrganisationFactory(name="Alte Firma GmbH")
    assert "Alte Firma GmbH" in b"".join(full(client).streaming_content).decode("utf-8-sig")
    organisation.name = "Neue Firma GmbH"
    organisation.save()
    text = b"".join(full(client).streaming_content).decode("utf-8-sig")
    assert "Neue Firma GmbH" in text and "Alte Firma GmbH" not in text
    assert len(list(export_files.directory().glob("*.csv"))) == 1


def test_while_the_file_is_written_others_get_the_previous_one_or_503(client):
    """A request that finds the file being written does not wait: it gets the previous file,
    or, when there is none yet, 503 with Retry-After."""
    OrganisationFactory()
    with mock.patch.object(export_files.fcntl, "flock", side_effect=BlockingIOError):
        busy = full(client)
    assert busy.status_code == 503
    assert busy["Retry-After"] == "60"
    assert "wird gerade erstellt" in busy.content.decode()

    previous = b"".join(full(client).streaming_content)
    OrganisationFactory(name="Noch eine GmbH")  # the data changes
    with mock.patch.object(export_files.fcntl, "flock", side_effect=BlockingIOError):
        served = full(client)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == previous


def test_with_the_cache_down_the_newest_full_file_is_served(client):
    """Without a data version (cache out of reach) the existing file is served, not rebuilt."""
    OrganisationFactory()
    full(client)
    (written,) = export_files.directory().glob("*.csv")
    before = os.stat(written).st_mtime_ns
    with override_settings(CACHES=DEAD_CACHE):
        response = Client().get(reverse("members:export_full") + "?format=csv")
    assert response.status_code == 200
    assert os.stat(written).st_mtime_ns == before


def test_an_unknown_format_of_the_full_file_is_400(client):
    assert full(client, "pdf").status_code == 400


@pytest.fixture
def no_export_running(monkeypatch):
    """Exports of earlier tests were never closed by the test client: start from none."""
    from members.views import EXPORT_SLOTS

    monkeypatch.setattr(EXPORT_SLOTS, "running", 0)
    return EXPORT_SLOTS


@override_settings(PORTAL_EXPORT_CONCURRENCY=1)
def test_an_export_finding_every_slot_taken_gets_429_at_once(client, no_export_running):
    """With as many exports running as PORTAL_EXPORT_CONCURRENCY allows, the next one (any
    client) is answered 429 with Retry-After at once instead of taking a worker thread."""
    from members.views import EXPORT_SLOTS

    OrganisationFactory()
    assert EXPORT_SLOTS.try_acquire(1)
    try:
        busy = export(client, REMOTE_ADDR="192.0.2.77")
        busy_full = full(client, REMOTE_ADDR="192.0.2.78")
    finally:
        EXPORT_SLOTS.release()
    assert busy.status_code == busy_full.status_code == 429
    assert busy["Retry-After"] == "30"
    assert "zu viele Downloads" in busy.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_slot_is_held_until_the_response_is_closed(client, fmt, no_export_running):
    """The slot stays taken while the file is sent and is free once the response is closed."""
    from members.views import EXPORT_SLOTS

    OrganisationFactory()
    before = EXPORT_SLOTS.running
    response = export(client, fmt)
    assert EXPORT_SLOTS.running == before + 1  # still sending
    b"".join(response.streaming_content)
    response.close()
    assert EXPORT_SLOTS.running == before
