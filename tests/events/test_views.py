"""The public pages: upcoming events by month, the archive, filters, the detail page with
its organisers, .ics link and schema.org data, the includes on other pages, the sitemap."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.choices import EventStatus
from tests.events.factories import EventFactory
from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def titles(response):
    return [event.title for event in response.context["events"]]


@pytest.fixture
def calendar(elmug, fermeth, optics):
    """Events of two networks: upcoming, past, a draft, online and on-site."""
    return {
        "conference": EventFactory(
            title="elmug4future",
            start_date=days(40),
            organisers=[elmug],
            growth_fields=[optics],
            town="Ilmenau",
            district="Ilm-Kreis",
        ),
        "meeting": EventFactory(
            title="Mitgliedertreffen",
            start_date=days(10),
            organisers=[elmug],
            town="Erfurt",
            district="Erfurt",
        ),
        "webinar": EventFactory(
            title="Werkzeug-Webinar",
            start_date=days(70),
            organisers=[fermeth],
            venue="",
            town="",
            district="",
            online_url="https://meet.example.org/webinar",
        ),
        "past": EventFactory(
            title="Werkzeugtagung 2025", start_date=days(-30), organisers=[fermeth]
        ),
        "draft": EventFactory(
            title="Geheimer Entwurf",
            start_date=days(20),
            organisers=[elmug],
            status=EventStatus.DRAFT,
        ),
    }


def test_list_shows_upcoming_public_events_soonest_first(client, calendar):
    response = client.get(reverse("events:list"))
    assert titles(response) == ["Mitgliedertreffen", "elmug4future", "Werkzeug-Webinar"]
    assert "Geheimer Entwurf" not in response.content.decode()


def test_list_groups_by_month(client, calendar):
    html = client.get(reverse("events:list")).content.decode()
    months = re.findall(r'<h2 id="month-\d+">([^<]+)</h2>', html)
    expected = []
    for day in (days(10), days(40), days(70)):
        label = f"{['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'][day.month - 1]} {day.year}"
        if label not in expected:
            expected.append(label)
    assert months == expected


def test_archive_shows_past_events_latest_first(client, calendar):
    response = client.get(reverse("events:archive"))
    assert titles(response) == ["Werkzeugtagung 2025"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("network=elmug", ["Mitgliedertreffen", "elmug4future"]),
        ("network=fermeth", ["Werkzeug-Webinar"]),
        ("growth_field=optik", ["elmug4future"]),
        ("attendance=online", ["Werkzeug-Webinar"]),
        ("attendance=vor-ort", ["Mitgliedertreffen", "elmug4future"]),
        ("district=Ilm-Kreis", ["elmug4future"]),
        ("q=webinar", ["Werkzeug-Webinar"]),
    ],
)
def test_list_filters(client, calendar, query, expected):
    assert titles(client.get(reverse("events:list") + "?" + query)) == expected


def test_month_filter(client, calendar):
    """``month=YYYY-MM`` keeps the events running in that month."""
    month = days(70).strftime("%Y-%m")
    shown = titles(client.get(reverse("events:list") + f"?month={month}"))
    assert "Werkzeug-Webinar" in shown
    assert "Mitgliedertreffen" not in shown


def test_bad_month_is_named_and_ignored(client, calendar):
    response = client.get(reverse("events:list") + "?month=2026-13")
    assert "Bitte einen Monat in der Form JJJJ-MM angeben" in response.content.decode()
    assert len(titles(response)) == 3


def test_list_paginates(client, elmug):
    for n in range(25):
        EventFactory(start_date=days(n + 1), organisers=[elmug])
    first = client.get(reverse("events:list"))
    second = client.get(reverse("events:list") + "?page=2")
    assert len(titles(first)) == 20 and len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))


@pytest.mark.parametrize(
    ("page", "expected"), [("9", 2), ("0", 1), ("-1", 1), ("zwei", 1), ("2.5", 1), ("", 1)]
)
def test_page_out_of_range_or_no_number_shows_the_nearest(client, elmug, page, expected):
    """As on the directory (``core.pagination.page_or_nearest``): past the end the last page,
    below 1 or not a number the first; never a 404."""
    for n in range(25):
        EventFactory(start_date=days(n + 1), organisers=[elmug])
    response = client.get(reverse("events:list"), {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == expected


@pytest.mark.parametrize("name", ["events:list", "events:archive"])
def test_list_pages_run_a_fixed_number_of_queries(client, elmug, fermeth, optics, name):
    """The list costs the same queries for 3 events as for 20 (organisers and growth fields
    prefetched, the filter form's choices read once)."""
    offset = 1 if name == "events:list" else -60

    def make(count):
        for n in range(count):
            EventFactory(
                start_date=days(offset + n), organisers=[elmug, fermeth], growth_fields=[optics]
            )

    make(3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    make(17)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(name))
    assert len(titles(response)) == 20
    assert len(many) == len(few)
    assert len(many) <= 9


def test_detail_shows_everything_and_links_the_organisers(client, elmug, fermeth, optics):
    event = EventFactory(
        title="Thüringer Branchentag Metall",
        summary="Der Branchentag des Maschinenbaus.",
        description="Programm folgt.\n\nMehr unter https://fermeth.de/branchentag",
        organisers=[fermeth, elmug],
        growth_fields=[optics],
        venue="Stadthalle",
        street="Hauptstraße 1",
        postcode="98574",
        town="Schmalkalden",
        registration_url="https://fermeth.de/anmeldung",
        registration_deadline=days(20),
        fee_note="Mitglieder kostenfrei",
        internal_note="Referent noch unbestätigt – vertraulich",
        start_date=days(30),
    )
    html = client.get(event.get_absolute_url()).content.decode()
    for text in (
        "Thüringer Branchentag Metall",
        "Der Branchentag des Maschinenbaus.",
        "Stadthalle",
        "Hauptstraße 1",
        "98574 Schmalkalden",
        "Mitglieder kostenfrei",
        "https://fermeth.de/anmeldung",
        "Anmeldeschluss",
        'href="https://fermeth.de/branchentag"',
    ):
        assert text in html
    assert f'href="{fermeth.get_absolute_url()}"' in html
    assert f'href="{elmug.get_absolute_url()}"' in html
    assert f'href="{optics.get_absolute_url()}"' in html
    assert f'href="{reverse("events:ics", kwargs={"pk": event.pk})}"' in html
    assert "In meinen Kalender" in html
    assert "vertraulich" not in html


def test_cancelled_event_is_marked_not_gone(client, elmug):
    event = EventFactory(
        organisers=[elmug], status=EventStatus.CANCELLED, title="Abgesagtes Treffen"
    )
    assert "Abgesagtes Treffen" in titles(client.get(reverse("events:list")))
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Diese Veranstaltung ist abgesagt." in html


def test_drafts_have_no_public_page_or_calendar_file(client, elmug):
    event = EventFactory(organisers=[elmug], status=EventStatus.DRAFT)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(reverse("events:ics", kwargs={"pk": event.pk})).status_code == 404


def test_json_ld_is_schema_org_event_escaped_for_a_script_block(client, elmug):
    """The JSON-LD parses as JSON, describes the event, and a title with "</script>" cannot
    end the block."""
    event = EventFactory(
        organisers=[elmug],
        title="Tagung </script><script>alert(1)</script>",
        status=EventStatus.CANCELLED,
    )
    response = client.get(event.get_absolute_url())
    html = response.content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    assert "<" not in block
    data = json.loads(block)
    assert data["@type"] == "Event"
    assert data["name"] == event.title
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["organizer"][0]["url"].endswith(elmug.get_absolute_url())
    assert data["startDate"].startswith(event.start_date.isoformat())
    assert data["location"]["address"]["addressLocality"] == "Suhl"


def test_json_ld_needs_no_csp_change(client, elmug):
    """The CSP stays as it is: a JSON-LD block is data, not script, so no nonce or hash is
    needed, and no inline script is allowed for it."""
    event = EventFactory(organisers=[elmug])
    policy = client.get(event.get_absolute_url())["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "nonce" not in policy


def test_english_pages(client, elmug):
    event = EventFactory(organisers=[elmug], status=EventStatus.CANCELLED)
    with_lang = client.get("/en/events/")
    assert with_lang.status_code == 200
    assert "Upcoming" in with_lang.content.decode() or "Events" in with_lang.content.decode()
    html = client.get(f"/en/events/{event.pk}/").content.decode()
    assert "This event is cancelled." in html
    assert "Add to my calendar" in html


def test_home_network_and_growth_field_pages_list_upcoming_events(client, elmug, fermeth, optics):
    mine = EventFactory(title="ELMUG-Treffen", organisers=[elmug], growth_fields=[optics])
    other = EventFactory(title="FerMeTh-Tag", organisers=[fermeth])
    past = EventFactory(title="Vorbei", organisers=[elmug], start_date=days(-5))
    home = client.get(reverse("home")).content.decode()
    assert mine.title in home and other.title in home and past.title not in home
    network_page = client.get(elmug.get_absolute_url()).content.decode()
    assert mine.title in network_page and other.title not in network_page
    field_page = client.get(optics.get_absolute_url()).content.decode()
    assert mine.title in field_page and other.title not in field_page


def test_sitemap_lists_public_events(client, elmug):
    public = EventFactory(organisers=[elmug])
    draft = EventFactory(organisers=[elmug], status=EventStatus.DRAFT)
    xml = client.get("/sitemap-events.xml").content.decode()
    assert public.get_absolute_url() in xml
    assert draft.get_absolute_url() not in xml
    assert "sitemap-events.xml" in client.get("/sitemap.xml").content.decode()


def test_a_change_to_an_event_makes_cached_pages_stale(client, settings, elmug):
    """The page cache goes stale when an event or its organisers change (signal wiring)."""
    settings.PORTAL_PAGE_CACHE = True
    event = EventFactory(organisers=[elmug], title="Alter Titel")
    assert "Alter Titel" in client.get(reverse("events:list")).content.decode()
    event.title = "Neuer Titel"
    event.save()
    assert "Neuer Titel" in client.get(reverse("events:list")).content.decode()
    other = NetworkFactory(name="Polymermat e.V.", slug="polymermat")
    event.organisers.add(other)
    assert "polymermat" in client.get(reverse("events:list")).content.decode()


def test_running_event_counts_as_upcoming(client, elmug):
    """An event that started and has not ended is still on the list, not in the archive."""
    now = timezone.localtime()
    event = EventFactory(
        organisers=[elmug],
        start_date=(now - datetime.timedelta(days=1)).date(),
        end_date=(now + datetime.timedelta(days=1)).date(),
        start_time=None,
        end_time=None,
    )
    assert event.title in titles(client.get(reverse("events:list")))
    assert event.title not in titles(client.get(reverse("events:archive")))


def test_active_filters_are_chips_without_the_hidden_network_id(client, calendar, elmug):
    """The chosen filters show as removable chips (the month as MM/YYYY); the API's
    ``network_id`` gets none."""
    month = days(40).strftime("%Y-%m")
    response = client.get(
        reverse("events:list") + f"?network=elmug&month={month}&network_id={elmug.pk}"
    )
    chips = {chip["name"]: str(chip["value"]) for chip in response.context["active_filters"]}
    assert chips == {"network": "ELMUG", "month": days(40).strftime("%m/%Y")}
