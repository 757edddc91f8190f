from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import PublicPageField
from members.models import Organisation

# The columns the serializer reads; the view loads no others (never phone or e-mail).
COLUMNS = (
    "id",
    "leg_id",
    "name",
    "legal_form",
    "kind",
    "street",
    "postcode",
    "town",
    "district",
    "website",
    "founding_year",
    "employees",
    "employees_approximate",
    "revenue_meur",
    "revenue_approximate",
    "export_quota",
    "wz_code",
    "keywords",
    "record_date",
)


class OrganisationSerializer(serializers.ModelSerializer):
    """A published organisation of the member directory, without phone or e-mail."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail")
    url = PublicPageField()
    growth_fields = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
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
        fields = (
            "id",
            "api_url",
            "url",
            "leg_id",
            "name",
            "legal_form",
            "kind",
            "street",
            "postcode",
            "town",
            "district",
            "website",
            "founding_year",
            "employees",
            "employees_approximate",
            "revenue_meur",
            "revenue_approximate",
            "export_quota",
            "wz_code",
            "growth_fields",
            "networks",
            "keywords",
            "record_date",
        )

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_networks(self, organisation):
        return [membership.network.slug for membership in organisation.current_memberships]
