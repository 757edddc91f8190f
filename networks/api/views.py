from django.db.models import Prefetch
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.api import LicenseLinkMixin
from networks.models import DeclaredMemberCount, Network, NetworkGrowthField

from .serializers import NetworkSerializer


class NetworkViewSet(LicenseLinkMixin, ReadOnlyModelViewSet):
    """Networks and alliances with their growth fields and their members counted in the portal."""

    serializer_class = NetworkSerializer
    lookup_field = "slug"
    # Any value up to the next "/" reaches the view: an unknown one is a JSON 404 (as the
    # schema says), not the site's HTML 404 page.
    lookup_value_regex = "[^/]+"
    filter_backends = []

    def get_queryset(self):
        # Built per request: "current" memberships are those that have not ended today.
        return (
            Network.objects.with_member_counts()
            .select_related("profile_source")
            .prefetch_related(
                Prefetch(
                    "growth_field_links",
                    queryset=NetworkGrowthField.objects.select_related("growth_field"),
                ),
                Prefetch("member_networks", queryset=Network.objects.only("pk", "slug")),
                Prefetch("alliances", queryset=Network.objects.only("pk", "slug")),
                Prefetch(
                    "declared_counts",
                    queryset=DeclaredMemberCount.objects.select_related("source").order_by(
                        "reference_date"
                    ),
                ),
            )
        )
