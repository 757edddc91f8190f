"""Proposals to correct an organisation's or a network's public entry, and the "geprüft"
marks of network profiles (kept beside the networks, so a review changes nothing in them)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import ProposalStatus


class CorrectionProposalQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ProposalStatus.OPEN)

    def for_leg(self):
        """Accepted proposals with at least one accepted field LEG's export carries."""
        return self.filter(
            status__in=[ProposalStatus.ACCEPTED, ProposalStatus.PARTLY_ACCEPTED],
            touches_leg=True,
        )


class CorrectionProposal(models.Model):
    """Somebody's proposal to change public fields of an organisation or a network's profile.

    ``changes`` maps each field to ``{"old": …, "new": …}`` as the entry was when the proposal
    was made (``base_version``); staff accept all or some fields, which are then written through
    the entry's versioned save with the history reason "Korrektur #N".
    """

    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        related_name="correction_proposals",
        null=True,
        blank=True,
    )
    network = models.ForeignKey(
        "networks.Network",
        verbose_name=_("Netzwerk"),
        on_delete=models.CASCADE,
        related_name="correction_proposals",
        null=True,
        blank=True,
    )
    changes = models.JSONField(
        verbose_name=_("Änderungen"),
        encoder=DjangoJSONEncoder,
    )
    base_version = models.PositiveIntegerField(
        verbose_name=_("Version des Eintrags beim Vorschlag"),
    )
    touches_leg = models.BooleanField(
        verbose_name=_("betrifft LEG-Daten"),
        default=False,
        help_text=_("Mindestens ein Feld steht auch im LEG-Export."),
    )
    reason = models.TextField(
        verbose_name=_("Begründung"),
    )
    proposer_email = models.EmailField(
        verbose_name=_("E-Mail des Vorschlagenden"),
    )
    token = models.CharField(
        verbose_name=_("Formularkennung"),
        max_length=64,
        editable=False,
    )
    status = models.CharField(
        verbose_name=_("Status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.OPEN,
    )
    accepted_fields = models.JSONField(
        verbose_name=_("übernommene Felder"),
        default=list,
        blank=True,
    )
    decision_message = models.TextField(
        verbose_name=_("Nachricht an den Vorschlagenden"),
        blank=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entschieden von"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(
        verbose_name=_("entschieden am"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(
        verbose_name=_("eingegangen am"),
        auto_now_add=True,
    )

    objects = CorrectionProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("Korrekturvorschlag")
        verbose_name_plural = _("Korrekturvorschläge")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="correction_status_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["token"],
                name="%(app_label)s_%(class)s_unique_token",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, network__isnull=False)
                | Q(organisation__isnull=False, network__isnull=True),
                name="%(app_label)s_%(class)s_one_entry",
            ),
        ]

    def __str__(self):
        return _("Korrektur #%(number)s: %(entry)s") % {"number": self.pk, "entry": self.entry}

    def get_absolute_url(self):
        return reverse("admin:corrections_correctionproposal_change", args=[self.pk])

    @property
    def entry(self):
        return self.organisation or self.network

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.OPEN


class ProfileReview(models.Model):
    """A network profile marked "geprüft" (reviewed): by whom and when. The profile itself is
    not changed; the newest review counts."""

    network = models.ForeignKey(
        "networks.Network",
        verbose_name=_("Netzwerk"),
        on_delete=models.CASCADE,
        related_name="profile_reviews",
    )
    reviewed_at = models.DateTimeField(
        verbose_name=_("geprüft am"),
        auto_now_add=True,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geprüft von"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("Prüfung eines Netzwerkprofils")
        verbose_name_plural = _("Prüfungen der Netzwerkprofile")
        ordering = ["-reviewed_at", "-pk"]
        get_latest_by = "reviewed_at"

    def __str__(self):
        return f"{self.network} ({self.reviewed_at:%Y-%m-%d})"
