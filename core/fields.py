"""Model fields shared by the apps."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _


class StringListFormField(forms.CharField):
    """Edits a list of strings as a text area with one entry per line."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 80})

    def __init__(self, *, encoder=None, decoder=None, **kwargs):
        kwargs.setdefault("help_text", _("Ein Eintrag pro Zeile."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class StringListField(models.JSONField):
    """An ordered list of short texts (strengths, topics, WZ codes), stored as JSON."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return models.Field.formfield(self, **{"form_class": StringListFormField, **kwargs})
