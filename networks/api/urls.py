from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("networks", views.NetworkViewSet, basename="network")

urlpatterns = router.urls
