"""Calendar feeds parsed back with icalendar, SEQUENCE, STATUS:CANCELLED, daylight-saving
changes, the Atom/RSS feed and /api/events/."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from events.choices import EventStatus
from events.models import Event
from tests.events.factories import EventFactory
from tests.events.test_models import last_sunday

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEXT_YEAR = datetime.date.today().year + 1


def read_calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar):
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


@pytest.fixture
def events(elmug, fermeth, optics):
    return [
        EventFactory(
            title="elmug4future",
            organisers=[elmug],
            growth_fields=[optics],
            start_date=datetime.date(NEXT_YEAR, 5, 12),
            start_time=datetime.time(9, 30),
            end_date=datetime.date(NEXT_YEAR, 5, 13),
            end_time=datetime.time(15, 0),
        ),
        EventFactory(
            title="Bauhaus.SOLAR",
            organisers=[fermeth],
            start_date=datetime.date(NEXT_YEAR, 1, 20),
            start_time=None,
            end_time=None,
            end_date=datetime.date(NEXT_YEAR, 1, 21),
        ),
        EventFactory(
            title="Abgesagter Branchentag",
            organisers=[elmug, fermeth],
            status=EventStatus.CANCELLED,
            start_date=datetime.date(NEXT_YEAR, 7, 1),
        ),
        EventFactory(title="Entwurf", organisers=[elmug], status=EventStatus.DRAFT),
    ]


def test_feed_parsed_back_matches_the_events_one_by_one(client, events):
    """Every public event is in the feed with its UID, title, start and end as moments (or
    days), SEQUENCE, STATUS, place and address; drafts are not."""
    found = vevents(read_calendar(client.get(reverse("events:calendar"))))
    public = [event for event in events if event.status != EventStatus.DRAFT]
    assert set(found) == {event.uid for event in public}
    for event in public:
        event.refresh_from_db()
        component = found[event.uid]
        assert str(component["SUMMARY"]) == event.title
        assert int(component["SEQUENCE"]) == event.sequence
        start, end = component.decoded("DTSTART"), component.decoded("DTEND")
        if event.all_day:
            assert start == event.start_date
            assert end == event.last_day + datetime.timedelta(days=1)
        else:
            assert start == event.starts_at and end == event.ends_at
            assert component["DTSTART"].params["TZID"] == "Europe/Berlin"
        expected_status = "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED"
        assert str(component["STATUS"]) == expected_status
        assert str(component["URL"]).endswith(event.get_absolute_url())
        assert str(component["LOCATION"]) == "Congress Center, Suhl"
        assert event.summary in str(component["DESCRIPTION"])


def test_feed_has_a_berlin_vtimezone_with_both_changes(client, events):
    calendar = read_calendar(client.get(reverse("events:calendar")))
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Berlin"
    assert {component.name for component in zone.subcomponents} == {"DAYLIGHT", "STANDARD"}


def test_sequence_goes_up_with_every_change(client, events):
    event = events[0]
    uid = event.uid
    before = int(vevents(read_calendar(client.get(reverse("events:calendar"))))[uid]["SEQUENCE"])
    event.title = "elmug4future 2027"
    event.save()
    event.refresh_from_db()
    event.venue = "Audimax"
    event.save()
    after = vevents(read_calendar(client.get(reverse("events:calendar"))))[uid]
    assert int(after["SEQUENCE"]) == before + 2
    assert str(after["UID"]) == uid  # stable


def test_a_cancellation_is_status_cancelled_with_a_higher_sequence(client, events):
    from events.services import event_cancel

    event = events[0]
    event_cancel(event=event)
    component = vevents(read_calendar(client.get(reverse("events:ics", kwargs={"pk": event.pk}))))[
        event.uid
    ]
    assert str(component["STATUS"]) == "CANCELLED"
    assert int(component["SEQUENCE"]) == 1


@pytest.mark.parametrize("month", [3, 10])
def test_daylight_saving_boundary(client, elmug, month):
    """An event on the night of a clock change keeps its moment through the feed: 01:00-04:00
    local time on the last Sunday of March lasts two hours, of October four; 02:30 in October
    is its first occurrence (summer time)."""
    day = last_sunday(NEXT_YEAR, month)
    event = EventFactory(
        organisers=[elmug],
        start_date=day,
        start_time=datetime.time(1, 0),
        end_time=datetime.time(4, 0),
    )
    component = vevents(read_calendar(client.get(reverse("events:calendar"))))[event.uid]
    start, end = component.decoded("DTSTART"), component.decoded("DTEND")
    hours = (end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)).total_seconds() / 3600
    assert hours == (2 if month == 3 else 4)
    # 01:00 is winter time (UTC+1) in March, still summer time (UTC+2) in October.
    offset = 1 if month == 3 else 2
    midnight = datetime.datetime(day.year, day.month, day.day, 1, 0, tzinfo=datetime.UTC)
    assert start.astimezone(datetime.UTC) == midnight - datetime.timedelta(hours=offset)
    if month == 10:
        repeated = EventFactory(
            organisers=[elmug], start_date=day, start_time=datetime.time(2, 30), end_time=None
        )
        again = vevents(read_calendar(client.get(reverse("events:calendar"))))[repeated.uid]
        assert again.decoded("DTSTART").astimezone(datetime.UTC).time() == datetime.time(0, 30)


def test_network_and_growth_field_feeds(client, events, elmug, optics):
    by_network = vevents(
        read_calendar(client.get(reverse("events:network_calendar", kwargs={"slug": elmug.slug})))
    )
    assert {str(c["SUMMARY"]) for c in by_network.values()} == {
        "elmug4future",
        "Abgesagter Branchentag",
    }
    by_field = vevents(
        read_calendar(
            client.get(reverse("events:growthfield_calendar", kwargs={"slug": optics.slug}))
        )
    )
    assert {str(c["SUMMARY"]) for c in by_field.values()} == {"elmug4future"}
    assert (
        client.get(reverse("events:network_calendar", kwargs={"slug": "gibt-es-nicht"})).status_code
        == 404
    )


def test_single_event_download_is_an_attachment(client, events):
    response = client.get(reverse("events:ics", kwargs={"pk": events[0].pk}))
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="veranstaltung-{events[0].pk}.ics"'
    )
    assert len(vevents(read_calendar(response))) == 1


def test_atom_and_rss_feeds_of_new_events(client, events):
    atom = client.get(reverse("events:atom")).content.decode()
    assert "<feed" in atom and "elmug4future" in atom and "Entwurf" not in atom
    assert "Abgesagt: Abgesagter Branchentag" in atom
    rss = client.get(reverse("events:rss")).content.decode()
    assert "<rss" in rss and "Bauhaus.SOLAR" in rss


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Bauhaus.SOLAR", "elmug4future", "Abgesagter Branchentag"}),
        ("?network=elmug", {"elmug4future", "Abgesagter Branchentag"}),
        ("?growth_field=optik", {"elmug4future"}),
        (f"?month={NEXT_YEAR}-01", {"Bauhaus.SOLAR"}),
        ("?attendance=online", set()),
        ("?district=Suhl", {"Bauhaus.SOLAR", "elmug4future", "Abgesagter Branchentag"}),
    ],
)
def test_api_events_with_the_same_filters(client, events, query, expected):
    data = client.get("/api/events/" + query).json()
    assert {row["title"] for row in data["results"]} == expected
    assert "internal_note" not in data["results"][0] if data["results"] else True


def test_api_hides_drafts_and_names_the_licence(client, events):
    draft = events[-1]
    assert client.get(f"/api/events/{draft.pk}/").status_code == 404
    data = client.get("/api/events/").json()
    assert "license" in data
    row = next(r for r in data["results"] if r["title"] == "elmug4future")
    assert row["organisers"] == ["elmug"] and row["growth_fields"] == ["optik"]
    assert row["ics_url"].endswith(reverse("events:ics", kwargs={"pk": events[0].pk}))
    assert Event.objects.count() == 4
