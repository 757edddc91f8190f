"""The events' filters, shared by the public list, the archive and the open data API.

Parameters: ``q`` (search), ``network`` and ``growth_field`` (slugs), ``network_id``,
``month`` (``YYYY-MM``), ``attendance`` (``vor-ort`` or ``online``; not ``format``,
which the API reserves for its renderers), ``district``.
"""

import re
from typing import NamedTuple

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from growthfields.models import GrowthField
from members.choices import District
from members.filtersets import ActiveFiltersMixin, DisplayNameChoiceFilter
from networks.models import Network

from .choices import EventFormat
from .models import Event

MONTH = re.compile(r"(\d{4})-(\d{2})")


class Month(NamedTuple):
    year: int
    month: int

    def __str__(self):
        return f"{self.month:02d}/{self.year}"


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
        return Month(int(match[1]), int(match[2]))


@extend_schema_field(OpenApiTypes.STR)
class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.in_month(*value)


class EventFilterSet(ActiveFiltersMixin, django_filters.FilterSet):
    chip_hidden = ("network_id",)

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
