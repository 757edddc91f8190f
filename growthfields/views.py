from django.views.generic import DetailView, ListView, TemplateView, View

from .models import GrowthField


class GrowthFieldListView(ListView):
    """The growth fields, grouped by category."""

    queryset = GrowthField.objects.top_level()
    template_name = "growthfields/growthfield_list.html"


class GrowthFieldDetailView(DetailView):
    """One growth field with its sourced key figures, networks and organisations."""

    queryset = GrowthField.objects.all()
    template_name = "growthfields/growthfield_detail.html"


class CompareView(TemplateView):
    """Kennzahlen im Vergleich: the brochure's Anlage 2 as a living, sourced table."""

    template_name = "growthfields/compare.html"


class CompareExportView(View):
    """The comparison table as CSV."""
