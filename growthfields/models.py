from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import DatePrecision, format_reference_date, iso_reference_date
from core.fields import StringListField
from core.models import AliasBase
from core.text import in_language

from .choices import Agency, Category, Metric
from .querysets import GrowthFieldQuerySet, KeyFigureQuerySet, SourceQuerySet


class Source(models.Model):
    """Where a figure comes from: a database, a study, an official statistic, a website."""

    slug = models.SlugField(
        verbose_name=_("Kürzel"),
        max_length=100,
        unique=True,
    )
    title = models.CharField(
        verbose_name=_("Titel"),
        max_length=300,
    )
    publisher = models.CharField(
        verbose_name=_("Herausgeber"),
        max_length=200,
        blank=True,
    )
    reference_date = models.DateField(
        verbose_name=_("Stand"),
        null=True,
        blank=True,
        help_text=_("Leer lassen (Genauigkeit „ohne Datum“), wenn die Quelle undatiert ist."),
    )
    reference_precision = models.CharField(
        verbose_name=_("Genauigkeit des Stands"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.MONTH,
    )
    url = models.URLField(
        verbose_name=_("Adresse (URL)"),
        blank=True,
    )
    note = models.TextField(
        verbose_name=_("Hinweis"),
        blank=True,
        help_text=_('z. B. "Zahlenwerte aus 2008" oder "bis auf benannte Ausnahmen"'),
    )

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Quelle")
        verbose_name_plural = _("Quellen")
        permissions = [
            ("import_source", _("Kann Quellen importieren")),
            ("export_source", _("Kann Quellen exportieren")),
        ]
        ordering = ["title", "-reference_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "reference_date"],
                name="%(app_label)s_%(class)s_unique_title_date",
            ),
        ]

    def __str__(self):
        if self.is_undated:
            return f"{self.title} ({self.reference_display})"
        return f"{self.title}, {_('Stand')} {self.reference_display}"

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        if (self.reference_date is None) != (self.reference_precision == DatePrecision.NONE):
            raise ValidationError(
                {
                    "reference_precision": _(
                        "„ohne Datum“ genau dann, wenn kein Stand angegeben ist."
                    )
                }
            )

    @property
    def is_undated(self):
        return self.reference_precision == DatePrecision.NONE or self.reference_date is None

    @property
    def reference_display(self):
        return format_reference_date(self.reference_date, self.reference_precision)

    @property
    def reference_iso(self):
        return iso_reference_date(self.reference_date, self.reference_precision)


class EditionQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_table(self):
        return self.filter(rows__isnull=False).distinct()


class Edition(models.Model):
    """A published set of figures: a brochure with its tables and footnotes, a network's paper,
    a web page. Figures (key figures, declared member counts) belong to the edition that
    published them; a later brochure or LEG sheet is another edition.

    ``published`` is as precise as the document says (``published_precision``): "September
    2012", "2019", or "ohne Datum" for an undated page (then ``published`` is empty).
    """

    slug = models.SlugField(
        verbose_name=_("Kürzel"),
        max_length=100,
        unique=True,
    )
    title = models.CharField(
        verbose_name=_("Titel"),
        max_length=300,
    )
    publisher = models.CharField(
        verbose_name=_("Herausgeber"),
        max_length=300,
        blank=True,
    )
    published = models.DateField(
        verbose_name=_("Erschienen"),
        null=True,
        blank=True,
    )
    published_precision = models.CharField(
        verbose_name=_("Genauigkeit des Erscheinungsdatums"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.NONE,
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("Quelle (das Dokument selbst)"),
        on_delete=models.PROTECT,
        related_name="editions",
        null=True,
        blank=True,
    )
    table_title = models.CharField(
        verbose_name=_("Überschrift der Kennzahlentabelle"),
        max_length=300,
        blank=True,
        help_text=_('wie gedruckt, z. B. "Anlage 2: Übersicht zu Kennzahlen …"'),
    )
    note = models.TextField(
        verbose_name=_("Hinweis"),
        blank=True,
    )

    objects = EditionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Ausgabe")
        verbose_name_plural = _("Ausgaben")
        ordering = ["-published", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published__isnull=True, published_precision=DatePrecision.NONE)
                | (Q(published__isnull=False) & ~Q(published_precision=DatePrecision.NONE)),
                name="%(app_label)s_%(class)s_date_matches_precision",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.published_display})"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["growthfields.source"]

    @property
    def published_display(self):
        return format_reference_date(self.published, self.published_precision)

    @property
    def published_iso(self):
        return iso_reference_date(self.published, self.published_precision)


class EditionFootnoteManager(models.Manager):
    def get_by_natural_key(self, edition, number):
        return self.get(edition__slug=edition, number=number)


class EditionFootnote(models.Model):
    """A footnote of an edition's table with the number and the wording it is printed with."""

    edition = models.ForeignKey(
        Edition,
        verbose_name=_("Ausgabe"),
        on_delete=models.CASCADE,
        related_name="footnotes",
    )
    number = models.PositiveSmallIntegerField(
        verbose_name=_("Nummer"),
    )
    text = models.TextField(
        verbose_name=_("Wortlaut"),
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("Quelle"),
        on_delete=models.PROTECT,
        related_name="edition_footnotes",
        null=True,
        blank=True,
    )

    objects = EditionFootnoteManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Fußnote einer Ausgabe")
        verbose_name_plural = _("Fußnoten der Ausgaben")
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"],
                name="%(app_label)s_%(class)s_unique_number",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.text}"

    def natural_key(self):
        return (self.edition.slug, self.number)

    natural_key.dependencies = ["growthfields.edition"]

    @property
    def anchor(self):
        return f"fussnote-{self.number}"


# The columns of a printed key-figure table (Anlage 2 of the ThCM brochure), in order.
EDITION_COLUMNS = (
    "companies",
    "employees",
    "revenue",
    "export_quota",
    "network",
    "network_members",
    "network_companies",
)


class EditionRowManager(models.Manager):
    def get_by_natural_key(self, edition, position):
        return self.get(edition__slug=edition, position=position)


class EditionRow(models.Model):
    """One printed line of an edition's key-figure table, exactly as printed: its label, its
    cells' text (``{"companies": {"text": "ca. 500", "footnote": null}, …}``, a missing column
    is an empty cell) and the growth field it belongs to. A "darunter" line is ``is_part``; a
    second line of the same field (OptoNet's figures under Optik) has an empty label."""

    edition = models.ForeignKey(
        Edition,
        verbose_name=_("Ausgabe"),
        on_delete=models.CASCADE,
        related_name="rows",
    )
    position = models.PositiveSmallIntegerField(
        verbose_name=_("Zeile"),
    )
    label = models.CharField(
        verbose_name=_("Beschriftung wie gedruckt"),
        max_length=300,
        blank=True,
    )
    is_part = models.BooleanField(
        verbose_name=_("„darunter“-Zeile"),
        default=False,
    )
    growth_field = models.ForeignKey(
        "GrowthField",
        verbose_name=_("Wachstumsfeld"),
        on_delete=models.PROTECT,
        related_name="edition_rows",
        null=True,
        blank=True,
    )
    cells = models.JSONField(
        verbose_name=_("Zellen wie gedruckt"),
        default=dict,
        blank=True,
    )

    objects = EditionRowManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Tabellenzeile einer Ausgabe")
        verbose_name_plural = _("Tabellenzeilen der Ausgaben")
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "position"],
                name="%(app_label)s_%(class)s_unique_position",
            ),
        ]

    def __str__(self):
        return f"{self.edition.slug} {self.position}: {self.label}"

    def natural_key(self):
        return (self.edition.slug, self.position)

    natural_key.dependencies = ["growthfields.edition", "growthfields.growthfield"]

    def clean(self):
        super().clean()
        if not isinstance(self.cells, dict) or set(self.cells) - set(EDITION_COLUMNS):
            raise ValidationError(
                {
                    "cells": _("Erlaubte Spalten: %(columns)s")
                    % {"columns": ", ".join(EDITION_COLUMNS)}
                }
            )

    def cell(self, column):
        """(text, footnote number or None) of one column; ("", None) where nothing is printed."""
        value = self.cells.get(column) or {}
        return value.get("text", ""), value.get("footnote")


class GrowthField(models.Model):
    """A Thuringian growth field (Wachstumsfeld) or one of the parts the brochure breaks out."""

    name = models.CharField(
        verbose_name=_("Name (deutsch)"),
        max_length=200,
        unique=True,
    )
    name_en = models.CharField(
        verbose_name=_("Name (englisch)"),
        max_length=200,
        blank=True,
    )
    short_name = models.CharField(
        verbose_name=_("Kurzname"),
        max_length=50,
        blank=True,
        help_text=_('z. B. "MSR" für Mess-, Steuer- und Regeltechnik'),
    )
    slug = models.SlugField(
        verbose_name=_("Kürzel in Adressen"),
        max_length=100,
        unique=True,
    )
    category = models.CharField(
        verbose_name=_("Kategorie"),
        max_length=20,
        choices=Category.choices,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Teil von"),
        on_delete=models.PROTECT,
        related_name="parts",
        null=True,
        blank=True,
    )
    sort_order = models.PositiveSmallIntegerField(
        verbose_name=_("Reihenfolge"),
        default=0,
    )
    description = models.TextField(
        verbose_name=_("Beschreibung (deutsch)"),
        blank=True,
    )
    description_en = models.TextField(
        verbose_name=_("Beschreibung (englisch)"),
        blank=True,
    )
    strengths = StringListField(
        verbose_name=_("Stärken"),
    )
    weaknesses = StringListField(
        verbose_name=_("Schwächen"),
    )
    assessment_source = models.ForeignKey(
        Source,
        verbose_name=_("Quelle der Stärken und Schwächen"),
        on_delete=models.PROTECT,
        related_name="assessed_growth_fields",
        null=True,
        blank=True,
    )
    agency = models.CharField(
        verbose_name=_("Zuständig"),
        max_length=10,
        choices=Agency.choices,
        default=Agency.THCM,
    )
    wz_codes = StringListField(
        verbose_name=_("WZ-2008-Codes"),
        help_text=_('Ein Code pro Zeile, z. B. "29" oder "26.51".'),
    )

    objects = GrowthFieldQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Wachstumsfeld")
        verbose_name_plural = _("Wachstumsfelder")
        permissions = [
            ("import_growthfield", _("Kann Wachstumsfelder importieren")),
            ("export_growthfield", _("Kann Wachstumsfelder exportieren")),
        ]
        ordering = ["sort_order", "name"]
        indexes = [
            models.Index(fields=["category", "sort_order"], name="growthfield_category_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("growthfields:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def display_name(self):
        """The name in the active language (the German one where no English name is kept)."""
        return in_language(self.name, self.name_en)

    @property
    def display_description(self):
        return in_language(self.description, self.description_en)

    def clean(self):
        super().clean()
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError(
                {"parent": _("Ein Wachstumsfeld kann nicht Teil von sich selbst sein.")}
            )
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Teilbereiche können nur eine Ebene tief sein.")})


class GrowthFieldAlias(AliasBase):
    """A spelling of a growth field in LEG exports ("MSR", "Servicerobotik")."""

    growth_field = models.ForeignKey(
        GrowthField,
        verbose_name=_("Wachstumsfeld"),
        on_delete=models.CASCADE,
        related_name="aliases",
    )

    history = HistoricalRecords()

    class Meta(AliasBase.Meta):
        verbose_name = _("Schreibweise eines Wachstumsfelds")
        verbose_name_plural = _("Schreibweisen von Wachstumsfeldern")

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["growthfields.growthfield"]


class KeyFigureManager(models.Manager.from_queryset(KeyFigureQuerySet)):
    def get_by_natural_key(self, growth_field, metric, reference_date, source):
        return self.get(
            growth_field__slug=growth_field,
            metric=metric,
            reference_date=reference_date,
            source__slug=source,
        )


class KeyFigure(models.Model):
    """One sourced figure of a growth field at one reference date; together they form series.

    An empty value means "keine Angaben" (no data) and is never shown as 0.
    """

    growth_field = models.ForeignKey(
        GrowthField,
        verbose_name=_("Wachstumsfeld"),
        on_delete=models.PROTECT,
        related_name="key_figures",
    )
    metric = models.CharField(
        verbose_name=_("Kennzahl"),
        max_length=20,
        choices=Metric.choices,
    )
    value = models.DecimalField(
        verbose_name=_("Wert"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_('Leer lassen für "keine Angaben". Umsatz in EUR, Quoten in Prozent.'),
    )
    approximate = models.BooleanField(
        verbose_name=_("ca. (Schätzwert)"),
        default=False,
    )
    scope_note = models.CharField(
        verbose_name=_("Abgrenzung"),
        max_length=200,
        blank=True,
        help_text=_('z. B. "WZ 29" oder "nur WZ 10 ohne Getränke"'),
    )
    reference_date = models.DateField(
        verbose_name=_("Stichtag"),
    )
    reference_precision = models.CharField(
        verbose_name=_("Genauigkeit des Stichtags"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.YEAR,
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("Quelle"),
        on_delete=models.PROTECT,
        related_name="key_figures",
    )
    note = models.TextField(
        verbose_name=_("Hinweis"),
        blank=True,
    )
    edition = models.ForeignKey(
        Edition,
        verbose_name=_("Ausgabe"),
        on_delete=models.PROTECT,
        related_name="key_figures",
        null=True,
        blank=True,
        help_text=_("Die Veröffentlichung, in der der Wert erschienen ist."),
    )

    objects = KeyFigureManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")
        permissions = [
            ("import_keyfigure", _("Kann Kennzahlen importieren")),
            ("export_keyfigure", _("Kann Kennzahlen exportieren")),
        ]
        ordering = ["growth_field__sort_order", "metric", "reference_date"]
        indexes = [
            models.Index(fields=["metric", "reference_date"], name="keyfigure_metric_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["growth_field", "metric", "reference_date", "source"],
                name="%(app_label)s_%(class)s_unique_point",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="%(app_label)s_%(class)s_value_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(metric__in=Metric.percentages())
                | Q(value__isnull=True)
                | Q(value__lte=100),
                name="%(app_label)s_%(class)s_percentage_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(approximate=False),
                name="%(app_label)s_%(class)s_no_data_not_approximate",
            ),
        ]

    def __str__(self):
        return f"{self.growth_field}: {self.get_metric_display()} {self.reference_display}"

    def natural_key(self):
        return (
            self.growth_field.slug,
            self.metric,
            self.reference_date.isoformat(),
            self.source.slug,
        )

    natural_key.dependencies = [
        "growthfields.growthfield",
        "growthfields.source",
        "growthfields.edition",
    ]

    @property
    def reference_display(self):
        return format_reference_date(self.reference_date, self.reference_precision)

    @property
    def reference_iso(self):
        return iso_reference_date(self.reference_date, self.reference_precision)

    @property
    def is_percentage(self):
        return self.metric in Metric.percentages()
