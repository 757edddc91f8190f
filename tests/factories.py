"""factory_boy factories for every app's models."""

import datetime
from decimal import Decimal

import factory

from growthfields.choices import Category, Metric
from growthfields.models import GrowthField, GrowthFieldAlias, KeyFigure, Source
from members.choices import District, OrganisationKind
from members.models import Organisation
from networks.models import (
    DeclaredMemberCount,
    Membership,
    Network,
    NetworkAlias,
    NetworkGrowthField,
)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"quelle-{n}")
    title = factory.Sequence(lambda n: f"Studie {n}")
    publisher = "LEG Thüringen"
    reference_date = datetime.date(2012, 9, 1)


class GrowthFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrowthField

    name = factory.Sequence(lambda n: f"Wachstumsfeld {n}")
    name_en = factory.Sequence(lambda n: f"Growth field {n}")
    slug = factory.Sequence(lambda n: f"wachstumsfeld-{n}")
    category = Category.APPLICATION


class GrowthFieldAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrowthFieldAlias

    growth_field = factory.SubFactory(GrowthFieldFactory)
    name = factory.Sequence(lambda n: f"Schreibweise {n}")


class KeyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyFigure

    growth_field = factory.SubFactory(GrowthFieldFactory)
    metric = Metric.COMPANIES
    value = Decimal("500")
    approximate = True
    reference_date = datetime.date(2012, 9, 1)
    source = factory.SubFactory(SourceFactory)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Netzwerk {n} e.V.")
    short_name = factory.Sequence(lambda n: f"Netz{n}")
    slug = factory.Sequence(lambda n: f"netzwerk-{n}")
    legal_form = "e.V."


class NetworkAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkAlias

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Netzschreibweise {n}")


class NetworkGrowthFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkGrowthField

    network = factory.SubFactory(NetworkFactory)
    growth_field = factory.SubFactory(GrowthFieldFactory)


class DeclaredMemberCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeclaredMemberCount

    network = factory.SubFactory(NetworkFactory)
    total = 93
    companies = 75
    research = 11
    reference_date = datetime.date(2012, 9, 1)
    source = factory.SubFactory(SourceFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    leg_id = factory.Sequence(lambda n: f"TH-{n:06d}")
    name = factory.Sequence(lambda n: f"Jenaer Optik {n} GmbH")
    legal_form = "GmbH"
    kind = OrganisationKind.COMPANY
    postcode = "07743"
    town = "Jena"
    district = District.JENA


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    network = factory.SubFactory(NetworkFactory)
