"""The contact form in English: /en/ URLs, English labels, help texts and messages."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def english_url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def assert_english(html, *, english, german):
    """Every English text is on the page, none of the German ones."""
    assert [text for text in english if text not in html] == []
    assert [text for text in german if text in html] == []


def test_english_contact_form_shows_english_labels(client, organisation, network):
    """/en/contact/… speaks English: title, labels, help text, consent and button; none of the
    German form texts is left."""
    url = english_url("contact:organisation", pk=organisation.pk)
    assert url == f"/en/contact/organisation/{organisation.pk}/"
    assert_english(
        client.get(url).content.decode(),
        english=(
            "Get in touch",
            "Your name",
            "Your e-mail address",
            "Subject",
            "Message",
            "The reply will be sent to this address; you will receive a confirmation.",
            "I have read the privacy policy",
            "All fields are required.",
            "Send message",
        ),
        german=(
            "Kontakt aufnehmen",
            "Ihr Name",
            "Ihre E-Mail-Adresse",
            "Betreff",
            "Nachricht senden",
        ),
    )
    network_url = english_url("contact:network", slug=network.slug)
    assert network_url == "/en/contact/network/optonet/"
    assert "Your e-mail address" in client.get(network_url).content.decode()


def test_english_contact_form_errors_are_english(client, organisation):
    """A refused English form says what is wrong in English."""
    url = english_url("contact:organisation", pk=organisation.pk)
    html = client.post(url, {"name": "", "email": "erika", "subject": "", "message": ""}).content
    html = html.decode()
    assert "Please enter your name." in html
    assert "Please write a message." in html
    assert "Bitte" not in html
