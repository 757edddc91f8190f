from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.collation import german_order
from core.dates import DatePrecision, format_reference_date, iso_reference_date
from core.fields import StringListField
from core.models import AliasBase, VersionedModel

from .choices import MembershipRole, NetworkKind
from .querysets import (
    DeclaredMemberCountQuerySet,
    MembershipQuerySet,
    NetworkGrowthFieldQuerySet,
    NetworkQuerySet,
)


class Network(VersionedModel):
    """A cluster network or initiative (OptoNet e.V., ELMUG eG, …), or an alliance of networks."""

    name = models.CharField(
        verbose_name=_("Name"),
        max_length=200,
        unique=True,
    )
    short_name = models.CharField(
        verbose_name=_("Kurzname"),
        max_length=50,
        blank=True,
    )
    slug = models.SlugField(
        verbose_name=_("Kürzel in Adressen"),
        max_length=100,
        unique=True,
    )
    kind = models.CharField(
        verbose_name=_("Art"),
        max_length=10,
        choices=NetworkKind.choices,
        default=NetworkKind.NETWORK,
    )
    legal_form = models.CharField(
        verbose_name=_("Rechtsform"),
        max_length=50,
        blank=True,
        help_text=_('z. B. "e.V." oder "eG"'),
    )
    website = models.URLField(
        verbose_name=_("Website"),
        blank=True,
    )
    founded_on = models.DateField(
        verbose_name=_("gegründet am"),
        null=True,
        blank=True,
    )
    description = models.TextField(
        verbose_name=_("Profil"),
        blank=True,
    )
    topics = StringListField(
        verbose_name=_("Themenfelder"),
    )
    activities = StringListField(
        verbose_name=_("wichtige Aktivitäten und Projekte"),
    )
    labels = StringListField(
        verbose_name=_("Auszeichnungen"),
        help_text=_('z. B. "Bronze Label of Cluster Management Excellence"; eines pro Zeile.'),
    )
    profile_source = models.ForeignKey(
        "growthfields.Source",
        verbose_name=_("Quelle des Profils"),
        on_delete=models.PROTECT,
        related_name="network_profiles",
        null=True,
        blank=True,
    )
    growth_fields = models.ManyToManyField(
        "growthfields.GrowthField",
        verbose_name=_("Wachstumsfelder"),
        through="NetworkGrowthField",
        related_name="networks",
        blank=True,
    )
    member_networks = models.ManyToManyField(
        "self",
        verbose_name=_("Netzwerke der Allianz"),
        symmetrical=False,
        related_name="alliances",
        blank=True,
    )
    members = models.ManyToManyField(
        "members.Organisation",
        verbose_name=_("Mitglieder"),
        through="Membership",
        related_name="networks",
        blank=True,
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Netzwerkmanagement"),
        related_name="managed_networks",
        blank=True,
        help_text=_(
            "Benutzer der Gruppe Netzwerkmanagement, die Profil, gemeldete Mitgliederzahlen "
            "und Mitgliedschaften dieses Netzwerks bearbeiten."
        ),
    )

    objects = NetworkQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("Netzwerk")
        verbose_name_plural = _("Netzwerke")
        permissions = [
            ("import_network", _("Kann Netzwerke importieren")),
            ("export_network", _("Kann Netzwerke exportieren")),
            (
                "access_all_networks",
                _("Kann alle Netzwerke sehen und, mit Änderungsrecht, bearbeiten"),
            ),
        ]
        ordering = [german_order("name")]
        indexes = [
            models.Index(fields=["kind", "name"], name="network_kind_name"),
        ]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("networks:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def is_alliance(self) -> bool:
        """An alliance of networks: its members are networks, not organisations."""
        return self.kind == NetworkKind.ALLIANCE

    @property
    def declared_reference_display(self) -> str | None:
        """When the latest declared member count was taken ("2019", "März 2019"), or None;
        needs ``with_latest_declared()``."""
        if self.declared_reference_date is None:
            return None
        return format_reference_date(
            self.declared_reference_date, self.declared_reference_precision
        )

    @property
    def primary_growth_field(self):
        link = (
            self.growth_field_links.filter(is_primary=True).select_related("growth_field").first()
        )
        return link.growth_field if link else None


class NetworkAlias(AliasBase):
    """A spelling of a network in LEG exports ("OPTONET", "Optonet e.V.")."""

    network = models.ForeignKey(
        Network,
        verbose_name=_("Netzwerk"),
        on_delete=models.CASCADE,
        related_name="aliases",
    )

    history = HistoricalRecords()

    class Meta(AliasBase.Meta):
        verbose_name = _("Schreibweise eines Netzwerks")
        verbose_name_plural = _("Schreibweisen von Netzwerken")

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["networks.network"]


class NetworkGrowthField(models.Model):
    """A growth field a network works in; one of them is its primary field."""

    network = models.ForeignKey(
        Network,
        verbose_name=_("Netzwerk"),
        on_delete=models.CASCADE,
        related_name="growth_field_links",
    )
    growth_field = models.ForeignKey(
        "growthfields.GrowthField",
        verbose_name=_("Wachstumsfeld"),
        on_delete=models.PROTECT,
        related_name="network_links",
    )
    is_primary = models.BooleanField(
        verbose_name=_("Hauptfeld"),
        default=False,
    )

    objects = NetworkGrowthFieldQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Wachstumsfeld eines Netzwerks")
        verbose_name_plural = _("Wachstumsfelder eines Netzwerks")
        ordering = ["-is_primary", "growth_field__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "growth_field"],
                name="%(app_label)s_%(class)s_unique_link",
            ),
            models.UniqueConstraint(
                fields=["network"],
                condition=Q(is_primary=True),
                name="%(app_label)s_%(class)s_one_primary",
                violation_error_message=_("Ein Netzwerk hat höchstens ein Hauptfeld."),
            ),
        ]

    def __str__(self):
        return f"{self.network} – {self.growth_field}"

    def natural_key(self):
        return (self.network.slug, self.growth_field.slug)

    natural_key.dependencies = ["networks.network", "growthfields.growthfield"]


class DeclaredMemberCount(models.Model):
    """The number of members a network declares at a date, as a source reports it."""

    network = models.ForeignKey(
        Network,
        verbose_name=_("Netzwerk"),
        on_delete=models.CASCADE,
        related_name="declared_counts",
    )
    total = models.PositiveIntegerField(
        verbose_name=_("Mitglieder/Partner gesamt"),
    )
    companies = models.PositiveIntegerField(
        verbose_name=_("darunter Unternehmen"),
        null=True,
        blank=True,
    )
    research = models.PositiveIntegerField(
        verbose_name=_("darunter Hochschulen und FuE-Einrichtungen"),
        null=True,
        blank=True,
    )
    reference_date = models.DateField(
        verbose_name=_("Stand"),
    )
    reference_precision = models.CharField(
        verbose_name=_("Genauigkeit des Stands"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.MONTH,
    )
    source = models.ForeignKey(
        "growthfields.Source",
        verbose_name=_("Quelle"),
        on_delete=models.PROTECT,
        related_name="declared_member_counts",
    )
    note = models.CharField(
        verbose_name=_("Hinweis"),
        max_length=300,
        blank=True,
    )
    edition = models.ForeignKey(
        "growthfields.Edition",
        verbose_name=_("Ausgabe"),
        on_delete=models.PROTECT,
        related_name="declared_member_counts",
        null=True,
        blank=True,
        help_text=_("Die Veröffentlichung, in der die Zahl erschienen ist."),
    )

    objects = DeclaredMemberCountQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("angegebene Mitgliederzahl")
        verbose_name_plural = _("angegebene Mitgliederzahlen")
        permissions = [
            ("import_declaredmembercount", _("Kann angegebene Mitgliederzahlen importieren")),
            ("export_declaredmembercount", _("Kann angegebene Mitgliederzahlen exportieren")),
        ]
        ordering = ["network", "reference_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "reference_date", "source"],
                name="%(app_label)s_%(class)s_unique_point",
            ),
            models.CheckConstraint(
                condition=Q(companies__isnull=True) | Q(companies__lte=F("total")),
                name="%(app_label)s_%(class)s_companies_within_total",
            ),
            models.CheckConstraint(
                condition=Q(research__isnull=True) | Q(research__lte=F("total")),
                name="%(app_label)s_%(class)s_research_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.network}: {self.total} ({self.reference_display})"

    def natural_key(self):
        return (self.network.slug, self.reference_date.isoformat(), self.source.slug)

    natural_key.dependencies = ["networks.network", "growthfields.source", "growthfields.edition"]

    @property
    def reference_display(self):
        return format_reference_date(self.reference_date, self.reference_precision)

    @property
    def reference_iso(self):
        return iso_reference_date(self.reference_date, self.reference_precision)

    def clean(self):
        super().clean()
        parts = (self.companies or 0) + (self.research or 0)
        if self.total is not None and parts > self.total:
            raise ValidationError(
                _("Unternehmen und Forschungseinrichtungen zusammen übersteigen die Gesamtzahl.")
            )


class Membership(models.Model):
    """An organisation's membership in (or partnership with) a network."""

    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    network = models.ForeignKey(
        Network,
        verbose_name=_("Netzwerk"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(
        verbose_name=_("Rolle"),
        max_length=10,
        choices=MembershipRole.choices,
        default=MembershipRole.MEMBER,
    )
    since = models.DateField(
        verbose_name=_("seit"),
        null=True,
        blank=True,
    )
    until = models.DateField(
        verbose_name=_("bis"),
        null=True,
        blank=True,
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        permissions = [
            ("import_membership", _("Kann Mitgliedschaften importieren")),
            ("export_membership", _("Kann Mitgliedschaften exportieren")),
        ]
        ordering = ["network", german_order("organisation__name")]
        indexes = [
            models.Index(fields=["network", "organisation"], name="membership_network_org"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "network"],
                name="%(app_label)s_%(class)s_unique_membership",
                violation_error_message=_("Diese Organisation ist bereits in diesem Netzwerk."),
            ),
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(until__isnull=True) | Q(until__gte=F("since")),
                name="%(app_label)s_%(class)s_until_after_since",
                violation_error_message=_("Das Ende liegt vor dem Beginn der Mitgliedschaft."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.network}"

    def natural_key(self):
        return (self.network.slug, self.organisation.leg_id)

    natural_key.dependencies = ["networks.network", "members.organisation"]
