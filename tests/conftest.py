import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def default_language():
    """A request to an /en/ page must not leave English active for the next test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached pages and counts are built from one test's data; the next test starts afresh
    (a rolled-back transaction does not reach the cache)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def private_export_dir(settings, tmp_path):
    """The member directory's full files are written to the test's own directory."""
    settings.PORTAL_EXPORT_DIR = tmp_path / "exports"
    return settings.PORTAL_EXPORT_DIR


@pytest.fixture(autouse=True)
def private_upload_dir(settings, tmp_path):
    """Uploads (LEG and the admin's import buttons) wait in the test's own directory, never in
    the checkout's var/imports."""
    settings.LEG_IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.LEG_IMPORT_UPLOAD_DIR


@pytest.fixture
def superuser_client(client, django_user_model):
    """A client logged in as a back-office superuser."""
    user = django_user_model.objects.create_superuser("redaktion", "redaktion@example.org", "pw")
    client.force_login(user)
    return client
