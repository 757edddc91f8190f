from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.api import LicenseLinkMixin
from events.filtersets import EventFilterSet
from events.models import Event

from .serializers import EventSerializer


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("network", str, description="Veranstaltendes Netzwerk (Kürzel)."),
            OpenApiParameter("growth_field", str, description="Wachstumsfeld (Kürzel)."),
            OpenApiParameter("month", str, description="Monat, JJJJ-MM (z. B. 2026-03)."),
            OpenApiParameter(
                "when",
                str,
                enum=["upcoming", "past", "all"],
                description="Kommende (Voreinstellung), vergangene oder alle Veranstaltungen.",
            ),
        ],
    ),
)
class EventViewSet(LicenseLinkMixin, ReadOnlyModelViewSet):
    """Public events (never drafts or internal notes), filtered with the calendar page's
    parameters; ``when=past`` gives the archive, ``when=all`` both."""

    serializer_class = EventSerializer
    filterset_class = EventFilterSet

    def get_queryset(self):
        events = Event.objects.public()
        if self.action == "list":
            when = self.request.query_params.get("when", "upcoming")
            if when == "past":
                events = Event.objects.past()
            elif when != "all":
                events = Event.objects.upcoming()
        return (
            events.defer("internal_note")
            .with_public_relations()
            .order_by(
                *(
                    ["-starts_at", "-pk"]
                    if self.request.query_params.get("when") == "past"
                    else ["starts_at", "pk"]
                )
            )
        )
