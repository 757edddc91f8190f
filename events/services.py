"""Writes that span more than one row: cancelling events and the iCalendar import.

The import (``event_ics_plan`` for the preview, ``event_ics_import`` for the confirmation)
upserts by UID: an event whose UID is already in the portal is updated (SEQUENCE goes up when
something changed), any other is created with the chosen network as organiser. The file is
read one VEVENT at a time and handled in chunks of ``CHUNK`` events (one query for the chunk's
existing UIDs, set-based inserts and updates), so memory stays bounded whatever the file's
length. Any refused event refuses the whole file: the import runs in one transaction and
writes nothing unless every event is accepted.
"""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.cache import invalidate_on_commit
from networks.scoping import user_has_all_networks, user_managed_network_ids

from .choices import EventStatus
from .descriptions import description_clean
from .ical import FileRefused, ReadEvent, read_events
from .models import Event

MAX_EVENTS = 10_000
MAX_BYTES = 20 * 1024 * 1024
CHUNK = 1_000
SHOWN_CHANGES = 100
COUNTERS = {"create": "created", "update": "updated", "unchanged": "unchanged"}
HISTORY_REASON = "iCalendar-Import"
# The fields an .ics file sets; status only when it says CANCELLED.
IMPORTED_FIELDS = (
    "title",
    "description",
    "registration_url",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    "venue",
    "online_url",
)


@transaction.atomic
def event_cancel(*, event: Event, user=None) -> Event:
    """Mark an event cancelled: it stays on the pages and in the feeds, marked, and its
    SEQUENCE goes up so that calendar apps show the cancellation."""
    event.status = EventStatus.CANCELLED
    event._history_user = user
    event.save()
    return event


class ImportRefused(Exception):
    """The file cannot be imported; ``messages`` say why (each refused event by name)."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass
class ImportPlan:
    """What an import would do: counts, the refused events and the first changes."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)
    changes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_refused(self) -> bool:
        return bool(self.refused)


@dataclass
class _Row:
    read: ReadEvent
    action: str  # "create", "update", "unchanged", "refused"
    event: Event | None = None
    needs_link: bool = False


def _refuse(row_read: ReadEvent, messages) -> _Row:
    row_read.errors.extend(messages)
    return _Row(read=row_read, action="refused")


def _validation_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        found = []
        for name, errors in error.error_dict.items():
            label = Event._meta.get_field(name).verbose_name if name != "__all__" else ""
            for message in errors:
                text = " ".join(message.messages)
                found.append(f"{label}: {text}" if label else text)
        return found
    return list(error.messages)


def _planned_chunks(*, data: bytes, user, network, new_status) -> Iterator[list[_Row]]:
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            [
                _("Die Datei ist größer als %(limit)s MB; bitte teilen Sie sie auf.")
                % {"limit": MAX_BYTES // (1024 * 1024)}
            ]
        )
    try:
        events = read_events(data, limit=MAX_EVENTS)
        first = next(events, None)
    except FileRefused as refused:
        raise ImportRefused([str(refused)]) from None
    reach_all = user_has_all_networks(user)
    managed = user_managed_network_ids(user)
    seen: set[str] = set()
    stream = itertools.chain([first] if first else [], events)
    while chunk := list(itertools.islice(stream, CHUNK)):
        uids = [read.uid for read in chunk if not read.errors]
        existing = {
            event.uid: event
            for event in Event.objects.filter(uid__in=uids).prefetch_related("organisers")
        }
        rows = []
        for read in chunk:
            if read.errors:
                rows.append(_Row(read=read, action="refused"))
                continue
            if read.uid in seen:
                rows.append(_refuse(read, [_("Die UID kommt in der Datei mehrfach vor.")]))
                continue
            seen.add(read.uid)
            rows.append(
                _plan_row(read, existing.get(read.uid), reach_all, managed, network, new_status)
            )
        yield rows


def _plan_row(read, current, reach_all, managed, network, new_status) -> _Row:
    fields = dict(read.fields)
    status = fields.pop("status", None)
    fields["description"] = description_clean(fields["description"])
    if current is None:
        event = Event(uid=read.uid, status=status or new_status, **fields)
        action, needs_link = "create", True
    else:
        organiser_ids = {organiser.pk for organiser in current.organisers.all()}
        if not reach_all and not organiser_ids & managed:
            return _refuse(
                read,
                [
                    _(
                        "Diese UID gehört zu einer Veranstaltung eines anderen Netzwerks, "
                        "die Sie nicht bearbeiten dürfen."
                    )
                ],
            )
        if status:
            fields["status"] = status
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        for name in changed:
            setattr(current, name, fields[name])
        event = current
        needs_link = network.pk not in organiser_ids
        action = "update" if changed or needs_link else "unchanged"
    try:
        event.full_clean(exclude=["uid"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return _refuse(read, _validation_messages(error))
    event.set_moments()
    return _Row(read=read, action=action, event=event, needs_link=needs_link)


def event_ics_plan(*, data: bytes, user, network, new_status=EventStatus.PUBLISHED) -> ImportPlan:
    """Read and check the file against the portal's events, writing nothing."""
    plan = ImportPlan()
    try:
        for rows in _planned_chunks(data=data, user=user, network=network, new_status=new_status):
            for row in rows:
                plan.total += 1
                if row.action == "refused":
                    plan.refused.append(f"{row.read.label}: {' '.join(row.read.errors)}")
                    continue
                counter = COUNTERS[row.action]
                setattr(plan, counter, getattr(plan, counter) + 1)
                if row.action != "unchanged" and len(plan.changes) < SHOWN_CHANGES:
                    plan.changes.append((row.read.label, row.action))
    except ImportRefused as refused:
        plan.refused = refused.messages
    return plan


@transaction.atomic
def event_ics_import(*, data: bytes, user, network, new_status=EventStatus.PUBLISHED) -> ImportPlan:
    """Import the file: all of it, or (``ImportRefused``) nothing."""
    plan = ImportPlan()
    through = Event.organisers.through
    now = timezone.now()
    for rows in _planned_chunks(data=data, user=user, network=network, new_status=new_status):
        refused = [
            f"{row.read.label}: {' '.join(row.read.errors)}"
            for row in rows
            if row.action == "refused"
        ]
        plan.refused.extend(refused)
        if plan.refused:
            continue  # keep reading to name every refused event; nothing is kept
        created = [row.event for row in rows if row.action == "create"]
        updated = [row.event for row in rows if row.action == "update"]
        plan.total += len(rows)
        plan.created += len(created)
        plan.updated += len(updated)
        plan.unchanged += sum(1 for row in rows if row.action == "unchanged")
        if created:
            bulk_create_with_history(
                created,
                Event,
                batch_size=500,
                default_user=user,
                default_change_reason=HISTORY_REASON,
            )
            if any(event.pk is None for event in created):  # a database without RETURNING
                ids = dict(
                    Event.objects.filter(uid__in=[e.uid for e in created]).values_list("uid", "pk")
                )
                for event in created:
                    event.pk = ids[event.uid]
        if updated:
            for event in updated:
                event.updated_at = now
            bulk_update_with_history(
                updated,
                Event,
                [*IMPORTED_FIELDS, "status", "starts_at", "ends_at", "updated_at"],
                batch_size=500,
                default_user=user,
                default_change_reason=HISTORY_REASON,
            )
            Event.objects.filter(pk__in=[event.pk for event in updated]).update(
                version=F("version") + 1
            )
        links = [
            through(event_id=row.event.pk, network_id=network.pk)
            for row in rows
            if row.action in ("create", "update") and row.needs_link
        ]
        through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
    if plan.refused:
        raise ImportRefused(plan.refused)
    invalidate_on_commit()
    return plan
