import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def license_link(settings):
    return f'<{settings.PORTAL_DATA_LICENSE["url"]}>; rel="license"'
