"""The member directory's filters: shared by the public directory, its export, a network's
member list and the open data API, so that the same parameters give the same rows everywhere.

Parameters: ``q`` (search), ``growth_field`` and ``network`` (slugs), ``kind``, ``district``,
``wz`` (two-digit WZ 2008 division), ``size`` (employee size class), ``leg_id``, ``sort``.
"""

import django_filters
from django import forms
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.collation import german_order
from growthfields.models import GrowthField
from networks.models import Network

from .choices import District, OrganisationKind, SizeClass, wz_division_choices
from .models import Organisation
from .search import clean_query


def url_without(request, *names):
    """This page's address with its query but without the given parameters."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


class DisplayNameChoiceField(forms.ModelChoiceField):
    """Options labelled in the page's language (growth fields have English names)."""

    def label_from_instance(self, obj):
        return getattr(obj, "display_name", None) or str(obj)


class DisplayNameChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = DisplayNameChoiceField


class DirectoryOrderingFilter(django_filters.OrderingFilter):
    """``sort=name`` or ``sort=-employees``; organisations without a value come last either way,
    and the primary key breaks ties so that pages never overlap. Names and towns in German
    order."""

    GERMAN_ORDER = ("name", "town")

    def build_choices(self, fields, labels):
        """Labels that follow the page's language: django-filter formats "(descending)" once,
        when the module is loaded."""
        choices = []
        for param, field_name in fields.items():
            label = labels.get(field_name, field_name)
            choices.append((param, label))
            choices.append((f"-{param}", format_lazy("{} ({})", label, _("absteigend"))))
        return choices

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = self.param_map[param.lstrip("-")]
        column = german_order(field) if field in self.GERMAN_ORDER else F(field)
        return column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)

    def filter(self, qs, value):
        value = [param for param in value or () if param]  # "sort=kind," has an empty part
        if not value:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], "pk")


class SearchWordsField(forms.CharField):
    """The search words as ``members.search.clean_query`` keeps them ("" for punctuation)."""

    def to_python(self, value):
        return clean_query(super().to_python(value))


class SearchFilter(django_filters.CharFilter):
    field_class = SearchWordsField


class ActiveFiltersMixin:
    """For a FilterSet: the filters in use as removable chips. ``chip_hidden`` names the
    parameters that get no chip."""

    chip_hidden = ("sort",)

    def active_filters(self):
        """The filters in use, each with its label, the chosen value's label, the name of its
        parameter and, given the request, the address of the page without it (back to page 1),
        for the removable chips above the results."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return []
        active = []
        for name, field in self.form.fields.items():
            if name in self.chip_hidden:
                continue
            value = self.form.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            if isinstance(field, forms.ModelChoiceField):
                display = field.label_from_instance(value)
            elif isinstance(field, forms.ChoiceField):
                display = dict(field.choices).get(value, value)
            else:
                display = value
            chip = {"name": name, "label": field.label, "value": display}
            if self.request is not None:
                chip["remove_url"] = url_without(self.request, name, "page")
            active.append(chip)
        return active


class DirectoryFilterForm(forms.Form):
    """The filters' form: its choices depend on the data only, so the rendered options are
    kept per language and data version (``core.templatetags.portal.form_control``)."""

    cache_select_options = True


class OrganisationFilterSet(ActiveFiltersMixin, django_filters.FilterSet):
    q = SearchFilter(
        label=_("Suche"),
        method="filter_search",
        help_text=_("Name, Ort oder Stichwort"),
    )
    growth_field = DisplayNameChoiceFilter(
        label=_("Wachstumsfeld"),
        field_name="growth_fields",
        to_field_name="slug",
        queryset=GrowthField.objects.order_by("sort_order", "name"),
        empty_label=_("alle Wachstumsfelder"),
    )
    network = DisplayNameChoiceFilter(
        label=_("Netzwerk"),
        method="filter_network",
        to_field_name="slug",
        # In the order of their labels (the short name where there is one).
        queryset=Network.objects.order_by(
            german_order(Coalesce(NullIf("short_name", Value("")), "name"))
        ),
        empty_label=_("alle Netzwerke"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Art"),
        choices=OrganisationKind.choices,
        empty_label=_("alle Arten"),
    )
    district = django_filters.ChoiceFilter(
        label=_("Landkreis"),
        choices=District.choices,
        empty_label=_("alle Landkreise"),
    )
    wz = django_filters.ChoiceFilter(
        label=_("Branche (WZ 2008)"),
        choices=wz_division_choices,
        method="filter_wz_division",
        empty_label=_("alle Branchen"),
    )
    size = django_filters.ChoiceFilter(
        label=_("Größe"),
        choices=SizeClass.choices,
        method="filter_size",
        empty_label=_("alle Größen"),
    )
    leg_id = django_filters.CharFilter(
        label=_("LEG-ID"),
        method="filter_leg_id",
    )
    sort = DirectoryOrderingFilter(
        label=_("Sortierung"),
        fields=(
            ("name", "name"),
            ("town", "town"),
            ("district", "district"),
            ("kind", "kind"),
            ("employees", "employees"),
            ("record_date", "record_date"),
        ),
        field_labels={
            "name": _("Name"),
            "town": _("Ort"),
            "district": _("Landkreis"),
            "kind": _("Art"),
            "employees": _("Beschäftigte"),
            "record_date": _("Stand"),
        },
        empty_label=_("Relevanz bzw. Name"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "growth_field", "network", "kind", "district", "wz", "size", "leg_id"]
        form = DirectoryFilterForm

    # "words": the search words as written; "similar": spelled similarly (see similar_spelling).
    search_mode = "words"

    def filter_search(self, queryset, name, value):
        if self.search_mode == "similar":
            return queryset.search_similar(value)
        return queryset.search(value)

    def filter_network(self, queryset, name, value: Network):
        return queryset.in_network(value)

    def filter_wz_division(self, queryset, name, value: str):
        return queryset.in_wz_division(value)

    def filter_size(self, queryset, name, value):
        if value == SizeClass.UNKNOWN:
            return queryset.filter(employees__isnull=True)
        return queryset.with_employees_between(*SizeClass.bounds(value))

    def filter_leg_id(self, queryset, name, value):
        return queryset.filter(leg_id=value.strip().upper())

    def filter_queryset(self, queryset):
        """Filter, then order: the chosen sort, else best matches first for a search, else name."""
        queryset = super().filter_queryset(queryset)
        data = getattr(self.form, "cleaned_data", {})
        if data.get("sort"):
            return queryset
        query = data.get("q")
        if query:
            return queryset.order_by_relevance(query)
        return queryset.order_by(german_order("name"), "pk")

    @property
    def searching(self):
        return bool(getattr(self.form, "cleaned_data", {}).get("q"))

    def similar_spelling(self):
        """The same filters with the search words matched by similar spelling."""
        other = type(self)(self.data, queryset=self.queryset, request=self.request)
        other.search_mode = "similar"
        return other
