"""Events: dates in Europe/Berlin, the German messages for bad input, sanitised descriptions,
version, SEQUENCE and history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from events.choices import EventStatus
from events.descriptions import description_html
from events.models import Event
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

NEXT_YEAR = datetime.date.today().year + 1


def last_sunday(year, month):
    day = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


def errors_of(event):
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    return {name: " ".join(messages) for name, messages in caught.value.message_dict.items()}


def build(**fields):
    values = {
        "title": "Schmalkaldener Werkzeugtagung",
        "start_date": datetime.date(NEXT_YEAR, 11, 5),
        "start_time": datetime.time(9, 0),
        "end_time": datetime.time(17, 0),
        "town": "Schmalkalden",
        "status": EventStatus.PUBLISHED,
    }
    values.update(fields)
    return Event(**values)


def test_end_before_start_is_refused_in_german():
    """An end before the start gets "Das Ende liegt vor dem Beginn." on the field at fault."""
    assert errors_of(build(end_time=datetime.time(8, 0))) == {
        "end_time": "Das Ende liegt vor dem Beginn."
    }
    assert errors_of(build(end_date=datetime.date(NEXT_YEAR, 11, 4))) == {
        "end_date": "Das Ende liegt vor dem Beginn."
    }


def test_the_database_refuses_an_end_before_the_start_too():
    """The check constraint holds for writes that skip validation."""
    event = EventFactory()
    with pytest.raises(ValidationError, match="Das Ende liegt vor dem Beginn"):
        event.ends_at = event.starts_at - datetime.timedelta(hours=1)
        event.validate_constraints()


def test_registration_deadline_after_start_is_refused():
    """A registration deadline after the first day is refused with a German message."""
    event = build(registration_deadline=datetime.date(NEXT_YEAR, 11, 6))
    assert errors_of(event) == {
        "registration_deadline": "Der Anmeldeschluss liegt nach dem Beginn der Veranstaltung."
    }
    build(registration_deadline=datetime.date(NEXT_YEAR, 11, 5)).full_clean()


def test_a_place_or_an_online_link_is_needed():
    errors = errors_of(build(town=""))
    assert errors == {"town": "Bitte geben Sie einen Ort oder einen Online-Link an."}
    build(town="", online_url="https://meet.example.org/konferenz").full_clean()


def test_postponed_needs_the_original_date():
    errors = errors_of(build(status=EventStatus.POSTPONED))
    assert "ursprünglichen Termin" in errors["original_start_date"]


def test_all_day_event_has_no_end_time():
    errors = errors_of(build(start_time=None, end_time=datetime.time(12, 0)))
    assert "ganztägige Veranstaltung" in errors["end_time"]


def test_a_time_skipped_by_the_spring_change_is_refused():
    """02:30 on the last Sunday of March does not exist in Europe/Berlin: a German message
    says so instead of silently moving the event."""
    day = last_sunday(NEXT_YEAR, 3)
    errors = errors_of(build(start_date=day, start_time=datetime.time(2, 30), end_time=None))
    assert "Diese Uhrzeit gibt es am" in errors["start_time"]
    assert "Sommerzeit" in errors["start_time"]


def test_a_time_repeated_by_the_autumn_change_is_its_first_occurrence():
    """02:30 on the last Sunday of October happens twice; the event means the first (CEST)."""
    day = last_sunday(NEXT_YEAR, 10)
    event = EventFactory(
        start_date=day, start_time=datetime.time(2, 30), end_time=datetime.time(4, 0)
    )
    assert event.starts_at.utcoffset() == datetime.timedelta(hours=2)
    assert event.starts_at.astimezone(datetime.UTC).time() == datetime.time(0, 30)
    # 04:00 is after the change (CET): the event lasts two and a half hours.
    duration = event.ends_at.astimezone(datetime.UTC) - event.starts_at.astimezone(datetime.UTC)
    assert duration == datetime.timedelta(hours=2, minutes=30)


def test_all_day_events_end_at_midnight_after_their_last_day():
    event = EventFactory(
        start_date=datetime.date(NEXT_YEAR, 6, 1),
        end_date=datetime.date(NEXT_YEAR, 6, 3),
        start_time=None,
        end_time=None,
    )
    assert event.all_day
    assert event.ends_at.date() == datetime.date(NEXT_YEAR, 6, 4)
    assert event.ends_at.hour == 0


def test_scripts_and_tracking_pixels_are_removed_from_pasted_html():
    """Pasted HTML keeps paragraphs and links; scripts, images, handlers and javascript:
    links are gone, in the database and on the page."""
    event = EventFactory(
        description=(
            '<p onclick="steal()">Programm <script>alert(1)</script>'
            '<img src="https://tracker.example/p.gif" width="1" height="1">'
            '<a href="javascript:alert(2)">böse</a> <a href="https://elmug.de/">Anmeldung</a>'
            '</p><style>p{}</style><iframe src="https://x.example"></iframe>'
        )
    )
    event.refresh_from_db()
    stored = event.description
    for gone in ("script", "alert", "<img", "tracker", "onclick", "javascript", "iframe", "style"):
        assert gone not in stored
    assert '<a href="https://elmug.de/" rel="noopener noreferrer nofollow">Anmeldung</a>' in stored
    assert "<p>" in stored


def test_plain_text_is_kept_and_shown_with_paragraphs_and_links():
    """Plain text stays as typed (a "<" or "&" is no HTML) and is shown as paragraphs, its
    addresses as links."""
    text = "Erster Absatz & mehr, 3 < 4.\n\nAnmeldung: https://elmug.de/tagung"
    event = EventFactory(description=text)
    event.refresh_from_db()
    assert event.description == text
    shown = str(description_html(event.description))
    assert shown.count("<p>") == 2
    assert "&amp; mehr, 3 &lt; 4." in shown
    assert 'href="https://elmug.de/tagung"' in shown


def test_every_change_raises_version_sequence_and_history():
    event = EventFactory()
    event.refresh_from_db()
    assert (event.version, event.sequence) == (1, 0)
    event.title = "Neuer Titel"
    event.save()
    assert event.sequence == 1
    event.status = EventStatus.CANCELLED
    event.save()
    assert event.sequence == 2
    assert event.history.count() == 3
    assert event.history.first().status == EventStatus.CANCELLED
