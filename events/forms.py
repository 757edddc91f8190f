"""The back office's .ics upload form."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from networks.scoping import networks_for_user

from .choices import EventStatus
from .services import MAX_BYTES, MAX_EVENTS


class IcsUploadForm(forms.Form):
    """An iCalendar file, the network its events belong to, and the status of new events."""

    file = forms.FileField(
        label=_("iCalendar-Datei (.ics)"),
        validators=[FileExtensionValidator(allowed_extensions=["ics", "ical", "ifb"])],
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )
    network = forms.ModelChoiceField(
        label=_("Veranstaltendes Netzwerk"),
        queryset=None,
        help_text=_("Neue Veranstaltungen werden diesem Netzwerk zugeordnet."),
    )
    status = forms.ChoiceField(
        label=_("Status neuer Veranstaltungen"),
        choices=[
            (EventStatus.PUBLISHED, EventStatus.PUBLISHED.label),
            (EventStatus.DRAFT, EventStatus.DRAFT.label),
        ],
        initial=EventStatus.PUBLISHED,
        help_text=_(
            "Bereits vorhandene Veranstaltungen behalten ihren Status; STATUS:CANCELLED in der "
            "Datei sagt eine Veranstaltung ab."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks_for_user(user)
        self.fields["file"].help_text = _(
            "Höchstens %(events)s Veranstaltungen und %(size)s MB je Datei. Wiederkehrende "
            "Termine (RRULE) werden nicht übernommen: eine Datei mit Terminserien wird mit "
            "Nennung der Serien abgelehnt."
        ) % {"events": f"{MAX_EVENTS:,}".replace(",", "."), "size": MAX_BYTES // (1024 * 1024)}

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist größer als %(limit)s MB; bitte teilen Sie sie auf."),
                code="too_large",
                params={"limit": MAX_BYTES // (1024 * 1024)},
            )
        if uploaded.size == 0:
            raise forms.ValidationError(_("Die Datei ist leer."), code="empty")
        return uploaded


class IcsConfirmForm(forms.Form):
    """The preview's confirmation: the stored upload's name and the choices made."""

    stored = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    file_name = forms.CharField(max_length=255, widget=forms.HiddenInput)
    network = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=[(EventStatus.PUBLISHED, ""), (EventStatus.DRAFT, "")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks_for_user(user)
