"""Shared pieces of the open data API: pagination that names the data licence."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class LicensedPagination(PageNumberPagination):
    """Pages of results, each response naming the licence the data is published under."""

    page_size_query_param = "page_size"
    max_page_size = 500

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
