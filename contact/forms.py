"""The public forms' building blocks: the enquiry form, and the checks the correction form
shares (signed start time against bots, honeypot, one-line text)."""

import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

FORM_SALT = "clusterportal.publicform"
CONTROL_CHARACTERS = {chr(code) for code in range(32)} - {"\t"} | {"\x7f"}
TEXT_CONTROL_CHARACTERS = CONTROL_CHARACTERS - {"\n", "\r"}


def form_token_new() -> str:
    """A signed token with the time the form was handed out and a nonce (one form, one
    submission)."""
    return signing.dumps({"t": int(time.time()), "n": secrets.token_urlsafe(16)}, salt=FORM_SALT)


def single_line(value: str, label) -> str:
    """Refuse line breaks and control characters (header injection: "\\r\\nBcc: …")."""
    if any(character in CONTROL_CHARACTERS for character in value):
        raise ValidationError(
            _("%(field)s darf keine Zeilenumbrüche oder Steuerzeichen enthalten.")
            % {"field": label},
            code="control_characters",
        )
    return value


def complete_email(value: str) -> str:
    """An address with a domain that has a dot ("name@firma.de", not "name@localhost")."""
    local, at, domain = value.rpartition("@")
    if at and local and domain and "." not in domain.strip("."):
        raise ValidationError(
            _("Bitte geben Sie eine vollständige E-Mail-Adresse an, z. B. name@firma.de."),
            code="incomplete_email",
        )
    return value


class PublicForm(forms.Form):
    """A form visitors send without logging in: a signed token (the time it was handed out and
    a nonce) and a honeypot field people leave empty. A form sent faster than
    ``CONTACT_MIN_FILL_SECONDS`` or older than ``CONTACT_FORM_MAX_AGE_SECONDS`` is refused with
    a message; an expired one gets a new token (``renew_token``)."""

    token = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
    )
    homepage = forms.CharField(
        label=_("Bitte dieses Feld leer lassen"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.renew_token = False
        self.nonce = None
        if not self.is_bound:
            self.fields["token"].initial = form_token_new()

    def clean_homepage(self):
        if self.cleaned_data["homepage"]:
            raise ValidationError(
                _(
                    "Das Formular wurde nicht gesendet: das Feld „Bitte leer lassen“ ist ausgefüllt."
                ),
                code="honeypot",
            )
        return ""

    def clean_token(self):
        token = self.cleaned_data["token"]
        try:
            value = signing.loads(token, salt=FORM_SALT)
            started, nonce = int(value["t"]), str(value["n"])
            if time.time() - started > settings.CONTACT_FORM_MAX_AGE_SECONDS:
                raise ValueError("expired")
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            self.renew_token = True
            raise ValidationError(
                _(
                    "Das Formular ist abgelaufen oder unvollständig. Bitte prüfen Sie Ihre "
                    "Angaben und senden Sie es erneut."
                ),
                code="expired",
            ) from None
        waited = time.time() - started
        minimum = settings.CONTACT_MIN_FILL_SECONDS
        if waited < minimum:
            raise ValidationError(
                ngettext(
                    "Das Formular wurde zu schnell gesendet. Bitte prüfen Sie Ihre Angaben und "
                    "senden Sie es in %(seconds)d Sekunde erneut.",
                    "Das Formular wurde zu schnell gesendet. Bitte prüfen Sie Ihre Angaben und "
                    "senden Sie es in %(seconds)d Sekunden erneut.",
                    minimum,
                )
                % {"seconds": minimum},
                code="too_fast",
            )
        self.nonce = nonce
        return token

    def data_with_new_token(self):
        """The submitted data with a fresh token, for showing the form again."""
        data = self.data.copy()
        data["token"] = form_token_new()
        return data


class EnquiryForm(PublicForm):
    """ "Kontakt aufnehmen": name, e-mail, subject, message and consent to the privacy notice."""

    name = forms.CharField(
        label=_("Ihr Name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        max_length=254,
        help_text=_("Die Antwort kommt an diese Adresse; Sie erhalten eine Bestätigung."),
        validators=[complete_email],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(
        label=_("Betreff"),
        max_length=150,
    )
    message = forms.CharField(
        label=_("Nachricht"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    consent = forms.BooleanField(
        label=_(
            "Ich habe die Datenschutzerklärung gelesen und bin einverstanden, dass meine "
            "Angaben zur Weiterleitung dieser Nachricht gespeichert werden."
        ),
        error_messages={
            "required": _("Bitte bestätigen Sie, dass Sie die Datenschutzerklärung gelesen haben.")
        },
    )

    field_order = ["name", "email", "subject", "message", "consent", "homepage", "token"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.CONTACT_MESSAGE_MAX_CHARS
        self.fields["message"].validators.append(
            MaxLengthValidator(
                limit,
                message=_(
                    "Die Nachricht ist zu lang: höchstens %(limit_value)d Zeichen, Ihre hat "
                    "%(show_value)d. Bitte kürzen Sie sie."
                ),
            )
        )
        self.fields["message"].widget.attrs["maxlength"] = limit
        self.fields["name"].error_messages["required"] = _("Bitte geben Sie Ihren Namen an.")
        self.fields["email"].error_messages["required"] = _(
            "Bitte geben Sie Ihre E-Mail-Adresse an."
        )
        self.fields["email"].error_messages["invalid"] = _(
            "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@firma.de."
        )
        self.fields["subject"].error_messages["required"] = _("Bitte geben Sie einen Betreff an.")
        self.fields["message"].error_messages["required"] = _("Bitte schreiben Sie eine Nachricht.")

    def clean_name(self):
        return single_line(self.cleaned_data["name"], _("Der Name"))

    def clean_subject(self):
        return single_line(self.cleaned_data["subject"], _("Der Betreff"))

    def clean_message(self):
        message = self.cleaned_data["message"]
        if any(character in TEXT_CONTROL_CHARACTERS for character in message):
            raise ValidationError(
                _("Die Nachricht enthält Steuerzeichen; bitte senden Sie nur Text."),
                code="control_characters",
            )
        return message
