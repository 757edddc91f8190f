from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The four groups of the Trendatlas Thüringen 2020 and the ThCM brochure."""

    APPLICATION = "anwendung", _("Anwendungstechnologie")
    CROSS_SECTION = "querschnitt", _("Querschnittstechnologie")
    TREND = "trend", _("Trendinduziertes Wachstumsfeld")
    OTHER = "weitere", _("Weitere Branche")


class Agency(models.TextChoices):
    """Who looks after a growth field."""

    THCM = "thcm", _("Thüringer ClusterManagement (ThCM)")
    THEGA = "thega", _("Thüringer Energie- und GreenTech-Agentur (ThEGA)")
    THAK = "thak", _("Thüringer Agentur für die Kreativwirtschaft (ThAK)")


class Metric(models.TextChoices):
    """The key figures of the brochure's Anlage 2, in its column order."""

    COMPANIES = "companies", _("Unternehmen")
    EMPLOYEES = "employees", _("Beschäftigte")
    REVENUE = "revenue", _("Umsatz (EUR)")
    EXPORT_QUOTA = "export_quota", _("Exportquote (%)")
    GVA_SHARE = "gva_share", _("Anteil Bruttowertschöpfung verarb. Gewerbe (%)")

    @classmethod
    def percentages(cls):
        return [cls.EXPORT_QUOTA, cls.GVA_SHARE]
