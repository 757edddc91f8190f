"""Building blocks for django-import-export that never depend on the active language.

django-import-export's own number widgets follow the active language: a German export
writes "1234,56", which an English import refuses; "1.234" (German for 1234) is read as
1.234 under every language; and with ``USE_THOUSAND_SEPARATOR`` English reads "12,5" as
125. Its ``BooleanWidget`` reads "ja" as False. The widgets here parse with
``core.normalizers`` (the parsers of the LEG import) and render numbers with a decimal
comma and without thousands separators ("1234,56"), so an export re-imports to exactly the
same values under German and English alike. XLSX exports keep numbers, dates and booleans
as native cells.

Every ``clean()`` raises ``ValueError`` with a German message; django-import-export shows
it as the error of the column in the import preview.

``GermanModelResource`` is the base of the resources in ``<app>/resources.py``: it gives
every number, date, boolean and list field of a model these widgets.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from import_export import resources, widgets

from core.fields import StringListField
from core.formatting import german_decimal

from .normalizers import (
    is_no_data,
    parse_german_date,
    parse_german_decimal,
    parse_german_int,
    parse_yes_no,
)


def _native(widget, kwargs) -> bool:
    """True when the value goes into a typed cell (XLSX) instead of text (CSV)."""
    return bool(kwargs.get("force_native_type")) or not widget.coerce_to_string


def _quote(value) -> str:
    text = "" if value is None else str(value)
    return f"„{' '.join(text.split())}“"


def _parsed(parser, value):
    """``parser(value)``, its ``ValueError`` naming the cell's value."""
    try:
        return parser(value)
    except ValueError as error:
        raise ValueError(f"{_quote(value)}: {error}") from None


def _rendered(widget, value, kwargs, as_text):
    """Empty stays empty, a typed (XLSX) cell keeps the value, text gets ``as_text``."""
    if value is None or value == "":
        return None if _native(widget, kwargs) else ""
    if _native(widget, kwargs):
        return value
    return as_text(value)


class GermanDecimalWidget(widgets.NumberWidget):
    """Decimals written the German way: "1.234,56", "12,5", "1.234" (= 1234), "45,6 %".

    "ca. 120" is read as 120; ``is_approximate()`` tells the resource to set the matching
    "ca." flag. "k. A.", "-" and empty cells mean no data and become ``None``, never 0.
    """

    parser = staticmethod(parse_german_decimal)
    as_text = staticmethod(german_decimal)

    def clean(self, value, row=None, **kwargs):
        return self.parse(value)[0]

    def parse(self, value) -> tuple[Decimal | int | None, bool]:
        """``(number, approximate)`` of a cell, or ``ValueError`` with a German message."""
        return _parsed(self.parser, value)

    def is_approximate(self, value) -> bool:
        """True for "ca. 120", "circa 5" or "~ 3,5"; False for anything else, errors too."""
        try:
            return self.parse(value)[1]
        except ValueError:
            return False

    def render(self, value, obj=None, **kwargs):
        return _rendered(self, value, kwargs, self.as_text)


class GermanIntegerWidget(GermanDecimalWidget):
    """Whole numbers written the German way: "1.250" is 1250, "ca. 120" is 120."""

    parser = staticmethod(parse_german_int)
    as_text = staticmethod(lambda value: str(int(value)))


class GermanDateWidget(widgets.Widget):
    """Dates as "27.02.2012" or "2012-02-27", or XLSX date cells; exported as "2012-02-27"."""

    def clean(self, value, row=None, **kwargs):
        return _parsed(parse_german_date, value)

    def render(self, value, obj=None, **kwargs):
        return _rendered(self, value, kwargs, lambda date: date.isoformat())


class GermanBooleanWidget(widgets.Widget):
    """Yes/no cells in the one vocabulary of ``normalizers.parse_yes_no``: "1"/"0",
    "ja"/"nein", "x", "wahr"/"falsch", "true"/"false".

    django-import-export's ``BooleanWidget`` reads every unknown value ("ja", "Y") as
    False; this one refuses it. An empty cell is ``None``: the model field's default.
    """

    def clean(self, value, row=None, **kwargs):
        try:
            return parse_yes_no(value)
        except ValueError:
            raise ValueError(f"{_quote(value)}: kein Ja/Nein-Wert (1 oder 0 erwartet)") from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None if _native(self, kwargs) else ""
        if _native(self, kwargs):
            return bool(value)
        return "1" if value else "0"


class StringListWidget(widgets.Widget):
    """A ``StringListField`` (strengths, topics, WZ codes) as one cell, one entry per line.

    Entries may contain commas and semicolons ("Optik, Photonik; Laser"), so only a line
    break separates them, as in the admin's text areas. Empty lines are dropped.
    """

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return []
        if isinstance(value, list | tuple):
            entries = value
        elif isinstance(value, str):
            entries = value.splitlines()
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            # A single XLSX number such as the WZ code 29.
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            entries = [value]
        else:
            raise ValueError(f"{_quote(value)}: kein Text (ein Eintrag pro Zeile erwartet)")
        return [str(entry).strip() for entry in entries if str(entry).strip()]

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return "\n".join(str(entry) for entry in value)


class NormalizedCharWidget(widgets.CharWidget):
    """Text brought to one form by a normalizer: LEG-ID, postcode, WZ code, website."""

    def __init__(self, normalizer, **kwargs):
        self.normalizer = normalizer
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        return _parsed(self.normalizer, value)


class NaturalKeyForeignKeyWidget(widgets.ForeignKeyWidget):
    """A ``ForeignKeyWidget`` on a unique natural key (slug, LEG-ID) that reports an unknown
    key as a German error of its column instead of a ``DoesNotExist`` traceback.

    ``normalizer`` brings the key to its stored form first (" th-004711" -> "TH-004711").
    """

    def __init__(self, model, field="slug", *, normalizer=None, **kwargs):
        self.normalizer = normalizer
        super().__init__(model, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        if is_no_data(value):
            return None
        if self.normalizer is not None:
            value = _parsed(self.normalizer, value)
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(_not_found(self.model, self.field, [value])) from None


class NaturalKeyManyToManyWidget(widgets.ManyToManyWidget):
    """A ``ManyToManyWidget`` on a unique natural key, exported one key per line.

    Reads keys separated by line breaks, commas or semicolons (slugs contain none of them).
    django-import-export's widget silently drops unknown keys; this one refuses them.
    """

    SEPARATORS = re.compile(r"[\n\r,;]")

    def __init__(self, model, field="slug", **kwargs):
        super().__init__(model, separator="\n", field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return self.model.objects.none()
        keys = [key.strip() for key in self.SEPARATORS.split(str(value)) if key.strip()]
        if not keys:
            return self.model.objects.none()
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        known = {str(getattr(obj, self.field)) for obj in found}
        missing = [key for key in dict.fromkeys(keys) if key not in known]
        if missing:
            raise ValueError(_not_found(self.model, self.field, missing))
        return found


def _not_found(model, field, keys) -> str:
    label = model._meta.get_field(field).verbose_name
    shown = ", ".join(_quote(key) for key in keys)
    return f"{shown}: nicht gefunden ({model._meta.verbose_name}, {label})"


class GermanModelResource(resources.ModelResource):
    """A ``ModelResource`` whose numbers, dates, booleans and lists never depend on the
    active language, and whose errors are German and attributed to their column.

    ``approximate_flags`` maps a number field to its "ca." flag: "ca. 120" in the number's
    cell sets the flag (an explicit flag column of 1 sets it too; neither clears it).
    """

    approximate_flags: dict[str, str] = {}

    class Meta:
        # Inherited by every resource: unchanged rows write nothing and are reported as
        # skipped; model validation (constraints, validators) runs before saving.
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "DecimalField": GermanDecimalWidget,
        "IntegerField": GermanIntegerWidget,
        "PositiveIntegerField": GermanIntegerWidget,
        "PositiveSmallIntegerField": GermanIntegerWidget,
        "SmallIntegerField": GermanIntegerWidget,
        "BigIntegerField": GermanIntegerWidget,
        "PositiveBigIntegerField": GermanIntegerWidget,
        "DateField": GermanDateWidget,
        "BooleanField": GermanBooleanWidget,
        # An empty XLSX cell is None; a text column stores "" instead.
        "TextField": widgets.CharWidget,
    }

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, StringListField):
            return StringListWidget
        return super().widget_from_django_field(f, default=default)

    def get_instance(self, instance_loader, row):
        """The existing object for the row's import key, or None for a new one.

        A key cell the widget refuses ("TH-12", an unknown slug) makes the row new here;
        ``import_instance()`` then reports the same error as a validation error of that
        column, so the row is refused with a message instead of a traceback.
        """
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def import_instance(self, instance, row, **kwargs):
        """Set the fields from the row, check the many-to-many keys, set the "ca." flags."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if not isinstance(field.widget, widgets.ManyToManyWidget):
                continue
            if field.column_name not in row or field.readonly:
                continue
            try:
                field.clean(row)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error), code="invalid")
        for name, flag in self.approximate_flags.items():
            field = self.fields[name]
            if field.column_name in row and field.widget.is_approximate(row[field.column_name]):
                setattr(instance, flag, True)
        if errors:
            raise ValidationError(errors)
