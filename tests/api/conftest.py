from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def reference_data(db):
    """The ThCM reference data: growth fields, key figures, sources, networks."""
    call_command("load_reference_data", stdout=StringIO())


@pytest.fixture
def license_link(settings):
    return f'<{settings.PORTAL_DATA_LICENSE["url"]}>; rel="license"'
