"""OrganisationFilterSet against a small fixed data set: one test per filter (NetBox style)."""

import datetime

import pytest
from django.db import connection
from django.test import TestCase

from members.choices import District, OrganisationKind, SizeClass
from members.filtersets import OrganisationFilterSet
from members.models import Organisation
from members.selectors import directory_results
from tests.factories import (
    GrowthFieldFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
)
from tests.reference_data import ReferenceData

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite search")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text and trigram search"
)


class OrganisationFilterSetTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        ReferenceData.delete()  # this data set alone
        optics = GrowthFieldFactory(slug="optik", name="Optische Technologien")
        mobility = GrowthFieldFactory(slug="mobilitaet", name="Nachhaltige Mobilität")
        cls.optonet = NetworkFactory(slug="optonet", name="OptoNet e.V.")
        cls.automotive = NetworkFactory(slug="at", name="automotive thüringen e.V.")

        cls.jenoptik = OrganisationFactory(
            leg_id="TH-000001",
            name="Jenoptik GmbH",
            town="Jena",
            district=District.JENA,
            employees=3000,
            wz_code="26.70",
            keywords="Laser, optischen Systeme",
        )
        cls.mueller = OrganisationFactory(
            leg_id="TH-000002",
            name="Müller Maschinenbau GmbH",
            postcode="99084",
            town="Erfurt",
            district=District.ERFURT,
            employees=45,
            wz_code="28.11",
            keywords="Sondermaschinen",
        )
        cls.university = OrganisationFactory(
            leg_id="TH-000003",
            name="Friedrich-Schiller-Universität Jena",
            kind=OrganisationKind.UNIVERSITY,
            town="Jena",
            district=District.JENA,
            employees=None,
            wz_code="85.42",
        )
        cls.institute = OrganisationFactory(
            leg_id="TH-000004",
            name="Fraunhofer IOF",
            kind=OrganisationKind.RESEARCH_INSTITUTE,
            town="Jena",
            district=District.JENA,
            employees=5,
            wz_code="72.19",
        )
        cls.coating = OrganisationFactory(
            leg_id="TH-000005",
            name="Weimarer Oberflächen KG",
            postcode="99423",
            town="Weimar",
            district=District.WEIMAR,
            employees=120,
            wz_code="25.61",
            keywords="Beschichtungen",
        )
        cls.hidden = OrganisationFactory(
            leg_id="TH-000006",
            name="Jenoptik Verborgen GmbH",
            employees=20,
            published=False,
        )
        cls.jenoptik.growth_fields.add(optics)
        cls.university.growth_fields.add(optics, mobility)
        cls.mueller.growth_fields.add(mobility)
        cls.hidden.growth_fields.add(optics)
        MembershipFactory(organisation=cls.jenoptik, network=cls.optonet)
        MembershipFactory(organisation=cls.university, network=cls.optonet)
        MembershipFactory(organisation=cls.university, network=cls.automotive)
        MembershipFactory(organisation=cls.mueller, network=cls.automotive)
        MembershipFactory(
            organisation=cls.institute,
            network=cls.optonet,
            since=datetime.date(2005, 1, 1),
            until=datetime.date(2010, 12, 31),
        )
        MembershipFactory(organisation=cls.hidden, network=cls.optonet)

    def filtered(self, params):
        return OrganisationFilterSet(params, queryset=Organisation.objects.for_directory()).qs

    def names(self, params):
        return [organisation.name for organisation in self.filtered(params)]

    def test_no_parameters_lists_the_published_by_name(self):
        """Without parameters: every published organisation, by name."""
        assert self.names({}) == [
            "Fraunhofer IOF",
            "Friedrich-Schiller-Universität Jena",
            "Jenoptik GmbH",
            "Müller Maschinenbau GmbH",
            "Weimarer Oberflächen KG",
        ]

    def test_q_finds_name_town_and_keyword(self):
        """The search looks at name, town and keywords."""
        assert self.names({"q": "Jenoptik"}) == ["Jenoptik GmbH"]
        assert self.filtered({"q": "Erfurt"}).get() == self.mueller
        assert self.filtered({"q": "Sondermaschinen"}).get() == self.mueller

    def test_q_ranks_name_matches_first(self):
        """A search for a town lists the organisation named after it before the others there."""
        assert self.names({"q": "Jena"})[0] == "Friedrich-Schiller-Universität Jena"
        assert self.filtered({"q": "Jena"}).count() == 3

    def test_growth_field(self):
        assert self.filtered({"growth_field": "optik"}).count() == 2
        assert self.filtered({"growth_field": "mobilitaet"}).count() == 2

    def test_network_counts_current_members_only(self):
        """A membership that has ended does not count."""
        assert set(self.filtered({"network": "optonet"})) == {self.jenoptik, self.university}
        assert self.filtered({"network": "at"}).count() == 2

    def test_kind(self):
        assert self.filtered({"kind": OrganisationKind.COMPANY}).count() == 3
        assert self.filtered({"kind": OrganisationKind.UNIVERSITY}).get() == self.university

    def test_district(self):
        assert self.filtered({"district": District.JENA}).count() == 3
        assert self.filtered({"district": District.WEIMAR}).get() == self.coating

    def test_wz_division(self):
        """A division matches every code that starts with it."""
        assert self.filtered({"wz": "26"}).get() == self.jenoptik
        assert self.filtered({"wz": "28"}).get() == self.mueller
        assert self.filtered({"wz": "29"}).count() == 0

    def test_size_classes(self):
        """EU size classes by employees; "ka" finds the organisations without a number."""
        assert self.filtered({"size": SizeClass.MICRO}).get() == self.institute
        assert self.filtered({"size": SizeClass.SMALL}).get() == self.mueller
        assert self.filtered({"size": SizeClass.MEDIUM}).get() == self.coating
        assert self.filtered({"size": SizeClass.LARGE}).get() == self.jenoptik
        assert self.filtered({"size": SizeClass.UNKNOWN}).get() == self.university

    def test_leg_id_is_normalised(self):
        """Spaces and lower case in a LEG-ID do not matter."""
        assert self.filtered({"leg_id": " th-000002 "}).get() == self.mueller

    def test_filters_combine(self):
        assert self.filtered({"district": District.JENA, "growth_field": "optik"}).count() == 2
        assert self.filtered({"district": District.JENA, "kind": "hochschule"}).count() == 1

    def test_sort_by_employees_puts_missing_numbers_last_ascending(self):
        assert self.names({"sort": "employees"}) == [
            "Fraunhofer IOF",
            "Müller Maschinenbau GmbH",
            "Weimarer Oberflächen KG",
            "Jenoptik GmbH",
            "Friedrich-Schiller-Universität Jena",
        ]

    def test_sort_by_employees_puts_missing_numbers_last_descending(self):
        assert self.names({"sort": "-employees"}) == [
            "Jenoptik GmbH",
            "Weimarer Oberflächen KG",
            "Müller Maschinenbau GmbH",
            "Fraunhofer IOF",
            "Friedrich-Schiller-Universität Jena",
        ]

    def test_sort_by_name_descending(self):
        assert self.names({"sort": "-name"})[0] == "Weimarer Oberflächen KG"

    def test_sort_by_town_breaks_ties_by_primary_key(self):
        """Equal towns keep a stable order, so that pages never overlap."""
        names = self.names({"sort": "town"})
        assert names[0] == "Müller Maschinenbau GmbH"
        jena = [self.jenoptik.name, self.university.name, self.institute.name]
        assert names[1:4] == jena

    def test_sort_overrides_relevance(self):
        assert self.names({"q": "Jena", "sort": "-employees"})[0] == "Jenoptik GmbH"

    def test_invalid_values_are_ignored_and_reported(self):
        """An unknown value is an error of its field; the valid filters still apply."""
        filterset = OrganisationFilterSet(
            {"kind": "raumschiff", "district": District.WEIMAR, "growth_field": "gibt-es-nicht"},
            queryset=Organisation.objects.for_directory(),
        )
        assert list(filterset.qs) == [self.coating]
        assert set(filterset.errors) == {"kind", "growth_field"}

    def test_unpublished_never_match(self):
        """An unpublished organisation matches no filter, not even its own LEG-ID."""
        assert self.filtered({"leg_id": "TH-000006"}).count() == 0
        assert self.filtered({"q": "Verborgen"}).count() == 0

    def test_active_filters_name_their_parameter_label_and_value(self):
        filterset = OrganisationFilterSet(
            {"district": "Jena", "network": "optonet", "sort": "name"},
            queryset=Organisation.objects.for_directory(),
        )
        filterset.qs  # noqa: B018 (validates the form)
        assert filterset.active_filters() == [
            {"name": "network", "label": "Netzwerk", "value": str(self.optonet)},
            {"name": "district", "label": "Landkreis", "value": "Jena"},
        ]

    def test_active_filters_link_to_the_page_without_them(self):
        """Each chip removes its own parameter and the page number, keeping the rest."""
        from django.test import RequestFactory

        request = RequestFactory().get(
            "/mitglieder/", {"district": "Jena", "kind": "hochschule", "page": "3"}
        )
        filterset = OrganisationFilterSet(
            request.GET, queryset=Organisation.objects.for_directory(), request=request
        )
        filterset.qs  # noqa: B018 (validates the form)
        links = {chip["name"]: chip["remove_url"] for chip in filterset.active_filters()}
        assert links == {
            "kind": "/mitglieder/?district=Jena",
            "district": "/mitglieder/?kind=hochschule",
        }

    def test_search_is_case_insensitive(self):
        assert self.filtered({"q": "MÜLLER"}).get() == self.mueller
        assert self.filtered({"q": "jenoptik"}).get() == self.jenoptik

    @on_sqlite
    def test_sqlite_search_folds_umlauts(self):
        """Umlauts written out find the umlaut: "mueller" finds "Müller"."""
        assert self.filtered({"q": "mueller"}).get() == self.mueller
        assert self.filtered({"q": "MUELLER"}).get() == self.mueller
        assert self.filtered({"q": "oberflaechen"}).get() == self.coating

    @on_sqlite
    def test_sqlite_search_needs_every_word(self):
        assert self.filtered({"q": "Jena Laser"}).get() == self.jenoptik
        assert self.filtered({"q": "Jena Sondermaschinen"}).count() == 0

    @on_postgresql
    def test_postgresql_search_stems_german_words(self):
        """The german stemmer reduces "optisch" and "optischen" to one stem, and
        "Beschichtung" and "Beschichtungen" to another ("Optik" has a stem of its own)."""
        assert self.filtered({"q": "optisch"}).get() == self.jenoptik
        assert self.filtered({"q": "Beschichtung"}).get() == self.coating

    def results(self, params):
        filterset = OrganisationFilterSet(params, queryset=Organisation.objects.for_directory())
        return directory_results(filterset)

    @on_postgresql
    def test_postgresql_search_forgives_a_typo_in_a_name(self):
        """Nothing matches "Jenoptk" as written; the similar spelling does."""
        assert not self.filtered({"q": "Jenoptk"}).exists()
        rows, similar = self.results({"q": "Jenoptk"})
        assert similar and rows.get() == self.jenoptik

    @on_postgresql
    def test_postgresql_search_forgives_a_typo_in_a_town(self):
        rows, similar = self.results({"q": "Weimr"})
        assert similar and rows.get() == self.coating

    @on_postgresql
    def test_words_that_match_do_not_fall_back(self):
        rows, similar = self.results({"q": "Jenoptik"})
        assert not similar and rows.get() == self.jenoptik


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search")
def test_similar_spelling_only_when_the_words_match_nothing(client):
    """A typo finds the organisation through the similar-spelling fallback, and the page says
    so; a word that matches as written does not fall back."""
    from tests.factories import OrganisationFactory as Factory

    Factory(name="Jenoptik GmbH", town="Jena")
    Factory(name="Optikwerk Jenalux GmbH", town="Erfurt")
    typo = client.get("/mitglieder/", {"q": "Jenoptk"}).content.decode()
    assert "Jenoptik GmbH" in typo
    assert "Nichts passt genau" in typo
    exact = client.get("/mitglieder/", {"q": "Jenoptik"}).content.decode()
    assert "Jenoptik GmbH" in exact
    assert "Nichts passt genau" not in exact


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search")
def test_api_falls_back_to_similar_spelling_too(client):
    from tests.factories import OrganisationFactory as Factory

    Factory(name="Jenoptik GmbH", town="Jena")
    data = client.get("/api/organisations/", {"q": "Jenoptk"}).json()
    assert [row["name"] for row in data["results"]] == ["Jenoptik GmbH"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search")
def test_the_search_document_follows_name_town_and_keywords_only():
    """Renaming an organisation updates its search document; an update that names name, town
    and keywords without changing them (as the import and the admin do) leaves it alone, and
    the table leaves room on its pages for such updates (fill factor 85)."""

    def document(pk):
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector::text FROM members_organisation WHERE id = %s", [pk])
            return cursor.fetchone()[0]

    organisation = OrganisationFactory(name="Jenoptik GmbH", town="Jena", keywords="Laser")
    created = document(organisation.pk)
    assert "'jenopt'" in created and "'las'" in created

    Organisation.objects.filter(pk=organisation.pk).update(name="Analytik Jena GmbH")
    renamed = document(organisation.pk)
    assert "'analyt'" in renamed and "'jenopt'" not in renamed

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_organisation SET name = name, town = town, keywords = keywords, "
            "search_vector = NULL WHERE id = %s",
            [organisation.pk],
        )
    assert document(organisation.pk) is None  # the trigger did not recompute it

    organisation.refresh_from_db()
    organisation.keywords = "Photonik"
    organisation.save()
    assert "'photon'" in document(organisation.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'members_organisation'")
        assert "fillfactor=85" in cursor.fetchone()[0]
