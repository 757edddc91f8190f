"""Field values as the back office shows them in a proposal (old → new)."""

from django.utils.translation import gettext as _


def display_value(model, name, value) -> str:
    """A stored value in words: empty as "—", yes/no, a choice's label, a list line by line."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def field_label(model, name) -> str:
    return str(model._meta.get_field(name).verbose_name)
