"""Privacy: an organisation deleted on request leaves no trace in any table (history, admin
log, import reports included); the public pages and the API show no telephone numbers or
e-mail addresses."""

from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from core import cache as portal_cache
from imports import services
from imports.choices import RunStatus
from imports.models import ImportRun
from members.models import Organisation
from networks.models import Membership
from tests.factories import OrganisationFactory

from .conftest import company, write_csv

pytestmark = pytest.mark.django_db

NAME = "Zeta Datenschutz GmbH"
LEG_ID = "TH-000777"
PHONE = "03641 777777"
EMAIL = "kontakt@zeta-datenschutz.de"


def whole_database() -> str:
    """Every row of every table, as text."""
    out = StringIO()
    call_command("dumpdata", format="yaml", stdout=out)
    return out.getvalue()


@pytest.fixture
def zeta(fields_and_networks, tmp_path, django_user_model):
    """An organisation with a past: imported (with a membership and a growth field), changed by
    a second import, named in a refused run's errors, edited and logged in the back office."""
    editor = django_user_model.objects.create_user("redaktion", "r@example.org", "pw")
    row = company(LEG_ID, NAME, Telefon=PHONE, Netzwerke="OptoNet", **{"E-Mail": EMAIL})
    other = company("TH-000001", "Alpha Optik GmbH", Netzwerke="OptoNet")
    services.leg_import_run(path=write_csv(tmp_path / "a.csv", [row, other]), user=editor)
    changed = dict(row, Telefon="03641 777778")
    run = services.leg_import_run(path=write_csv(tmp_path / "b.csv", [changed, other]))
    assert any(sample["leg_id"] == LEG_ID for sample in run.changes)
    refused = services.leg_import_run(path=write_csv(tmp_path / "c.csv", [row, row]))
    assert refused.status == RunStatus.REFUSED
    assert LEG_ID in str(refused.report)
    organisation = Organisation.objects.get(leg_id=LEG_ID)
    organisation.keywords = "Datenschutz"
    organisation.save()
    LogEntry.objects.log_actions(
        user_id=editor.pk, queryset=[organisation], action_flag=CHANGE, change_message="[]"
    )
    LogEntry.objects.log_actions(
        user_id=editor.pk,
        queryset=list(organisation.memberships.all()),
        action_flag=CHANGE,
        change_message="[]",
    )
    return organisation


def test_deleting_on_request_leaves_no_trace(zeta):
    """After ``delete_organisation LEG-ID --yes`` no table holds the name, LEG-ID, telephone
    number or e-mail address; the other organisation, its history and the runs remain."""
    text = whole_database()
    for secret in (NAME, LEG_ID, PHONE, EMAIL):
        assert secret in text
    cache_version = portal_cache.current_version()
    out = StringIO()

    call_command("delete_organisation", LEG_ID, "--yes", stdout=out)

    text = whole_database()
    for secret in (NAME, LEG_ID, PHONE, EMAIL, "03641 777778"):
        assert secret not in text, secret
    assert not Organisation.objects.filter(pk=zeta.pk).exists()
    assert not Membership.history.filter(organisation_id=zeta.pk).exists()
    assert Organisation.history.filter(leg_id="TH-000001").count() == 1
    assert ImportRun.objects.count() == 3
    assert "[gelöscht]" in str(ImportRun.objects.get(status=RunStatus.REFUSED).report)
    assert portal_cache.current_version() != cache_version
    printed = out.getvalue()
    assert f"Organisation „{NAME} ({LEG_ID})“ gelöscht" in printed
    assert "Mitgliedschaften: 1" in printed
    assert "bereinigte Importberichte: 3" in printed


def test_a_dry_run_deletes_nothing(zeta):
    """``--dry-run`` says what it would delete and leaves every table as it was."""
    before = whole_database()
    out = StringIO()
    call_command("delete_organisation", str(zeta.pk), "--dry-run", stdout=out)
    assert whole_database() == before
    assert "würde gelöscht" in out.getvalue()
    assert "Probelauf: nichts wurde gelöscht." in out.getvalue()


def test_without_yes_the_command_asks_first(zeta, monkeypatch):
    """Answering anything but "j" aborts and deletes nothing."""
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(CommandError, match="Abgebrochen"):
        call_command("delete_organisation", LEG_ID.lower(), stdout=StringIO())
    assert Organisation.objects.filter(pk=zeta.pk).exists()


def test_an_unknown_key_is_explained():
    """An unknown LEG-ID is a German error, not a traceback."""
    with pytest.raises(CommandError, match="Keine Organisation"):
        call_command("delete_organisation", "TH-999999", "--yes", stdout=StringIO())


def test_public_pages_and_api_show_no_phone_or_email(client):
    """The directory, an organisation's page, its CSV export and the API show neither its
    telephone number nor its e-mail address."""
    organisation = OrganisationFactory(name=NAME, phone=PHONE, email=EMAIL)
    for url in (
        reverse("members:list"),
        reverse("members:detail", args=[organisation.pk]),
        reverse("members:export") + "?format=csv",
        "/api/organisations/",
        f"/api/organisations/{organisation.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        assert NAME in text, url
        assert PHONE not in text and EMAIL not in text, url
