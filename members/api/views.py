from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.viewsets import ReadOnlyModelViewSet

from clusterportal.api import LicenseLinkMixin
from clusterportal.api_schema import PortalAutoSchema
from growthfields.models import GrowthField
from members.choices import WZ_DIVISIONS
from members.filtersets import OrganisationFilterSet
from members.models import Organisation
from members.selectors import directory_results
from networks.models import Network

from .serializers import COLUMNS, OrganisationSerializer


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
                enum=list(GrowthField.objects.order_by("slug").values_list("slug", flat=True)),
                description="Wachstumsfeld (Kürzel, z. B. automobil).",
            ),
            OpenApiParameter(
                "network",
                str,
                enum=list(Network.objects.order_by("slug").values_list("slug", flat=True)),
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

    Unpublished organisations never appear, not even by id. Phone numbers and e-mail addresses
    are not part of the open data.
    """

    schema = OrganisationSchema()
    serializer_class = OrganisationSerializer
    # Any value up to the next "/" reaches the view: an unknown one is a JSON 404 (as the
    # schema says), not the site's HTML 404 page.
    lookup_value_regex = "[^/]+"
    filterset_class = OrganisationFilterSet

    def get_queryset(self):
        # The directory's rows (published, current memberships with their networks), loading
        # only the columns the API shows: never phone or e-mail, nor the search index. Built per
        # request: "current" memberships are those that have not ended today.
        return (
            Organisation.objects.for_directory()
            .defer(None)
            .only(*COLUMNS)
            .prefetch_related(
                Prefetch("growth_fields", queryset=GrowthField.objects.only("pk", "slug")),
            )
        )

    def filter_queryset(self, queryset):
        """The directory's filters; a search that matched nothing as written falls back to
        similar spellings, as on the directory's pages."""
        backend = DjangoFilterBackend()
        filterset = backend.get_filterset(self.request, queryset, self)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        rows, _similar = directory_results(filterset)
        return rows
