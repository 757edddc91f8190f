"""The public pages' markup, page by page (issue 12, item 4): German content on English pages is
marked ``lang="de"``, every ``aria-describedby`` points at an element that is rendered, no two
landmarks of one kind share a name, the language switcher names the languages in their own
words, and sort links and filter forms lead to the results' heading."""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from networks.models import Network
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LANDMARK_ROLES = {"nav": "navigation", "aside": "complementary", "section": "region"}


@pytest.fixture
def portal():
    """The reference data, one organisation with keywords and a network with members."""
    call_command("load_reference_data", verbosity=0)
    optonet = Network.objects.get(slug="optonet")
    organisation = OrganisationFactory(
        name="Lichtblick Optik GmbH", town="Jena", keywords="Präzisionsoptik, Laser"
    )
    MembershipFactory(organisation=organisation, network=optonet)
    MembershipFactory(network=optonet)
    return {"organisation": organisation, "network": optonet}


def address(name, language="de", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def public_pages(portal):
    return [
        ("home", {}),
        ("growthfields:list", {}),
        ("growthfields:detail", {"slug": "optik-optoelektronik"}),
        ("compare", {}),
        ("networks:list", {}),
        ("networks:detail", {"slug": "optonet"}),
        ("members:list", {}),
        ("members:detail", {"pk": portal["organisation"].pk}),
        ("events:list", {}),
        ("accessibility", {}),
        ("imprint", {}),
    ]


class Elements(HTMLParser):
    """Every element's tag and attributes, and the text inside each element with an id."""

    def __init__(self):
        super().__init__()
        self.elements = []
        self.texts = {}
        self._open = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            return
        self._open.append((tag, attributes.get("id")))

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.texts[element_id] = self.texts.get(element_id, "") + data


def parse(html):
    parser = Elements()
    parser.feed(html)
    return parser


def test_english_pages_mark_german_content_as_german(client, portal):
    """Profiles, strengths, sources and organisation data are kept only in German: on English
    pages they sit in elements with lang="de" (WCAG 3.1.2); German pages need no such mark."""
    detail = client.get(address("growthfields:detail", "en", slug="optik-optoelektronik")).text
    strengths = re.search(r"<ul lang=\"de\"><li>(.*?)</li>", detail)
    assert strengths, "strengths without lang=de"
    assert re.search(r'<li id="quelle-\d+" value="\d+" lang="de">', detail), "sources"

    network = client.get(address("networks:detail", "en", slug="optonet")).text
    assert re.search(r'<p lang="de">[^<]*Optonet|<p lang="de">', network), "network profile"

    organisation = client.get(address("members:detail", "en", pk=portal["organisation"].pk)).text
    assert '<ul class="keywords" lang="de">' in organisation
    assert '<address lang="de">' in organisation

    german = client.get(address("growthfields:detail", "de", slug="optik-optoelektronik")).text
    main = german[german.index("<main") :]
    assert 'lang="de"' not in main


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_aria_describedby_target_exists(client, portal, language):
    """Each id named in aria-describedby is an element on the page (the network's member
    search named a help text it never rendered)."""
    missing = []
    for name, kwargs in public_pages(portal):
        html = client.get(address(name, language, **kwargs)).text
        page = parse(html)
        ids = {attributes.get("id") for _tag, attributes in page.elements}
        for tag, attributes in page.elements:
            for target in (attributes.get("aria-describedby") or "").split():
                if target not in ids:
                    missing.append(f"{name}: <{tag} aria-describedby={target!r}>")
    assert missing == []


def landmarks(page):
    """(role, name) of every landmark element that has or needs a name."""
    found = []
    for tag, attributes in page.elements:
        role = attributes.get("role") or LANDMARK_ROLES.get(tag)
        if tag == "form" and not attributes.get("role"):
            role = (
                "form"
                if (attributes.get("aria-label") or attributes.get("aria-labelledby"))
                else None
            )
        if role not in {"navigation", "complementary", "region", "search", "form"}:
            continue
        name = attributes.get("aria-label")
        if name is None and attributes.get("aria-labelledby"):
            name = " ".join(
                page.texts.get(part, "").strip() for part in attributes["aria-labelledby"].split()
            )
        if role == "region" and not name:
            continue  # a <section> without a name is no landmark
        found.append((role, " ".join((name or "").split())))
    return found


@pytest.mark.parametrize("language", ["de", "en"])
def test_landmark_names_are_unique(client, portal, language):
    """No two landmarks of one role share a name (or both have none): the home page had two
    unnamed search forms."""
    duplicates = []
    for name, kwargs in public_pages(portal):
        page = parse(client.get(address(name, language, **kwargs)).text)
        seen = landmarks(page)
        duplicates += [f"{name}: {item}" for item in set(seen) if seen.count(item) > 1]
    assert duplicates == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_language_switcher_names_the_languages_in_their_own_words(client, language):
    """The switcher says "Deutsch" and "English" on every page, whatever the page's language (not "DE"/"EN")."""
    html = client.get(address("imprint", language)).text
    switcher = html[html.index('<nav class="language"') :]
    switcher = switcher[: switcher.index("</nav>")]
    assert re.search(r'lang="de"[^>]*>Deutsch<', switcher)
    assert re.search(r'lang="en"[^>]*>English<', switcher)
    assert ">DE<" not in switcher and ">EN<" not in switcher


def test_filters_and_sorting_lead_to_the_results(client, portal):
    """The directory's filter form and sort links go to #ergebnisse, a heading that takes
    focus; the filters sit in a <details> that folds away on phones."""
    html = client.get(address("members:list") + "?q=Jena").text
    assert 'action="/mitglieder/#ergebnisse"' in html
    assert '<h2 class="kern-heading-medium" id="ergebnisse" tabindex="-1">' in html
    assert re.search(r'<a href="\?q=Jena&amp;sort=[-\w]+#ergebnisse">', html)
    assert re.search(r'<details class="filter-panel"[^>]*>\s*<summary>', html)
