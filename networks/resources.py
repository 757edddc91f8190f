"""Import and export of networks, memberships and declared member counts.

Rows are matched on natural keys, never on database ids: networks on their slug,
memberships on the organisation's LEG-ID and the network's slug, declared member counts
on network, reference date and source. The growth fields of a network (with their primary
field) and the networks of an alliance are edited in the back office, not imported.
"""

from import_export.fields import Field

from growthfields.models import Source
from imports.normalizers import normalize_leg_id, normalize_website
from imports.widgets import GermanModelResource, NaturalKeyForeignKeyWidget, NormalizedCharWidget
from members.models import Organisation

from .models import DeclaredMemberCount, Membership, Network


class NetworkResource(GermanModelResource):
    """Networks, matched on their slug; the profile's source by its slug."""

    website = Field(attribute="website", widget=NormalizedCharWidget(normalize_website))
    profile_source = Field(
        attribute="profile_source",
        widget=NaturalKeyForeignKeyWidget(Source, "slug"),
    )

    class Meta:
        model = Network
        fields = (
            "slug",
            "name",
            "short_name",
            "kind",
            "legal_form",
            "website",
            "founded_on",
            "description",
            "topics",
            "activities",
            "labels",
            "profile_source",
        )
        import_id_fields = ("slug",)


class MembershipResource(GermanModelResource):
    """Memberships, matched on the organisation's LEG-ID and the network's slug.

    Organisations without a LEG-ID (entered by hand) cannot be named in a file.
    """

    organisation = Field(
        attribute="organisation",
        widget=NaturalKeyForeignKeyWidget(Organisation, "leg_id", normalizer=normalize_leg_id),
    )
    network = Field(attribute="network", widget=NaturalKeyForeignKeyWidget(Network, "slug"))

    class Meta:
        model = Membership
        fields = ("organisation", "network", "role", "since", "until")
        import_id_fields = ("organisation", "network")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organisation", "network")


class DeclaredMemberCountResource(GermanModelResource):
    """Declared member counts, matched on network (slug), reference date and source (slug)."""

    network = Field(attribute="network", widget=NaturalKeyForeignKeyWidget(Network, "slug"))
    source = Field(attribute="source", widget=NaturalKeyForeignKeyWidget(Source, "slug"))

    class Meta:
        model = DeclaredMemberCount
        fields = (
            "network",
            "reference_date",
            "source",
            "total",
            "companies",
            "research",
            "reference_precision",
            "note",
        )
        import_id_fields = ("network", "reference_date", "source")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("network", "source")
