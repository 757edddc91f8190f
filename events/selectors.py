"""Reads the pages, the feeds and the API share."""

from django.utils import timezone

from .models import Event

UPCOMING_SHOWN = 5
FEED_PAST_DAYS = 365


def upcoming_events(*, network=None, growth_field=None, limit=UPCOMING_SHOWN):
    """The next public events (of a network or growth field), for the home, network and
    growth-field pages."""
    events = Event.objects.upcoming().for_public_list()
    if network is not None:
        events = events.organised_by(network)
    if growth_field is not None:
        events = events.in_growth_field(growth_field)
    return list(events[:limit])


def calendar_events(*, network=None, growth_field=None):
    """What a calendar feed holds: public events not over for more than a year (calendar
    apps keep what they once received; older events add nothing), cancellations included."""
    since = timezone.now() - timezone.timedelta(days=FEED_PAST_DAYS)
    events = Event.objects.public().filter(ends_at__gte=since).with_public_relations()
    if network is not None:
        events = events.organised_by(network)
    if growth_field is not None:
        events = events.in_growth_field(growth_field)
    return events.order_by("starts_at", "pk")
