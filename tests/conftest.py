import pytest
from django.conf import settings
from django.utils import translation
from pytest_django.fixtures import is_django_unittest

from tests.reference_data import ReferenceData

# Fixtures through which a test reaches the database (pytest-django's, and what needs them).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with the reference data loaded once for the session
    (once per xdist worker, each with its own database)."""
    with django_db_blocker.unblock():
        ReferenceData.load()


@pytest.fixture
def reference_data(db):
    """The ThCM reference data (growth fields, key figures, sources, networks): in the database
    since the session began; what a test changes rolls back with its transaction."""


def uses_database(request):
    return request.node.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES.intersection(request.fixturenames)
    )


def is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or {"transactional_db", "live_server", "django_db_reset_sequences"}.intersection(
            request.fixturenames
        )
    )


@pytest.fixture(autouse=True)
def reference_data_or_empty(request, django_db_blocker):
    """A test that asks for ``reference_data`` finds it; every other test starts on empty
    reference tables (deleted in its own transaction, which rolls back: about 2 ms).

    A transactional test (``transactional_db``, ``live_server``) commits, and its flush at the
    end empties every table: the reference rows are written back right after it (see
    ``pytest_runtest_teardown``). Django TestCase classes empty the tables in
    ``setUpTestData`` themselves (``ReferenceData.delete()``)."""
    if is_django_unittest(request) or not uses_database(request):
        return
    request.getfixturevalue("db")
    if is_transactional(request):
        request.node.flushes_with = django_db_blocker
    if "reference_data" not in request.fixturenames:
        ReferenceData.delete()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush (its fixtures are torn down): the reference data
    again, for the tests after it. After the last test there is none, and the session's
    fixtures are gone with the test database."""
    try:
        return (yield)
    finally:
        blocker = getattr(item, "flushes_with", None)
        if blocker is not None and nextitem is not None:
            with blocker.unblock():
                ReferenceData.restore()


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


@pytest.fixture
def unreachable_cache(settings):
    """The shared cache, and with it the rate limits' counters, is out of reach: the Redis
    backend of production (fail-open, ``core.cache_backends``) on a closed port."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }


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
