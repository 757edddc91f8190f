"""iCalendar (RFC 5545) in and out, with the ``icalendar`` package.

Out: one ``VCALENDAR`` per feed or event. Timed events carry ``TZID=Europe/Berlin`` local
times and the zone's ``VTIMEZONE`` (with the EU rules, valid in every year), so calendar apps
place them right on both sides of a daylight-saving change; all-day events are dates. Every
event has its stable ``UID``, ``SEQUENCE`` (one more with every change) and ``STATUS``
(``CANCELLED`` for a cancellation, else ``CONFIRMED``).

In: ``read_events`` reads a file one ``VEVENT`` at a time (memory stays bounded by one
event, however long the file) and yields the fields of each, or why it is refused.
"""

import datetime
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import icalendar
from django.conf import settings
from django.utils.translation import gettext as _

from .choices import EventStatus

PRODID = "-//Clusterportal Thüringen//Veranstaltungen//DE"

BERLIN_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
""".replace("\n", "\r\n")


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# Writing -------------------------------------------------------------------------------------


def build_calendar(events: Iterable, *, name: str, absolute) -> bytes:
    """A VCALENDAR of ``events``; ``absolute(path)`` makes an address absolute."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add_component(icalendar.Timezone.from_ical(BERLIN_VTIMEZONE))
    for event in events:
        calendar.add_component(event_component(event, absolute=absolute))
    return calendar.to_ical()


def event_component(event, *, absolute) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", event.updated_at.astimezone(datetime.UTC))
    component.add("created", event.created_at.astimezone(datetime.UTC))
    component.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    tz = _tz()
    if event.all_day:
        component.add("dtstart", event.start_date)
        component.add("dtend", event.last_day + datetime.timedelta(days=1))
    else:
        component.add("dtstart", event.starts_at.astimezone(tz))
        if event.ends_at > event.starts_at:
            component.add("dtend", event.ends_at.astimezone(tz))
    component.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    url = absolute(event.get_absolute_url())
    component.add("url", url)
    description = "\n\n".join(
        part for part in (event.summary, event.description_text(), url) if part
    )
    component.add("description", description)
    location = ", ".join(event.address_lines) or event.online_url
    if location:
        component.add("location", location)
    names = [network.name for network in event.organisers.all()]
    if names:
        component.add("x-clusterportal-organisers", ", ".join(names))
    categories = [field.display_name for field in event.growth_fields.all()]
    if categories:
        component.add("categories", categories)
    return component


# Reading -------------------------------------------------------------------------------------


@dataclass
class ReadEvent:
    """One VEVENT of an uploaded file: its number (1 = first in the file), UID and title as
    far as they could be read, the model fields, or the reasons it is refused."""

    number: int
    uid: str = ""
    title: str = ""
    fields: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        name = _("Veranstaltung %(number)s") % {"number": self.number}
        details = ", ".join(
            part
            for part in (
                f"„{self.title}“" if self.title else "",
                f"UID {self.uid}" if self.uid else "",
            )
            if part
        )
        return f"{name} ({details})" if details else name


class FileRefused(Exception):
    """The file as a whole cannot be read (not iCalendar, too many events)."""


def _blocks(text: str) -> Iterator[tuple[str, str]]:
    """("VEVENT" | "VTIMEZONE", text of the component) in file order. Folded lines start with
    a space or tab, so a component's BEGIN/END are always at the start of a line."""
    current = None
    lines: list[str] = []
    depth = 0
    for line in text.splitlines():
        upper = line.strip().upper()
        if current is None:
            if upper in ("BEGIN:VEVENT", "BEGIN:VTIMEZONE"):
                current, depth, lines = upper[6:], 1, [line]
            continue
        lines.append(line)
        if upper.startswith("BEGIN:"):
            depth += 1
        elif upper.startswith("END:"):
            depth -= 1
            if depth == 0:
                yield current, "\r\n".join(lines) + "\r\n"
                current, lines = None, []
    if current is not None:
        yield current, "\r\n".join(lines) + "\r\n"


def count_events(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip().upper() == "BEGIN:VEVENT")


def read_events(data: bytes, *, limit: int) -> Iterator[ReadEvent]:
    """The file's events one by one; raises ``FileRefused`` before the first if the file is
    no calendar or has more than ``limit`` events."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            _("Die Datei ist nicht in UTF-8 kodiert; bitte als UTF-8 exportieren.")
        ) from None
    if "BEGIN:VCALENDAR" not in text.upper():
        raise FileRefused(_("Die Datei ist keine iCalendar-Datei (BEGIN:VCALENDAR fehlt)."))
    total = count_events(text)
    if total == 0:
        raise FileRefused(_("Die Datei enthält keine Veranstaltung (VEVENT)."))
    if total > limit:
        raise FileRefused(
            _(
                "Die Datei enthält %(count)s Veranstaltungen; höchstens %(limit)s werden auf "
                "einmal übernommen. Bitte teilen Sie den Kalender auf mehrere Dateien auf."
            )
            % {"count": f"{total:,}".replace(",", "."), "limit": f"{limit:,}".replace(",", ".")}
        )
    zones: dict[str, datetime.tzinfo] = {}
    number = 0
    for kind, block in _blocks(text):
        if kind == "VTIMEZONE":
            try:
                component = icalendar.Timezone.from_ical(block)
                zones[str(component["TZID"])] = component.to_tz()
            except Exception:  # noqa: BLE001 - a broken zone only matters if an event uses it
                continue
            continue
        number += 1
        yield _read_event(number, block, zones)


def _text(component, name) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()


def _moment(component, name, zones, event: ReadEvent):
    """DTSTART/DTEND as a date (all day) or an aware datetime, or None with an error noted."""
    prop = component.get(name)
    if prop is None:
        return None
    value = getattr(prop, "dt", None)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            tzid = prop.params.get("TZID")
            if tzid:
                zone = zones.get(tzid)
                if zone is None:
                    try:
                        zone = zoneinfo.ZoneInfo(tzid)
                    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                        event.errors.append(
                            _(
                                "%(property)s: unbekannte Zeitzone „%(zone)s“ (weder eine "
                                "IANA-Zeitzone wie Europe/Berlin noch in der Datei beschrieben)."
                            )
                            % {"property": name, "zone": tzid}
                        )
                        return None
                value = value.replace(tzinfo=zone)
            else:  # "floating" time: as the organisers read it, in Thuringia
                value = value.replace(tzinfo=_tz())
        return value.astimezone(_tz())
    if isinstance(value, datetime.date):
        return value
    event.errors.append(_("%(property)s: kein gültiges Datum.") % {"property": name})
    return None


def _check_component(component, event: ReadEvent) -> None:
    """Note what makes a readable VEVENT unusable before its times are read: no UID or title,
    recurrences."""
    if not event.uid:
        event.errors.append(
            _("Die UID fehlt; ohne sie kann die Veranstaltung nicht wiedererkannt werden.")
        )
    if not event.title:
        event.errors.append(_("Der Titel (SUMMARY) fehlt."))
    if component.get("RRULE") is not None or component.get("RDATE") is not None:
        event.errors.append(
            _(
                "Wiederkehrende Termine (RRULE/RDATE) werden nicht übernommen. Bitte legen Sie "
                "die Termine einzeln an oder exportieren Sie den Kalender mit aufgelösten "
                "Wiederholungen."
            )
        )
    if component.get("RECURRENCE-ID") is not None:
        event.errors.append(
            _("Einzelne Termine einer Terminserie (RECURRENCE-ID) werden nicht übernommen.")
        )


def _timed_fields(component, start: datetime.datetime, end) -> dict:
    """Start and end of an event with a time of day."""
    if end is None and component.get("DURATION") is not None:
        end = start + component.decoded("DURATION")
    if end is not None and not isinstance(end, datetime.datetime):
        end = datetime.datetime.combine(end, datetime.time(0), tzinfo=_tz())
    fields = {"start_date": start.date(), "start_time": start.time().replace(microsecond=0)}
    if end is not None:
        fields["end_date"] = end.date() if end.date() != start.date() else None
        fields["end_time"] = end.time().replace(microsecond=0)
    else:
        fields["end_date"] = fields["end_time"] = None
    return fields


def _all_day_fields(start: datetime.date, end) -> dict:
    """Start and end of an all-day event; DTEND is exclusive in iCalendar."""
    if isinstance(end, datetime.datetime):
        end = end.date()
    last = (end - datetime.timedelta(days=1)) if end is not None else start
    fields = {
        "start_date": start,
        "start_time": None,
        "end_date": last if last != start else None,
        "end_time": None,
    }
    if last < start:  # the model's check gives the German message
        fields["end_date"] = last
    return fields


def _place_and_status(component) -> dict:
    """LOCATION as a venue or, where it is an address on the web, as the online link."""
    location = _text(component, "LOCATION")
    if location.lower().startswith(("http://", "https://")):
        fields = {"online_url": location[:500], "venue": ""}
    else:
        fields = {"venue": location[:200], "online_url": ""}
    if _text(component, "STATUS").upper() == "CANCELLED":
        fields["status"] = EventStatus.CANCELLED
    return fields


def _read_event(number: int, block: str, zones) -> ReadEvent:
    event = ReadEvent(number=number)
    try:
        component = icalendar.Event.from_ical(block)
    except Exception as error:  # noqa: BLE001 - any parser failure is the file's fault
        event.errors.append(_("nicht lesbar: %(error)s") % {"error": str(error)[:200]})
        return event
    if isinstance(component, list):
        component = component[0]
    event.uid = _text(component, "UID")[:255]
    event.title = _text(component, "SUMMARY")
    for prop, message in getattr(component, "errors", []):
        event.errors.append(
            _("%(property)s: ungültiger Wert (%(message)s).")
            % {"property": prop, "message": str(message)[:200]}
        )
    if event.errors:
        return event
    _check_component(component, event)
    start = _moment(component, "DTSTART", zones, event)
    end = _moment(component, "DTEND", zones, event)
    if start is None and not any("DTSTART" in error for error in event.errors):
        event.errors.append(_("Der Beginn (DTSTART) fehlt."))
    if event.errors:
        return event
    fields = {
        "title": event.title[:200],
        "description": _text(component, "DESCRIPTION"),
        "registration_url": _text(component, "URL")[:500],
    }
    if isinstance(start, datetime.datetime):
        fields.update(_timed_fields(component, start, end))
    else:
        fields.update(_all_day_fields(start, end))
    fields.update(_place_and_status(component))
    event.fields = fields
    return event
