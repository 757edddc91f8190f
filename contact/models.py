"""Enquiries sent through the portal ("Kontakt aufnehmen") and the senders staff have blocked.

An enquiry goes to the organisation's stored e-mail address, or to a network's
``NetworkContact`` address; the portal never shows either. Enquiries are kept
``CONTACT_RETENTION_DAYS`` (``manage.py purge_contact_messages``), long enough to deliver them
and to handle abuse.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NetworkContact(models.Model):
    """The address enquiries to a network go to. Networks carry no e-mail address of their own;
    this one is kept beside them and never shown on the portal."""

    network = models.OneToOneField(
        "networks.Network",
        verbose_name=_("Netzwerk"),
        on_delete=models.CASCADE,
        related_name="contact_address",
    )
    email = models.EmailField(
        verbose_name=_("E-Mail für Anfragen"),
        help_text=_("Erhält die Anfragen über das Portal; wird nirgends angezeigt."),
    )

    class Meta:
        verbose_name = _("Kontaktadresse eines Netzwerks")
        verbose_name_plural = _("Kontaktadressen der Netzwerke")
        ordering = ["network__name"]

    def __str__(self):
        return str(self.network)


class EnquiryQuerySet(models.QuerySet):
    def older_than(self, cutoff):
        return self.filter(created_at__lt=cutoff)


class Enquiry(models.Model):
    """A message a visitor sent to an organisation or a network through the portal."""

    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        related_name="enquiries",
        null=True,
        blank=True,
    )
    network = models.ForeignKey(
        "networks.Network",
        verbose_name=_("Netzwerk"),
        on_delete=models.CASCADE,
        related_name="enquiries",
        null=True,
        blank=True,
    )
    sender_name = models.CharField(
        verbose_name=_("Name"),
        max_length=100,
    )
    sender_email = models.EmailField(
        verbose_name=_("E-Mail"),
    )
    subject = models.CharField(
        verbose_name=_("Betreff"),
        max_length=150,
    )
    message = models.TextField(
        verbose_name=_("Nachricht"),
    )
    token = models.CharField(
        verbose_name=_("Formularkennung"),
        max_length=64,
        editable=False,
        help_text=_(
            "Ein Formular sendet genau eine Nachricht, auch wenn es zweimal abgeschickt wird."
        ),
    )
    mail = models.OneToOneField(
        "post_office.Email",
        verbose_name=_("E-Mail an den Empfänger"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    confirmation = models.OneToOneField(
        "post_office.Email",
        verbose_name=_("Bestätigung an den Absender"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(
        verbose_name=_("gesendet am"),
        auto_now_add=True,
        db_index=True,
    )

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kontaktanfrage")
        verbose_name_plural = _("Kontaktanfragen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["token"],
                name="%(app_label)s_%(class)s_unique_token",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, network__isnull=False)
                | Q(organisation__isnull=False, network__isnull=True),
                name="%(app_label)s_%(class)s_one_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.sender_email}: {self.subject}"

    @property
    def recipient(self):
        return self.organisation or self.network


class BlockedSenderQuerySet(models.QuerySet):
    def blocking(self, email: str) -> models.QuerySet:
        """The entries that block this address: the address itself or its domain."""
        address = email.strip().lower()
        domain = address.rpartition("@")[2]
        return self.filter(address__in=[address, f"@{domain}"])


class BlockedSender(models.Model):
    """An address, or a whole domain ("@example.com"), whose enquiries the portal refuses."""

    address = models.CharField(
        verbose_name=_("Adresse oder Domain"),
        max_length=254,
        help_text=_('Eine E-Mail-Adresse oder eine Domain mit "@" davor, z. B. "@example.com".'),
    )
    reason = models.CharField(
        verbose_name=_("Grund"),
        max_length=300,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gesperrt von"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(
        verbose_name=_("gesperrt am"),
        auto_now_add=True,
    )

    objects = BlockedSenderQuerySet.as_manager()

    class Meta:
        verbose_name = _("gesperrter Absender")
        verbose_name_plural = _("gesperrte Absender")
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(
                fields=["address"],
                name="%(app_label)s_%(class)s_unique_address",
                violation_error_message=_("Diese Adresse ist bereits gesperrt."),
            ),
        ]

    def __str__(self):
        return self.address

    def save(self, *args, **kwargs):
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)
