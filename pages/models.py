"""The contact details the imprint, privacy and accessibility pages show, and the feedback
visitors send about barriers."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SINGLETON_PK = 1


class FeedbackStatus(models.TextChoices):
    NEW = "neu", _("neu")
    IN_PROGRESS = "in_bearbeitung", _("in Bearbeitung")
    ANSWERED = "beantwortet", _("beantwortet")


class PortalContactQuerySet(models.QuerySet):
    def load(self) -> "PortalContact":
        """The one row (created with the model's defaults if it is missing)."""
        contact, _created = self.get_or_create(pk=SINGLETON_PK)
        return contact


class PortalContact(models.Model):
    """The portal's contact details, one row, edited in the back office: who runs the portal
    (Impressum), the data-protection officer and supervisory authority (Datenschutz), and the
    accessibility statement's date, feedback address and enforcement procedure."""

    confirmed = models.BooleanField(
        verbose_name=_("Angaben geprüft und freigegeben"),
        default=False,
        help_text=_(
            "Solange nicht angehakt, weisen die Seiten darauf hin, dass die Angaben eine "
            "Vorbelegung sind."
        ),
    )
    operator = models.CharField(
        verbose_name=_("Betreiber"),
        max_length=200,
        default="Landesentwicklungsgesellschaft Thüringen mbH (LEG Thüringen)",
    )
    operator_unit = models.CharField(
        verbose_name=_("Verantwortliche Stelle"),
        max_length=200,
        blank=True,
        default="Thüringer ClusterManagement (ThCM)",
    )
    street = models.CharField(
        verbose_name=_("Straße und Hausnummer"),
        max_length=200,
        default="Mainzerhofstraße 12",
    )
    postcode = models.CharField(
        verbose_name=_("PLZ"),
        max_length=10,
        default="99084",
    )
    town = models.CharField(
        verbose_name=_("Ort"),
        max_length=100,
        default="Erfurt",
    )
    phone = models.CharField(
        verbose_name=_("Telefon"),
        max_length=50,
        blank=True,
        default="+49 361 5603-0",
    )
    email = models.EmailField(
        verbose_name=_("E-Mail"),
        blank=True,
        default="cluster@leg-thueringen.de",
    )
    represented_by = models.CharField(
        verbose_name=_("Vertretungsberechtigt"),
        max_length=300,
        blank=True,
        default="die Geschäftsführung der LEG Thüringen",
    )
    register_entry = models.CharField(
        verbose_name=_("Registereintrag"),
        max_length=200,
        blank=True,
        default="Amtsgericht Jena, HRB (Nummer eintragen)",
    )
    vat_id = models.CharField(
        verbose_name=_("Umsatzsteuer-Identifikationsnummer"),
        max_length=50,
        blank=True,
        default="DE (Nummer eintragen)",
    )
    content_responsible = models.CharField(
        verbose_name=_("Inhaltlich verantwortlich"),
        max_length=300,
        blank=True,
        default="Leitung des Thüringer ClusterManagements, Anschrift wie oben",
    )
    privacy_officer = models.TextField(
        verbose_name=_("Datenschutzbeauftragte(r)"),
        default=(
            "Datenschutzbeauftragte der LEG Thüringen\nMainzerhofstraße 12, 99084 Erfurt\n"
            "datenschutz@leg-thueringen.de"
        ),
        help_text=_("Name oder Funktion, Anschrift, E-Mail; eine Angabe je Zeile."),
    )
    supervisory_authority = models.TextField(
        verbose_name=_("Datenschutz-Aufsichtsbehörde"),
        default=(
            "Thüringer Landesbeauftragter für den Datenschutz und die Informationsfreiheit "
            "(TLfDI)\nHäßlerstraße 8, 99096 Erfurt\npoststelle@datenschutz.thueringen.de"
        ),
        help_text=_("Eine Angabe je Zeile."),
    )
    accessibility_email = models.EmailField(
        verbose_name=_("E-Mail für Barrieren-Meldungen"),
        blank=True,
        default="barrierefreiheit@leg-thueringen.de",
        help_text=_("Wird in der Erklärung zur Barrierefreiheit neben dem Formular genannt."),
    )
    accessibility_statement_date = models.DateField(
        verbose_name=_("Datum der Erklärung zur Barrierefreiheit"),
        default=timezone.localdate,
        help_text=_("Das Datum der letzten Prüfung; bei jeder Überprüfung neu setzen."),
    )
    enforcement_body = models.TextField(
        verbose_name=_("Durchsetzungsverfahren: Stelle"),
        default=(
            "Beauftragte(r) für Menschen mit Behinderungen des Freistaats Thüringen\n"
            "Schlichtungsstelle\nWerner-Seelenbinder-Straße 6, 99096 Erfurt\n"
            "schlichtungsstelle@tmasgff.thueringen.de"
        ),
        help_text=_("Name, Anschrift, E-Mail; eine Angabe je Zeile."),
    )
    enforcement_url = models.URLField(
        verbose_name=_("Durchsetzungsverfahren: Internetseite"),
        blank=True,
        default="https://www.tlmb.de",
    )
    updated_at = models.DateTimeField(
        verbose_name=_("geändert am"),
        auto_now=True,
    )

    objects = PortalContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kontaktangaben des Portals")
        verbose_name_plural = _("Kontaktangaben des Portals")

    def __str__(self):
        return str(_("Kontaktangaben des Portals"))

    def save(self, *args, **kwargs):
        self.pk = SINGLETON_PK
        super().save(*args, **kwargs)

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.street, f"{self.postcode} {self.town}".strip()) if line]


class AccessibilityFeedback(models.Model):
    """A barrier a visitor reported through the accessibility statement's form."""

    created_at = models.DateTimeField(
        verbose_name=_("eingegangen am"),
        auto_now_add=True,
    )
    message = models.TextField(
        verbose_name=_("Nachricht"),
        max_length=5000,
    )
    page = models.CharField(
        verbose_name=_("Betroffene Seite"),
        max_length=500,
        blank=True,
    )
    name = models.CharField(
        verbose_name=_("Name"),
        max_length=200,
        blank=True,
    )
    email = models.EmailField(
        verbose_name=_("E-Mail"),
        blank=True,
    )
    language = models.CharField(
        verbose_name=_("Sprache"),
        max_length=10,
        blank=True,
    )
    status = models.CharField(
        verbose_name=_("Status"),
        max_length=20,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.NEW,
    )
    staff_note = models.TextField(
        verbose_name=_("Interne Notiz"),
        blank=True,
    )

    class Meta:
        verbose_name = _("Meldung einer Barriere")
        verbose_name_plural = _("Meldungen von Barrieren")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="pages_feedback_status_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y %H:%M} – {self.message[:60]}"
