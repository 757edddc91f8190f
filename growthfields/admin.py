from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import (
    LabelledInlineMixin,
    PortalHistoryAdmin,
    PortalImportExportMixin,
    SafeAutocompleteMixin,
)
from growthfields.formatting import format_key_figure

from .models import (
    Edition,
    EditionFootnote,
    EditionRow,
    GrowthField,
    GrowthFieldAlias,
    KeyFigure,
    Source,
)
from .resources import GrowthFieldResource, KeyFigureResource, SourceResource


class GrowthFieldAliasInline(LabelledInlineMixin, admin.TabularInline):
    model = GrowthFieldAlias
    extra = 0
    fields = ("name",)


class KeyFigureInline(SafeAutocompleteMixin, LabelledInlineMixin, admin.TabularInline):
    model = KeyFigure
    extra = 0
    fields = (
        "metric",
        "value",
        "approximate",
        "scope_note",
        "reference_date",
        "reference_precision",
        "source",
        "edition",
    )
    autocomplete_fields = ("source",)
    ordering = ("metric", "reference_date")


@admin.register(Source)
class SourceAdmin(PortalImportExportMixin, PortalHistoryAdmin):
    resource_classes = [SourceResource]
    list_display = ("title", "reference_display", "publisher")
    list_filter = ("reference_precision",)
    search_fields = ("title", "publisher", "slug")
    prepopulated_fields = {"slug": ("title",)}

    @admin.display(description=_("Stand"), ordering="reference_date")
    def reference_display(self, obj):
        return obj.reference_display


class EditionFootnoteInline(admin.TabularInline):
    model = EditionFootnote
    extra = 0
    fields = ("number", "text", "source")
    autocomplete_fields = ("source",)


class EditionRowInline(admin.TabularInline):
    model = EditionRow
    extra = 0
    fields = ("position", "label", "is_part", "growth_field", "cells")
    autocomplete_fields = ("growth_field",)


@admin.register(Edition)
class EditionAdmin(PortalHistoryAdmin):
    list_display = ("title", "published_display", "publisher")
    list_filter = ("published_precision",)
    search_fields = ("title", "publisher", "slug")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("source",)
    inlines = (EditionFootnoteInline, EditionRowInline)

    @admin.display(description=_("Erschienen"), ordering="published")
    def published_display(self, obj):
        return obj.published_display


@admin.register(GrowthField)
class GrowthFieldAdmin(PortalImportExportMixin, PortalHistoryAdmin):
    resource_classes = [GrowthFieldResource]
    list_display = ("name", "short_name", "category", "parent", "agency", "sort_order")
    list_filter = ("category", "agency")
    list_select_related = ("parent",)
    search_fields = ("name", "name_en", "short_name", "aliases__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent", "assessment_source")
    inlines = (KeyFigureInline, GrowthFieldAliasInline)
    fieldsets = (
        (None, {"fields": ("name", "name_en", "short_name", "slug", "category", "parent")}),
        (_("Einordnung"), {"fields": ("agency", "wz_codes", "sort_order")}),
        (_("Beschreibung"), {"fields": ("description", "description_en")}),
        (
            _("Stärken und Schwächen"),
            {"fields": ("strengths", "weaknesses", "assessment_source")},
        ),
    )


@admin.register(GrowthFieldAlias)
class GrowthFieldAliasAdmin(PortalHistoryAdmin):
    list_display = ("name", "growth_field", "normalized_name")
    list_select_related = ("growth_field",)
    list_filter = ("growth_field",)
    search_fields = ("name", "normalized_name", "growth_field__name")
    autocomplete_fields = ("growth_field",)


@admin.register(KeyFigure)
class KeyFigureAdmin(PortalImportExportMixin, PortalHistoryAdmin):
    resource_classes = [KeyFigureResource]
    list_display = (
        "growth_field",
        "metric",
        "value_display",
        "scope_note",
        "reference_display",
        "source",
    )
    list_filter = ("metric", "approximate", "growth_field", "source")
    list_select_related = ("growth_field", "source")
    search_fields = ("growth_field__name", "scope_note", "source__title")
    autocomplete_fields = ("growth_field", "source")

    @admin.display(description=_("Wert"), ordering="value")
    def value_display(self, obj):
        return format_key_figure(obj.metric, obj.value, obj.approximate)

    @admin.display(description=_("Stichtag"), ordering="reference_date")
    def reference_display(self, obj):
        return obj.reference_display
