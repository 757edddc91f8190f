"""German order (DIN 5007-1, issue 14): the same order on SQLite and PostgreSQL, wherever a
name is sorted."""

import pytest
from django.db.models import Value

from core.collation import german_order, sort_key
from members.filtersets import OrganisationFilterSet
from members.models import Organisation
from networks.models import Network
from tests.factories import NetworkFactory, OrganisationFactory

# Each case of the issue: a leading quotation mark, an umlaut at the start ("Ölmühle" not after
# Z), lower case ("ada", "at", "medways" not after Z), punctuation inside ("TH-ERN"), ß = ss,
# ü = u (not ue), numbers in numeric order.
GERMAN = [
    "ada Solar GmbH",
    "at",
    '"Eichsfelder Biosysteme" Handelsgesellschaft mbH',
    "Halle 9 GmbH",
    "Halle 10 GmbH",
    "medways e.V.",
    "Mueller Technik",
    "Muller Technik",
    "Müller Technik",
    "Ölmühle Apolda GmbH",
    "Strasse 1 GmbH",
    "Straße 2 GmbH",
    "TH-ERN",
    "Werra Kunststoff GmbH",
    "Zeiss Jena",
]
SHUFFLED = [GERMAN[i] for i in (13, 9, 2, 0, 14, 5, 12, 1, 4, 3, 8, 7, 6, 11, 10)]


def test_sort_key_is_din_5007_1():
    assert sorted(SHUFFLED, key=sort_key) == GERMAN


@pytest.mark.django_db
def test_the_database_orders_names_in_german():
    """Ordered by the database (ICU collation on PostgreSQL, the registered collation on
    SQLite): the same order as the key."""
    for name in SHUFFLED:
        OrganisationFactory(name=name)
    names = list(
        Organisation.objects.order_by(german_order("name"), "pk").values_list("name", flat=True)
    )
    assert names == GERMAN
    assert list(Organisation.objects.values_list("name", flat=True)) == GERMAN  # Meta.ordering
    assert (
        list(
            Organisation.objects.order_by(german_order("name").desc()).values_list(
                "name", flat=True
            )
        )
        == GERMAN[::-1]
    )


@pytest.mark.django_db
def test_directory_sorts_in_german_by_default_and_with_sort_name():
    for name in SHUFFLED:
        OrganisationFactory(name=name)
    for params in ({}, {"sort": "name"}):
        filterset = OrganisationFilterSet(params, queryset=Organisation.objects.for_directory())
        assert [row.name for row in filterset.qs] == GERMAN, params
    filterset = OrganisationFilterSet({"sort": "-name"}, Organisation.objects.for_directory())
    assert [row.name for row in filterset.qs] == GERMAN[::-1]


@pytest.mark.django_db
def test_network_choices_and_lists_in_german_order():
    """The network filter no longer lists "…, TH-ERN, at, medways"."""
    for number, name in enumerate(["TH-ERN", "at", "medways", "OptoNet", "Ölnetz"]):
        NetworkFactory(name=f"{name} e.V.", short_name=name, slug=f"n{number}")
    NetworkFactory(name="Biotech Netz e.V.", short_name="", slug="bio")
    field = OrganisationFilterSet().form.fields["network"]
    labels = [label for _value, label in field.choices][1:]
    assert labels == ["at", "Biotech Netz e.V.", "medways", "Ölnetz", "OptoNet", "TH-ERN"]
    names = list(Network.objects.values_list("name", flat=True))
    assert names == [
        "at e.V.",
        "Biotech Netz e.V.",
        "medways e.V.",
        "Ölnetz e.V.",
        "OptoNet e.V.",
        "TH-ERN e.V.",
    ]


@pytest.mark.django_db
def test_equal_names_stay_apart():
    """The collation is deterministic: names equal in German order are still different values
    (uniqueness, equality and LIKE work as before)."""
    OrganisationFactory(name="Müller")
    assert Organisation.objects.filter(name="Muller").count() == 0
    assert Organisation.objects.filter(name__icontains="müll").count() == 1
    assert Organisation.objects.annotate(x=Value(1)).filter(name="Müller").count() == 1
