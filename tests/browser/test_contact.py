"""The two public forms in Chromium: "Kontakt aufnehmen" and "Eintrag korrigieren" have no
axe-core violation of WCAG 2.0/2.1 A and AA (empty, and after a refused submission), work
without JavaScript, and fit a phone's width; screenshots at 390 and 1366 px."""

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
WIDTHS = {"phone": 390, "desktop": 1366}


def violations(page):
    """axe-core's WCAG A/AA violations inside the page's main content (the forms)."""
    results = Axe().run(
        page, context="main", options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}
    )
    return results.violations_count, results.generate_report()


@pytest.fixture
def contactable(portal, settings):
    settings.CONTACT_MIN_FILL_SECONDS = 0
    company = portal["company"]
    company.email = "vertrieb@firma.example.de"
    company.save()
    return company


@pytest.mark.parametrize("width", WIDTHS)
def test_contact_form_is_accessible_and_sends(new_page, url, contactable, width):
    page = new_page(viewport={"width": WIDTHS[width], "height": 900})
    page.goto(url("members:detail", pk=contactable.pk))
    page.get_by_role("link", name="Kontakt aufnehmen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kontakt aufnehmen"
    count, report = violations(page)
    assert count == 0, report
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    screenshot(page, f"contact-form-{width}")

    page.get_by_label("Ihr Name").fill("Erika Mustermann")
    page.get_by_label("Ihre E-Mail-Adresse").fill("erika@")
    page.get_by_role("button", name="Nachricht senden").click()
    assert "Die Angaben wurden nicht gesendet" in page.content()
    count, report = violations(page)
    assert count == 0, report
    screenshot(page, f"contact-form-errors-{width}")

    page.get_by_label("Ihre E-Mail-Adresse").fill("erika@firma-mustermann.de")
    page.get_by_label("Betreff", exact=True).fill("Kooperation")
    page.get_by_label("Nachricht", exact=True).fill("Guten Tag!")
    page.get_by_label("Ich habe die Datenschutzerklärung gelesen").check()
    page.get_by_role("button", name="Nachricht senden").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Nachricht gesendet"
    assert "vertrieb@firma.example.de" not in page.content()
    screenshot(page, f"contact-sent-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_correction_form_is_accessible(new_page, url, portal, width):
    page = new_page(viewport={"width": WIDTHS[width], "height": 900})
    page.goto(url("members:detail", pk=portal["company"].pk))
    page.get_by_role("link", name="Eintrag korrigieren").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Eintrag korrigieren"
    count, report = violations(page)
    assert count == 0, report
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    screenshot(page, f"correction-form-{width}")
    page.get_by_role("button", name="Korrektur vorschlagen").click()
    assert "Bitte begründen Sie Ihren Vorschlag." in page.content()
    count, report = violations(page)
    assert count == 0, report
    screenshot(page, f"correction-form-errors-{width}")
