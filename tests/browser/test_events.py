"""The events calendar in a real browser: find an event by its network, open it, download
its .ics; axe-core finds no WCAG 2.1 A/AA violation on the events pages; screenshots at 390
and 1366 pixels."""

import datetime

import icalendar
import pytest
from django.core.cache import cache

from tests.browser.conftest import REQUIRE_BROWSER, screenshot

try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip('Playwright/axe fehlt: pip install -e ".[dev]"', allow_module_level=True)

pytestmark = pytest.mark.browser

WCAG_TAGS = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}


@pytest.fixture
def calendar(live_server):
    from events.choices import EventStatus
    from tests.events.factories import EventFactory
    from tests.factories import GrowthFieldFactory, NetworkFactory

    elmug = NetworkFactory(name="ELMUG eG", short_name="ELMUG", slug="elmug")
    fermeth = NetworkFactory(name="FerMeTh e.V.", short_name="FerMeTh", slug="fermeth")
    field = GrowthFieldFactory(name="Maschinenbau", slug="maschinenbau")
    today = datetime.date.today()
    events = {
        "tagung": EventFactory(
            title="Schmalkaldener Werkzeugtagung",
            summary="Die Tagung des Thüringer Werkzeugbaus.",
            description="Zwei Tage Vorträge und Ausstellung.\n\nProgramm: https://fermeth.de/",
            organisers=[fermeth],
            growth_fields=[field],
            start_date=today + datetime.timedelta(days=20),
            end_date=today + datetime.timedelta(days=21),
            venue="Hochschule Schmalkalden",
            street="Blechhammer 9",
            postcode="98574",
            town="Schmalkalden",
            district="Schmalkalden-Meiningen",
            registration_url="https://fermeth.de/anmeldung",
            fee_note="Mitglieder kostenfrei",
        ),
        "elmug": EventFactory(
            title="elmug4future",
            organisers=[elmug],
            start_date=today + datetime.timedelta(days=10),
            town="Ilmenau",
        ),
        "cancelled": EventFactory(
            title="Branchentag Metall",
            organisers=[fermeth, elmug],
            start_date=today + datetime.timedelta(days=50),
            status=EventStatus.CANCELLED,
        ),
        "past": EventFactory(
            title="Bauhaus.SOLAR",
            organisers=[elmug],
            start_date=today - datetime.timedelta(days=40),
        ),
    }
    cache.clear()
    return events


def assert_no_wcag_violations(page, context=None):
    results = Axe().run(page, context=context)
    found = [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}×)"
        for violation in results.response["violations"]
        if WCAG_TAGS & set(violation["tags"])
    ]
    assert found == []


def test_find_by_network_open_and_download_ics(page, url, calendar, tmp_path):
    """A visitor filters the calendar by network, opens the event and saves its .ics, which
    holds the event."""
    page.goto(url("events:list"))
    page.get_by_label("Netzwerk", exact=True).select_option(label="FerMeTh")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("status")).to_contain_text("2 Veranstaltungen")
    expect(page.get_by_role("link", name="elmug4future")).to_have_count(0)
    page.get_by_role("link", name="Schmalkaldener Werkzeugtagung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schmalkaldener Werkzeugtagung")
    expect(page.get_by_role("link", name="FerMeTh e.V.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="In meinen Kalender").click()
    path = tmp_path / "event.ics"
    download_info.value.save_as(path)
    calendar_file = icalendar.Calendar.from_ical(path.read_bytes())
    (vevent,) = calendar_file.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Schmalkaldener Werkzeugtagung"
    assert str(vevent["UID"]) == calendar["tagung"].uid


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("events:list", {}),
        ("events:archive", {}),
        ("events:detail", "tagung"),
        ("events:detail", "cancelled"),
    ],
)
def test_axe_finds_no_wcag_violation(new_page, url, calendar, name, kwargs):
    """axe-core: no violation tagged wcag2a/wcag2aa/wcag21a/wcag21aa, on the whole page, in
    German and English, at phone and desktop widths."""
    if isinstance(kwargs, str):
        kwargs = {"pk": calendar[kwargs].pk}
    for language in ("de", "en"):
        for width in (390, 1366):
            page = new_page(viewport={"width": width, "height": 900})
            page.goto(url(name, language=language, **kwargs))
            assert_no_wcag_violations(page)


def test_screenshots(new_page, url, calendar):
    for width in (390, 1366):
        page = new_page(viewport={"width": width, "height": 900})
        page.goto(url("events:list"))
        screenshot(page, f"events-list-{width}")
        page.goto(url("events:detail", pk=calendar["tagung"].pk))
        screenshot(page, f"events-detail-{width}")
        page.goto(url("events:detail", pk=calendar["cancelled"].pk, language="en"))
        screenshot(page, f"events-detail-cancelled-en-{width}")
        page.goto(url("home"))
        screenshot(page, f"events-home-{width}")
