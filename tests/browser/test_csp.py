"""The Content-Security-Policy in a real browser: no violation on the public pages, in the back
office (change list, change form with inline rows and autocomplete, the import-export and LEG
import pages), and the admin's JavaScript still works under it."""

import pytest
from django.urls import reverse

from tests.browser.conftest import REQUIRE_BROWSER

try:
    from playwright.sync_api import expect
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip('Playwright fehlt: pip install -e ".[dev]"', allow_module_level=True)

pytestmark = pytest.mark.browser

# Runs before any of the page's own scripts (Playwright injects it outside the page's CSP).
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""


@pytest.fixture
def watched(page):
    """The page, recording every CSP violation: its events and the console's reports."""
    console = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: console.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )

    def violations():
        return [*page.evaluate("window.__cspViolations || []"), *console]

    page.violations = violations
    return page


@pytest.fixture
def staff(watched, live_server, django_user_model):
    """The watched page, logged in to the back office as a superuser through the login form."""
    django_user_model.objects.create_superuser("redaktion", "redaktion@example.org", "pw-geheim")
    watched.goto(live_server.url + reverse("admin:login"))
    watched.fill("#id_username", "redaktion")
    watched.fill("#id_password", "pw-geheim")
    watched.locator("input[type=submit]").click()
    expect(watched.locator("#user-tools")).to_be_visible()
    assert watched.violations() == []
    return watched


def test_listener_sees_a_blocked_inline_script(watched, portal, url):
    """The check works: an inline script added to a public page is blocked and reported."""
    watched.goto(url("home"))
    watched.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.append(s); }"
    )
    watched.wait_for_function("window.__cspViolations.length > 0")
    assert watched.evaluate("window.__ran === undefined")
    assert any("script-src" in violation for violation in watched.violations())


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("home", {}),
        ("networks:detail", {"slug": "optonet"}),
        ("members:list", {}),
        ("growthfields:list", {}),
        ("compare", {}),
    ],
)
def test_public_pages_load_without_violations(watched, portal, url, name, kwargs):
    """Public pages load their CSS and icons without a single CSP violation."""
    watched.goto(url(name, **kwargs))
    watched.wait_for_load_state("load")
    expect(watched.locator("header.site-header")).to_be_visible()
    # Our stylesheet applied: the header is not the browser's default transparent block.
    assert watched.evaluate(
        "getComputedStyle(document.querySelector('.skip-link')).position !== 'static'"
    )
    assert watched.violations() == []


def test_admin_changelist_without_violations(staff, portal, live_server):
    """The networks' change list with its filters and actions raises no violation."""
    staff.goto(live_server.url + reverse("admin:networks_network_changelist"))
    expect(staff.locator("#result_list")).to_be_visible()
    staff.locator("#action-toggle").check()  # actions.js: selecting all rows
    expect(staff.locator(".action-counter")).to_contain_text("ausgewählt")
    assert staff.violations() == []


def test_admin_change_form_inline_rows_and_autocomplete_work(staff, portal, live_server):
    """On a network's change form, "Weitere … hinzufügen" adds an inline row and the
    autocomplete lists sources, without any violation."""
    from networks.models import Network

    network = Network.objects.get(slug="optonet")
    staff.goto(live_server.url + reverse("admin:networks_network_change", args=[network.pk]))
    group = staff.locator(".inline-group").filter(has=staff.locator(".add-row a")).last
    rows = group.locator("tr.form-row:not(.empty-form)")
    before = rows.count()
    add = group.locator(".add-row a")
    expect(add).to_contain_text("hinzufügen")
    add.click()
    expect(rows).to_have_count(before + 1)

    staff.locator("#id_profile_source + .select2 .select2-selection").click()
    expect(staff.locator(".select2-results__option").first).to_be_visible()
    expect(staff.locator(".select2-results__option").first).not_to_contain_text("Suche")
    assert staff.violations() == []


def test_import_export_import_page_without_violations(staff, portal, live_server):
    """django-import-export's import page for networks loads its scripts without violation."""
    staff.goto(live_server.url + reverse("admin:networks_network_import"))
    expect(staff.locator("input[type=file]")).to_be_attached()
    assert staff.violations() == []


def test_leg_upload_page_without_violations(staff, portal, live_server):
    """The LEG upload page (with its own inline styles) raises no violation."""
    staff.goto(live_server.url + reverse("admin:imports_importrun_upload"))
    expect(staff.locator("input[type=file]")).to_be_attached()
    assert staff.violations() == []
