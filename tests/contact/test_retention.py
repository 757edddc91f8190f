"""Enquiries and their mails are deleted after CONTACT_RETENTION_DAYS days."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from post_office.models import Email

from contact.models import Enquiry
from tests.contact.conftest import enquiry_data

pytestmark = pytest.mark.django_db


def send(client, organisation, **overrides):
    url = reverse("contact:organisation", kwargs={"pk": organisation.pk})
    assert client.post(url, enquiry_data(**overrides)).status_code == 302


def test_purge_deletes_enquiries_and_mails_older_than_the_retention(client, organisation, settings):
    """Only what is older than CONTACT_RETENTION_DAYS goes; the newer enquiry and its two
    mails stay."""
    settings.CONTACT_RETENTION_DAYS = 30
    send(client, organisation, email="alt@firma.de")
    old = Enquiry.objects.get()
    past = timezone.now() - timedelta(days=31)
    Enquiry.objects.filter(pk=old.pk).update(created_at=past)
    Email.objects.update(created=past)
    send(client, organisation, email="neu@firma.de")

    output = StringIO()
    call_command("purge_contact_messages", stdout=output)

    assert list(Enquiry.objects.values_list("sender_email", flat=True)) == ["neu@firma.de"]
    assert Email.objects.count() == 2
    assert "1 Kontaktanfragen und 2 E-Mails gelöscht" in output.getvalue()


def test_purge_refuses_a_retention_below_one_day():
    with pytest.raises(CommandError, match="mindestens einen Tag"):
        call_command("purge_contact_messages", "--days", "0")


def test_privacy_page_names_the_retention(client, settings):
    settings.CONTACT_RETENTION_DAYS = 30
    page = client.get(reverse("privacy")).content.decode()
    assert "nach 30 Tagen" in page
