"""The .ics import: preview → confirm, upsert by UID, every bad input named in German, a
refused file writes nothing, 10,000 events in bounded queries, network scoping."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.choices import EventStatus
from events.models import Event
from events.services import ImportRefused, event_ics_import, event_ics_plan
from networks.scoping import NETWORK_MANAGERS_GROUP
from tests.events.factories import EventFactory
from tests.permissions.helpers import client_for, make_staff

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year + 1


def vevent(
    uid,
    summary="Netzwerktreffen",
    start=f"{YEAR}0610T100000",
    end=f"{YEAR}0610T120000",
    tz="Europe/Berlin",
    extra="",
):
    start_line = f"DTSTART;TZID={tz}:{start}" if tz else f"DTSTART:{start}"
    end_line = (f"DTEND;TZID={tz}:{end}" if tz else f"DTEND:{end}") if end else ""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"SUMMARY:{summary}",
        start_line,
        end_line,
        "LOCATION:Erfurt\\, Kaisersaal",
        extra,
        "END:VEVENT",
    ]
    return "\r\n".join(line for line in lines if line)


def ics(*events):
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\n"
        + "\r\n".join(events)
        + "\r\nEND:VCALENDAR\r\n"
    ).encode()


@pytest.fixture
def manager(django_user_model, elmug):
    user = make_staff(django_user_model, "netzwerkerin", NETWORK_MANAGERS_GROUP)
    elmug.managers.add(user)
    return user


def plan(data, manager, network):
    return event_ics_plan(data=data, user=manager, network=network)


def test_import_creates_and_then_updates_by_uid(manager, elmug):
    """A first import creates; the same UIDs again update what changed (SEQUENCE + 1) and
    leave the rest unchanged."""
    first = ics(vevent("a@elmug.de"), vevent("b@elmug.de", summary="Technologiekonferenz"))
    result = event_ics_import(data=first, user=manager, network=elmug)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    a = Event.objects.get(uid="a@elmug.de")
    assert list(a.organisers.all()) == [elmug]
    assert (
        a.starts_at.isoformat() == f"{YEAR}-06-10T10:00:00+02:00"
        or a.start_time == datetime.time(10)
    )
    assert a.venue == "Erfurt, Kaisersaal" and a.status == EventStatus.PUBLISHED
    assert a.history.count() == 1
    second = ics(
        vevent("a@elmug.de", summary="Netzwerktreffen (neuer Titel)"),
        vevent("b@elmug.de", summary="Technologiekonferenz"),
    )
    result = event_ics_import(data=second, user=manager, network=elmug)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    a.refresh_from_db()
    assert a.title == "Netzwerktreffen (neuer Titel)" and a.sequence == 1
    assert Event.objects.get(uid="b@elmug.de").sequence == 0
    assert a.history.count() == 2


def test_cancelled_in_the_file_cancels_the_event(manager, elmug):
    event_ics_import(data=ics(vevent("c@elmug.de")), user=manager, network=elmug)
    event_ics_import(
        data=ics(vevent("c@elmug.de", extra="STATUS:CANCELLED")), user=manager, network=elmug
    )
    assert Event.objects.get(uid="c@elmug.de").status == EventStatus.CANCELLED


def test_utc_and_all_day_events_become_berlin_days_and_times(manager, elmug):
    data = ics(
        vevent("utc@x", start=f"{YEAR}0115T090000Z", end=f"{YEAR}0115T110000Z", tz=None),
        "BEGIN:VEVENT\r\nUID:allday@x\r\nSUMMARY:Branchentag\r\nDTSTART;VALUE=DATE:"
        f"{YEAR}0301\r\nDTEND;VALUE=DATE:{YEAR}0303\r\nLOCATION:Gera\r\nEND:VEVENT",
    )
    event_ics_import(data=data, user=manager, network=elmug)
    utc = Event.objects.get(uid="utc@x")
    assert (utc.start_time, utc.end_time) == (datetime.time(10), datetime.time(12))
    allday = Event.objects.get(uid="allday@x")
    assert allday.all_day and allday.start_date == datetime.date(YEAR, 3, 1)
    assert allday.end_date == datetime.date(YEAR, 3, 2)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (vevent("bad-date@x", start="20261345T100000"), "DTSTART: ungültiger Wert"),
        (vevent("tz@x", tz="Mars/Olympus"), "unbekannte Zeitzone „Mars/Olympus“"),
        (
            vevent("rrule@x", extra="RRULE:FREQ=WEEKLY;COUNT=10"),
            "Wiederkehrende Termine (RRULE/RDATE) werden nicht übernommen",
        ),
        (vevent("end@x", end=f"{YEAR}0610T090000"), "Das Ende liegt vor dem Beginn."),
        (
            vevent("nostart@x", start=None, end=None).replace(
                "DTSTART;TZID=Europe/Berlin:None\r\n", ""
            ),
            "Der Beginn (DTSTART) fehlt.",
        ),
    ],
)
def test_bad_events_are_named_and_refuse_the_whole_file(manager, elmug, event, message):
    """Each bad event is named (number, title, UID) with a German reason; a good event in
    the same file is not written either."""
    data = ics(vevent("good@x"), event)
    preview = plan(data, manager, elmug)
    assert preview.is_refused
    (refused,) = preview.refused
    assert refused.startswith("Veranstaltung 2 (")
    assert message in refused
    with pytest.raises(ImportRefused):
        event_ics_import(data=data, user=manager, network=elmug)
    assert not Event.objects.exists()


def test_script_and_tracking_pixel_in_a_description_are_cleaned(manager, elmug):
    description = (
        'DESCRIPTION:<p>Programm</p><script>alert(1)</script><img src="https://t.example/p.gif">'
    )
    event_ics_import(data=ics(vevent("html@x", extra=description)), user=manager, network=elmug)
    stored = Event.objects.get(uid="html@x").description
    assert stored == "<p>Programm</p>"


def test_not_a_calendar_and_empty_files_are_refused(manager, elmug):
    assert plan(b"hello", manager, elmug).refused == [
        "Die Datei ist keine iCalendar-Datei (BEGIN:VCALENDAR fehlt)."
    ]
    assert plan(ics(), manager, elmug).refused == [
        "Die Datei enthält keine Veranstaltung (VEVENT)."
    ]
    assert plan("BEGIN:VCALENDAR\nÄ".encode("latin-1"), manager, elmug).refused == [
        "Die Datei ist nicht in UTF-8 kodiert; bitte als UTF-8 exportieren."
    ]


def test_a_uid_of_another_networks_event_is_refused(manager, elmug, fermeth):
    EventFactory(uid="theirs@fermeth.de", organisers=[fermeth], title="FerMeTh-Tag")
    preview = plan(ics(vevent("theirs@fermeth.de")), manager, elmug)
    assert "anderen Netzwerks" in preview.refused[0]
    assert Event.objects.get(uid="theirs@fermeth.de").title == "FerMeTh-Tag"


def test_duplicate_uids_are_refused(manager, elmug):
    preview = plan(ics(vevent("dup@x"), vevent("dup@x")), manager, elmug)
    assert "mehrfach" in preview.refused[0]


def test_ten_thousand_events_in_bounded_queries(manager, elmug):
    """10,000 events import in set-based writes: far fewer queries than events (SQLite's limit
    of variables per statement splits the inserts into batches of a few dozen rows; one query
    per event would be 30,000)."""
    events = [vevent(f"e{n}@x", summary=f"Termin {n}") for n in range(10_000)]
    data = ics(*events)
    with CaptureQueriesContext(connection) as queries:
        result = event_ics_import(data=data, user=manager, network=elmug)
    assert result.created == 10_000
    assert Event.objects.count() == 10_000
    assert Event.organisers.through.objects.count() == 10_000
    assert len(queries) < 1_000


def test_more_than_ten_thousand_events_are_refused_with_a_message(manager, elmug):
    data = ics(*[vevent(f"e{n}@x") for n in range(10_001)])
    preview = plan(data, manager, elmug)
    assert preview.refused == [
        "Die Datei enthält 10.001 Veranstaltungen; höchstens 10.000 werden auf einmal "
        "übernommen. Bitte teilen Sie den Kalender auf mehrere Dateien auf."
    ]


# The back office's preview → confirm --------------------------------------------------------


def upload(client, data, network, name="kalender.ics"):
    return client.post(
        reverse("admin:events_event_ics_upload"),
        {
            "file": SimpleUploadedFile(name, data, content_type="text/calendar"),
            "network": network.pk,
            "status": EventStatus.PUBLISHED,
        },
    )


def test_preview_then_confirm(manager, elmug):
    client = client_for(manager)
    assert (
        "iCalendar-Datei importieren"
        in client.get(reverse("admin:events_event_changelist")).content.decode()
    )
    preview = upload(client, ics(vevent("p@x")), elmug)
    assert preview.status_code == 200
    assert not Event.objects.exists()  # the preview writes nothing
    html = preview.content.decode()
    stored = re.search(r'name="stored" value="([0-9a-f]{32})"', html)[1]
    response = client.post(
        reverse("admin:events_event_ics_confirm"),
        {
            "stored": stored,
            "file_name": "kalender.ics",
            "network": elmug.pk,
            "status": "veroeffentlicht",
        },
    )
    assert response.status_code == 302
    assert Event.objects.filter(uid="p@x").exists()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "„kalender.ics“ importiert: 1 neu, 0 geändert, 0 unverändert." in messages


def test_refused_preview_names_the_events_and_offers_no_confirmation(manager, elmug):
    client = client_for(manager)
    html = upload(
        client, ics(vevent("ok@x"), vevent("r@x", extra="RRULE:FREQ=DAILY")), elmug
    ).content.decode()
    assert "Veranstaltung 2 (" in html and "RRULE" in html
    assert "Import bestätigen" not in html
    assert not Event.objects.exists()


def test_crafted_confirmation_for_another_network_is_refused(manager, elmug, fermeth):
    client = client_for(manager)
    html = upload(client, ics(vevent("x@x")), elmug).content.decode()
    stored = re.search(r'name="stored" value="([0-9a-f]{32})"', html)[1]
    response = client.post(
        reverse("admin:events_event_ics_confirm"),
        {
            "stored": stored,
            "file_name": "k.ics",
            "network": fermeth.pk,
            "status": "veroeffentlicht",
        },
    )
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_crafted_upload_for_another_network_is_refused(manager, elmug, fermeth):
    response = upload(client_for(manager), ics(vevent("x@x")), fermeth)
    assert response.status_code == 200
    assert "network" in response.context["form"].errors
    assert not Event.objects.exists()


def test_readers_may_not_import(django_user_model, elmug):
    from networks.scoping import READERS_GROUP

    reader = client_for(make_staff(django_user_model, "leser", READERS_GROUP))
    assert reader.get(reverse("admin:events_event_ics_upload")).status_code == 403


def test_upload_page_shares_the_leg_upload_form(manager, elmug):
    """The .ics upload is the LEG import's upload page (``admin/upload_form.html``): each
    field's ``aria-describedby`` names a help text on the page, and a form error is announced
    in the singular or plural as it is."""
    client = client_for(manager)
    page = client.get(reverse("admin:events_event_ics_upload"))
    html = page.content.decode()
    targets = re.findall(r'aria-describedby="([^"]+)"', html)
    assert targets
    for target in targets:
        assert f'id="{target}"' in html
    assert "admin/upload_form.html" in [t.name for t in page.templates]
    url = reverse("admin:events_event_ics_upload")
    one = client.post(url, {"network": elmug.pk, "status": EventStatus.PUBLISHED})
    assert "Bitte korrigieren Sie den unten aufgeführten Fehler." in one.content.decode()
    two = client.post(url, {"status": EventStatus.PUBLISHED})
    assert "Bitte korrigieren Sie die unten aufgeführten Fehler." in two.content.decode()
