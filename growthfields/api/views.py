from django.db.models import Prefetch
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.api import LicenseLinkMixin
from growthfields.models import Edition, GrowthField, KeyFigure

from .serializers import EditionSerializer, GrowthFieldSerializer


class GrowthFieldViewSet(LicenseLinkMixin, ReadOnlyModelViewSet):
    """Growth fields and their parts, each with its sourced key-figure series (oldest first)."""

    queryset = GrowthField.objects.select_related("parent", "assessment_source").prefetch_related(
        Prefetch("parts", queryset=GrowthField.objects.only("pk", "parent", "slug")),
        Prefetch("key_figures", queryset=KeyFigure.objects.series().select_related("edition")),
    )
    serializer_class = GrowthFieldSerializer
    lookup_field = "slug"
    # Any value up to the next "/" reaches the view: an unknown one is a JSON 404 (as the
    # schema says), not the site's HTML 404 page.
    lookup_value_regex = "[^/]+"
    filter_backends = []


class EditionViewSet(LicenseLinkMixin, ReadOnlyModelViewSet):
    """The editions (published sets of figures) with their printed footnotes."""

    queryset = Edition.objects.select_related("source").prefetch_related("footnotes")
    serializer_class = EditionSerializer
    lookup_field = "slug"
    filter_backends = []
