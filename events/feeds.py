"""Atom and RSS feeds of newly published events (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Event

FEED_ITEMS = 30


class NewEventsFeed(Feed):
    """The latest public events, newest entry first."""

    title = _("Clusterportal Thüringen: neue Veranstaltungen")
    description = _("Neu eingetragene Veranstaltungen der Thüringer Clusternetzwerke.")

    def link(self):
        return reverse("events:list")

    def items(self):
        return (
            Event.objects.public()
            .with_public_relations()
            .defer("internal_note")
            .order_by("-created_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item):
        if item.is_cancelled:
            return _("Abgesagt: %(title)s") % {"title": item.title}
        return item.title

    def item_description(self, item):
        return item.summary or item.description_text()[:500]

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_guid(self, item):
        return item.uid

    item_guid_is_permalink = False

    def item_categories(self, item):
        return [network.name for network in item.organisers.all()]


class NewEventsAtomFeed(NewEventsFeed):
    feed_type = Atom1Feed
    subtitle = NewEventsFeed.description
