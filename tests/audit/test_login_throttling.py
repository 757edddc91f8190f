"""Login throttling (django-axes): five failed logins lock the user name for that address out,
with a German page saying when to try again; another address is not locked; the lock ends
with the cool-off; behind a reverse proxy the address comes from X-Forwarded-For."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from clusterportal.settings.base import axes_client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "richtig-und-lang"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "redaktion", "r@example.org", PASSWORD, is_staff=True
    )


def login(client, password, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": "redaktion", "password": password, "next": "/admin/"},
        **headers,
    )


def fail(client, times, **headers):
    responses = [login(client, "falsch", **headers) for _ in range(times)]
    assert all(r.status_code in (200, 429) for r in responses)
    return responses[-1]


def test_the_settings_throttle_by_user_name_and_address():
    """Five failures, 15 minutes, user name and address together, reset on success."""
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME * 60 == 15
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True


def test_four_failures_still_let_the_right_password_in(client, staff):
    """Below the limit the correct password logs in (and clears the count)."""
    fail(client, 4)
    assert login(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(failures_since_start__gt=0).exists()


def test_five_failures_lock_out_even_the_right_password(client, staff):
    """The fifth failure answers 429 with the German lockout page; then even the correct
    password is refused, and nobody is logged in."""
    response = fail(client, 5)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Anmeldung vorübergehend gesperrt" in page
    assert "Bitte versuchen Sie es in 15 Minuten erneut." in page
    response = login(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_locked(client, staff):
    """The lock is for the user name from that address: the same user from another address
    logs in."""
    fail(client, 5, REMOTE_ADDR="192.0.2.10")
    assert login(client, PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 429
    assert login(client, PASSWORD, REMOTE_ADDR="192.0.2.20").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, staff):
    """Once the cool-off has passed since the last failure, the correct password works."""
    fail(client, 5)
    assert login(client, PASSWORD).status_code == 429
    earlier = timezone.now() - datetime.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert login(client, PASSWORD).status_code == 302


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_behind_one_proxy_the_forwarded_address_counts(client, staff):
    """Behind one proxy (same REMOTE_ADDR for everyone), clients are told apart by the address
    the proxy appended to X-Forwarded-For; a forged entry to its left changes nothing."""
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    fail(client, 5, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    forged = "198.51.100.1, 203.0.113.7"
    assert login(client, PASSWORD, HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 429
    other = "203.0.113.99"
    assert login(client, PASSWORD, HTTP_X_FORWARDED_FOR=other, **proxy).status_code == 302


def test_the_client_address_honours_the_proxy_count():
    """0 proxies: REMOTE_ADDR, the header ignored; n proxies: the n-th entry from the right;
    fewer entries than proxies: REMOTE_ADDR."""
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7, 10.0.0.1"
    )
    expected = {0: "10.0.0.2", 1: "10.0.0.1", 2: "203.0.113.7", 3: "1.1.1.1", 4: "10.0.0.2"}
    for count, address in expected.items():
        with override_settings(AXES_IPWARE_PROXY_COUNT=count):
            assert axes_client_ip(request) == address, count
