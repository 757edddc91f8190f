from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "members"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="list"),
    path(_("export/"), views.OrganisationExportView.as_view(), name="export"),
    path(_("export/alle/"), views.OrganisationFullExportView.as_view(), name="export_full"),
    path("<int:pk>/", views.OrganisationDetailView.as_view(), name="detail"),
]
