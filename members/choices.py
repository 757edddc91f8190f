from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    """The values of the LEG export's column ``Art``."""

    COMPANY = "unternehmen", _("Unternehmen")
    SERVICE_PROVIDER = "dienstleister", _("Dienstleister")
    UNIVERSITY = "hochschule", _("Hochschule")
    RESEARCH_INSTITUTE = "forschungseinrichtung", _("Forschungseinrichtung")
    OTHER = "sonstige", _("Sonstige")


class District(models.TextChoices):
    """The 22 Thuringian districts: 17 Landkreise and 5 kreisfreie Städte (since 2021)."""

    ALTENBURGER_LAND = "Altenburger Land", "Altenburger Land"
    EICHSFELD = "Eichsfeld", "Eichsfeld"
    ERFURT = "Erfurt", "Erfurt"
    GERA = "Gera", "Gera"
    GOTHA = "Gotha", "Gotha"
    GREIZ = "Greiz", "Greiz"
    HILDBURGHAUSEN = "Hildburghausen", "Hildburghausen"
    ILM_KREIS = "Ilm-Kreis", "Ilm-Kreis"
    JENA = "Jena", "Jena"
    KYFFHAEUSERKREIS = "Kyffhäuserkreis", "Kyffhäuserkreis"
    NORDHAUSEN = "Nordhausen", "Nordhausen"
    SAALE_HOLZLAND_KREIS = "Saale-Holzland-Kreis", "Saale-Holzland-Kreis"
    SAALE_ORLA_KREIS = "Saale-Orla-Kreis", "Saale-Orla-Kreis"
    SAALFELD_RUDOLSTADT = "Saalfeld-Rudolstadt", "Saalfeld-Rudolstadt"
    SCHMALKALDEN_MEININGEN = "Schmalkalden-Meiningen", "Schmalkalden-Meiningen"
    SOEMMERDA = "Sömmerda", "Sömmerda"
    SONNEBERG = "Sonneberg", "Sonneberg"
    SUHL = "Suhl", "Suhl"
    UNSTRUT_HAINICH_KREIS = "Unstrut-Hainich-Kreis", "Unstrut-Hainich-Kreis"
    WARTBURGKREIS = "Wartburgkreis", "Wartburgkreis"
    WEIMAR = "Weimar", "Weimar"
    WEIMARER_LAND = "Weimarer Land", "Weimarer Land"
