"""Import and export of organisations (django-import-export).

Rows are matched on the LEG-ID: a file row whose LEG-ID exists updates that organisation.
Organisations entered by hand have no LEG-ID and cannot be matched, so a row without one
is refused with a message instead of creating a duplicate. Numbers are read and written
the German way whatever the active language (see ``core.widgets``).
"""

from import_export.fields import Field

from core.normalizers import (
    normalize_leg_id,
    normalize_postcode,
    normalize_website,
    normalize_wz_code,
)
from core.widgets import GermanModelResource, NaturalKeyManyToManyWidget, NormalizedCharWidget
from growthfields.models import GrowthField

from .models import Organisation, wz_code_validator


def clean_wz_code(value) -> str:
    """Keep a code in its stored form ("26.51.0"), normalise the rest ("C 26.51", 2651)."""
    if isinstance(value, str) and wz_code_validator.regex.match(value.strip()):
        return value.strip()
    return normalize_wz_code(value)


class OrganisationResource(GermanModelResource):
    """Organisations, matched on their LEG-ID; growth fields by their slugs, one per line.

    "ca. 120" employees or "ca. 3,5" million euros set the matching "ca." flag.
    """

    leg_id = Field(attribute="leg_id", widget=NormalizedCharWidget(normalize_leg_id))
    postcode = Field(attribute="postcode", widget=NormalizedCharWidget(normalize_postcode))
    website = Field(attribute="website", widget=NormalizedCharWidget(normalize_website))
    wz_code = Field(attribute="wz_code", widget=NormalizedCharWidget(clean_wz_code))
    growth_fields = Field(
        attribute="growth_fields",
        widget=NaturalKeyManyToManyWidget(GrowthField, field="slug"),
    )

    approximate_flags = {
        "employees": "employees_approximate",
        "revenue_meur": "revenue_approximate",
    }

    class Meta:
        model = Organisation
        fields = ("leg_id", *Organisation.DATA_FIELDS, "growth_fields", "published")
        import_id_fields = ("leg_id",)

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("growth_fields")
