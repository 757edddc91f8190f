import secrets
import socket
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import signing

from contact.forms import FORM_SALT
from contact.models import NetworkContact
from tests.factories import NetworkFactory, OrganisationFactory

ORGANISATION_EMAIL = "vertrieb@geheim-optik.example.de"
NETWORK_EMAIL = "buero@netzwerk-geheim.example.de"


class RecordingHandler:
    """An SMTP server's handler that keeps every message, and refuses the next
    ``refuse_next`` recipients with a temporary error (451)."""

    def __init__(self):
        self.envelopes = []
        self.refuse_next = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 4.3.0 Bitte später erneut versuchen"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server in this process (aiosmtpd), and the mail queue sending to it."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.smtp.EmailBackend"},
        "RETRY_INTERVAL": timedelta(0),
    }
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Geheim-Optik GmbH", email=ORGANISATION_EMAIL)


@pytest.fixture
def network(db):
    network = NetworkFactory(name="OptoNet e.V.", slug="optonet")
    NetworkContact.objects.create(network=network, email=NETWORK_EMAIL)
    return network


def token(age_seconds=60, nonce=None):
    """A form token handed out ``age_seconds`` ago."""
    nonce = nonce or secrets.token_urlsafe(16)
    return signing.dumps({"t": int(time.time()) - age_seconds, "n": nonce}, salt=FORM_SALT)


def enquiry_data(**overrides):
    data = {
        "name": "Erika Mustermann",
        "email": "erika@firma-mustermann.de",
        "subject": "Kooperation Mikrooptik",
        "message": "Guten Tag,\nwir suchen einen Partner für Mikrooptik.",
        "consent": "on",
        "homepage": "",
        "token": token(),
    }
    data.update({key: value() if callable(value) else value for key, value in overrides.items()})
    return data
