from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("growth-fields", views.GrowthFieldViewSet, basename="growthfield")
router.register("editions", views.EditionViewSet, basename="edition")

urlpatterns = router.urls
