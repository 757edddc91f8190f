"""A dead cache makes the portal slower, never unavailable (issue 18, case 7).

The cache points at a closed port (redis://127.0.0.1:1/0) through the fail-open backend the
settings choose for every redis:// CACHE_URL: every public page answers 200, /healthz 200 with
the cache reported as degraded, an admin save works, and ``import_leg`` writes its data and
exits 0 with a warning that the page cache could not be renewed.
"""

import json
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from core import cache as portal_cache
from members.models import Organisation
from networks.models import Network
from tests.core.test_cache import Builder
from tests.factories import MembershipFactory, NetworkFactory, OrganisationFactory
from tests.imports.test_leg_import import BASE_ROWS, command, write_csv
from tests.permissions.helpers import change_form_data

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"
DEAD_CACHE = {
    "default": {
        "BACKEND": "core.cache_backends.FailOpenRedisCache",
        "LOCATION": CLOSED_PORT,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


@pytest.fixture
def dead_cache():
    """The cache is out of reach; the page cache is on, as in production."""
    with override_settings(CACHES=DEAD_CACHE, PORTAL_PAGE_CACHE=True):
        yield


@pytest.fixture
def anonymous():
    """A client that gets the responses a browser gets, instead of the exceptions."""
    return Client(raise_request_exception=False)


def test_a_redis_cache_url_gets_the_fail_open_backend():
    """CACHE_URL=redis://… selects the fail-open backend with short socket timeouts."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "c = settings.CACHES['default']; print(c['BACKEND']); "
        "print(c['OPTIONS']['socket_connect_timeout'])"
    )
    env = {
        **os.environ,
        "CACHE_URL": CLOSED_PORT,
        "DJANGO_SETTINGS_MODULE": "clusterportal.settings.base",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["core.cache_backends.FailOpenRedisCache", "0.5"]


def test_every_public_page_answers_200_with_the_cache_down(dead_cache, anonymous):
    """Home, the lists, a detail page of each kind, the comparison, the sitemap and the API
    all answer 200 (twice: the second request finds nothing cached either)."""
    membership = MembershipFactory()
    urls = [
        reverse("home"),
        "/en/",
        reverse("networks:list"),
        membership.network.get_absolute_url(),
        reverse("members:list"),
        reverse("members:list") + "?q=optik&page=2",
        reverse("members:detail", args=[membership.organisation.pk]),
        reverse("growthfields:list"),
        reverse("compare"),
        "/sitemap.xml",
        "/api/organisations/",
    ]
    for url in urls * 2:
        response = anonymous.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_healthz_reports_a_dead_cache_as_degraded_not_down(dead_cache, anonymous):
    """/healthz answers 200 {"status": "degraded"}: the load balancer keeps the instance."""
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "unavailable"},
    }


def test_an_admin_save_works_with_the_cache_down(superuser_client):
    """A network saved in the back office is stored and redirects, with the cache dead."""
    network = NetworkFactory(description="alt")
    url = reverse("admin:networks_network_change", args=[network.pk])
    with override_settings(CACHES=DEAD_CACHE):
        data = change_form_data(superuser_client.get(url))
        response = superuser_client.post(url, {**data, "description": "neu"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Network.objects.get(pk=network.pk).description == "neu"


def test_an_organisation_delete_in_the_admin_works_with_the_cache_down(superuser_client):
    """Deleting sends signals that invalidate the cache: still a redirect, the row is gone."""
    organisation = OrganisationFactory()
    url = reverse("admin:members_organisation_delete", args=[organisation.pk])
    with override_settings(CACHES=DEAD_CACHE):
        response = superuser_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_import_leg_commits_and_exits_0_with_a_warning_when_the_cache_is_down(
    reference_data,
    tmp_path,
):
    """The import commits its rows, its on-commit invalidation meets the dead cache, and it
    prints a warning about the page cache and exits 0 (its data was imported)."""
    path = write_csv(tmp_path / "leg.csv", BASE_ROWS)
    with override_settings(CACHES=DEAD_CACHE):
        out, err, status = command(path)
    assert status == 0, err
    assert "importiert" in out
    assert "Seiten-Cache war nicht erreichbar" in err
    assert Organisation.objects.filter(leg_id__startswith="TH-00000").count() == 5


def test_the_invalidate_cache_command_says_when_the_cache_is_down():
    """``manage.py invalidate_cache`` fails with a German message instead of a traceback."""
    from django.core.management import CommandError, call_command

    with (
        override_settings(CACHES=DEAD_CACHE),
        pytest.raises(CommandError, match="nicht erreichbar"),
    ):
        call_command("invalidate_cache")


# --- Stale entries after an outage (a real Redis, database 12) --------------------------------

LIVE_REDIS = "redis://127.0.0.1:6379/12"


@pytest.fixture
def live_cache():
    import redis

    try:
        redis.Redis.from_url(LIVE_REDIS, socket_connect_timeout=1).ping()
    except Exception as error:
        if REQUIRE_SERVICES:
            pytest.fail(f"Redis auf 127.0.0.1:6379 nicht erreichbar: {error}", pytrace=False)
        pytest.skip(f"Redis auf 127.0.0.1:6379 nicht erreichbar: {error}")
    caches = {
        "default": {
            "BACKEND": "core.cache_backends.FailOpenRedisCache",
            "LOCATION": LIVE_REDIS,
            "KEY_PREFIX": "cp-hard-test",
            "OPTIONS": {"RETRY_SECONDS": 0},
        }
    }
    with override_settings(CACHES=caches):
        from django.core.cache import cache

        cache.clear()
        yield cache
        cache.clear()


def test_an_invalidation_lost_in_an_outage_is_made_up_when_redis_answers_again(live_cache):
    """An entry is kept; Redis fails while the data changes (the bump is lost, counted); when
    Redis answers again with the old version key, the entry is built anew, not served stale."""
    from django.core.cache.backends.redis import RedisCacheClient

    builder = Builder()
    assert portal_cache.cached("k", builder) == "build 1"
    assert portal_cache.cached("k", builder) == "build 1"

    lost = portal_cache.lost_invalidations()
    refused = RedisConnectionError("refused (simulated)")
    with (
        mock.patch.object(RedisCacheClient, "incr", side_effect=refused),
        mock.patch.object(RedisCacheClient, "set", side_effect=refused),
    ):
        portal_cache.invalidate()
    assert portal_cache.lost_invalidations() > lost

    assert portal_cache.cached("k", builder) == "build 2"  # not the stale "build 1"
    assert portal_cache.cached("k", builder) == "build 2"  # and kept again
