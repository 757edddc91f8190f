"""Helpers of the audit tests: small LEG files, the growth fields and networks they name."""

import pytest

from tests.factories import GrowthFieldFactory, NetworkFactory


def company(leg_id, name, **values):
    """One row of a LEG company sheet, keyed by header, with plausible defaults."""
    row = {
        "LEG-ID": leg_id,
        "Name": name,
        "Rechtsform": "GmbH",
        "Art": "Unternehmen",
        "Straße": "Carl-Zeiss-Straße 1",
        "PLZ": "07743",
        "Ort": "Jena",
        "Landkreis": "Jena",
        "Telefon": "03641 123456",
        "Beschäftigte": "120",
        "WZ 2008": "26.70",
        "Wachstumsfelder": "Optik",
        "Netzwerke": "",
        "Schlagworte": "Lasertechnik",
        "Stand": "27.02.2012",
    }
    row.update(values)
    return row


@pytest.fixture
def fields_and_networks():
    """Two growth fields ("Optik", "Sensorik") and two networks ("OptoNet", "SensNet")."""
    return {
        "optik": GrowthFieldFactory(name="Optik", slug="optik"),
        "sensorik": GrowthFieldFactory(name="Sensorik", slug="sensorik"),
        "optonet": NetworkFactory(name="OptoNet", short_name="OptoNet", slug="optonet"),
        "sensnet": NetworkFactory(name="SensNet", short_name="SensNet", slug="sensnet"),
    }


@pytest.fixture
def editor(django_user_model):
    """A back-office user of the ThCM-Redaktion: may import (imports.add_importrun)."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("redakteurin", "r@example.org", "pw")
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        Permission.objects.get(codename="add_importrun", content_type__app_label="imports"),
        Permission.objects.get(codename="view_importrun", content_type__app_label="imports"),
    )
    return user
