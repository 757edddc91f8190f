"""The ThCM reference data (fixtures/reference/*.yaml) against the brochure of September 2012.

The figures checked here are those printed in chapter 2.2 and Anlage 2 of "Thüringer
ClusterManagement (ThCM). Ziele, Strukturen und Arbeitsschwerpunkte" (TMWAT/LEG, 2012).
"""

import datetime
import importlib.util
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from core.text import normalize_name
from growthfields.choices import Agency, Category, Metric
from growthfields.models import GrowthField, KeyFigure
from networks.choices import NetworkKind
from networks.models import DeclaredMemberCount, Network, NetworkGrowthField

pytestmark = pytest.mark.django_db

LEG = "leg-db-2012-09"
OPTONET_STUDY = "optonet-optische-industrie-2011-05"
SEPTEMBER_2012 = datetime.date(2012, 9, 1)
LEG_GENERATOR = Path(settings.BASE_DIR).parent / "shared" / "leg" / "make_leg_export.py"

GROWTH_FIELDS = {
    "automobil",
    "life-sciences",
    "biotechnologie",
    "medizintechnik",
    "umweltfreundliche-energien",
    "solarindustrie",
    "maschinenbau",
    "kunststoffe-und-keramik",
    "kunststoffe",
    "keramik",
    "mikro-und-nanotechnik",
    "mess-steuer-und-regeltechnik",
    "optik-optoelektronik",
    "greentech",
    "service-robotik",
    "kreativwirtschaft-edutainment",
    "ernaehrungsgewerbe",
    "logistik",
}
NETWORKS = {
    "automotive-thueringen",
    "medways",
    "solarinput",
    "fermeth",
    "polymermat",
    "mnt",
    "elmug",
    "optonet",
    "th-ern",
    "logistik-netzwerk-thueringen",
    "acod",
    "initiative-erfurter-kreuz",
    "protonetz",
    "industrieallianz-thueringen",
}
ALLIANCE_MEMBERS = {"polymermat", "elmug", "medways", "mnt", "optonet", "fermeth"}

# Spellings that FORMAT.md names explicitly (besides those of the generator).
FORMAT_GROWTH_FIELD_SPELLINGS = [
    "Optik/Optoelektronik",
    "Mess-, Steuer- und Regeltechnik",
    "Life Sciences: Biotechnologie und Medizintechnik",
    "MSR",
    "Servicerobotik",
]
FORMAT_NETWORK_SPELLINGS = {
    "OptoNet": "optonet",
    "Optonet e.V.": "optonet",
    "OPTONET": "optonet",
    "at": "automotive-thueringen",
    "automotive thüringen": "automotive-thueringen",
    "Logistik-Netzwerk Thüringen e.V.": "logistik-netzwerk-thueringen",
    "Thüringer Ernährungsnetzwerk": "th-ern",
}


def load():
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def reference_data():
    return load()


def figure(field, metric, source=LEG):
    return KeyFigure.objects.get(growth_field__slug=field, metric=metric, source__slug=source)


def reference_counts():
    models = [
        *apps.get_app_config("growthfields").get_models(),
        *apps.get_app_config("networks").get_models(),
    ]
    return {model._meta.label: model._default_manager.count() for model in models}


# --- figures against the brochure ---------------------------------------------------------------


def test_automobil_figures_as_in_the_brochure(reference_data):
    """Automobil has ca. 500 companies, ca. 50,000 employees and ca. 7.7 bn EUR revenue (LEG,
    September 2012) and an export quota of 32.3 % for WZ 29 (Landesamt, 2011)."""
    companies = figure("automobil", Metric.COMPANIES)
    assert companies.value == Decimal("500")
    assert companies.approximate
    assert companies.reference_date == SEPTEMBER_2012
    assert figure("automobil", Metric.EMPLOYEES).value == Decimal("50000")
    revenue = figure("automobil", Metric.REVENUE)
    assert revenue.value == Decimal("7700000000")
    assert revenue.approximate
    export = KeyFigure.objects.get(growth_field__slug="automobil", metric=Metric.EXPORT_QUOTA)
    assert export.value == Decimal("32.3")
    assert export.scope_note == "WZ 29"
    assert not export.approximate
    assert export.source.slug == "tls-betriebe-2011"
    assert export.reference_date == datetime.date(2011, 1, 1)


def test_automobil_gva_share_does_not_claim_2008(reference_data):
    """Automobil's share of gross value added (8.4 %) is a Trendatlas figure dated as its source
    (Endbericht März 2011): the brochure says "Zahlenwerte aus 2008" only of export quotas."""
    gva = KeyFigure.objects.get(growth_field__slug="automobil", metric=Metric.GVA_SHARE)
    assert gva.value == Decimal("8.4")
    assert gva.source.slug == "trendatlas-2020"
    assert (gva.reference_date, gva.reference_precision) == (datetime.date(2011, 3, 1), "month")
    assert gva.reference_display == "März 2011"
    assert "2008" not in gva.source.note.split("Nur für diese Exportquoten")[0]


def test_optik_has_the_leg_and_the_optonet_series(reference_data):
    """Optik/Optoelektronik: ca. 155 companies (LEG) and ca. 167 (OptoNet study, May 2011)."""
    leg = figure("optik-optoelektronik", Metric.COMPANIES)
    study = figure("optik-optoelektronik", Metric.COMPANIES, OPTONET_STUDY)
    assert (leg.value, leg.approximate) == (Decimal("155"), True)
    assert (study.value, study.approximate) == (Decimal("167"), True)
    assert study.reference_date == datetime.date(2011, 5, 1)
    assert figure("optik-optoelektronik", Metric.EMPLOYEES).value == Decimal("8100")
    optik = "optik-optoelektronik"
    assert figure(optik, Metric.EMPLOYEES, OPTONET_STUDY).value == Decimal("13400")
    assert figure(optik, Metric.REVENUE).value == Decimal("2000000000")
    assert figure(optik, Metric.REVENUE, OPTONET_STUDY).value == Decimal("2600000000")
    assert figure(optik, Metric.EXPORT_QUOTA, OPTONET_STUDY).value == Decimal("66")


def test_service_robotik_gva_share_is_no_data_not_zero(reference_data):
    """Service-Robotik's gross value added share is "keine Angaben": stored as None, never 0."""
    gva = KeyFigure.objects.get(growth_field__slug="service-robotik", metric=Metric.GVA_SHARE)
    assert gva.value is None
    assert not gva.approximate
    export = KeyFigure.objects.get(growth_field__slug="service-robotik", metric=Metric.EXPORT_QUOTA)
    assert export.value is None


def test_service_robotik_revenue_is_13_million_euro(reference_data):
    """Service-Robotik: 5 companies (no "ca."), ca. 0.013 bn EUR revenue."""
    companies = figure("service-robotik", Metric.COMPANIES)
    assert (companies.value, companies.approximate) == (Decimal("5"), False)
    assert figure("service-robotik", Metric.REVENUE).value == Decimal("13000000")


def test_ernaehrungsgewerbe_export_quota_keeps_the_more_precise_scope(reference_data):
    """Ernährungsgewerbe exports ca. 14.7 %, scope "nur WZ 10 ohne Getränke" from Anlage 2."""
    export = KeyFigure.objects.get(
        growth_field__slug="ernaehrungsgewerbe", metric=Metric.EXPORT_QUOTA
    )
    assert export.value == Decimal("14.7")
    assert export.scope_note == "nur WZ 10 ohne Getränke"
    assert "nur WZ 10" in export.note


def test_logistik_figures_come_from_the_helaba_study(reference_data):
    """Logistik: ca. 500 companies, ca. 36,000 employees, ca. 2.1 bn EUR (Helaba, June 2012)."""
    assert figure("logistik", Metric.COMPANIES, "helaba-logistik-2012-06").value == Decimal("500")
    assert not KeyFigure.objects.filter(growth_field__slug="logistik", source__slug=LEG).exists()


def test_kreativwirtschaft_has_no_figures(reference_data):
    """The brochure gives no figures for Kreativwirtschaft/Edutainment (ThAK's field)."""
    field = GrowthField.objects.get(slug="kreativwirtschaft-edutainment")
    assert not field.key_figures.exists()
    assert field.agency == Agency.THAK


def test_parts_carry_their_own_figures_and_the_parent_the_totals(reference_data):
    """Life Sciences gesamt ca. 370 companies; Medizintechnik ca. 340; Biotechnologie ca. 60."""
    assert figure("life-sciences", Metric.COMPANIES).value == Decimal("370")
    assert "nicht der Summe der Teilzahlen" in figure("life-sciences", Metric.COMPANIES).note
    assert figure("medizintechnik", Metric.COMPANIES).value == Decimal("340")
    assert figure("biotechnologie", Metric.COMPANIES).value == Decimal("60")
    assert figure("solarindustrie", Metric.EMPLOYEES).value == Decimal("7500")


def test_percentages_and_counts_are_never_negative_or_above_100(reference_data):
    """All stored quotas lie between 0 and 100 %."""
    for kf in KeyFigure.objects.filter(metric__in=Metric.percentages(), value__isnull=False):
        assert Decimal("0") <= kf.value <= Decimal("100"), kf


# --- growth fields -----------------------------------------------------------------------------


def test_all_growth_fields_exist(reference_data):
    """The eleven Trendatlas fields, Ernährungsgewerbe, Logistik and the five parts exist."""
    assert set(GrowthField.objects.values_list("slug", flat=True)) >= GROWTH_FIELDS
    assert GrowthField.objects.top_level().count() == 13
    assert GrowthField.objects.filter(category=Category.OTHER).count() == 2


def test_life_sciences_has_parts_biotechnologie_and_medizintechnik(reference_data):
    """Life Sciences is split into Biotechnologie and Medizintechnik, which carry the strengths."""
    life_sciences = GrowthField.objects.get(slug="life-sciences")
    parts = set(life_sciences.parts.values_list("slug", flat=True))
    assert parts == {"biotechnologie", "medizintechnik"}
    assert life_sciences.strengths == []
    medizintechnik = GrowthField.objects.get(slug="medizintechnik")
    assert medizintechnik.category == life_sciences.category
    assert medizintechnik.wz_codes == ["32.50"]
    assert "Exportanteil der Neugründungen noch gering" in medizintechnik.weaknesses


def test_agencies_follow_section_3_2_3(reference_data):
    """ThEGA looks after energy and GreenTech, ThAK after Kreativwirtschaft, ThCM after the rest."""
    by_agency = dict(GrowthField.objects.top_level().values_list("slug", "agency"))
    assert by_agency.pop("umweltfreundliche-energien") == Agency.THEGA
    assert by_agency.pop("greentech") == Agency.THEGA
    assert by_agency.pop("kreativwirtschaft-edutainment") == Agency.THAK
    assert set(by_agency.values()) == {Agency.THCM}


def test_msr_short_name(reference_data):
    """Mess-, Steuer- und Regeltechnik is abbreviated MSR."""
    assert GrowthField.objects.get(slug="mess-steuer-und-regeltechnik").short_name == "MSR"


# --- networks ----------------------------------------------------------------------------------


def test_fourteen_networks_exist(reference_data):
    """13 networks and the Industrieallianz Thüringen."""
    assert set(Network.objects.values_list("slug", flat=True)) == NETWORKS
    assert Network.objects.networks().count() == 13


def test_optonet_declares_93_members_75_companies(reference_data):
    """OptoNet e.V.: 93 members, 75 companies, 11 research institutions (September 2012)."""
    count = DeclaredMemberCount.objects.get(network__slug="optonet", reference_date=SEPTEMBER_2012)
    assert (count.total, count.companies, count.research) == (93, 75, 11)


def test_elmug_declares_26_in_2012_and_45_in_2019(reference_data):
    """ELMUG eG: 26 members/partners in 2012 (brochure), 45 in 2019 (strategy paper)."""
    elmug = DeclaredMemberCount.objects.filter(network__slug="elmug")
    counts = dict(elmug.values_list("reference_date", "total"))
    assert counts == {
        datetime.date(2009, 2, 25): 9,
        SEPTEMBER_2012: 26,
        datetime.date(2019, 1, 1): 45,
    }
    later = DeclaredMemberCount.objects.get(network__slug="elmug", reference_date__year=2019)
    assert later.companies is None
    assert later.research is None
    assert Network.objects.get(slug="elmug").founded_on == datetime.date(2009, 2, 25)


def test_polymermat_has_both_50_and_51_members(reference_data):
    """PolymerMat: 50 members in the network profile, 51 in Anlage 2 (network websites)."""
    polymermat = DeclaredMemberCount.objects.filter(network__slug="polymermat")
    totals = set(polymermat.values_list("total", flat=True))
    assert totals == {50, 51}


def test_the_alliance_groups_exactly_the_six_networks(reference_data):
    """The Industrieallianz Thüringen (2011) groups PolymerMat, ELMUG, medways, MNT, OptoNet and
    FerMeTh, and has no growth fields of its own."""
    alliance = Network.objects.get(slug="industrieallianz-thueringen")
    assert alliance.kind == NetworkKind.ALLIANCE
    assert set(alliance.member_networks.values_list("slug", flat=True)) == ALLIANCE_MEMBERS
    assert not alliance.growth_field_links.exists()


def test_each_network_with_growth_fields_has_exactly_one_primary(reference_data):
    """Every network linked to growth fields has one primary field."""
    linked = Network.objects.filter(growth_field_links__isnull=False).distinct()
    assert linked.count() == 12
    for network in linked:
        assert network.growth_field_links.filter(is_primary=True).count() == 1, network


def test_primary_fields(reference_data):
    """OptoNet works mainly in Optik/Optoelektronik, at in Automobil, medways in Life Sciences."""
    links = NetworkGrowthField.objects.filter(is_primary=True)
    primaries = dict(links.values_list("network__slug", "growth_field__slug"))
    assert primaries["optonet"] == "optik-optoelektronik"
    assert primaries["automotive-thueringen"] == "automobil"
    assert primaries["medways"] == "life-sciences"


def test_websites_have_a_scheme(reference_data):
    """Network websites are stored with https://."""
    for website in Network.objects.exclude(website="").values_list("website", flat=True):
        assert website.startswith("https://"), website


# --- loading -----------------------------------------------------------------------------------


def test_loading_twice_changes_nothing(reference_data):
    """A second load creates nothing and leaves every model's count unchanged."""
    before = reference_counts()
    output = load()
    assert "0 Einträge angelegt" in output
    assert reference_counts() == before


def test_first_load_creates_everything():
    """On an empty database the first load creates every object of the fixtures."""
    output = load()
    assert "0 bereits vorhanden" in output
    assert GrowthField.objects.exists()


def test_an_edited_object_is_not_overwritten(reference_data):
    """What staff changed after loading survives a second load."""
    field = GrowthField.objects.get(slug="automobil")
    field.description = "Von der Redaktion geändert."
    field.save()
    companies = figure("automobil", Metric.COMPANIES)
    companies.value = Decimal("510")
    companies.save()
    Network.objects.filter(slug="optonet").update(website="https://example.org")

    load()

    assert GrowthField.objects.get(slug="automobil").description == "Von der Redaktion geändert."
    assert figure("automobil", Metric.COMPANIES).value == Decimal("510")
    assert Network.objects.get(slug="optonet").website == "https://example.org"


def test_a_deleted_object_is_restored(reference_data):
    """A reference object that is missing is created again by the next load."""
    KeyFigure.objects.filter(growth_field__slug="keramik").delete()
    load()
    assert KeyFigure.objects.filter(growth_field__slug="keramik").count() == 5


# --- spellings of LEG exports ------------------------------------------------------------------


@pytest.fixture
def leg_generator():
    if not LEG_GENERATOR.exists():
        pytest.skip(f"LEG export generator not found at {LEG_GENERATOR}")
    spec = importlib.util.spec_from_file_location("make_leg_export", LEG_GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_generator_spelling_resolves(reference_data, leg_generator):
    """Every growth field and network spelling that make_leg_export.py writes matches one entry."""
    growth_fields = GrowthField.objects.name_index()
    networks = Network.objects.name_index()
    unresolved = []
    for field, (spellings, _wz, _keywords, field_networks) in leg_generator.FIELDS.items():
        for spelling in [field, *spellings]:
            if normalize_name(spelling) not in growth_fields:
                unresolved.append(("growth field", spelling))
        for _key, variants in field_networks:
            for spelling in variants:
                if normalize_name(spelling) not in networks:
                    unresolved.append(("network", spelling))
    for variants in leg_generator.CROSS_NETWORKS:
        for spelling in variants:
            if normalize_name(spelling) not in networks:
                unresolved.append(("network", spelling))
    assert unresolved == []


def test_generator_networks_of_one_field_resolve_to_one_network(reference_data, leg_generator):
    """All variants of one network ("OptoNet", "Optonet e.V.", "OPTONET") mean the same network."""
    networks = Network.objects.name_index()
    for _field, (_spellings, _wz, _keywords, field_networks) in leg_generator.FIELDS.items():
        for key, variants in field_networks:
            targets = {networks[normalize_name(spelling)] for spelling in variants}
            assert len(targets) == 1, (key, variants)


def test_format_md_spellings_resolve(reference_data):
    """The spellings FORMAT.md promises match the intended growth field or network."""
    growth_fields = GrowthField.objects.name_index()
    for spelling in FORMAT_GROWTH_FIELD_SPELLINGS:
        assert normalize_name(spelling) in growth_fields, spelling
    assert (
        growth_fields[normalize_name("MSR")]
        == GrowthField.objects.get(slug="mess-steuer-und-regeltechnik").pk
    )
    assert (
        growth_fields[normalize_name("Servicerobotik")]
        == GrowthField.objects.get(slug="service-robotik").pk
    )
    networks = Network.objects.name_index()
    slugs = dict(Network.objects.values_list("pk", "slug"))
    for spelling, slug in FORMAT_NETWORK_SPELLINGS.items():
        assert slugs[networks[normalize_name(spelling)]] == slug, spelling
