"""The read-only open data API under /api/ (filled in by the API's routers)."""

urlpatterns = []
