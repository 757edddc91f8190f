"""Login throttling (django-axes): five failed logins lock the user name for that address out,
with a German page saying when to try again; another address is not locked; the lock ends
with the cool-off; the address comes from X-Forwarded-For only when the request comes from a
configured proxy (TRUSTED_PROXIES)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from core.client_ip import client_ip as axes_client_ip

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


PROXY = "10.0.0.1"


def fail_rotating(client, times, **headers):
    """``times`` wrong passwords, each with a different forged X-Forwarded-For address."""
    return [
        login(client, "falsch", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **headers).status_code
        for n in range(1, times + 1)
    ]


def test_forged_forwarded_addresses_from_a_client_are_ignored(client, staff):
    """12 wrong passwords sent directly (no proxy configured), each with another forged
    X-Forwarded-For address: the address is REMOTE_ADDR, so the fifth locks the user out."""
    statuses = fail_rotating(client, 12, REMOTE_ADDR="192.0.2.66")
    assert statuses[:4] == [200] * 4
    assert statuses[4:] == [429] * 8
    assert login(client, PASSWORD, REMOTE_ADDR="192.0.2.66").status_code == 429


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_forged_forwarded_addresses_from_a_non_proxy_address_are_ignored(client, staff):
    """With a proxy configured, a request from any other address still counts by its
    REMOTE_ADDR: the header is read only from the proxy."""
    statuses = fail_rotating(client, 12, REMOTE_ADDR="192.0.2.66")
    assert statuses[4:] == [429] * 8
    assert login(client, PASSWORD, REMOTE_ADDR="192.0.2.66").status_code == 429


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_behind_the_proxy_the_forwarded_address_counts(client, staff):
    """From the proxy (same REMOTE_ADDR for everyone), clients are told apart by the address
    the proxy appended to X-Forwarded-For; a forged entry to its left changes nothing."""
    proxy = {"REMOTE_ADDR": PROXY}
    fail(client, 5, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    forged = "198.51.100.1, 203.0.113.7"
    assert login(client, PASSWORD, HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 429
    other = "203.0.113.99"
    assert login(client, PASSWORD, HTTP_X_FORWARDED_FOR=other, **proxy).status_code == 302


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_rotating_forged_entries_through_the_proxy_still_lock(client, staff):
    """Through the proxy, forged entries to the left of the one it appended rotate in vain."""
    statuses = [
        login(
            client,
            "falsch",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7",
            REMOTE_ADDR=PROXY,
        ).status_code
        for n in range(1, 13)
    ]
    assert statuses[4:] == [429] * 8


def test_the_client_address_trusts_the_header_only_from_a_configured_proxy():
    """No proxies: REMOTE_ADDR, the header ignored; REMOTE_ADDR a proxy: the right-most entry
    that is not a proxy itself (networks allowed); not an address, or no entry: the last
    trusted hop."""
    header = "1.1.1.1, 203.0.113.7, 10.0.0.1"
    cases = [
        ([], "10.0.0.2", header, "10.0.0.2"),
        (["10.0.0.1"], "10.0.0.2", header, "10.0.0.2"),
        (["10.0.0.2"], "10.0.0.2", header, "10.0.0.1"),
        (["10.0.0.0/24"], "10.0.0.2", header, "203.0.113.7"),
        (["10.0.0.0/24", "203.0.113.7"], "10.0.0.2", header, "1.1.1.1"),
        (["10.0.0.0/24"], "10.0.0.2", "", "10.0.0.2"),
        (["10.0.0.0/24"], "10.0.0.2", "<script>, 10.0.0.5", "10.0.0.5"),
        (["10.0.0.0/24"], "10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ]
    for proxies, remote, forwarded, expected in cases:
        request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
        with override_settings(TRUSTED_PROXIES=proxies):
            assert axes_client_ip(request) == expected, (proxies, forwarded)


def test_production_settings_ignore_a_forged_header_from_a_direct_client():
    """With production settings and no TRUSTED_PROXIES (a client reaching gunicorn directly),
    a forged X-Forwarded-For does not change the address throttling counts."""
    import subprocess

    from tests.deploy.servers import PYTHON, REPO_ROOT, production_env

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.test import RequestFactory; from django.utils.module_loading import "
        "import_string; "
        "r = RequestFactory().get('/', REMOTE_ADDR='192.0.2.66', "
        "HTTP_X_FORWARDED_FOR='198.51.100.1'); "
        "print(import_string(settings.AXES_CLIENT_IP_CALLABLE)(r))"
    )
    result = subprocess.run(
        [PYTHON, "-c", code],
        cwd=REPO_ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "192.0.2.66"
