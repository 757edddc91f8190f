from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "contact"

urlpatterns = [
    path(_("organisation/<int:pk>/"), views.EnquiryView.as_view(), name="organisation"),
    path(
        _("organisation/<int:pk>/gesendet/"),
        views.EnquirySentView.as_view(),
        name="organisation_sent",
    ),
    path(_("netzwerk/<slug:slug>/"), views.EnquiryView.as_view(), name="network"),
    path(_("netzwerk/<slug:slug>/gesendet/"), views.EnquirySentView.as_view(), name="network_sent"),
]
