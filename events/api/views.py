from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.api import LicenseLinkMixin
from core.api_schema import PortalAutoSchema, existing_values
from events.filtersets import EventFilterSet
from events.models import Event
from growthfields.models import GrowthField
from networks.models import Network

from .serializers import EventSerializer

WHEN = ("upcoming", "past", "all")


def network_ids() -> list[str] | None:
    ids = existing_values(Network.objects.all(), "pk")
    return None if ids is None else [str(pk) for pk in ids]


class EventSchema(PortalAutoSchema):
    """``network``, ``growth_field`` and ``network_id`` take the values there are, listed as
    the schema's enums when it is generated (another value is a 400)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if not self._is_list_view():
            return parameters
        return [
            *parameters,
            OpenApiParameter(
                "network",
                str,
                enum=existing_values(Network.objects.all()),
                description="Veranstaltendes Netzwerk (Kürzel).",
            ),
            OpenApiParameter(
                "network_id",
                str,  # a text enum, so that the empty value ("no filter") fits it
                enum=network_ids(),
                description="Veranstaltendes Netzwerk (Nummer).",
            ),
            OpenApiParameter(
                "growth_field",
                str,
                enum=existing_values(GrowthField.objects.all()),
                description="Wachstumsfeld (Kürzel).",
            ),
        ]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "month",
                str,
                description="Monat, JJJJ-MM (z. B. 2026-03), Jahr 1900 bis 2999.",
                pattern=r"^((19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2]))?$",
            ),
            OpenApiParameter(
                "when",
                str,
                enum=list(WHEN),
                description="Kommende (Voreinstellung), vergangene oder alle Veranstaltungen.",
            ),
        ],
    ),
)
class EventViewSet(LicenseLinkMixin, ReadOnlyModelViewSet):
    """Public events (never drafts or internal notes), filtered with the calendar page's
    parameters; ``when=past`` gives the archive, ``when=all`` both."""

    schema = EventSchema()
    serializer_class = EventSerializer
    # Any value up to the next "/" reaches the view: an unknown one is a JSON 404 (as the
    # schema says), not the site's HTML 404 page.
    lookup_value_regex = "[^/]+"
    filterset_class = EventFilterSet

    def get_queryset(self):
        events = Event.objects.public()
        if self.action == "list":
            when = self.request.query_params.get("when") or "upcoming"
            if when not in WHEN:
                raise ValidationError(
                    {"when": [_('Bitte "upcoming", "past" oder "all" wählen.')]}
                )
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
