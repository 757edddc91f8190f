from django.views.generic import DetailView, ListView

from .models import Network


class NetworkListView(ListView):
    """The networks and alliances with a short profile and member counts."""

    queryset = Network.objects.with_member_counts()
    template_name = "networks/network_list.html"


class NetworkDetailView(DetailView):
    """One network: profile, declared and counted members, its members."""

    queryset = Network.objects.with_member_counts()
    template_name = "networks/network_detail.html"
