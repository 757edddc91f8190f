import datetime

from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone

from .choices import EventFormat, EventStatus


class EventQuerySet(models.QuerySet):
    def public(self):
        """Published, cancelled and postponed events: never drafts."""
        return self.filter(status__in=EventStatus.public())

    def upcoming(self, now: datetime.datetime | None = None):
        """Public events not over yet (running ones included), soonest first."""
        now = now or timezone.now()
        return self.public().filter(ends_at__gte=now).order_by("starts_at", "pk")

    def past(self, now: datetime.datetime | None = None):
        """Public events that are over, latest first."""
        now = now or timezone.now()
        return self.public().filter(ends_at__lt=now).order_by("-starts_at", "-pk")

    def organised_by(self, network):
        return self.filter(organisers=network)

    def in_growth_field(self, growth_field):
        return self.filter(growth_fields=growth_field)

    def in_month(self, year: int, month: int):
        """Events running at some point of the month (a conference across its turn counts for
        both months)."""
        tz = timezone.get_default_timezone()
        first = datetime.datetime(year, month, 1, tzinfo=tz)
        following = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
        return self.filter(starts_at__lt=following, ends_at__gte=first)

    def of_format(self, value: str):
        if value == EventFormat.ONLINE:
            return self.exclude(online_url="")
        if value == EventFormat.ON_SITE:
            return self.filter(~Q(venue="") | ~Q(town=""))
        return self

    def search(self, text: str):
        query = Q()
        for word in text.split():
            query &= (
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(town__icontains=word)
                | Q(venue__icontains=word)
            )
        return self.filter(query)

    def with_public_relations(self):
        """The organisers and growth fields a list or detail page shows, in two queries."""
        from growthfields.models import GrowthField
        from networks.models import Network

        return self.prefetch_related(
            Prefetch(
                "organisers",
                queryset=Network.objects.only("pk", "name", "short_name", "slug").order_by("name"),
            ),
            Prefetch(
                "growth_fields",
                queryset=GrowthField.objects.only("pk", "name", "name_en", "slug").order_by(
                    "sort_order", "name"
                ),
            ),
        )

    def for_public_list(self):
        return self.defer("description", "internal_note").with_public_relations()
