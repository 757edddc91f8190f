"""Reads the comparison page shares with nothing else: the networks' declared member counts
next to the members counted in the portal, and how many organisations networks share."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from core.text import in_language

from .models import DeclaredMemberCount, Membership, Network, NetworkGrowthField


@dataclass
class MemberCountComparison:
    """A network's latest declared member count (or None) and its members in the portal;
    ``others`` are other sources' differing counts of the same date (PolymerMat's profile says
    50, Anlage 2 51), ``date_differs`` flags a date unlike the table's usual one."""

    network: Network
    declared: DeclaredMemberCount | None
    counted: int
    others: list = field(default_factory=list)
    date_differs: bool = False

    @property
    def growth_field_name(self):
        return in_language(
            getattr(self.network, "primary_field_name", None) or "",
            getattr(self.network, "primary_field_name_en", None) or "",
        )

    @property
    def difference(self):
        """Counted minus declared; None where the network declares nothing."""
        return None if self.declared is None else self.counted - self.declared.total


@dataclass
class OverlapMatrix:
    """Organisations two networks share: ``rows`` is [(network, [count or None, …])],
    with the network's own member count on the diagonal."""

    networks: list
    rows: list

    def shared(self, first, second):
        index = {network.pk: position for position, network in enumerate(self.networks)}
        return self.rows[index[first.pk]][1][index[second.pk]]


def networks_in_brochure_order():
    """The networks (not the alliances) with their member counts, ordered like the brochure:
    by their primary growth field, then by name. One query."""
    primary = NetworkGrowthField.objects.filter(network=OuterRef("pk"), is_primary=True)
    return (
        Network.objects.networks()
        .with_member_counts()
        .annotate(
            primary_field_order=Subquery(primary.values("growth_field__sort_order")[:1]),
            primary_field_name=Subquery(primary.values("growth_field__name")[:1]),
            primary_field_name_en=Subquery(primary.values("growth_field__name_en")[:1]),
        )
        .order_by(F("primary_field_order").asc(nulls_last=True), Lower("name"))
    )


def declared_vs_counted(networks):
    """Each network's newest declared member count next to its current published members.

    ``networks`` must carry ``member_count`` (``with_member_counts()``); one query more.
    """
    newest = {}
    declared = (
        DeclaredMemberCount.objects.filter(network__in=[network.pk for network in networks])
        .select_related("source")
        .order_by("network_id", "-reference_date", "pk")
    )
    for count in declared:
        same_date = newest.setdefault(count.network_id, [count])
        if count is not same_date[0] and count.reference_date == same_date[0].reference_date:
            same_date.append(count)
    items = []
    for network in networks:
        counts = newest.get(network.pk, [None])
        first = counts[0]
        others = [
            count
            for count in counts[1:]
            if (count.total, count.companies) != (first.total, first.companies)
        ]
        items.append(MemberCountComparison(network, first, network.member_count, others))
    dates = Counter(item.declared.reference_display for item in items if item.declared)
    if dates:
        usual = dates.most_common(1)[0][0]
        for item in items:
            item.date_differs = bool(item.declared) and item.declared.reference_display != usual
    return items


def shared_member_counts(network_ids):
    """{(smaller network id, larger network id): organisations both have as current members}.

    Only published organisations and memberships that have not ended count. One aggregate
    query: memberships joined to the same organisation's other memberships, grouped by the
    two networks.
    """
    today = timezone.localdate()
    network_ids = list(network_ids)
    pairs = (
        Membership.objects.filter(
            Q(until__isnull=True) | Q(until__gte=today),
            organisation__published=True,
            network_id__in=network_ids,
        )
        .filter(
            Q(organisation__memberships__until__isnull=True)
            | Q(organisation__memberships__until__gte=today),
            organisation__memberships__network_id__gt=F("network_id"),
            organisation__memberships__network_id__in=network_ids,
        )
        .order_by()
        .values("network_id", "organisation__memberships__network_id")
        .annotate(shared=Count("organisation_id", distinct=True))
    )
    return {
        (pair["network_id"], pair["organisation__memberships__network_id"]): pair["shared"]
        for pair in pairs
    }


def overlap_matrix(networks):
    """The matrix of shared members for ``networks`` (carrying ``member_count``)."""
    shared = shared_member_counts(network.pk for network in networks)
    rows = []
    for first in networks:
        cells = []
        for second in networks:
            if first.pk == second.pk:
                cells.append(first.member_count)
            else:
                key = (min(first.pk, second.pk), max(first.pk, second.pk))
                cells.append(shared.get(key, 0))
        rows.append((first, cells))
    return OverlapMatrix(networks=list(networks), rows=rows)
