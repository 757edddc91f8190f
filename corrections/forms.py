"""The public "Eintrag korrigieren" form: the entry's correctable fields (a ModelForm of the
entry), and the proposal's own fields (reason, e-mail, consent) with the public forms' checks."""

from django import forms
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _

from contact.forms import PublicForm, complete_email, single_line

from .fields import correctable_fields


def entry_form_class(model):
    """A ModelForm of the fields anyone may propose a correction to; numbers are read the
    German way ("12,5") in German."""

    def formfield(db_field, **kwargs):
        field = db_field.formfield(**kwargs)
        if isinstance(field, forms.DecimalField | forms.IntegerField):
            field.localize = True
            field.widget.is_localized = True
        return field

    return modelform_factory(model, fields=correctable_fields(model), formfield_callback=formfield)


class ProposalForm(PublicForm):
    """Why, and where the answer goes. ``allowed`` are the entry form's field names: a posted
    field outside them and this form (a field that is not public) is refused by name."""

    reason = forms.CharField(
        label=_("Begründung oder Quelle"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Woher wissen Sie es? Zum Beispiel: Wir sind umgezogen; siehe unsere Website."),
        error_messages={"required": _("Bitte begründen Sie Ihren Vorschlag.")},
    )
    proposer_email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        max_length=254,
        validators=[complete_email],
        help_text=_(
            "Wir schreiben Ihnen, ob wir die Korrektur übernehmen. Sie wird nicht veröffentlicht."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@firma.de."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Ich habe die Datenschutzerklärung gelesen und bin einverstanden, dass meine "
            "Angaben zur Bearbeitung dieses Vorschlags gespeichert werden."
        ),
        error_messages={
            "required": _("Bitte bestätigen Sie, dass Sie die Datenschutzerklärung gelesen haben.")
        },
    )

    OWN_KEYS = {"csrfmiddlewaretoken", "reason", "proposer_email", "consent", "homepage", "token"}

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = set(allowed)

    def clean_proposer_email(self):
        return single_line(self.cleaned_data["proposer_email"], _("Die E-Mail-Adresse"))

    def clean(self):
        cleaned_data = super().clean()
        foreign = sorted(set(self.data) - self.allowed - self.OWN_KEYS)
        if foreign:
            raise forms.ValidationError(
                _(
                    "Diese Felder können nicht korrigiert werden: %(fields)s. Korrigieren "
                    "lassen sich nur die öffentlichen Angaben dieses Formulars."
                )
                % {"fields": ", ".join(foreign)},
                code="not_public",
            )
        return cleaned_data
