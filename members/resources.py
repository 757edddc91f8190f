"""Export of organisations (django-import-export).

Organisations come from files through the LEG import only (``imports``, one set of rules for
every file); the back office exports them here. Numbers are written the German way whatever
the active language (see ``core.widgets``); growth fields by their slugs, one per line.
"""

from import_export.fields import Field

from core.widgets import GermanModelResource, NaturalKeyManyToManyWidget
from growthfields.models import GrowthField

from .models import Organisation


class OrganisationResource(GermanModelResource):
    """Organisations with their LEG-ID and data fields; growth fields by slug, one per line."""

    growth_fields = Field(
        attribute="growth_fields",
        widget=NaturalKeyManyToManyWidget(GrowthField, field="slug"),
    )

    class Meta:
        model = Organisation
        fields = ("leg_id", *Organisation.DATA_FIELDS, "growth_fields", "published")
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("growth_fields")
