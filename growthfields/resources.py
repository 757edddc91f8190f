"""Import and export of growth fields, sources and key figures (django-import-export).

Rows are matched on natural keys, never on database ids: sources and growth fields on
their slug, key figures on growth field, metric, reference date and source. Numbers are
read and written the German way whatever the active language (see ``core.widgets``).
"""

from import_export.fields import Field

from core.normalizers import normalize_website
from core.widgets import GermanModelResource, NaturalKeyForeignKeyWidget, NormalizedCharWidget

from .models import GrowthField, KeyFigure, Source


class SourceResource(GermanModelResource):
    """Sources, matched on their slug."""

    url = Field(attribute="url", widget=NormalizedCharWidget(normalize_website))

    class Meta:
        model = Source
        fields = (
            "slug",
            "title",
            "publisher",
            "reference_date",
            "reference_precision",
            "url",
            "note",
        )
        import_id_fields = ("slug",)


class GrowthFieldResource(GermanModelResource):
    """Growth fields, matched on their slug; the parent and the source by their slugs.

    A part's parent must exist or come earlier in the file.
    """

    parent = Field(attribute="parent", widget=NaturalKeyForeignKeyWidget(GrowthField, "slug"))
    assessment_source = Field(
        attribute="assessment_source",
        widget=NaturalKeyForeignKeyWidget(Source, "slug"),
    )

    class Meta:
        model = GrowthField
        fields = (
            "slug",
            "name",
            "name_en",
            "short_name",
            "category",
            "parent",
            "sort_order",
            "agency",
            "wz_codes",
            "description",
            "description_en",
            "strengths",
            "weaknesses",
            "assessment_source",
        )
        import_id_fields = ("slug",)


class KeyFigureResource(GermanModelResource):
    """Key figures, matched on growth field (slug), metric, reference date and source (slug).

    "7,7" is 7.7 and "k. A." no data under every language; "ca. 500" sets ``approximate``.
    """

    growth_field = Field(
        attribute="growth_field",
        widget=NaturalKeyForeignKeyWidget(GrowthField, "slug"),
    )
    source = Field(attribute="source", widget=NaturalKeyForeignKeyWidget(Source, "slug"))

    approximate_flags = {"value": "approximate"}

    class Meta:
        model = KeyFigure
        fields = (
            "growth_field",
            "metric",
            "reference_date",
            "source",
            "value",
            "approximate",
            "scope_note",
            "reference_precision",
            "note",
        )
        import_id_fields = ("growth_field", "metric", "reference_date", "source")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("growth_field", "source")
