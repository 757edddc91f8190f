"""Every public page on KERN, in Chromium: axe-core finds no WCAG 2.0/2.1 A or AA violation on
the whole page (German and English, 390 and 1366 px), no page scrolls sideways at 320, 390 and
1366 px, full-page screenshots at 390 and 1366 px land in test-artifacts/screenshots/, and the
focus ring has at least 3 : 1 contrast.

One page object per width, each page loaded once per width and language."""

import pytest

from tests.browser.conftest import REQUIRE_BROWSER, screenshot

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
    "320px": {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True},
    "390px": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "1366px": {"viewport": {"width": 1366, "height": 768}},
}
CHECKED_WITH_AXE = {"390px", "1366px"}


@pytest.fixture
def event(portal):
    """An upcoming event of OptoNet, which has a contact address for the enquiry form."""
    from contact.models import NetworkContact
    from networks.models import Network
    from tests.events.factories import EventFactory

    optonet = Network.objects.get(slug="optonet")
    NetworkContact.objects.create(network=optonet, email="kontakt@optonet.example")
    return EventFactory(title="Thüringer Photonik-Tag", organisers=[optonet])


def public_pages(portal, event):
    """(name, URL name, URL kwargs, query) of every public page."""
    return [
        ("home", "home", {}, ""),
        ("growthfield-list", "growthfields:list", {}, ""),
        ("growthfield-detail", "growthfields:detail", {"slug": "optik-optoelektronik"}, ""),
        ("compare-current", "compare", {}, ""),
        ("compare-published", "compare", {}, "?ansicht=veroeffentlicht"),
        ("network-list", "networks:list", {}, ""),
        ("network-detail", "networks:detail", {"slug": "optonet"}, ""),
        ("member-list", "members:list", {}, ""),
        ("member-detail", "members:detail", {"pk": portal["company"].pk}, ""),
        ("event-list", "events:list", {}, ""),
        ("event-detail", "events:detail", {"pk": event.pk}, ""),
        ("imprint", "imprint", {}, ""),
        ("privacy", "privacy", {}, ""),
        ("accessibility", "accessibility", {}, ""),
        ("easy-language", "easy_language", {}, ""),
        ("sign-language", "sign_language", {}, ""),
        ("contact", "contact:network", {"slug": "optonet"}, ""),
    ]


def violations(page):
    result = Axe().run(page, options=AXE_OPTIONS).response
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:3])
        for v in result["violations"]
    ]


WIDER_THAN_THE_WINDOW = """() => {
  const width = window.innerWidth;
  const culprits = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .slice(-3).map((el) => el.tagName.toLowerCase() + '.' + String(el.className).split(' ')[0]);
  return [document.documentElement.scrollWidth, width, culprits];
}"""


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_every_public_page_passes_axe_and_fits_the_window(new_page, portal, event, url, width):
    """At each width and in both languages: the page is no wider than the window (wide tables
    scroll in their own region or stack), axe-core reports no WCAG A/AA violation, and a
    full-page screenshot is kept."""
    page = new_page(**WIDTHS[width])
    too_wide, found = [], []
    for language in ("de", "en"):
        for name, url_name, kwargs, query in public_pages(portal, event):
            address = url(url_name, language=language, **kwargs) + query
            response = page.goto(address)
            assert response.status == 200, address
            scroll_width, inner_width, culprits = page.evaluate(WIDER_THAN_THE_WINDOW)
            if scroll_width > inner_width:
                too_wide.append(f"{address}: {scroll_width} > {inner_width} px ({culprits})")
            if width in CHECKED_WITH_AXE:
                found += violations(page)
                screenshot(page, f"kern-{language}-{name}-{width}")
    assert not too_wide, "\n".join(too_wide)
    assert not found, "\n".join(found)


def contrast(first, second):
    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# The computed outline colour in sRGB (KERN's tokens are oklch(); a canvas converts them).
FOCUS_COLOUR = """(selector) => {
  const element = document.querySelector(selector);
  element.focus();
  const style = getComputedStyle(element);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const context = canvas.getContext('2d');
  const rgb = (colour) => {
    context.clearRect(0, 0, 1, 1);
    context.fillStyle = '#fff';
    context.fillRect(0, 0, 1, 1);
    context.fillStyle = colour;
    context.fillRect(0, 0, 1, 1);
    return Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3));
  };
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          colour: rgb(style.outlineColor)};
}"""


def test_the_focus_ring_has_at_least_3_to_1_contrast_on_white(new_page, portal, url):
    """A link, a search field and a button, focused from the keyboard: a solid outline of at
    least 2 px whose colour has at least 3 : 1 contrast against the white page (the old
    #ffbf47 ring had 1.6 : 1)."""
    page = new_page(viewport={"width": 1366, "height": 768})
    page.goto(url("members:list"))
    page.keyboard.press("Tab")  # keyboard modality, so :focus-visible applies
    for selector in (".site-nav a", "#site-search-q", ".site-search button", "main a"):
        ring = page.evaluate(FOCUS_COLOUR, selector)
        assert ring["style"] == "solid", (selector, ring)
        assert ring["width"] >= 2, (selector, ring)
        assert contrast(ring["colour"], (255, 255, 255)) >= 3, (selector, ring)
