"""Shared pieces of the open data API: every response names the licence the data is published
under (a ``Link: <…>; rel="license"`` header on each response, a ``license`` key in every list
and in the API root).

This module is the DRF setting ``DEFAULT_PAGINATION_CLASS``, which DRF imports while it defines
its generic views: it must not import ``rest_framework.generics``, ``viewsets`` or ``routers``
(nor drf-spectacular's views), or the import goes round in a circle. Views live in the apps'
``api/views.py`` and the API root in ``clusterportal/api_urls.py``.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

LICENSE_SCHEMA = {
    "type": "object",
    "description": "Die Lizenz, unter der die Daten veröffentlicht sind.",
    "properties": {
        "name": {"type": "string", "example": "Datenlizenz Deutschland – Namensnennung – 2.0"},
        "id": {"type": "string", "example": "dl-de/by-2-0"},
        "url": {"type": "string", "format": "uri"},
        "attribution": {"type": "string"},
    },
    "required": ["name", "id", "url", "attribution"],
}


class LicensedPagination(PageNumberPagination):
    """Pages of results, each response naming the licence the data is published under."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        """``page_size`` as asked (at most 500); one that is not a whole number from 1 up is a
        400 naming the parameter, as the schema declares it (DRF would use the default)."""
        values = request.query_params.getlist(self.page_size_query_param)
        if values:
            try:
                size = int(values[-1])
            except ValueError:
                size = 0
            if size < 1:
                raise serializers.ValidationError(
                    {self.page_size_query_param: [_("Eine ganze Zahl ab 1 angeben.")]}
                )
        return super().get_page_size(request)

    def get_paginated_response(self, data):
        return Response(
            {
                "license": settings.PORTAL_DATA_LICENSE,
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"] = {"license": LICENSE_SCHEMA, **paginated["properties"]}
        paginated["required"] = ["license", *paginated["required"]]
        return paginated


def license_link():
    """The value of the ``Link`` header that points to the data licence."""
    return f'<{settings.PORTAL_DATA_LICENSE["url"]}>; rel="license"'


class LicenseLinkMixin:
    """Adds ``Link: <licence>; rel="license"`` to every response of an API view, errors included."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        existing = response.get("Link")
        response["Link"] = f"{existing}, {license_link()}" if existing else license_link()
        return response


@extend_schema_field(OpenApiTypes.URI)
class PublicPageField(serializers.Field):
    """The absolute address of an object's public page (``get_absolute_url``)."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())
