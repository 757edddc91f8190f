from django.db.models import F
from django.db.models.functions import Lower
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from core.cache import cache_public_page, cached
from members.views import DirectoryListMixin

from .models import Network


@method_decorator(cache_public_page, name="dispatch")
class NetworkListView(ListView):
    """The networks and alliances with a short profile and member counts."""

    template_name = "networks/network_list.html"
    context_object_name = "all_networks"
    # ``?sort=`` value -> (label, ordering); the first is the default.
    orderings = {
        "name": (_("Name"), (Lower("name"), "pk")),
        "members": (_("Mitglieder im Portal"), ("-member_count", Lower("name"), "pk")),
        "declared": (
            _("angegebene Mitglieder"),
            (F("declared_total").desc(nulls_last=True), Lower("name"), "pk"),
        ),
    }

    def get_sort(self):
        sort = self.request.GET.get("sort", "")
        return sort if sort in self.orderings else next(iter(self.orderings))

    def get_queryset(self):
        # Built per request: "current" memberships are those that have not ended today.
        return Network.objects.for_public_list().order_by(*self.orderings[self.get_sort()][1])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counting every network's members reads all memberships: kept until the data changes.
        everything = cached(
            f"network-list:{self.get_sort()}", lambda: list(context["all_networks"])
        )
        context["networks"] = [n for n in everything if not n.is_alliance]
        context["alliances"] = [n for n in everything if n.is_alliance]
        context["sort"] = self.get_sort()
        context["sort_options"] = [(key, label) for key, (label, _o) in self.orderings.items()]
        return context


@method_decorator(cache_public_page, name="dispatch")
class NetworkDetailView(DirectoryListMixin, DetailView):
    """One network: profile, declared and counted members, its members listed the directory's
    way (filtered, sorted, paginated), each with its role in the network."""

    template_name = "networks/network_detail.html"

    def get_queryset(self):
        return Network.objects.for_public_detail()

    def get_directory_queryset(self):
        return super().get_directory_queryset().in_network(self.object, with_role=True)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.directory_context(), **kwargs)
