"""'Kontakt aufnehmen': what arrives at a real SMTP server, what the sender sees, and every bad
input of the issue (refused with a message, or stored as inert text; never a mail twice)."""

import email
from email import policy

import pytest
from django.core import mail as django_mail
from django.urls import reverse
from post_office import mail as post_office_mail
from post_office.models import STATUS, Email

from contact.models import BlockedSender, Enquiry
from tests.contact.conftest import NETWORK_EMAIL, ORGANISATION_EMAIL, enquiry_data, token
from tests.factories import NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def contact_url(organisation):
    return reverse("contact:organisation", kwargs={"pk": organisation.pk})


def parsed(envelope):
    return email.message_from_bytes(envelope.content, policy=policy.default)


def test_enquiry_arrives_at_the_organisation_with_the_sender_as_reply_to(
    client, organisation, smtp_server
):
    """The message reaches the organisation's stored address with Reply-To the sender; the
    sender's confirmation reaches the sender and names no address of the organisation."""
    response = client.post(contact_url(organisation), enquiry_data(), follow=True)
    assert response.status_code == 200
    assert ORGANISATION_EMAIL not in response.content.decode()
    assert not smtp_server.envelopes  # queued, not sent while the page is answered

    post_office_mail.send_queued()  # what "manage.py send_queued_mail" runs until done

    by_recipient = {
        tuple(envelope.rcpt_tos): parsed(envelope) for envelope in smtp_server.envelopes
    }
    assert set(by_recipient) == {(ORGANISATION_EMAIL,), ("erika@firma-mustermann.de",)}
    message = by_recipient[(ORGANISATION_EMAIL,)]
    assert message["Reply-To"] == "Erika Mustermann <erika@firma-mustermann.de>"
    assert "Kooperation Mikrooptik" in message["Subject"]
    assert "wir suchen einen Partner für Mikrooptik." in message.get_content()
    confirmation = by_recipient[("erika@firma-mustermann.de",)]
    assert "Geheim-Optik GmbH" in confirmation["Subject"]
    assert ORGANISATION_EMAIL not in confirmation.as_string()
    assert "geheim-optik.example" not in confirmation.as_string()
    assert Email.objects.filter(status=STATUS.sent).count() == 2


def test_no_page_of_the_sender_shows_the_address(client, organisation):
    """The detail page, the form, an invalid form and the answer never carry the address."""
    pages = [
        client.get(organisation.get_absolute_url()),
        client.get(contact_url(organisation)),
        client.post(contact_url(organisation), enquiry_data(message="")),
        client.post(contact_url(organisation), enquiry_data(), follow=True),
    ]
    for page in pages:
        assert page.status_code == 200
        assert ORGANISATION_EMAIL not in page.content.decode()
        assert "geheim-optik.example" not in page.content.decode()


def test_a_refused_delivery_is_retried(client, organisation, smtp_server):
    """The server refuses the first recipient once (451): the mail is requeued and the next
    run delivers it, once."""
    client.post(contact_url(organisation), enquiry_data())
    smtp_server.refuse_next = 1
    post_office_mail.send_queued()
    assert len(smtp_server.envelopes) == 1
    assert Email.objects.filter(status=STATUS.requeued, number_of_retries=1).count() == 1

    post_office_mail.send_queued()
    post_office_mail.send_queued()
    assert len(smtp_server.envelopes) == 2
    assert Email.objects.filter(status=STATUS.sent).count() == 2


def test_network_enquiry_goes_to_the_network_contact_address(client, network, smtp_server):
    """A network's enquiries go to its NetworkContact address, which its page never shows."""
    url = reverse("contact:network", kwargs={"slug": network.slug})
    page = client.get(network.get_absolute_url())
    assert url in page.content.decode()
    assert NETWORK_EMAIL not in page.content.decode()
    client.post(url, enquiry_data())
    post_office_mail.send_queued()  # what "manage.py send_queued_mail" runs until done
    assert [tuple(e.rcpt_tos) for e in smtp_server.envelopes if NETWORK_EMAIL in e.rcpt_tos] == [
        (NETWORK_EMAIL,)
    ]


def test_entries_without_an_address_offer_no_contact(client):
    """No e-mail stored: no "Kontakt aufnehmen" link, and the form is not found."""
    organisation = OrganisationFactory(email="")
    network = NetworkFactory()
    assert (
        contact_url(organisation)
        not in client.get(organisation.get_absolute_url()).content.decode()
    )
    assert client.get(contact_url(organisation)).status_code == 404
    assert client.get(reverse("contact:network", kwargs={"slug": network.slug})).status_code == 404
    assert "Kontakt aufnehmen" not in client.get(network.get_absolute_url()).content.decode()


def test_unpublished_organisation_cannot_be_written_to(client):
    organisation = OrganisationFactory(email="a@b.de", published=False)
    assert client.get(contact_url(organisation)).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"message": ""}, "Bitte schreiben Sie eine Nachricht."),
        ({"message": "   \n "}, "Bitte schreiben Sie eine Nachricht."),
        (
            {"message": "x" * 100 * 1024},
            "Die Nachricht ist zu lang: höchstens 5000 Zeichen, Ihre hat 102400.",
        ),
        ({"name": "Erika\r\nBcc: opfer@example.com"}, "Der Name darf keine Zeilenumbrüche"),
        ({"subject": "Hallo\r\nBcc: opfer@example.com"}, "Der Betreff darf keine Zeilenumbrüche"),
        ({"subject": "Hallo\nBcc: opfer@example.com"}, "Der Betreff darf keine Zeilenumbrüche"),
        ({"email": "erika"}, "Bitte geben Sie eine gültige E-Mail-Adresse an"),
        ({"email": "erika@"}, "Bitte geben Sie eine gültige E-Mail-Adresse an"),
        ({"email": "erika@localhost"}, "Bitte geben Sie eine vollständige E-Mail-Adresse an"),
        ({"email": "erika@firma.de\r\nBcc: opfer@example.com"}, "E-Mail-Adresse"),
        ({"consent": ""}, "Bitte bestätigen Sie, dass Sie die Datenschutzerklärung gelesen haben."),
        ({"homepage": "http://spam.example"}, "das Feld „Bitte leer lassen“ ist ausgefüllt"),
        ({"token": lambda: token(age_seconds=0)}, "Das Formular wurde zu schnell gesendet."),
        ({"token": "manipuliert"}, "Das Formular ist abgelaufen oder unvollständig."),
        ({"token": lambda: token(age_seconds=2 * 24 * 3600)}, "Das Formular ist abgelaufen"),
    ],
)
def test_bad_input_is_refused_with_a_message(client, organisation, overrides, message):
    """Each bad input is refused with a clear message; nothing is stored or queued."""
    response = client.post(contact_url(organisation), enquiry_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Enquiry.objects.exists()
    assert not Email.objects.exists()


def test_html_is_stored_and_sent_as_inert_text(client, organisation, smtp_server):
    """HTML in every field is kept as typed, sent as plain text only, and escaped on pages."""
    script = '<script>alert("x")</script><b>fett</b>'
    data = enquiry_data(name=f"Erika {script}", subject=f"Betreff {script}", message=script)
    response = client.post(contact_url(organisation), data, follow=True)
    assert script not in response.content.decode()
    enquiry = Enquiry.objects.get()
    assert enquiry.message == script
    post_office_mail.send_queued()  # what "manage.py send_queued_mail" runs until done
    message = parsed(next(e for e in smtp_server.envelopes if ORGANISATION_EMAIL in e.rcpt_tos))
    assert message.get_content_type() == "text/plain"
    assert script in message.get_content()


def test_a_form_sent_twice_sends_one_mail(client, organisation):
    """The same form posted again (double click, reload) queues nothing more."""
    data = enquiry_data()
    first = client.post(contact_url(organisation), data)
    second = client.post(contact_url(organisation), data)
    assert first.status_code == second.status_code == 302
    assert Enquiry.objects.count() == 1
    assert Email.objects.count() == 2
    post_office_mail.send_queued()
    post_office_mail.send_queued()
    assert len(django_mail.outbox) == 2


def test_fifty_enquiries_in_a_minute_from_one_address_are_limited(client, organisation, settings):
    """The sender's address may send CONTACT_RATE_PER_SENDER; the rest are refused (429) with
    a message, from whichever client address."""
    settings.CONTACT_RATE_PER_IP = "1000/h"
    statuses = [
        client.post(
            contact_url(organisation), enquiry_data(), REMOTE_ADDR=f"10.0.0.{number}"
        ).status_code
        for number in range(50)
    ]
    assert statuses[:5] == [302] * 5
    assert set(statuses[5:]) == {429}
    assert Enquiry.objects.count() == 5
    refused = client.post(contact_url(organisation), enquiry_data())
    assert "zu viele Nachrichten" in refused.content.decode()


def test_recipient_limit_counts_all_senders(client, organisation, settings):
    settings.CONTACT_RATE_PER_RECIPIENT = "3/d"
    settings.CONTACT_RATE_PER_IP = "1000/h"
    statuses = [
        client.post(contact_url(organisation), enquiry_data(email=f"s{n}@firma.de")).status_code
        for n in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]


def test_without_the_cache_the_form_fails_closed(client, organisation, unreachable_cache):
    """The limits cannot count while the cache is out of reach, so nothing is sent: 503 and a
    German message on the form (docs/robustness.md, "Rate limits without the cache")."""
    response = client.post(contact_url(organisation), enquiry_data())
    assert response.status_code == 503
    assert "wegen einer technischen Störung gerade nicht gesendet" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_a_blocked_sender_is_refused(client, organisation):
    """An address, or its whole domain, blocked by staff cannot send."""
    BlockedSender.objects.create(address="Erika@Firma-Mustermann.de")
    response = client.post(contact_url(organisation), enquiry_data())
    assert response.status_code == 403
    assert "keine Nachrichten gesendet werden" in response.content.decode()
    BlockedSender.objects.all().delete()
    BlockedSender.objects.create(address="@spam.example")
    response = client.post(contact_url(organisation), enquiry_data(email="x@spam.example"))
    assert response.status_code == 403
    assert not Enquiry.objects.exists()


def test_staff_block_a_sender_from_the_enquiry_list(superuser_client, client, organisation):
    client.post(contact_url(organisation), enquiry_data())
    enquiry = Enquiry.objects.get()
    response = superuser_client.post(
        reverse("admin:contact_enquiry_changelist"),
        {"action": "block_senders", "_selected_action": [enquiry.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert BlockedSender.objects.filter(address="erika@firma-mustermann.de").exists()
