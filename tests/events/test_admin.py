"""The back office: ThCM-Redaktion edits every event, a network manager only events of their
own networks (crafted requests included), Lesezugriff reads; the roles migration grants it."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from events.choices import EventStatus
from events.models import Event
from networks.scoping import EDITORS_GROUP, NETWORK_MANAGERS_GROUP, READERS_GROUP
from tests.events.factories import EventFactory
from tests.permissions.helpers import change_form_data, client_for, make_staff

pytestmark = pytest.mark.django_db

NEXT_YEAR = datetime.date.today().year + 1


@pytest.fixture
def manager(django_user_model, elmug):
    user = make_staff(django_user_model, "netzwerkerin", NETWORK_MANAGERS_GROUP)
    elmug.managers.add(user)
    return user


@pytest.fixture
def manager_client(manager):
    return client_for(manager)


def add_data(network, **extra):
    data = {
        "title": "Neue Veranstaltung",
        "status": EventStatus.PUBLISHED,
        "start_date": f"{NEXT_YEAR}-05-04",
        "start_time": "10:00",
        "end_time": "12:00",
        "town": "Jena",
        "organisers": [network.pk],
        "language": "de",
    }
    data.update(extra)
    return data


def test_roles_migration_grants_the_events_permissions():
    def codenames(group):
        return set(
            Group.objects.get(name=group)
            .permissions.filter(content_type__app_label="events")
            .values_list("codename", flat=True)
        )

    edit = {"add_event", "change_event", "delete_event", "view_event", "import_event"}
    assert codenames(EDITORS_GROUP) == edit
    assert codenames(NETWORK_MANAGERS_GROUP) == edit
    assert codenames(READERS_GROUP) == {"view_event"}


def test_manager_adds_an_event_of_their_network(manager_client, elmug):
    response = manager_client.post(reverse("admin:events_event_add"), add_data(elmug))
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get()
    assert list(event.organisers.all()) == [elmug]


def test_crafted_post_naming_another_network_is_refused(manager_client, fermeth):
    response = manager_client.post(reverse("admin:events_event_add"), add_data(fermeth))
    assert response.status_code == 200
    assert "organisers" in response.context["adminform"].form.errors
    assert not Event.objects.exists()


def test_manager_sees_and_changes_only_their_networks_events(manager_client, elmug, fermeth):
    own = EventFactory(organisers=[elmug], title="ELMUG-Tag")
    other = EventFactory(organisers=[fermeth], title="FerMeTh-Tag")
    listing = manager_client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "ELMUG-Tag" in listing and "FerMeTh-Tag" not in listing
    change_other = reverse("admin:events_event_change", args=[other.pk])
    assert manager_client.get(change_other).status_code in (302, 403, 404)
    page = manager_client.get(reverse("admin:events_event_change", args=[own.pk]))
    data = change_form_data(page)
    data["organisers"] = [elmug.pk]
    response = manager_client.post(change_other, data)
    assert response.status_code in (302, 403, 404)
    other.refresh_from_db()
    assert other.title == "FerMeTh-Tag"
    delete_other = reverse("admin:events_event_delete", args=[other.pk])
    manager_client.post(delete_other, {"post": "yes"})
    assert Event.objects.filter(pk=other.pk).exists()


def test_manager_cannot_move_their_event_to_another_network(manager_client, elmug, fermeth):
    event = EventFactory(organisers=[elmug])
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_data(manager_client.get(url))
    data["organisers"] = [fermeth.pk]
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert "organisers" in response.context["adminform"].form.errors
    assert list(event.organisers.all()) == [elmug]


def test_manager_changes_and_cancels_their_event_raising_its_sequence(manager_client, elmug):
    event = EventFactory(organisers=[elmug], title="Alt")
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_data(manager_client.get(url))
    data.update(title="Neu", status=EventStatus.CANCELLED, organisers=[elmug.pk])
    response = manager_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert (event.title, event.status, event.sequence) == ("Neu", EventStatus.CANCELLED, 1)


def test_co_organised_event_keeps_the_other_network_and_cannot_be_deleted(
    manager_client, elmug, fermeth
):
    """A manager edits an event their network organises with another; the other network
    stays an organiser, and deleting it (for both networks) is refused."""
    event = EventFactory(organisers=[elmug, fermeth])
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_data(manager_client.get(url))
    data.update(title="Gemeinsamer Branchentag", organisers=[elmug.pk])
    assert manager_client.post(url, data).status_code == 302
    assert set(event.organisers.all()) == {elmug, fermeth}
    response = manager_client.post(
        reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_manager_deletes_their_own_event(manager_client, elmug):
    event = EventFactory(organisers=[elmug])
    manager_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})
    assert not Event.objects.filter(pk=event.pk).exists()


def test_cancel_action_skips_other_networks_events(manager_client, elmug, fermeth):
    own = EventFactory(organisers=[elmug])
    other = EventFactory(organisers=[fermeth])
    manager_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "cancel_events", "_selected_action": [own.pk, other.pk]},
    )
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == EventStatus.CANCELLED
    assert other.status == EventStatus.PUBLISHED


def test_editor_edits_every_event(django_user_model, elmug, fermeth):
    editor = client_for(make_staff(django_user_model, "redaktion", EDITORS_GROUP))
    event = EventFactory(organisers=[fermeth])
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_data(editor.get(url))
    data.update(title="Von der Redaktion", organisers=[fermeth.pk, elmug.pk])
    assert editor.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.title == "Von der Redaktion"
    assert set(event.organisers.all()) == {elmug, fermeth}


def test_reader_reads_but_changes_nothing(django_user_model, elmug):
    reader = client_for(make_staff(django_user_model, "leser", READERS_GROUP))
    event = EventFactory(organisers=[elmug], title="Lesbar")
    assert "Lesbar" in reader.get(reverse("admin:events_event_changelist")).content.decode()
    url = reverse("admin:events_event_change", args=[event.pk])
    assert reader.get(url).status_code == 200
    reader.post(url, {"title": "Geändert"})
    event.refresh_from_db()
    assert event.title == "Lesbar"
    assert reader.post(reverse("admin:events_event_add"), add_data(elmug)).status_code == 403


def test_admin_form_shows_the_german_messages(django_user_model, elmug):
    editor = client_for(make_staff(django_user_model, "redaktion", EDITORS_GROUP))
    response = editor.post(
        reverse("admin:events_event_add"),
        add_data(elmug, end_time="09:00", registration_deadline=f"{NEXT_YEAR}-06-01"),
    )
    errors = response.context["adminform"].form.errors
    assert errors["end_time"] == ["Das Ende liegt vor dem Beginn."]
    assert errors["registration_deadline"] == [
        "Der Anmeldeschluss liegt nach dem Beginn der Veranstaltung."
    ]
