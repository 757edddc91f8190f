from rest_framework import serializers

from core.api import PublicPageField
from events.models import Event


class EventSerializer(serializers.ModelSerializer):
    """A public event: dates in Europe/Berlin, place, organising networks and growth fields
    (slugs), and its calendar file."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:event-detail")
    url = PublicPageField()
    ics_url = serializers.SerializerMethodField(help_text="Die Veranstaltung als .ics-Datei.")
    all_day = serializers.BooleanField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    description = serializers.CharField(
        source="description_text", read_only=True, help_text="Als reiner Text."
    )
    formats = serializers.ListField(child=serializers.CharField(), read_only=True)
    organisers = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    growth_fields = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    sequence = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = (
            "id",
            "uid",
            "api_url",
            "url",
            "ics_url",
            "title",
            "summary",
            "description",
            "status",
            "original_start_date",
            "all_day",
            "start_date",
            "start_time",
            "end_date",
            "end_time",
            "starts_at",
            "ends_at",
            "venue",
            "street",
            "postcode",
            "town",
            "district",
            "online_url",
            "formats",
            "organisers",
            "growth_fields",
            "language",
            "registration_url",
            "registration_deadline",
            "fee_note",
            "sequence",
            "updated_at",
        )

    def get_ics_url(self, event) -> str:
        return self.context["request"].build_absolute_uri(event.get_ics_url())
