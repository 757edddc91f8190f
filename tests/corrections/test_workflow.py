"""'Eintrag korrigieren': propose, accept in part through the versioned save and history,
refuse after a change, reject with a message, tell the proposer; and the bad inputs."""

import csv
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail as django_mail
from django.urls import reverse
from post_office import mail as post_office_mail

from corrections.choices import ProposalStatus
from corrections.models import CorrectionProposal
from networks.models import Network
from tests.corrections.conftest import proposal_data
from tests.factories import NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(
        name="Geheim-Optik GmbH", street="Alte Straße 1", town="Jena", email="geheim@optik.de"
    )


def propose(client, organisation, form_data, **changes):
    url = reverse("corrections:organisation", kwargs={"pk": organisation.pk})
    return client.post(url, proposal_data(form_data(organisation), **changes))


def review_url(proposal):
    return reverse("admin:corrections_correctionproposal_change", args=[proposal.pk])


def test_propose_accept_in_part_history_and_notification(
    client, superuser_client, organisation, organisation_form_data
):
    """Only the changed fields are proposed; staff accept one of two; the entry is saved with a
    new version and the history reason "Korrektur #N" by the deciding user; the other field is
    unchanged; the proposer gets a mail naming what was taken over."""
    response = propose(
        client,
        organisation,
        organisation_form_data,
        street="Neue Straße 2",
        town="Weimar",
        postcode="99423",
    )
    assert response.status_code == 302
    proposal = CorrectionProposal.objects.get()
    assert set(proposal.changes) == {"street", "town", "postcode"}
    assert proposal.changes["street"] == {"old": "Alte Straße 1", "new": "Neue Straße 2"}
    assert proposal.touches_leg  # street and town are columns of the LEG export

    page = superuser_client.get(review_url(proposal)).content.decode()
    assert "Alte Straße 1" in page and "Neue Straße 2" in page
    assert "(LEG)" in page

    version = organisation.version
    response = superuser_client.post(
        review_url(proposal),
        {"decision": "accept", "fields": ["street"], "message": "Danke!"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.street == "Neue Straße 2"
    assert organisation.town == "Jena"
    assert organisation.version == version + 1
    record = organisation.history.latest()
    assert record.history_change_reason == f"Korrektur #{proposal.pk}"
    assert record.history_user.username == "redaktion"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PARTLY_ACCEPTED
    assert proposal.accepted_fields == ["street"]

    post_office_mail.send_queued()
    [notice] = django_mail.outbox
    assert notice.to == ["inhaber@geheim-optik.de"]
    assert "Straße" in notice.body and "Nicht übernommen" in notice.body and "Danke!" in notice.body


def test_accept_is_refused_when_the_entry_changed_since_the_proposal(
    client, superuser_client, organisation, organisation_form_data
):
    """An edit after the proposal moves the version on: accepting writes nothing and says
    why; the proposal stays open."""
    propose(client, organisation, organisation_form_data, street="Neue Straße 2")
    proposal = CorrectionProposal.objects.get()
    organisation.name = "Geheim-Optik AG"
    organisation.save()

    page = superuser_client.get(review_url(proposal)).content.decode()
    assert "seit dem Vorschlag geändert" in page
    response = superuser_client.post(
        review_url(proposal), {"decision": "accept", "fields": ["street"]}, follow=True
    )
    assert "seit dem Vorschlag geändert" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.street == "Alte Straße 1"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN
    assert not django_mail.outbox and not post_office_mail.send_queued()[0]


def test_reject_needs_a_message_and_tells_the_proposer(
    client, superuser_client, organisation, organisation_form_data
):
    propose(client, organisation, organisation_form_data, town="Weimar")
    proposal = CorrectionProposal.objects.get()
    response = superuser_client.post(review_url(proposal), {"decision": "reject"}, follow=True)
    assert "warum Sie ablehnen" in response.content.decode()
    superuser_client.post(
        review_url(proposal), {"decision": "reject", "message": "Laut Handelsregister Jena."}
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    organisation.refresh_from_db()
    assert organisation.town == "Jena"
    post_office_mail.send_queued()
    [notice] = django_mail.outbox
    assert "nicht übernommen" in notice.body and "Laut Handelsregister Jena." in notice.body


def test_leg_list_exports_accepted_leg_fields(
    client, superuser_client, organisation, organisation_form_data
):
    """The queue's LEG list has one row per accepted LEG field, with LEG-ID, old and new."""
    propose(
        client, organisation, organisation_form_data, street="Neue Straße 2", town="=HYPERLINK(1)"
    )
    proposal = CorrectionProposal.objects.get()
    superuser_client.post(review_url(proposal), {"decision": "accept", "fields": ["street"]})
    response = superuser_client.get(reverse("admin:corrections_correctionproposal_leg_export"))
    rows = list(csv.reader(StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Korrektur", "übernommen am", "LEG-ID"]
    assert rows[1][0] == f"#{proposal.pk}"
    assert rows[1][2:] == [
        organisation.leg_id,
        "Geheim-Optik GmbH",
        "Straße",
        "Alte Straße 1",
        "Neue Straße 2",
    ]
    assert len(rows) == 2


def test_network_profile_proposal_is_handled_by_its_managers_only(client, django_user_model):
    """A network manager sees and decides the proposals for their own network's profile, and
    not another network's."""
    own = NetworkFactory(name="OptoNet e.V.", slug="optonet", description="Alt.")
    other = NetworkFactory(name="ELMUG eG", slug="elmug")
    for network in (own, other):
        form_data = {
            "name": network.name,
            "short_name": network.short_name,
            "legal_form": network.legal_form,
            "website": network.website,
            "founded_on": "",
            "description": "Neues Profil.",
            "topics": "Optik\nPhotonik",
            "activities": "",
            "labels": "",
        }
        url = reverse("corrections:network", kwargs={"slug": network.slug})
        assert client.post(url, proposal_data(form_data)).status_code == 302
    manager = django_user_model.objects.create_user("manager", password="pw", is_staff=True)
    manager.groups.add(Group.objects.get(name="Netzwerkmanagement"))
    own.managers.add(manager)
    client.force_login(manager)

    changelist = client.get(reverse("admin:corrections_correctionproposal_changelist"))
    assert changelist.status_code == 200
    assert [p.network for p in changelist.context_data["cl"].result_list] == [own]
    theirs = CorrectionProposal.objects.get(network=other)
    assert client.get(review_url(theirs)).status_code == 302  # not found among their rows
    mine = CorrectionProposal.objects.get(network=own)
    assert set(mine.changes) == {"description", "topics"}
    client.post(review_url(mine), {"decision": "accept", "fields": ["description", "topics"]})
    own = Network.objects.get(pk=own.pk)
    assert own.description == "Neues Profil."
    assert own.topics == ["Optik", "Photonik"]
    assert own.history.latest().history_change_reason == f"Korrektur #{mine.pk}"
    mine.refresh_from_db()
    assert mine.status == ProposalStatus.ACCEPTED
    assert not mine.touches_leg


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "0361 123"}, "Diese Felder können nicht korrigiert werden: phone."),
        (
            {"email": "neu@x.de", "street": "X"},
            "Diese Felder können nicht korrigiert werden: email.",
        ),
        ({}, "Ihr Vorschlag ändert nichts"),
        ({"postcode": "123"}, "fünf Ziffern"),
        ({"reason": ""}, "Bitte begründen Sie Ihren Vorschlag."),
        ({"proposer_email": "inhaber"}, "gültige E-Mail-Adresse"),
        ({"proposer_email": "inhaber@localhost"}, "vollständige E-Mail-Adresse"),
        ({"homepage": "x"}, "Bitte leer lassen"),
        ({"consent": ""}, "Datenschutzerklärung gelesen"),
    ],
)
def test_bad_proposals_are_refused_with_a_message(
    client, organisation, organisation_form_data, changes, message
):
    response = propose(client, organisation, organisation_form_data, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CorrectionProposal.objects.exists()


def test_a_proposal_for_an_organisation_that_does_not_exist_is_not_found(client):
    url = reverse("corrections:organisation", kwargs={"pk": 987654})
    assert client.post(url, {"street": "x"}).status_code == 404


def test_html_in_a_proposal_is_inert(
    client, superuser_client, organisation, organisation_form_data
):
    """HTML in a proposed value and in the reason is stored as typed and shown escaped."""
    script = "<script>alert(1)</script>"
    propose(client, organisation, organisation_form_data, street=script, reason=script)
    proposal = CorrectionProposal.objects.get()
    assert proposal.changes["street"]["new"] == script
    page = superuser_client.get(review_url(proposal)).content.decode()
    assert script not in page
    assert "&lt;script&gt;" in page


def test_a_form_sent_twice_makes_one_proposal(client, organisation, organisation_form_data):
    url = reverse("corrections:organisation", kwargs={"pk": organisation.pk})
    data = proposal_data(organisation_form_data(organisation), town="Weimar")
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert CorrectionProposal.objects.count() == 1


def test_public_form_never_shows_phone_or_email(client, organisation):
    page = client.get(reverse("corrections:organisation", kwargs={"pk": organisation.pk}))
    assert "geheim@optik.de" not in page.content.decode()
    assert 'name="phone"' not in page.content.decode()


def test_without_the_cache_a_proposal_is_refused(
    client, organisation, organisation_form_data, unreachable_cache
):
    """The limits cannot count while the cache is out of reach: the form fails closed."""
    response = propose(client, organisation, organisation_form_data, street="Neue Straße 2")
    assert response.status_code == 503
    assert "wegen einer technischen Störung gerade nicht gesendet" in response.content.decode()
    assert not CorrectionProposal.objects.exists()
