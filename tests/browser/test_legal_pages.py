"""The pages a state portal must have and the back office's accessibility fixes, in Chromium:
axe-core finds no WCAG 2.0/2.1 A or AA violation, nothing scrolls sideways, and full-page
screenshots at 390 and 1366 px are kept in test-artifacts/screenshots/."""

import pytest
from django.test import Client

from tests.browser.conftest import REQUIRE_BROWSER, screenshot
from tests.factories import (
    KeyFigureFactory,
    MembershipFactory,
    NetworkFactory,
    NetworkGrowthFieldFactory,
    OrganisationFactory,
)

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip('axe-playwright-python fehlt: pip install -e ".[dev]"', allow_module_level=True)

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
WIDTHS = {
    "390px": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "1366px": {"viewport": {"width": 1366, "height": 768}},
}
LEGAL_PAGES = ("accessibility", "easy_language", "sign_language", "imprint", "privacy")


def violations(page, context):
    """axe-core's WCAG A/AA violations inside ``context`` (a CSS selector), one line each."""
    result = Axe().run(page, context=context, options=AXE_OPTIONS).response
    return [
        f"{page.url} {context}: {v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
    ]


def fits_the_width(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    return width[0] <= width[1], width


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_legal_pages_pass_axe_and_fit_the_screen(new_page, url, width, live_server):
    """Each page, German and English: no axe violation in the main content, no sideways
    scrolling; the feedback form with its errors shown too."""
    page = new_page(**WIDTHS[width])
    found = []
    for language in ("de", "en"):
        for name in LEGAL_PAGES:
            page.goto(url(name, language=language))
            found += violations(page, "main")
            fits, sizes = fits_the_width(page)
            if not fits:
                found.append(f"{page.url}: {sizes[0]} px wide in a {sizes[1]} px window")
            screenshot(page, f"{language}-{name.replace('_', '-')}-{width}")
    page.goto(url("accessibility"))
    page.get_by_role("button", name="Meldung senden").click()
    page.wait_for_load_state("load")
    assert page.locator("#id_message").get_attribute("aria-invalid") == "true"
    found += violations(page, "main")
    screenshot(page, f"de-accessibility-errors-{width}")
    home = page.goto(url("home"))
    assert home.status == 200
    found += violations(page, ".accessible-language")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_empty_directory_passes_axe(new_page, url, width):
    """The first-run message of the empty directory."""
    page = new_page(**WIDTHS[width])
    page.goto(url("members:list"))
    assert page.get_by_role("heading", name="Noch keine Organisationen importiert").is_visible()
    found = violations(page, ".empty-state")
    screenshot(page, f"de-member-list-empty-{width}")
    assert not found, "\n".join(found)


@pytest.fixture
def back_office(new_page, live_server, django_user_model):
    """A browser page logged in as a superuser (the session cookie of a forced login)."""
    user = django_user_model.objects.create_superuser("redaktion", "r@example.org", "pw")
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]

    def make(width):
        page = new_page(**WIDTHS[width])
        page.context.add_cookies(
            [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
        )
        return page

    return make


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_back_office_forms_pass_axe(back_office, live_server, width):
    """The forms with inlines (key figures, memberships, network growth-field links), the LEG
    upload and the change lists: no axe violation, breadcrumbs included."""
    figure = KeyFigureFactory()
    network = NetworkFactory()
    NetworkGrowthFieldFactory(network=network, growth_field=figure.growth_field)
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, network=network)
    page = back_office(width)
    found = []
    for name, path in [
        ("growthfield", f"/admin/growthfields/growthfield/{figure.growth_field.pk}/change/"),
        ("organisation", f"/admin/members/organisation/{organisation.pk}/change/"),
        ("network", f"/admin/networks/network/{network.pk}/change/"),
        ("leg-upload", "/admin/imports/importrun/upload/"),
        ("contact", "/admin/pages/portalcontact/1/change/"),
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        # Our fixes: the inlines' fields, the breadcrumbs, the upload and contact forms (Django's
        # own autocomplete and filter widgets on the main forms are not covered here).
        whole_form = name in {"leg-upload", "contact"}
        for part in ("div.breadcrumbs", "#content-main" if whole_form else ".inline-group"):
            if page.locator(part).count():
                found += violations(page, part)
        screenshot(page, f"admin-{name}-{width}")
    assert not found, "\n".join(found)


def test_wide_change_lists_scroll_in_their_box_at_1366px(back_office, live_server):
    """Organisations and import runs: the page does not scroll sideways, the table's box does."""
    for number in range(3):
        OrganisationFactory(
            name=f"Thüringer Präzisionsoptik und Feinwerktechnik Gesellschaft mbH {number}",
            town="Heilbad Heiligenstadt",
        )
    page = back_office("1366px")
    too_wide = []
    for name, path in [
        ("organisations", "/admin/members/organisation/"),
        ("import-runs", "/admin/imports/importrun/"),
    ]:
        page.goto(live_server.url + path)
        fits, sizes = fits_the_width(page)
        if not fits:
            too_wide.append(f"{path}: {sizes[0]} px wide in a {sizes[1]} px window")
        screenshot(page, f"admin-changelist-{name}-1366px")
    assert not too_wide, "\n".join(too_wide)
