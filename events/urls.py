from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import feeds, views

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path(_("archiv/"), views.EventArchiveView.as_view(), name="archive"),
    path("<int:pk>/", views.EventDetailView.as_view(), name="detail"),
    path("<int:pk>.ics", views.EventCalendarView.as_view(), name="ics"),
    path(_("kalender.ics"), views.FeedCalendarView.as_view(), name="calendar"),
    path(
        _("netzwerk/<slug:slug>.ics"),
        views.NetworkCalendarView.as_view(),
        name="network_calendar",
    ),
    path(
        _("wachstumsfeld/<slug:slug>.ics"),
        views.GrowthFieldCalendarView.as_view(),
        name="growthfield_calendar",
    ),
    path("atom.xml", feeds.NewEventsAtomFeed(), name="atom"),
    path("rss.xml", feeds.NewEventsFeed(), name="rss"),
]
