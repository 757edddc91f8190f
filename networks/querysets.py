from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower

from core.models import build_name_index


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

    def with_latest_declared(self):
        """Annotate the latest declared member count (the newest reference date): its
        ``declared_total`` and, for ``Network.declared_reference_display``, its
        ``declared_reference_date`` and ``declared_reference_precision`` (all None where the
        network declares nothing)."""
        from networks.models import DeclaredMemberCount

        latest = DeclaredMemberCount.objects.filter(network=OuterRef("pk")).order_by(
            "-reference_date", "-pk"
        )
        return self.annotate(
            declared_total=Subquery(latest.values("total")[:1]),
            declared_reference_date=Subquery(latest.values("reference_date")[:1]),
            declared_reference_precision=Subquery(latest.values("reference_precision")[:1]),
        )

    def for_public_list(self):
        """What the public list shows, in a fixed number of queries: counted and latest declared
        members, growth fields, an alliance's networks and a network's alliances."""
        from networks.models import NetworkGrowthField

        return (
            self.with_member_counts()
            .with_latest_declared()
            .prefetch_related(
                models.Prefetch(
                    "growth_field_links",
                    queryset=NetworkGrowthField.objects.select_related("growth_field"),
                ),
                models.Prefetch(
                    "member_networks", queryset=self.model.objects.order_by(Lower("name"))
                ),
                models.Prefetch("alliances", queryset=self.model.objects.order_by(Lower("name"))),
            )
        )

    def for_public_detail(self):
        """What a network's page shows besides its members: profile source, the latest declared
        count and the declared counts over time with their sources, growth fields, an alliance's
        networks (with their counted members) and a network's alliances."""
        from networks.models import DeclaredMemberCount, NetworkGrowthField

        return (
            self.with_member_counts()
            .with_latest_declared()
            .select_related("profile_source")
            .prefetch_related(
                models.Prefetch(
                    "declared_counts",
                    queryset=DeclaredMemberCount.objects.select_related("source").order_by(
                        "reference_date", "pk"
                    ),
                ),
                models.Prefetch(
                    "growth_field_links",
                    queryset=NetworkGrowthField.objects.select_related("growth_field"),
                ),
                models.Prefetch(
                    "member_networks",
                    queryset=self.model.objects.with_member_counts().order_by(Lower("name")),
                ),
                models.Prefetch("alliances", queryset=self.model.objects.order_by(Lower("name"))),
            )
        )

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
