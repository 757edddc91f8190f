from rest_framework import serializers

from core.api import PublicPageField
from growthfields.api.serializers import SourceSerializer
from networks.models import DeclaredMemberCount, Network, NetworkGrowthField


class NetworkGrowthFieldSerializer(serializers.ModelSerializer):
    """A growth field a network works in; ``primary`` marks its main field."""

    slug = serializers.SlugField(
        source="growth_field.slug",
        read_only=True,
    )
    primary = serializers.BooleanField(
        source="is_primary",
        read_only=True,
    )

    class Meta:
        model = NetworkGrowthField
        fields = ("slug", "primary")


class DeclaredMemberCountSerializer(serializers.ModelSerializer):
    """The number of members a network declares at a date, as its source reports it."""

    source = SourceSerializer(read_only=True)

    class Meta:
        model = DeclaredMemberCount
        fields = (
            "total",
            "companies",
            "research",
            "reference_date",
            "reference_precision",
            "note",
            "source",
        )


class NetworkSerializer(serializers.ModelSerializer):
    """A network or alliance: profile, growth fields, members counted and declared."""

    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:network-detail",
        lookup_field="slug",
    )
    url = PublicPageField()
    topics = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
    )
    activities = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
    )
    labels = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
    )
    profile_source = SourceSerializer(
        read_only=True,
        allow_null=True,
        help_text="Quelle des Profils.",
    )
    growth_fields = NetworkGrowthFieldSerializer(
        source="growth_field_links",
        many=True,
        read_only=True,
    )
    member_networks = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
        help_text="Die Netzwerke einer Allianz.",
    )
    alliances = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
        help_text="Die Allianzen, zu denen das Netzwerk gehört.",
    )
    member_count = serializers.IntegerField(
        read_only=True,
        help_text="Aktuelle, veröffentlichte Mitglieder im Portal.",
    )
    declared_member_counts = DeclaredMemberCountSerializer(
        source="declared_counts",
        many=True,
        read_only=True,
        help_text="Mitgliederzahlen, wie das Netzwerk sie angibt, mit Quelle.",
    )

    class Meta:
        model = Network
        fields = (
            "slug",
            "api_url",
            "url",
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
            "growth_fields",
            "member_networks",
            "alliances",
            "member_count",
            "declared_member_counts",
        )
