import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimestampedModel, VersionedModel
from members.choices import District

from .choices import EventFormat, EventLanguage, EventStatus
from .descriptions import description_clean, description_html, description_text
from .querysets import EventQuerySet

UID_DOMAIN = "clusterportal-thueringen.de"


def new_uid() -> str:
    return f"{uuid.uuid4()}@{UID_DOMAIN}"


def portal_timezone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_instant(day: datetime.date, time: datetime.time | None) -> datetime.datetime:
    """The moment a day (at midnight) or a day and time begins in the portal's time zone."""
    return datetime.datetime.combine(day, time or datetime.time(0), tzinfo=portal_timezone())


def exists_locally(moment: datetime.datetime) -> bool:
    """False for a wall-clock time skipped when the clocks go forward (02:30 on the last
    Sunday of March in Europe/Berlin)."""
    round_trip = moment.astimezone(datetime.UTC).astimezone(moment.tzinfo)
    return round_trip.replace(tzinfo=None) == moment.replace(tzinfo=None)


class Event(TimestampedModel, VersionedModel):
    """An event of one or more networks: a conference, a member meeting, a workshop.

    Dates are kept as the organisers give them (day, optional time, Europe/Berlin);
    ``starts_at`` and ``ends_at`` are the moments derived from them on every save, for
    sorting and for "upcoming". Without times the event lasts whole days, and ``ends_at`` is
    midnight after its last day. A wall-clock time that occurs twice (the last Sunday of
    October) means its first occurrence (summer time).
    """

    uid = models.CharField(
        verbose_name=_("UID"),
        max_length=255,
        unique=True,
        default=new_uid,
        help_text=_("Kennung in Kalendern; bleibt bei jeder Änderung gleich."),
    )
    title = models.CharField(
        verbose_name=_("Titel"),
        max_length=200,
    )
    summary = models.CharField(
        verbose_name=_("Kurzbeschreibung"),
        max_length=300,
        blank=True,
    )
    description = models.TextField(
        verbose_name=_("Beschreibung"),
        blank=True,
        help_text=_(
            "Text mit Absätzen (Leerzeile) und Links. Eingefügtes HTML wird bereinigt: "
            "Skripte, Bilder und Formatierungen außer Absätzen, Listen, Hervorhebungen und "
            "Links werden entfernt."
        ),
    )
    start_date = models.DateField(
        verbose_name=_("Beginn (Tag)"),
    )
    start_time = models.TimeField(
        verbose_name=_("Beginn (Uhrzeit)"),
        null=True,
        blank=True,
        help_text=_("Leer lassen für ganztägige Veranstaltungen."),
    )
    end_date = models.DateField(
        verbose_name=_("Ende (Tag)"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, wenn die Veranstaltung am selben Tag endet."),
    )
    end_time = models.TimeField(
        verbose_name=_("Ende (Uhrzeit)"),
        null=True,
        blank=True,
    )
    starts_at = models.DateTimeField(
        verbose_name=_("Beginn"),
        editable=False,
        db_index=True,
    )
    ends_at = models.DateTimeField(
        verbose_name=_("Ende"),
        editable=False,
        db_index=True,
    )
    venue = models.CharField(
        verbose_name=_("Veranstaltungsort"),
        max_length=200,
        blank=True,
        help_text=_("z. B. „Congress Center Suhl“"),
    )
    street = models.CharField(
        verbose_name=_("Straße und Hausnummer"),
        max_length=200,
        blank=True,
    )
    postcode = models.CharField(
        verbose_name=_("PLZ"),
        max_length=10,
        blank=True,
    )
    town = models.CharField(
        verbose_name=_("Ort"),
        max_length=100,
        blank=True,
    )
    district = models.CharField(
        verbose_name=_("Landkreis"),
        max_length=50,
        choices=District.choices,
        blank=True,
    )
    online_url = models.URLField(
        verbose_name=_("Online-Link"),
        max_length=500,
        blank=True,
        help_text=_("Adresse der Online-Teilnahme (Stream, Videokonferenz)."),
    )
    organisers = models.ManyToManyField(
        "networks.Network",
        verbose_name=_("Veranstaltende Netzwerke"),
        related_name="events",
    )
    growth_fields = models.ManyToManyField(
        "growthfields.GrowthField",
        verbose_name=_("Wachstumsfelder"),
        related_name="events",
        blank=True,
    )
    language = models.CharField(
        verbose_name=_("Sprache"),
        max_length=5,
        choices=EventLanguage.choices,
        default=EventLanguage.GERMAN,
    )
    registration_url = models.URLField(
        verbose_name=_("Anmeldung (Link)"),
        max_length=500,
        blank=True,
    )
    registration_deadline = models.DateField(
        verbose_name=_("Anmeldeschluss"),
        null=True,
        blank=True,
    )
    fee_note = models.CharField(
        verbose_name=_("Teilnahmegebühr"),
        max_length=200,
        blank=True,
        help_text=_("z. B. „kostenfrei“ oder „Mitglieder 50 €, Gäste 120 €“"),
    )
    status = models.CharField(
        verbose_name=_("Status"),
        max_length=20,
        choices=EventStatus.choices,
        default=EventStatus.DRAFT,
    )
    original_start_date = models.DateField(
        verbose_name=_("ursprünglich geplant am"),
        null=True,
        blank=True,
        help_text=_(
            "Nur bei verschobenen Veranstaltungen: der alte Termin; Beginn und Ende sind der neue."
        ),
    )
    internal_note = models.TextField(
        verbose_name=_("interne Notiz"),
        blank=True,
        help_text=_("Nur im Back Office sichtbar, nie auf den öffentlichen Seiten."),
    )

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["starts_at", "pk"]
        permissions = [
            ("import_event", _("Kann Veranstaltungen aus iCalendar-Dateien importieren")),
        ]
        indexes = [
            models.Index(fields=["status", "ends_at", "starts_at"], name="event_status_ends"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("Das Ende liegt vor dem Beginn."),
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=False) | Q(end_time__isnull=True),
                name="%(app_label)s_%(class)s_all_day_without_end_time",
                violation_error_message=_(
                    "Eine ganztägige Veranstaltung (ohne Uhrzeit des Beginns) hat keine "
                    "Uhrzeit des Endes."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.description = description_clean(self.description)
        self.set_moments()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"pk": self.pk})

    def get_ics_url(self):
        return reverse("events:ics", kwargs={"pk": self.pk})

    # Dates -----------------------------------------------------------------------------------

    @property
    def all_day(self) -> bool:
        return self.start_time is None

    @property
    def last_day(self) -> datetime.date:
        return self.end_date or self.start_date

    def set_moments(self) -> None:
        """``starts_at``/``ends_at`` from the days and times (Europe/Berlin)."""
        if self.start_date is None:
            return
        self.starts_at = local_instant(self.start_date, self.start_time)
        if self.all_day:
            self.ends_at = local_instant(self.last_day + datetime.timedelta(days=1), None)
        elif self.end_time is None and self.end_date is None:
            self.ends_at = self.starts_at
        else:
            self.ends_at = local_instant(self.last_day, self.end_time or self.start_time)

    def clean(self):
        super().clean()
        self.description = description_clean(self.description)
        errors = {}
        if self.start_time is None and self.end_time is not None:
            errors["end_time"] = _(
                "Eine ganztägige Veranstaltung (ohne Uhrzeit des Beginns) hat keine Uhrzeit "
                "des Endes. Bitte tragen Sie auch die Uhrzeit des Beginns ein."
            )
        for day, time, field in (
            (self.start_date, self.start_time, "start_time"),
            (self.last_day, self.end_time, "end_time"),
        ):
            if (
                day is not None
                and time is not None
                and not exists_locally(local_instant(day, time))
            ):
                errors.setdefault(
                    field,
                    _(
                        "Diese Uhrzeit gibt es am %(day)s nicht: die Uhren werden um 2 Uhr auf "
                        "3 Uhr vorgestellt (Beginn der Sommerzeit)."
                    )
                    % {"day": formats.date_format(day, "DATE_FORMAT")},
                )
        if self.start_date is not None and not errors:
            self.set_moments()
            if self.ends_at < self.starts_at:
                field = "end_date" if self.last_day < self.start_date else "end_time"
                errors[field] = _("Das Ende liegt vor dem Beginn.")
                # Said once, at the field at fault: not again by the check constraint.
                self.ends_at = self.starts_at
            if self.registration_deadline and self.registration_deadline > self.start_date:
                errors["registration_deadline"] = _(
                    "Der Anmeldeschluss liegt nach dem Beginn der Veranstaltung."
                )
        if not (self.venue or self.town or self.online_url):
            errors["town"] = _("Bitte geben Sie einen Ort oder einen Online-Link an.")
        if self.status == EventStatus.POSTPONED and not self.original_start_date:
            errors["original_start_date"] = _(
                "Bei einer verschobenen Veranstaltung bitte den ursprünglichen Termin angeben; "
                "Beginn und Ende sind der neue Termin."
            )
        if errors:
            raise ValidationError(errors)

    # What the pages show ---------------------------------------------------------------------

    @property
    def is_public(self) -> bool:
        return self.status in EventStatus.public()

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_postponed(self) -> bool:
        return self.status == EventStatus.POSTPONED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def formats(self) -> list[str]:
        found = []
        if self.venue or self.town:
            found.append(EventFormat.ON_SITE)
        if self.online_url:
            found.append(EventFormat.ONLINE)
        return found

    @property
    def format_labels(self) -> list[str]:
        return [EventFormat(value).label for value in self.formats]

    @property
    def address_lines(self) -> list[str]:
        town = " ".join(part for part in (self.postcode, self.town) if part)
        return [line for line in (self.venue, self.street, town) if line]

    @property
    def sequence(self) -> int:
        """iCalendar's SEQUENCE: 0 for a new event, one more with every change."""
        return max(self.version - 1, 0)

    def description_html(self):
        return description_html(self.description)

    def description_text(self):
        return description_text(self.description)
