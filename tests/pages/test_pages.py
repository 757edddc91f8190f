"""The pages a state portal must have: accessibility statement with its feedback form,
Leichte Sprache, Gebärdensprache, imprint and privacy with the contact staff edit."""

import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from pages.models import AccessibilityFeedback, FeedbackStatus, PortalContact
from tests.factories import GrowthFieldFactory, NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LEGAL_PAGES = ("imprint", "privacy", "accessibility", "easy_language", "sign_language")
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
TAGS = re.compile(r"<[^>]+>")

TITLES = {
    ("accessibility", "de"): "Erklärung zur Barrierefreiheit",
    ("accessibility", "en"): "Accessibility statement",
    ("easy_language", "de"): "Leichte Sprache",
    ("easy_language", "en"): "Easy Read",
    ("sign_language", "de"): "Informationen in Deutscher Gebärdensprache",
    ("sign_language", "en"): "Information in German Sign Language",
    ("imprint", "de"): "Impressum",
    ("imprint", "en"): "Imprint",
    ("privacy", "de"): "Datenschutzerklärung",
    ("privacy", "en"): "Privacy policy",
}


def url_of(name, language="de", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


class Links(HTMLParser):
    """The hrefs inside the page's <footer> and inside <main>."""

    def __init__(self):
        super().__init__()
        self.open = []
        self.footer, self.main = set(), set()

    def handle_starttag(self, tag, attrs):
        if tag in {"footer", "main"}:
            self.open.append(tag)
        if tag == "a" and self.open:
            target = self.footer if self.open[-1] == "footer" else self.main
            target.add(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag in {"footer", "main"} and self.open:
            self.open.pop()


def links_of(response):
    parser = Links()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_each_legal_page_exists_in_both_languages(client, name, language):
    """Each page answers in German and in English with its own translated heading."""
    response = client.get(url_of(name, language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    headings = H1.findall(html)
    assert len(headings) == 1
    assert TAGS.sub("", headings[0]).strip() == TITLES[name, language]


def test_english_addresses_are_translated():
    """The English pages have English addresses."""
    assert url_of("accessibility", "en") == "/en/accessibility/"
    assert url_of("easy_language", "en") == "/en/easy-read/"
    assert url_of("sign_language", "en") == "/en/sign-language/"


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_links_the_legal_pages_from_its_footer(client, language):
    """A sample of pages (home, lists, details, the legal pages themselves): the footer links
    all five pages in the page's language."""
    field = GrowthFieldFactory()
    network = NetworkFactory()
    organisation = OrganisationFactory()
    sample = [
        url_of("home", language),
        url_of("members:list", language),
        url_of("members:detail", language, pk=organisation.pk),
        url_of("networks:detail", language, slug=network.slug),
        url_of("growthfields:detail", language, slug=field.slug),
        url_of("compare", language),
        *(url_of(name, language) for name in LEGAL_PAGES),
    ]
    expected = {url_of(name, language) for name in LEGAL_PAGES}
    for address in sample:
        response = client.get(address)
        assert response.status_code == 200, address
        missing = expected - links_of(response).footer
        assert not missing, f"{address}: footer lacks {missing}"


@pytest.mark.parametrize("language", ["de", "en"])
def test_home_page_links_easy_and_sign_language_in_its_content(client, language):
    """The home page's main content (not only the footer) leads to both pages."""
    main = links_of(client.get(url_of("home", language))).main
    assert url_of("easy_language", language) in main
    assert url_of("sign_language", language) in main


def test_easy_language_page_explains_difficult_words_with_mediopunkt(client):
    """Leichte Sprache: long compounds are split with a Mediopunkt, hard words explained."""
    html = client.get(url_of("easy_language")).content.decode()
    assert "Wachstums·feld" in html
    assert "Schwere Wörter einfach erklärt" in html


def test_sign_language_page_has_a_marked_place_for_the_video_and_loads_none(client):
    """The place for the video is marked; no video or frame is loaded from anywhere."""
    html = client.get(url_of("sign_language")).content.decode()
    assert 'class="video-slot"' in html
    assert "Video in Deutscher Gebärdensprache" in html
    assert "<iframe" not in html and "<video" not in html


def test_accessibility_statement_names_status_date_method_and_enforcement(client):
    """The statement says 'teilweise barrierefrei', lists gaps, gives its date, how it was
    checked and the enforcement procedure's contact."""
    html = client.get(url_of("accessibility")).content.decode()
    assert "teilweise barrierefrei" in html
    assert html.count('<li class="kern-body">') >= 5
    assert "3. Dezember 2026" in html
    assert "axe-core" in html
    assert "Schlichtungsstelle" in html
    assert "§ 16" in html
    assert "Werner-Seelenbinder-Straße 6" in html


def test_feedback_form_stores_the_message_and_mails_the_staff(
    client, settings, django_capture_on_commit_callbacks
):
    """A posted report lands in the back office and the staff address gets an e-mail that
    links to it; the visitor is thanked."""
    settings.PORTAL_STAFF_EMAIL = ["redaktion@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url_of("accessibility"),
            {
                "message": "Die Tabelle im Vergleich ist mit dem Screenreader nicht lesbar.",
                "page": "/vergleich/",
                "name": "",
                "email": "leser@example.org",
            },
        )
    assert response.status_code == 302
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.status == FeedbackStatus.NEW
    assert feedback.page == "/vergleich/"
    assert feedback.email == "leser@example.org"
    assert feedback.language == "de"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["redaktion@example.org"]
    assert "Screenreader nicht lesbar" in message.body
    assert reverse("admin:pages_accessibilityfeedback_change", args=[feedback.pk]) in message.body
    thanks = client.get(response["Location"]).content.decode()
    assert "Vielen Dank für Ihre Meldung" in thanks


def test_feedback_goes_to_the_contact_address_without_a_staff_setting(
    client, settings, django_capture_on_commit_callbacks
):
    """Without PORTAL_STAFF_EMAIL the back office's address for barrier reports is told."""
    settings.PORTAL_STAFF_EMAIL = []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_of("accessibility", "en"), {"message": "Low contrast."})
    assert mail.outbox[0].to == [PortalContact.objects.load().accessibility_email]
    assert AccessibilityFeedback.objects.get().language == "en"


def test_too_many_reports_from_one_address_are_refused(client, settings):
    """FEEDBACK_RATE_PER_IP reports per address; the next one is refused (429) and named."""
    settings.FEEDBACK_RATE_PER_IP = "2/h"
    statuses = [
        client.post(url_of("accessibility"), {"message": "Kontrast zu gering."}).status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert AccessibilityFeedback.objects.count() == 2
    refused = client.post(url_of("accessibility"), {"message": "Kontrast zu gering."})
    assert "zu viele Meldungen" in refused.content.decode()


def test_without_the_cache_a_report_is_refused(client, unreachable_cache):
    """The limit cannot count while the cache is out of reach: the form fails closed."""
    response = client.post(url_of("accessibility"), {"message": "Kontrast zu gering."})
    assert response.status_code == 503
    assert "wegen einer technischen Störung gerade nicht gesendet" in response.content.decode()
    assert not AccessibilityFeedback.objects.exists()


def test_an_empty_report_is_refused_with_a_linked_error(client):
    """No message: nothing is stored, the field is marked invalid and points at its error."""
    response = client.post(url_of("accessibility"), {"message": ""})
    assert response.status_code == 200
    assert not AccessibilityFeedback.objects.exists()
    html = response.content.decode()
    textarea = re.search(r"<textarea[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in textarea
    described = re.search(r'aria-describedby="([^"]+)"', textarea).group(1).split()
    for target in described:
        assert f'id="{target}"' in html


def test_every_field_of_the_feedback_form_has_a_label(client):
    """Each input of the form has a <label for=…>."""
    html = client.get(url_of("accessibility")).content.decode()
    form = html[html.index('class="feedback-form"') :]
    form = form[: form.index("</form>")]
    ids = re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', form)
    assert len(ids) == 4
    for field_id in ids:
        assert f'<label class="kern-label" for="{field_id}">' in form


def test_the_contact_row_comes_with_leg_defaults_marked_as_unchecked(client):
    """The data migration creates the one row with LEG Thüringen as operator; until staff
    confirm it, the pages say the details are preliminary."""
    contact = PortalContact.objects.get()
    assert "LEG Thüringen" in contact.operator
    assert not contact.confirmed
    html = client.get(url_of("imprint")).content.decode()
    assert "Mainzerhofstraße 12" in html
    assert "Vorläufige Angaben" in html


def test_imprint_and_privacy_show_what_staff_entered(superuser_client):
    """A save in the back office shows on the imprint, privacy and accessibility pages at
    once (the cached contact is invalidated)."""
    client = superuser_client
    assert "Mainzerhofstraße" in client.get(url_of("imprint")).content.decode()  # now cached
    contact = PortalContact.objects.get()
    change_url = reverse("admin:pages_portalcontact_change", args=[contact.pk])
    form = client.get(change_url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        confirmed="on",
        operator="Landesentwicklungsgesellschaft Thüringen mbH",
        street="Musterweg 7",
        postcode="99085",
        phone="+49 361 000000",
        privacy_officer="Erika Beispiel\ndsb@example.org",
        supervisory_authority="TLfDI\nErfurt",
        enforcement_body="Schlichtungsstelle Thüringen\nschlichtung@example.org",
        accessibility_statement_date="01.02.2027",
    )
    data = {key: value for key, value in data.items() if not (key == "confirmed" and not value)}
    response = client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.logout()
    imprint = client.get(url_of("imprint")).content.decode()
    assert "Musterweg 7" in imprint and "99085 Erfurt" in imprint
    assert "+49 361 000000" in imprint
    assert "Vorläufige Angaben" not in imprint
    privacy = client.get(url_of("privacy", "en")).content.decode()
    assert "Erika Beispiel<br>dsb@example.org" in privacy
    statement = client.get(url_of("accessibility")).content.decode()
    assert "schlichtung@example.org" in statement
    assert "1. Februar 2027" in statement


def test_contact_admin_is_a_single_row(superuser_client):
    """The list leads to the one row's form; no second row can be added or the row deleted."""
    response = superuser_client.get(reverse("admin:pages_portalcontact_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:pages_portalcontact_change", args=[PortalContact.objects.get().pk]
    )
    assert superuser_client.get(reverse("admin:pages_portalcontact_add")).status_code == 403


def test_feedback_admin_lists_the_reports_and_counts_the_new_ones(superuser_client):
    """Staff see the reports with the number of new ones."""
    AccessibilityFeedback.objects.create(message="Fokus unsichtbar")
    AccessibilityFeedback.objects.create(message="Alt", status=FeedbackStatus.ANSWERED)
    html = superuser_client.get(
        reverse("admin:pages_accessibilityfeedback_changelist")
    ).content.decode()
    assert "Fokus unsichtbar" in html
    assert "1 neue Meldungen" in html
