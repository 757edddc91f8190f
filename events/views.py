import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView

from core.cache import cache_public_page
from core.pagination import CachedCountPaginator, page_or_nearest
from growthfields.models import GrowthField
from members.filtersets import url_without
from networks.models import Network

from .filtersets import EventFilterSet
from .ical import build_calendar
from .models import Event
from .selectors import calendar_events

PAGE_SIZE = 20


class EventListMixin:
    """A filtered, paginated list of public events (the list, the archive)."""

    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    context_object_name = "events"
    heading = ""

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        self.filterset = EventFilterSet(
            self.request.GET, queryset=self.base_queryset().for_public_list(), request=self.request
        )
        return self.filterset.qs

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = page_or_nearest(paginator, self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        request = self.request
        return super().get_context_data(
            filterset=self.filterset,
            active_filters=self.filterset.active_filters(),
            reset_url=url_without(request, *request.GET),
            heading=self.heading,
            **kwargs,
        )


@method_decorator(cache_public_page, name="dispatch")
class EventListView(EventListMixin, ListView):
    """Upcoming events, soonest first, grouped by month."""

    template_name = "events/event_list.html"
    heading = _("Veranstaltungen")

    def base_queryset(self):
        return Event.objects.upcoming()


@method_decorator(cache_public_page, name="dispatch")
class EventArchiveView(EventListMixin, ListView):
    """Past events, latest first."""

    template_name = "events/event_list.html"
    heading = _("Vergangene Veranstaltungen")

    def base_queryset(self):
        return Event.objects.past()

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_archive=True, **kwargs)


@method_decorator(cache_public_page, name="dispatch")
class EventDetailView(DetailView):
    """One public event with everything about it; a cancelled one is shown, marked."""

    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.public().defer("internal_note").with_public_relations()

    def get_context_data(self, **kwargs):
        return super().get_context_data(json_ld=json_ld_script(self.object, self.request), **kwargs)


def json_ld_script(event, request):
    """schema.org ``Event`` data as the contents of a ``<script type="application/ld+json">``:
    JSON, with ``<``, ``>`` and ``&`` escaped so that no text can close the script element."""
    data = event_json_ld(event, request)
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - no markup can survive the escaping above


EVENT_STATUS = {
    "veroeffentlicht": "https://schema.org/EventScheduled",
    "abgesagt": "https://schema.org/EventCancelled",
    "verschoben": "https://schema.org/EventRescheduled",
}


def event_json_ld(event, request) -> dict:
    absolute = request.build_absolute_uri
    if event.all_day:
        start, end = event.start_date.isoformat(), event.last_day.isoformat()
    else:
        start = timezone.localtime(event.starts_at).isoformat()
        end = timezone.localtime(event.ends_at).isoformat()
    formats = event.formats
    if len(formats) == 2:
        mode = "https://schema.org/MixedEventAttendanceMode"
    elif formats == ["online"]:
        mode = "https://schema.org/OnlineEventAttendanceMode"
    else:
        mode = "https://schema.org/OfflineEventAttendanceMode"
    locations = []
    if event.venue or event.town:
        locations.append(
            {
                "@type": "Place",
                "name": event.venue or event.town,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": event.street,
                    "postalCode": event.postcode,
                    "addressLocality": event.town,
                    "addressRegion": "Thüringen",
                    "addressCountry": "DE",
                },
            }
        )
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary or event.description_text()[:500],
        "startDate": start,
        "endDate": end,
        "eventStatus": EVENT_STATUS.get(event.status, "https://schema.org/EventScheduled"),
        "eventAttendanceMode": mode,
        "url": absolute(event.get_absolute_url()),
        "inLanguage": event.language.split("-") if "-" in event.language else event.language,
        "organizer": [
            {
                "@type": "Organization",
                "name": network.name,
                "url": absolute(network.get_absolute_url()),
            }
            for network in event.organisers.all()
        ],
    }
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    if event.is_postponed and event.original_start_date:
        data["previousStartDate"] = event.original_start_date.isoformat()
    return data


# Calendar files ------------------------------------------------------------------------------


class CalendarView(View):
    """Base of the .ics views: subclasses give the events, the calendar's name and the file."""

    download = False

    def events(self):
        raise NotImplementedError

    def name(self):
        raise NotImplementedError

    def filename(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        body = build_calendar(
            self.events(), name=str(self.name()), absolute=request.build_absolute_uri
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        if self.download:  # a subscription is fetched, not saved: no file name
            response["Content-Disposition"] = f'attachment; filename="{self.filename()}"'
        return response


class EventCalendarView(CalendarView):
    """One event as .ics ("In meinen Kalender")."""

    download = True

    def events(self):
        self.event = get_object_or_404(
            Event.objects.public().with_public_relations(), pk=self.kwargs["pk"]
        )
        return [self.event]

    def name(self):
        return self.event.title

    def filename(self):
        return f"veranstaltung-{self.event.pk}.ics"


@method_decorator(cache_public_page, name="dispatch")
class FeedCalendarView(CalendarView):
    """All public events as a calendar to subscribe to."""

    def events(self):
        return calendar_events()

    def name(self):
        return _("Clusterportal Thüringen: Veranstaltungen")

    def filename(self):
        return "veranstaltungen.ics"


@method_decorator(cache_public_page, name="dispatch")
class NetworkCalendarView(CalendarView):
    """A network's events as a calendar to subscribe to."""

    def events(self):
        self.network = get_object_or_404(Network, slug=self.kwargs["slug"])
        return calendar_events(network=self.network)

    def name(self):
        return _("Veranstaltungen: %(name)s") % {"name": self.network.name}

    def filename(self):
        return f"veranstaltungen-{self.network.slug}.ics"


@method_decorator(cache_public_page, name="dispatch")
class GrowthFieldCalendarView(CalendarView):
    """A growth field's events as a calendar to subscribe to."""

    def events(self):
        self.growth_field = get_object_or_404(GrowthField, slug=self.kwargs["slug"])
        return calendar_events(growth_field=self.growth_field)

    def name(self):
        return _("Veranstaltungen: %(name)s") % {"name": self.growth_field.display_name}

    def filename(self):
        return f"veranstaltungen-{self.growth_field.slug}.ics"
