"""The read-only open data API under /api/: the apps' routers merged under one root that names
the licence, and the OpenAPI schema at /api/schema/."""

from django.conf import settings
from django.urls import path
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import routers
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core.api import LicenseLinkMixin
from events.api.urls import router as events_router
from growthfields.api.urls import router as growthfields_router
from members.api.urls import router as members_router
from networks.api.urls import router as networks_router

app_name = "api"


class APIRootView(LicenseLinkMixin, routers.APIRootView):
    """The API root: the licence, the schema and one link per endpoint."""

    def get(self, request, *args, **kwargs):
        endpoints = super().get(request, *args, **kwargs).data
        return Response(
            {
                "license": settings.PORTAL_DATA_LICENSE,
                "schema": reverse("api:api-schema", request=request),
                "endpoints": endpoints,
            }
        )


class APIRouter(routers.DefaultRouter):
    """The DefaultRouter with our root view; each app's router is merged into it."""

    APIRootView = APIRootView

    def extend(self, router):
        self.registry.extend(router.registry)


class SchemaView(LicenseLinkMixin, SpectacularAPIView):
    """The OpenAPI 3 schema: JSON, or YAML when asked for (``Accept: application/yaml``)."""

    renderer_classes = [
        OpenApiJsonRenderer,
        OpenApiJsonRenderer2,
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
    ]


router = APIRouter()
router.extend(growthfields_router)
router.extend(networks_router)
router.extend(members_router)
router.extend(events_router)

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    *router.urls,
]
