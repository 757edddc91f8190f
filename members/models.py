from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.collation import german_order
from core.models import TimestampedModel, VersionedModel

from .choices import District, OrganisationKind
from .querysets import OrganisationQuerySet

postcode_validator = RegexValidator(
    r"^\d{5}$", _("Die Postleitzahl besteht aus genau fünf Ziffern, z. B. 07743.")
)
leg_id_validator = RegexValidator(
    r"^TH-\d{6}$", _('Die LEG-ID hat die Form "TH-" und sechs Ziffern, z. B. TH-004711.')
)
wz_code_validator = RegexValidator(
    r"^\d{2}(\.\d{1,2}(\.\d)?)?$",
    _('Der WZ-2008-Code hat die Form "26", "26.5", "26.51" oder "26.51.0".'),
)


class Organisation(TimestampedModel, VersionedModel):
    """A company, university or research institute: a member of networks and growth fields.

    Records from the LEG database carry their LEG-ID; entries made by hand have none.
    """

    leg_id = models.CharField(
        verbose_name=_("LEG-ID"),
        max_length=9,
        null=True,
        blank=True,
        validators=[leg_id_validator],
    )
    name = models.CharField(
        verbose_name=_("Name"),
        max_length=200,
    )
    legal_form = models.CharField(
        verbose_name=_("Rechtsform"),
        max_length=50,
        blank=True,
    )
    kind = models.CharField(
        verbose_name=_("Art"),
        max_length=25,
        choices=OrganisationKind.choices,
        default=OrganisationKind.COMPANY,
    )
    street = models.CharField(
        verbose_name=_("Straße"),
        max_length=200,
        blank=True,
    )
    postcode = models.CharField(
        verbose_name=_("PLZ"),
        max_length=5,
        validators=[postcode_validator],
    )
    town = models.CharField(
        verbose_name=_("Ort"),
        max_length=100,
    )
    district = models.CharField(
        verbose_name=_("Landkreis"),
        max_length=30,
        choices=District.choices,
        blank=True,
    )
    phone = models.CharField(
        verbose_name=_("Telefon"),
        max_length=50,
        blank=True,
    )
    email = models.EmailField(
        verbose_name=_("E-Mail"),
        blank=True,
    )
    website = models.URLField(
        verbose_name=_("Website"),
        max_length=300,
        blank=True,
    )
    founding_year = models.PositiveSmallIntegerField(
        verbose_name=_("Gründungsjahr"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1500), MaxValueValidator(2100)],
    )
    employees = models.PositiveIntegerField(
        verbose_name=_("Beschäftigte"),
        null=True,
        blank=True,
        help_text=_('Leer lassen für "keine Angaben".'),
    )
    employees_approximate = models.BooleanField(
        verbose_name=_("Beschäftigte ca."),
        default=False,
    )
    revenue_meur = models.DecimalField(
        verbose_name=_("Umsatz (Mio. EUR)"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    revenue_approximate = models.BooleanField(
        verbose_name=_("Umsatz ca."),
        default=False,
    )
    export_quota = models.DecimalField(
        verbose_name=_("Exportquote (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    wz_code = models.CharField(
        verbose_name=_("WZ 2008"),
        max_length=10,
        blank=True,
        validators=[wz_code_validator],
        help_text=_('Haupttätigkeit nach WZ 2008, z. B. "26.51".'),
    )
    growth_fields = models.ManyToManyField(
        "growthfields.GrowthField",
        verbose_name=_("Wachstumsfelder"),
        related_name="organisations",
        blank=True,
    )
    keywords = models.TextField(
        verbose_name=_("Schlagworte"),
        blank=True,
        help_text=_("Technologie-Schlagworte, durch Kommas getrennt."),
    )
    record_date = models.DateField(
        verbose_name=_("Stand"),
        null=True,
        blank=True,
        help_text=_("Letzte Aktualisierung des Datensatzes in der LEG-Datenbank."),
    )
    published = models.BooleanField(
        verbose_name=_("veröffentlicht"),
        default=True,
        help_text=_("Nur veröffentlichte Einträge erscheinen im öffentlichen Verzeichnis."),
    )
    search_vector = SearchVectorField(
        verbose_name=_("Suchindex"),
        null=True,
        editable=False,
        help_text=_(
            "Name, Ort und Schlagworte für die Volltextsuche; PostgreSQL pflegt ihn selbst."
        ),
    )

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "search_vector", "version"])

    # What the LEG database knows of an organisation, in a fixed order: the fields imports
    # and exports carry besides the LEG-ID and the links.
    DATA_FIELDS = (
        "name",
        "legal_form",
        "kind",
        "street",
        "postcode",
        "town",
        "district",
        "phone",
        "email",
        "website",
        "founding_year",
        "employees",
        "employees_approximate",
        "revenue_meur",
        "revenue_approximate",
        "export_quota",
        "wz_code",
        "keywords",
        "record_date",
    )
    # Data the public never sees: contact data.
    PRIVATE_FIELDS = ("phone", "email")
    # What the public may see of a published organisation: the only columns the public pages,
    # the directory's exports, the open data API and the sitemap load (``objects.public()``).
    # Every other column (a new one too, until it is named in DATA_FIELDS) stays private.
    PUBLIC_FIELDS = (
        "id",
        "leg_id",
        *sorted(set(DATA_FIELDS) - set(PRIVATE_FIELDS), key=DATA_FIELDS.index),
        "updated_at",
    )

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        permissions = [
            ("import_organisation", _("Kann Organisationen importieren")),
            ("export_organisation", _("Kann Organisationen exportieren")),
        ]
        ordering = [german_order("name"), "pk"]
        indexes = [
            # Every index costs each import row; these serve the directory's filters and sorts.
            models.Index(fields=["district", "name"], name="organisation_district_name"),
            models.Index(fields=["kind", "name"], name="organisation_kind_name"),
            models.Index(fields=["employees"], name="organisation_employees"),
            models.Index(fields=["wz_code"], name="organisation_wz_code"),
            # Joins from memberships and growth fields to published organisations (counts,
            # filters) read this small index instead of the table.
            models.Index(
                fields=["id"],
                condition=Q(published=True),
                name="organisation_published_id",
            ),
            # The directory's default order (German, core.collation), read without touching
            # the table.
            models.Index(
                german_order("name"),
                "id",
                condition=Q(published=True),
                name="organisation_published_name_de",
            ),
        ]
        constraints = [
            # A constraint, not unique=True: that would add a second (LIKE) index to the table
            # and two to its history, each paid for by every imported row.
            models.UniqueConstraint(
                fields=["leg_id"],
                name="%(app_label)s_%(class)s_unique_leg_id",
                violation_error_message=_("Diese LEG-ID ist bereits vergeben."),
            ),
            models.CheckConstraint(
                condition=Q(export_quota__isnull=True)
                | Q(export_quota__gte=0, export_quota__lte=100),
                name="%(app_label)s_%(class)s_export_quota_percentage",
            ),
            models.CheckConstraint(
                condition=Q(revenue_meur__isnull=True) | Q(revenue_meur__gte=0),
                name="%(app_label)s_%(class)s_revenue_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(employees__isnull=False) | Q(employees_approximate=False),
                name="%(app_label)s_%(class)s_no_employees_not_approximate",
            ),
            models.CheckConstraint(
                condition=Q(revenue_meur__isnull=False) | Q(revenue_approximate=False),
                name="%(app_label)s_%(class)s_no_revenue_not_approximate",
            ),
            models.CheckConstraint(
                condition=Q(leg_id__isnull=True) | ~Q(leg_id=""),
                name="%(app_label)s_%(class)s_leg_id_null_not_empty",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:detail", kwargs={"pk": self.pk})

    def natural_key(self):
        return (self.leg_id,)

    @property
    def keyword_list(self):
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    @property
    def wz_division(self):
        """The WZ 2008 division: the first two digits ("26" for "26.51")."""
        return self.wz_code[:2]
