from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import BackgroundJob, RunOrigin, RunStatus, Severity


class ImportRun(models.Model):
    """One run of the LEG import: who, when, which file, what it did or why it was refused."""

    status = models.CharField(
        verbose_name=_("Status"),
        max_length=12,
        choices=RunStatus.choices,
    )
    origin = models.CharField(
        verbose_name=_("gestartet über"),
        max_length=10,
        choices=RunOrigin.choices,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        on_delete=models.SET_NULL,
        related_name="import_runs",
        null=True,
        blank=True,
    )
    started_at = models.DateTimeField(
        verbose_name=_("begonnen"),
        auto_now_add=True,
    )
    duration = models.FloatField(
        verbose_name=_("Dauer (s)"),
        null=True,
        blank=True,
    )
    file_name = models.CharField(
        verbose_name=_("Dateiname"),
        max_length=255,
    )
    sha256 = models.CharField(
        verbose_name=_("SHA-256"),
        max_length=64,
    )
    file_size = models.PositiveBigIntegerField(
        verbose_name=_("Größe (Bytes)"),
        default=0,
    )
    stored_file = models.CharField(
        verbose_name=_("gespeicherte Datei"),
        max_length=500,
        blank=True,
        help_text=_("Nur zwischen Vorschau und Bestätigung; danach gelöscht."),
    )
    plan_fingerprint = models.CharField(
        verbose_name=_("Prüfsumme der Änderungen"),
        max_length=64,
        blank=True,
    )
    rows = models.PositiveIntegerField(
        verbose_name=_("Zeilen"),
        default=0,
    )
    created = models.PositiveIntegerField(
        verbose_name=_("neu"),
        default=0,
    )
    updated = models.PositiveIntegerField(
        verbose_name=_("geändert"),
        default=0,
    )
    unchanged = models.PositiveIntegerField(
        verbose_name=_("unverändert"),
        default=0,
    )
    not_in_file = models.PositiveIntegerField(
        verbose_name=_("nicht in der Datei"),
        default=0,
    )
    key_figures_created = models.PositiveIntegerField(
        verbose_name=_("Kennzahlen neu"),
        default=0,
    )
    key_figures_updated = models.PositiveIntegerField(
        verbose_name=_("Kennzahlen geändert"),
        default=0,
    )
    key_figures_unchanged = models.PositiveIntegerField(
        verbose_name=_("Kennzahlen unverändert"),
        default=0,
    )
    warning_count = models.PositiveIntegerField(
        verbose_name=_("Warnungen"),
        default=0,
    )
    unseen = models.PositiveIntegerField(
        verbose_name=_("unverändert, ungeprüft übersprungen"),
        default=0,
        help_text=_(
            "Zeilen, die genau so schon importiert wurden und seither unverändert sind; sie "
            "wurden nicht erneut geprüft und ihre Warnungen nicht wiederholt."
        ),
    )
    unseen_warning_runs = models.JSONField(
        verbose_name=_("Warnungen übersprungener Zeilen in Lauf"),
        default=list,
        blank=True,
        help_text=_("Die früheren Läufe, deren Berichte die Warnungen dieser Zeilen enthalten."),
    )
    error_count = models.PositiveIntegerField(
        verbose_name=_("Fehler"),
        default=0,
    )
    report = models.JSONField(
        verbose_name=_("Bericht"),
        default=list,
        blank=True,
        help_text=_(
            "Die Fehler und Warnungen (je Spalte höchstens die ersten 1.000): Zeile, Spalte, "
            "Wert, Grund."
        ),
    )
    issue_totals = models.JSONField(
        verbose_name=_("Meldungen je Spalte"),
        default=list,
        blank=True,
        help_text=_(
            "Nur wenn der Bericht gekürzt ist: Anzahl der Fehler und Warnungen je Spalte; der "
            "Bericht enthält davon die ersten."
        ),
    )
    changes = models.JSONField(
        verbose_name=_("Änderungen (Auszug)"),
        default=list,
        blank=True,
    )
    message = models.TextField(
        verbose_name=_("Meldung"),
        blank=True,
    )
    applied_at = models.DateTimeField(
        verbose_name=_("geschrieben"),
        null=True,
        blank=True,
        help_text=_("Zeitpunkt der Änderungen; so steht er in der Änderungshistorie."),
    )
    background = models.CharField(
        verbose_name=_("Hintergrundauftrag"),
        max_length=10,
        choices=BackgroundJob.choices,
        blank=True,
        help_text=_("Was der Hintergrundprozess mit einer großen Datei tut (imports.tasks)."),
    )
    worker_started_at = models.DateTimeField(
        verbose_name=_("vom Hintergrundprozess begonnen"),
        null=True,
        blank=True,
    )
    reverted_at = models.DateTimeField(
        verbose_name=_("rückgängig gemacht"),
        null=True,
        blank=True,
    )
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rückgängig gemacht von"),
        on_delete=models.SET_NULL,
        related_name="reverted_import_runs",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("Importlauf")
        verbose_name_plural = _("Importläufe")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "started_at"], name="importrun_status_started"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_preview(self) -> bool:
        """A preview waiting to be confirmed or discarded."""
        return self.status == RunStatus.PREVIEW

    @property
    def is_refused(self) -> bool:
        """A file refused as a whole: nothing to compare, nothing to import."""
        return self.status == RunStatus.REFUSED

    @property
    def history_reason(self) -> str:
        """The change reason of every history entry this run wrote: identifies the run."""
        return f"LEG-Import #{self.pk}"

    @property
    def revert_reason(self) -> str:
        """The change reason of the history entries written when this run is taken back."""
        return f"Rücknahme von LEG-Import #{self.pk}"

    @property
    def reasons(self) -> tuple[str, str]:
        return (self.history_reason, self.revert_reason)

    @property
    def revertible(self) -> bool:
        """Imported with its history entries naming it (``applied_at``), not yet taken back.
        Whether later changes stand in the way is ``imports.revert``'s question."""
        return (
            self.status == RunStatus.IMPORTED
            and self.applied_at is not None
            and self.reverted_at is None
        )

    @property
    def errors(self):
        return [issue for issue in self.report if issue["severity"] == Severity.ERROR]

    @property
    def warnings(self):
        return [issue for issue in self.report if issue["severity"] == Severity.WARNING]


class ImportRunLink(models.Model):
    """A growth-field link a run added to an organisation that existed before the run.

    The link table keeps no history of its own; these rows let the run be taken back. Links of
    organisations the run created go with the organisation.
    """

    run = models.ForeignKey(
        ImportRun,
        verbose_name=_("Importlauf"),
        on_delete=models.CASCADE,
        related_name="added_links",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    growth_field = models.ForeignKey(
        "growthfields.GrowthField",
        verbose_name=_("Wachstumsfeld"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("vom Import hinzugefügte Zuordnung")
        verbose_name_plural = _("vom Import hinzugefügte Zuordnungen")

    def __str__(self):
        return f"#{self.run_id}: {self.organisation_id} → {self.growth_field_id}"


class ImportedRowDigest(models.Model):
    """The raw row an organisation was last imported from, as a digest (``imports.digest``).

    A later import skips a row whose digest, cleaning rules and organisation version are all
    unchanged: it would clean and compare to "unchanged". A side table, so the organisations'
    own indexes are not touched by it.
    """

    organisation = models.OneToOneField(
        "members.Organisation",
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    digest = models.CharField(
        verbose_name=_("Prüfsumme der Zeile"),
        max_length=32,
    )
    rules = models.CharField(
        verbose_name=_("Stand der Bereinigungsregeln"),
        max_length=32,
        help_text=_("Regelversion, Code und Namen/Aliasse der Wachstumsfelder und Netzwerke."),
    )
    version = models.PositiveIntegerField(
        verbose_name=_("Version der Organisation"),
    )
    run = models.ForeignKey(
        ImportRun,
        verbose_name=_("zuletzt geprüft in Lauf"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )
    warned = models.BooleanField(
        verbose_name=_("mit Warnungen"),
        default=False,
    )

    class Meta:
        verbose_name = _("Prüfsumme einer importierten Zeile")
        verbose_name_plural = _("Prüfsummen importierter Zeilen")

    def __str__(self):
        return f"{self.organisation_id}: {self.digest}"
