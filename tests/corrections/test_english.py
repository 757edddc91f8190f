"""The correction form in English: /en/ URL, English legends, labels and button."""

import pytest

from tests.contact.test_english import assert_english, english_url
from tests.factories import NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_english_correction_form_shows_english_labels(client):
    """/en/correction/… speaks English: title, legends, the proposal's labels and the button;
    none of the German form texts is left."""
    organisation = OrganisationFactory(name="Geheim-Optik GmbH")
    url = english_url("corrections:organisation", pk=organisation.pk)
    assert url == f"/en/correction/organisation/{organisation.pk}/"
    assert_english(
        client.get(url).content.decode(),
        english=(
            "Correct this entry",
            "Public details",
            "Your proposal",
            "Reason or source",
            "How do you know?",
            "Propose correction",
            "I have read the privacy policy",
        ),
        german=("Eintrag korrigieren", "Öffentliche Angaben", "Ihr Vorschlag", "Begründung"),
    )


def test_english_network_correction_form(client):
    """A network's correction form in English names the network profile in English."""
    network = NetworkFactory(slug="optonet")
    url = english_url("corrections:network", slug=network.slug)
    assert url == "/en/correction/network/optonet/"
    html = client.get(url).content.decode()
    assert "Network profile" in html
    assert "Profil des Netzwerks" not in html
