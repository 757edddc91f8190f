from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from clusterportal.cache import cache_public_page, cached
from growthfields.selectors import comparison_table
from networks.selectors import networks_in_brochure_order


@method_decorator(cache_public_page, name="dispatch")
class HomeView(TemplateView):
    """Start page: the growth fields and networks at a glance, entry points to the rest."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        table = comparison_table()
        return super().get_context_data(
            rows=table.rows,
            footnotes=table.overview_footnotes,
            networks=cached("home-networks", lambda: list(networks_in_brochure_order())),
            **kwargs,
        )


class ImprintView(TemplateView):
    """Impressum: the agency fills in ``templates/pages/imprint.html``."""

    template_name = "pages/imprint.html"


class PrivacyView(TemplateView):
    """Datenschutzerklärung: the agency fills in ``templates/pages/privacy.html``."""

    template_name = "pages/privacy.html"
