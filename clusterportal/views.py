from django.views.generic import TemplateView

from growthfields.models import GrowthField
from networks.models import Network


class HomeView(TemplateView):
    """Start page: the growth fields and networks at a glance."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            growth_fields=GrowthField.objects.top_level(),
            networks=Network.objects.networks().with_member_counts(),
            **kwargs,
        )


class ImprintView(TemplateView):
    """Impressum: the agency fills in ``templates/pages/imprint.html``."""

    template_name = "pages/imprint.html"


class PrivacyView(TemplateView):
    """Datenschutzerklärung: the agency fills in ``templates/pages/privacy.html``."""

    template_name = "pages/privacy.html"
