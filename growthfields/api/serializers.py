from rest_framework import serializers

from core.api import PublicPageField
from growthfields.models import Edition, GrowthField, KeyFigure, Source


class SourceSerializer(serializers.ModelSerializer):
    """Where a figure comes from; ``reference_date`` as precise as known ("2012-09", "2011",
    null for "ohne Datum")."""

    reference_date = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = ("slug", "title", "publisher", "reference_date", "reference_precision", "url")

    def get_reference_date(self, obj) -> str | None:
        return obj.reference_iso or None


class EditionSerializer(serializers.ModelSerializer):
    """A published set of figures; ``published`` as precise as the document ("2012-09",
    "2019", null for "ohne Datum")."""

    published = serializers.SerializerMethodField()
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    footnotes = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = (
            "slug",
            "title",
            "publisher",
            "published",
            "published_precision",
            "source",
            "table_title",
            "note",
            "footnotes",
        )

    def get_published(self, obj) -> str | None:
        return obj.published_iso or None

    def get_footnotes(self, obj) -> list:
        return [{"number": note.number, "text": note.text} for note in obj.footnotes.all()]


class KeyFigureSerializer(serializers.ModelSerializer):
    """One point of a growth field's series; ``value`` null means "keine Angaben", never 0."""

    source = SourceSerializer(read_only=True)
    reference_date = serializers.SerializerMethodField()
    edition = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

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
            "edition",
        )

    def get_reference_date(self, obj) -> str:
        return obj.reference_iso


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
