from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccessibilityFeedback


class FeedbackForm(forms.ModelForm):
    """A barrier report: what went wrong (required), where, and optionally who asks."""

    class Meta:
        model = AccessibilityFeedback
        fields = ("message", "page", "name", "email")
        labels = {
            "message": _("Welche Barriere haben Sie gefunden?"),
            "page": _("Auf welcher Seite? (freiwillig)"),
            "name": _("Ihr Name (freiwillig)"),
            "email": _("Ihre E-Mail-Adresse für eine Antwort (freiwillig)"),
        }
        help_texts = {
            "message": _("Beschreiben Sie kurz, was nicht funktioniert oder schwer zu nutzen ist."),
            "page": _("Zum Beispiel die Adresse oder der Titel der Seite."),
            "email": _("Nur wenn Sie eine Antwort wünschen. Wir verwenden sie nur dafür."),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "kern-form-input__input")
        self.fields["email"].widget.attrs.setdefault("autocomplete", "email")
        self.fields["name"].widget.attrs.setdefault("autocomplete", "name")
