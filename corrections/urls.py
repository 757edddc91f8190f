from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "corrections"

urlpatterns = [
    path(_("organisation/<int:pk>/"), views.ProposalView.as_view(), name="organisation"),
    path(
        _("organisation/<int:pk>/gesendet/"),
        views.ProposalSentView.as_view(),
        name="organisation_sent",
    ),
    path(_("netzwerk/<slug:slug>/"), views.ProposalView.as_view(), name="network"),
    path(
        _("netzwerk/<slug:slug>/gesendet/"), views.ProposalSentView.as_view(), name="network_sent"
    ),
]
