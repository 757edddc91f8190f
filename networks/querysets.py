from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from clusterportal.models import build_name_index


class NetworkQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def networks(self):
        from networks.choices import NetworkKind

        return self.filter(kind=NetworkKind.NETWORK)

    def with_member_counts(self, *, published_only=True):
        """Annotate ``member_count``: current members in the portal, counted by one subquery."""
        from networks.models import Membership

        memberships = Membership.objects.current().filter(network=OuterRef("pk"))
        if published_only:
            memberships = memberships.filter(organisation__published=True)
        counted = memberships.order_by().values("network").annotate(n=Count("pk")).values("n")
        return self.annotate(member_count=Coalesce(Subquery(counted), 0))

    def name_index(self):
        """Normalised name, short name or alias -> network id, for spreadsheet spellings."""
        from networks.models import NetworkAlias

        return build_name_index(
            self.values_list("pk", "name", "short_name"),
            NetworkAlias.objects.filter(network__in=self).values_list(
                "network_id", "normalized_name"
            ),
        )


class MembershipQuerySet(models.QuerySet):
    def current(self):
        from django.utils import timezone

        today = timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gte=today))

    def get_by_natural_key(self, network, leg_id):
        return self.get(network__slug=network, organisation__leg_id=leg_id)


class DeclaredMemberCountQuerySet(models.QuerySet):
    def get_by_natural_key(self, network, reference_date, source):
        return self.get(network__slug=network, reference_date=reference_date, source__slug=source)


class NetworkGrowthFieldQuerySet(models.QuerySet):
    def get_by_natural_key(self, network, growth_field):
        return self.get(network__slug=network, growth_field__slug=growth_field)
