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


class SizeClass(models.TextChoices):
    """Employee size classes as the EU defines SMEs (Recommendation 2003/361/EC)."""

    MICRO = "kleinst", _("Kleinstunternehmen (unter 10 Beschäftigte)")
    SMALL = "klein", _("Kleine Unternehmen (10–49)")
    MEDIUM = "mittel", _("Mittlere Unternehmen (50–249)")
    LARGE = "gross", _("Große Unternehmen (ab 250)")
    UNKNOWN = "ka", _("Beschäftigte: keine Angaben")

    @classmethod
    def bounds(cls, value):
        """(lowest, highest) employee numbers of a class; None where open. UNKNOWN has none."""
        return {
            cls.MICRO: (0, 9),
            cls.SMALL: (10, 49),
            cls.MEDIUM: (50, 249),
            cls.LARGE: (250, None),
        }.get(value)


# The 88 divisions (Abteilungen) of the WZ 2008 classification, by their two-digit code.
WZ_DIVISIONS = {
    "01": _("Landwirtschaft, Jagd und damit verbundene Tätigkeiten"),
    "02": _("Forstwirtschaft und Holzeinschlag"),
    "03": _("Fischerei und Aquakultur"),
    "05": _("Kohlenbergbau"),
    "06": _("Gewinnung von Erdöl und Erdgas"),
    "07": _("Erzbergbau"),
    "08": _("Gewinnung von Steinen und Erden, sonstiger Bergbau"),
    "09": _("Dienstleistungen für den Bergbau"),
    "10": _("Herstellung von Nahrungs- und Futtermitteln"),
    "11": _("Getränkeherstellung"),
    "12": _("Tabakverarbeitung"),
    "13": _("Herstellung von Textilien"),
    "14": _("Herstellung von Bekleidung"),
    "15": _("Herstellung von Leder, Lederwaren und Schuhen"),
    "16": _("Herstellung von Holz-, Flecht-, Korb- und Korkwaren (ohne Möbel)"),
    "17": _("Herstellung von Papier, Pappe und Waren daraus"),
    "18": _("Herstellung von Druckerzeugnissen"),
    "19": _("Kokerei und Mineralölverarbeitung"),
    "20": _("Herstellung von chemischen Erzeugnissen"),
    "21": _("Herstellung von pharmazeutischen Erzeugnissen"),
    "22": _("Herstellung von Gummi- und Kunststoffwaren"),
    "23": _("Herstellung von Glas, Keramik, Verarbeitung von Steinen und Erden"),
    "24": _("Metallerzeugung und -bearbeitung"),
    "25": _("Herstellung von Metallerzeugnissen"),
    "26": _("Herstellung von Datenverarbeitungsgeräten, elektronischen und optischen Erzeugnissen"),
    "27": _("Herstellung von elektrischen Ausrüstungen"),
    "28": _("Maschinenbau"),
    "29": _("Herstellung von Kraftwagen und Kraftwagenteilen"),
    "30": _("Sonstiger Fahrzeugbau"),
    "31": _("Herstellung von Möbeln"),
    "32": _("Herstellung von sonstigen Waren"),
    "33": _("Reparatur und Installation von Maschinen und Ausrüstungen"),
    "35": _("Energieversorgung"),
    "36": _("Wasserversorgung"),
    "37": _("Abwasserentsorgung"),
    "38": _("Abfallbehandlung und Rückgewinnung"),
    "39": _("Beseitigung von Umweltverschmutzungen und sonstige Entsorgung"),
    "41": _("Hochbau"),
    "42": _("Tiefbau"),
    "43": _("Vorbereitende Baustellenarbeiten, Bauinstallation und sonstiges Ausbaugewerbe"),
    "45": _("Handel mit Kraftfahrzeugen; Instandhaltung und Reparatur von Kraftfahrzeugen"),
    "46": _("Großhandel (ohne Handel mit Kraftfahrzeugen)"),
    "47": _("Einzelhandel (ohne Handel mit Kraftfahrzeugen)"),
    "49": _("Landverkehr und Transport in Rohrfernleitungen"),
    "50": _("Schifffahrt"),
    "51": _("Luftfahrt"),
    "52": _("Lagerei sowie Erbringung von sonstigen Dienstleistungen für den Verkehr"),
    "53": _("Post-, Kurier- und Expressdienste"),
    "55": _("Beherbergung"),
    "56": _("Gastronomie"),
    "58": _("Verlagswesen"),
    "59": _(
        "Herstellung, Verleih und Vertrieb von Filmen und Fernsehprogrammen; Kinos; Tonstudios"
    ),
    "60": _("Rundfunkveranstalter"),
    "61": _("Telekommunikation"),
    "62": _("Erbringung von Dienstleistungen der Informationstechnologie"),
    "63": _("Informationsdienstleistungen"),
    "64": _("Erbringung von Finanzdienstleistungen"),
    "65": _("Versicherungen, Rückversicherungen und Pensionskassen"),
    "66": _("Mit Finanz- und Versicherungsdienstleistungen verbundene Tätigkeiten"),
    "68": _("Grundstücks- und Wohnungswesen"),
    "69": _("Rechts- und Steuerberatung, Wirtschaftsprüfung"),
    "70": _("Verwaltung und Führung von Unternehmen; Unternehmensberatung"),
    "71": _(
        "Architektur- und Ingenieurbüros; technische, physikalische und chemische Untersuchung"
    ),
    "72": _("Forschung und Entwicklung"),
    "73": _("Werbung und Marktforschung"),
    "74": _("Sonstige freiberufliche, wissenschaftliche und technische Tätigkeiten"),
    "75": _("Veterinärwesen"),
    "77": _("Vermietung von beweglichen Sachen"),
    "78": _("Vermittlung und Überlassung von Arbeitskräften"),
    "79": _("Reisebüros, Reiseveranstalter und Erbringung sonstiger Reservierungsdienstleistungen"),
    "80": _("Wach- und Sicherheitsdienste sowie Detekteien"),
    "81": _("Gebäudebetreuung; Garten- und Landschaftsbau"),
    "82": _(
        "Erbringung von wirtschaftlichen Dienstleistungen für Unternehmen und Privatpersonen a. n. g."
    ),
    "84": _("Öffentliche Verwaltung, Verteidigung; Sozialversicherung"),
    "85": _("Erziehung und Unterricht"),
    "86": _("Gesundheitswesen"),
    "87": _("Heime (ohne Erholungs- und Ferienheime)"),
    "88": _("Sozialwesen (ohne Heime)"),
    "90": _("Kreative, künstlerische und unterhaltende Tätigkeiten"),
    "91": _("Bibliotheken, Archive, Museen, botanische und zoologische Gärten"),
    "92": _("Spiel-, Wett- und Lotteriewesen"),
    "93": _("Erbringung von Dienstleistungen des Sports, der Unterhaltung und der Erholung"),
    "94": _("Interessenvertretungen sowie kirchliche und sonstige religiöse Vereinigungen"),
    "95": _("Reparatur von Datenverarbeitungsgeräten und Gebrauchsgütern"),
    "96": _("Erbringung von sonstigen überwiegend persönlichen Dienstleistungen"),
    "97": _("Private Haushalte mit Hauspersonal"),
    "98": _(
        "Herstellung von Waren und Erbringung von Dienstleistungen durch private Haushalte für den Eigenbedarf"
    ),
    "99": _("Exterritoriale Organisationen und Körperschaften"),
}


def wz_division_choices():
    return [(code, f"{code} – {title}") for code, title in WZ_DIVISIONS.items()]
