"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's
``live_server``.

No browser is ever downloaded: the tests use ``/usr/bin/chromium`` (``apt-get install
chromium``) or the executable ``PORTAL_CHROMIUM`` names. Without it they are skipped with a
message, unless ``PORTAL_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.

Screenshots are written to ``test-artifacts/screenshots/``; a failing test leaves a screenshot
of its page in ``test-artifacts/failures/``.
"""

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.factories import MembershipFactory, OrganisationFactory

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"

CHROMIUM = os.environ.get("PORTAL_CHROMIUM") or "/usr/bin/chromium"
REQUIRE_BROWSER = os.environ.get("PORTAL_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def _unavailable(reason):
    """Skip the browser tests, or fail them where CI requires a browser."""
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (PORTAL_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def _chromium_executable():
    path = Path(CHROMIUM) if os.sep in CHROMIUM else Path(shutil.which(CHROMIUM) or CHROMIUM)
    if path.is_file() and os.access(path, os.X_OK):
        return str(path)
    return None


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all browser tests.

    Package-scoped, not session-scoped: Playwright's sync API keeps an asyncio loop running in
    the test thread while it is started, which would make Django refuse database access
    (SynchronousOnlyOperation) in the tests that run after this package.
    """
    executable = _chromium_executable()
    if executable is None:
        _unavailable(f"Chromium fehlt: apt-get install chromium ({CHROMIUM} nicht gefunden)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable('Playwright fehlt: pip install -e ".[dev]"')
    shutil.rmtree(FAILURES, ignore_errors=True)  # only this run's failures
    with pytest.MonkeyPatch.context() as patch:
        # While Playwright runs, an asyncio loop runs in this thread; Django would take the
        # tests' own database work (test database, factories, assertions) for async code.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable,
                chromium_sandbox=False,
                args=CHROMIUM_ARGS,
            )
        except Exception as error:
            playwright.stop()
            _unavailable(f"Chromium startet nicht ({executable}): {error}")
        yield chromium
        chromium.close()
        playwright.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(browser, request):
    """A factory for pages in fresh contexts: ``new_page(viewport=..., locale=...)``."""
    contexts = []

    def make(**options):
        options.setdefault("accept_downloads", True)
        context = browser.new_context(locale=options.pop("locale", "de-DE"), **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for number, context in enumerate(contexts):
            for index, page in enumerate(context.pages):
                # A crashed page leaves no picture; the failure stands all the same.
                with contextlib.suppress(Exception):
                    page.screenshot(path=FAILURES / f"{name}-{number}-{index}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh German desktop context."""
    return new_page(viewport={"width": 1280, "height": 900})


@pytest.fixture
def portal(live_server, reference_data):
    """The reference data (growth fields, networks, figures) and a few organisations."""
    from networks.models import Network

    optonet = Network.objects.get(slug="optonet")
    polymermat = Network.objects.get(slug="polymermat")
    from growthfields.models import GrowthField

    optics = GrowthField.objects.get(slug="optik-optoelektronik")
    plastics = GrowthField.objects.get(slug="kunststoffe")
    organisations = {
        "company": OrganisationFactory(
            name="Zeiss-Werkstätten Lichtblick GmbH",
            town="Jena",
            postcode="07745",
            district="Jena",
            employees=420,
            keywords="Präzisionsoptik, Laser",
        ),
        "plastics": OrganisationFactory(
            name="Rudolstädter Kunststofftechnik GmbH",
            town="Rudolstadt",
            postcode="07407",
            district="Saalfeld-Rudolstadt",
            employees=35,
        ),
        "university": OrganisationFactory(
            name="Friedrich-Schiller-Universität Jena",
            legal_form="KdöR",
            kind="hochschule",
            town="Jena",
            postcode="07743",
            district="Jena",
            employees=9000,
        ),
        "university2": OrganisationFactory(
            name="Technische Universität Ilmenau",
            legal_form="KdöR",
            kind="hochschule",
            town="Ilmenau",
            postcode="98693",
            district="Ilm-Kreis",
            employees=2300,
        ),
        "institute": OrganisationFactory(
            name="Institut für Photonische Verfahren e.V.",
            legal_form="e.V.",
            kind="forschungseinrichtung",
            town="Weimar",
            postcode="99423",
            district="Weimar",
            employees=None,
        ),
    }
    organisations["company"].growth_fields.add(optics)
    organisations["university"].growth_fields.add(optics)
    organisations["plastics"].growth_fields.add(plastics)
    MembershipFactory(organisation=organisations["company"], network=optonet)
    MembershipFactory(organisation=organisations["university"], network=optonet)
    MembershipFactory(organisation=organisations["institute"], network=optonet)
    MembershipFactory(organisation=organisations["plastics"], network=polymermat)
    # The live server shares this process's cache; entries built from an earlier test's
    # rows (flushed since) must not show.
    cache.clear()
    return organisations


@pytest.fixture
def url(live_server):
    """``url("members:list")`` or ``url("members:detail", pk=1, language="en")``: an address
    on the live server."""
    from django.urls import reverse
    from django.utils import translation

    def build(name, language="de", **kwargs):
        with translation.override(language):
            return live_server.url + reverse(name, kwargs=kwargs or None)

    return build


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
