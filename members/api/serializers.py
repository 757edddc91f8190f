from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import PublicPageField
from members.models import Organisation

# The public fields (``Organisation.PUBLIC_FIELDS``) but the time the row last changed in the
# portal: a record's date is ``record_date``.
DATA_FIELDS = tuple(name for name in Organisation.PUBLIC_FIELDS if name not in ("id", "updated_at"))


class OrganisationSerializer(serializers.ModelSerializer):
    """A public organisation of the member directory (``Organisation.objects.public()``)."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail")
    url = PublicPageField()
    growth_fields = serializers.SerializerMethodField(
        help_text="Die Wachstumsfelder der Organisation (Kürzel).",
    )
    networks = serializers.SerializerMethodField(
        help_text="Die Netzwerke, in denen die Organisation derzeit Mitglied oder Partner ist.",
    )
    keywords = serializers.ListField(
        source="keyword_list",
        child=serializers.CharField(),
        read_only=True,
    )

    class Meta:
        model = Organisation
        fields = ("id", "api_url", "url", *DATA_FIELDS, "growth_fields", "networks")

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_growth_fields(self, organisation):
        return [growth_field.slug for growth_field in organisation.growth_field_list]

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_networks(self, organisation):
        return [membership.network.slug for membership in organisation.current_memberships]
