from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.api import LicenseLinkMixin
from members.choices import WZ_DIVISIONS
from members.filtersets import OrganisationFilterSet
from members.models import Organisation
from members.selectors import directory_search

from .serializers import OrganisationSerializer


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "wz",
                str,
                enum=list(WZ_DIVISIONS),
                description="Branche: Abteilung der WZ 2008 (zweistellig, z. B. 26).",
            ),
            OpenApiParameter(
                "growth_field",
                str,
                description="Wachstumsfeld (Kürzel, z. B. automobil).",
            ),
            OpenApiParameter(
                "network",
                str,
                description="Netzwerk (Kürzel): seine aktuellen Mitglieder.",
            ),
        ],
    ),
)
class OrganisationViewSet(LicenseLinkMixin, ReadOnlyModelViewSet):
    """Published organisations, filtered with the member directory's parameters.

    Unpublished organisations never appear, not even by id; only the public fields are read
    (``Organisation.objects.public()``).
    """

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet

    def get_queryset(self):
        return Organisation.objects.for_public_records()

    def filter_queryset(self, queryset):
        """The directory's filters (``directory_search``), as on the directory's pages; an
        invalid parameter is a 400 here instead of being ignored."""
        search = directory_search(
            self.request.query_params, queryset=queryset, request=self.request
        )
        if not search.filterset.is_valid():
            raise translate_validation(search.filterset.errors)
        return search.rows
