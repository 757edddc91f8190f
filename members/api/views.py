from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.api import LicenseLinkMixin
from core.api_schema import PortalAutoSchema, existing_values
from growthfields.models import GrowthField
from members.choices import WZ_DIVISIONS
from members.filtersets import OrganisationFilterSet
from members.models import Organisation
from members.selectors import directory_search
from networks.models import Network

from .serializers import OrganisationSerializer


class OrganisationSchema(PortalAutoSchema):
    """``growth_field`` and ``network`` take the slugs there are, listed as the schema's enums
    when it is generated (another value is a 400)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if not self._is_list_view():
            return parameters
        return [
            *parameters,
            OpenApiParameter(
                "growth_field",
                str,
                enum=existing_values(GrowthField.objects.all()),
                description="Wachstumsfeld (Kürzel, z. B. automobil).",
            ),
            OpenApiParameter(
                "network",
                str,
                enum=existing_values(Network.objects.all()),
                description="Netzwerk (Kürzel): seine aktuellen Mitglieder.",
            ),
        ]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "wz",
                str,
                enum=list(WZ_DIVISIONS),
                description="Branche: Abteilung der WZ 2008 (zweistellig, z. B. 26).",
            ),
        ],
    ),
)
class OrganisationViewSet(LicenseLinkMixin, ReadOnlyModelViewSet):
    """Published organisations, filtered with the member directory's parameters.

    Unpublished organisations never appear, not even by id; only the public fields are read
    (``Organisation.objects.public()``).
    """

    schema = OrganisationSchema()
    serializer_class = OrganisationSerializer
    # Any value up to the next "/" reaches the view: an unknown one is a JSON 404 (as the
    # schema says), not the site's HTML 404 page.
    lookup_value_regex = "[^/]+"
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
