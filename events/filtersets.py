"""The events' filters, shared by the public list, the archive and the open data API.

Parameters: ``q`` (search), ``network`` and ``growth_field`` (slugs), ``network_id``,
``month`` (``YYYY-MM``), ``attendance`` (``vor-ort`` or ``online``; not ``format``,
which the API reserves for its renderers), ``district``.
"""

import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from growthfields.models import GrowthField
from members.choices import District
from members.filtersets import DisplayNameChoiceFilter, url_without
from networks.models import Network

from .choices import EventFormat
from .models import Event

MONTH = re.compile(r"(\d{4})-(\d{2})")


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (what ``<input type="month">`` sends)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "JJJJ-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH.fullmatch(value.strip())
        if not match or not 1 <= int(match[2]) <= 12 or not 1900 <= int(match[1]) <= 2999:
            raise forms.ValidationError(
                _("Bitte einen Monat in der Form JJJJ-MM angeben, z. B. 2026-03."),
                code="invalid_month",
            )
        return int(match[1]), int(match[2])


@extend_schema_field(OpenApiTypes.STR)
class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.in_month(*value)


class EventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Suche"),
        method="filter_search",
        help_text=_("Titel, Ort oder Stichwort"),
    )
    network = DisplayNameChoiceFilter(
        label=_("Netzwerk"),
        field_name="organisers",
        to_field_name="slug",
        queryset=Network.objects.only("pk", "name", "short_name", "slug").order_by("name"),
        empty_label=_("alle Netzwerke"),
    )
    network_id = django_filters.ModelChoiceFilter(
        label=_("Netzwerk (Nummer)"),
        field_name="organisers",
        queryset=Network.objects.only("pk"),
        widget=forms.HiddenInput,
    )
    growth_field = DisplayNameChoiceFilter(
        label=_("Wachstumsfeld"),
        field_name="growth_fields",
        to_field_name="slug",
        queryset=GrowthField.objects.only("pk", "name", "name_en", "slug").order_by(
            "sort_order", "name"
        ),
        empty_label=_("alle Wachstumsfelder"),
    )
    month = MonthFilter(
        label=_("Monat"),
    )
    attendance = django_filters.ChoiceFilter(
        label=_("Teilnahme"),
        choices=EventFormat.choices,
        method="filter_format",
        empty_label=_("vor Ort und online"),
    )
    district = django_filters.ChoiceFilter(
        label=_("Landkreis"),
        choices=District.choices,
        empty_label=_("alle Landkreise"),
    )

    class Meta:
        model = Event
        fields = ["q", "network", "network_id", "growth_field", "month", "attendance", "district"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_format(self, queryset, name, value):
        return queryset.of_format(value)

    def active_filters(self):
        """The filters in use with their labels and the address without each, for the chips
        above the results (as in the member directory)."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return []
        active = []
        for name, field in self.form.fields.items():
            value = self.form.cleaned_data.get(name)
            if value in (None, "", []) or name == "network_id":
                continue
            if isinstance(field, forms.ModelChoiceField):
                display = field.label_from_instance(value)
            elif isinstance(field, forms.ChoiceField):
                display = dict(field.choices).get(value, value)
            elif name == "month":
                display = f"{value[1]:02d}/{value[0]}"
            else:
                display = value
            chip = {"name": name, "label": field.label, "value": display}
            if self.request is not None:
                chip["remove_url"] = url_without(self.request, name, "page")
            active.append(chip)
        return active
