from rest_framework import serializers

from clusterportal.api import PublicPageField
from growthfields.models import GrowthField, KeyFigure, Source


class SourceSerializer(serializers.ModelSerializer):
    """Where a figure comes from."""

    class Meta:
        model = Source
        fields = ("slug", "title", "publisher", "reference_date", "reference_precision", "url")


class KeyFigureSerializer(serializers.ModelSerializer):
    """One point of a growth field's series; ``value`` null means "keine Angaben", never 0."""

    source = SourceSerializer(read_only=True)

    class Meta:
        model = KeyFigure
        fields = (
            "metric",
            "value",
            "approximate",
            "reference_date",
            "reference_precision",
            "scope_note",
            "note",
            "source",
        )


class GrowthFieldSerializer(serializers.ModelSerializer):
    """A growth field with its key-figure series, each figure naming its source."""

    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:growthfield-detail",
        lookup_field="slug",
    )
    url = PublicPageField()
    parent = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
    )
    parts = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
    )
    strengths = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
    )
    weaknesses = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
    )
    assessment_source = SourceSerializer(
        read_only=True,
        allow_null=True,
        help_text="Quelle der Stärken und Schwächen.",
    )
    wz_codes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
    )
    key_figures = KeyFigureSerializer(
        many=True,
        read_only=True,
    )

    class Meta:
        model = GrowthField
        fields = (
            "slug",
            "api_url",
            "url",
            "name",
            "name_en",
            "short_name",
            "category",
            "agency",
            "parent",
            "parts",
            "description",
            "description_en",
            "strengths",
            "weaknesses",
            "assessment_source",
            "wz_codes",
            "key_figures",
        )
