"""When the database cannot be reached: /healthz answers 503 for the load balancer, and every
page the friendly 503 page (German, in the site's design, with Retry-After), never a 500."""

import json
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def database_down():
    """Every attempt to reach the database fails as a refused connection does."""
    return mock.patch.object(
        connection,
        "ensure_connection",
        side_effect=OperationalError("connection refused (simulated)"),
    )


@pytest.fixture
def anonymous():
    """A client that gets the responses a browser gets, instead of the exceptions."""
    return Client(raise_request_exception=False)


class TouchUserMiddleware:
    """A middleware that loads the user (and so the session) before the view, as a
    middleware outside ATOMIC_REQUESTS does."""

    errors = []

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.user.is_authenticated  # noqa: B018 (loads the session from the database)
        except Exception as error:
            self.errors.append(error)
            raise
        return self.get_response(request)


# --- /healthz ---------------------------------------------------------------------------------


def test_healthz_is_ok_when_database_and_cache_answer(client):
    """/healthz answers 200 with {"status": "ok"} and both checks ok, and forbids caching."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
    }
    assert "no-store" in response["Cache-Control"]
    assert reverse("healthz") == "/healthz"


def test_healthz_runs_one_query_outside_a_transaction(client, django_assert_num_queries):
    """/healthz is exempt from ATOMIC_REQUESTS: its only query is the SELECT 1."""
    with django_assert_num_queries(1) as context:
        client.get("/healthz")
    assert context.captured_queries[0]["sql"] == "SELECT 1"


def test_healthz_is_503_when_the_database_is_unreachable(anonymous):
    """/healthz answers 503 naming the database when it cannot connect."""
    with database_down():
        response = anonymous.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "cache": "ok"},
    }


def test_healthz_is_degraded_not_down_when_the_cache_raises(anonymous):
    """/healthz answers 200 "degraded" naming the cache when Redis refuses the connection:
    pages are built from the database then, so the load balancer must keep the instance."""
    with mock.patch(
        "clusterportal.views.cache.set", side_effect=RedisConnectionError("refused (simulated)")
    ):
        response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "unavailable"},
    }


# --- The 503 page -----------------------------------------------------------------------------


def assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Vorübergehend nicht erreichbar" in html
    assert 'class="site-header"' in html  # the site's design
    assert "Traceback" not in html


@pytest.mark.parametrize(
    "name", ["home", "networks:list", "members:list", "growthfields:list", "admin:index"]
)
def test_pages_answer_503_when_the_database_is_unreachable(anonymous, name):
    """A page whose transaction (ATOMIC_REQUESTS) cannot be opened gets the 503 page."""
    with database_down():
        response = anonymous.get(reverse(name))
    assert_friendly_503(response)


def test_detail_page_answers_503_when_the_database_is_unreachable(anonymous):
    """A detail page (which reads the database in its view) gets the 503 page too."""
    network = NetworkFactory()
    with database_down():
        response = anonymous.get(network.get_absolute_url())
    assert_friendly_503(response)


def test_error_in_the_session_middleware_also_gives_503(anonymous, settings):
    """A session that cannot be loaded in a middleware, before ATOMIC_REQUESTS, gets the 503
    page as well: handler500 catches errors from every layer."""
    index = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(index + 1, f"{__name__}.TouchUserMiddleware")
    anonymous.cookies["sessionid"] = "x" * 32
    TouchUserMiddleware.errors.clear()
    with override_settings(MIDDLEWARE=middleware), database_down():
        response = anonymous.get(reverse("home"))
    assert_friendly_503(response)
    assert isinstance(TouchUserMiddleware.errors[0], OperationalError)  # raised in the middleware


def test_english_pages_get_the_503_page_in_english(anonymous):
    """The 503 page speaks the page's language."""
    with database_down():
        response = anonymous.get("/en/")
    assert response.status_code == 503
    assert '<html lang="en">' in response.content.decode()


def test_503_page_needs_no_database(rf, django_assert_num_queries):
    """The 503 page is rendered without a single query."""
    from clusterportal.views import service_unavailable

    with django_assert_num_queries(0):
        response = service_unavailable(rf.get("/"))
    assert_friendly_503(response)


def test_other_errors_still_give_the_500_page(anonymous):
    """A bug is still a 500 with the 500 page, not hidden behind a 503."""
    with mock.patch(
        "clusterportal.views.HomeView.get_context_data", side_effect=ValueError("a bug")
    ):
        response = anonymous.get(reverse("home"))
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.content.decode()
    assert "Retry-After" not in response


def test_unreachable_database_is_logged_as_an_error(anonymous, caplog):
    """The 503 is logged by django.request with the cause, so operators see it."""
    with database_down():
        anonymous.get(reverse("home"))
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and records[-1].levelname == "ERROR"
    assert records[-1].status_code == 503
    assert isinstance(records[-1].exc_info[1], OperationalError)
