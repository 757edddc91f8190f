"""Full-page screenshots of the main pages, kept as test artefacts in
test-artifacts/screenshots/, and the checks a look at them stands for: every page loads with
status 200, without script errors or missing files, and fits a phone's width."""

import pytest

from tests.browser.conftest import REQUIRE_BROWSER, screenshot

try:
    from playwright.sync_api import expect
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip('Playwright fehlt: pip install -e ".[dev]"', allow_module_level=True)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def main_pages(portal):
    """(screenshot name, URL name, URL kwargs) of the pages a visitor sees most."""
    return [
        ("home", "home", {}),
        ("growthfield-list", "growthfields:list", {}),
        ("growthfield-detail-optik", "growthfields:detail", {"slug": "optik-optoelektronik"}),
        ("network-list", "networks:list", {}),
        ("network-detail-optonet", "networks:detail", {"slug": "optonet"}),
        ("member-list", "members:list", {}),
        ("member-detail", "members:detail", {"pk": portal["company"].pk}),
        ("compare", "compare", {}),
    ]


class Problems:
    """What goes wrong on a page besides its status: script errors, console errors, and
    the portal's own files (stylesheets, images, scripts) that fail to load."""

    def __init__(self, page, origin):
        self.origin = origin
        self.found = []
        page.on("pageerror", self.script_error)
        page.on("console", self.console)
        page.on("response", self.response)
        page.on("requestfailed", self.request_failed)

    def script_error(self, error):
        self.found.append(f"script error: {error}")

    def console(self, message):
        if message.type == "error":
            self.found.append(f"console: {message.text}")

    def response(self, response):
        own = response.url.startswith(self.origin)
        if own and response.request.resource_type != "document" and response.status >= 400:
            self.found.append(f"{response.status} {response.url}")

    def request_failed(self, request):
        if request.url.startswith(self.origin):
            self.found.append(f"failed: {request.url} {request.failure}")

    def take(self):
        found, self.found = self.found, []
        return found


def visit(page, address, problems):
    response = page.goto(address)
    assert response.status == 200, f"{address}: {response.status}"
    page.wait_for_load_state("load")
    expect(page.get_by_role("banner")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    found = problems.take()
    return [f"{address}: {problem}" for problem in found]


def test_screenshots_of_the_main_pages(new_page, portal, url, live_server):
    page = new_page(viewport={"width": 1280, "height": 900})
    problems = Problems(page, live_server.url)
    found = []
    for name, url_name, kwargs in main_pages(portal):
        found += visit(page, url(url_name, **kwargs), problems)
        screenshot(page, f"de-{name}")

    for name, url_name, kwargs in [
        ("home", "home", {}),
        ("compare", "compare", {}),
        ("growthfield-detail-optik", "growthfields:detail", {"slug": "optik-optoelektronik"}),
    ]:
        found += visit(page, url(url_name, language="en", **kwargs), problems)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        screenshot(page, f"en-{name}")

    phone = new_page(**PHONE)
    phone_problems = Problems(phone, live_server.url)
    for name, url_name, kwargs in [
        ("home", "home", {}),
        ("member-list", "members:list", {}),
        ("compare", "compare", {}),
    ]:
        found += visit(phone, url(url_name, **kwargs), phone_problems)
        screenshot(phone, f"mobile-{name}")
    assert not found, "\n".join(found)


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = (el) => el.getBoundingClientRect().right > width + 1;
  const clipped = (el) => {
    // Inside a box that scrolls or clips, unless absolutely positioned against an outer box.
    const absolute = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === 'visible') continue;
      if (!absolute || style.position !== 'static') return true;
    }
    return false;
  };
  const culprits = [...document.querySelectorAll('body *')]
    .filter((el) => wide(el) && !clipped(el))
    .filter((el, _, all) => !all.includes(el.parentElement) || clipped(el.parentElement));
  const classes = (el) => typeof el.className === 'string' && el.className.trim()
    ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
  const describe = (el) => {
    const outer = el.parentElement && el.parentElement.closest('[class]');
    return el.tagName.toLowerCase() + classes(el) + ' (' + getComputedStyle(el).position + ')'
      + (outer ? ' in ' + outer.tagName.toLowerCase() + classes(outer) : '');
  };
  const counts = {};
  for (const el of culprits) counts[describe(el)] = (counts[describe(el)] || 0) + 1;
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width,
    culprits: Object.entries(counts).slice(0, 5).map(([what, n]) => n + ' × ' + what),
  };
}"""


@pytest.mark.parametrize(
    "viewport",
    [PHONE, {"viewport": {"width": 1280, "height": 900}}],
    ids=["phone-390px", "desktop-1280px"],
)
def test_main_pages_fit_the_window_width(new_page, portal, url, viewport):
    """No page scrolls sideways; wide tables scroll inside their own box."""
    page = new_page(**viewport)
    too_wide = []
    for _name, url_name, kwargs in main_pages(portal):
        address = url(url_name, **kwargs)
        page.goto(address)
        result = page.evaluate(OVERFLOW_JS)
        if result["scrollWidth"] > result["width"]:
            too_wide.append(
                f"{address}: {result['scrollWidth']} px wide in a {result['width']} px window;"
                f" sticking out: {'; '.join(result['culprits']) or '?'}"
            )
    assert not too_wide, "\n".join(too_wide)
