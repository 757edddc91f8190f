"""Users of the back office's three groups, and a network manager's two networks."""

import pytest

from networks.scoping import EDITORS_GROUP, NETWORK_MANAGERS_GROUP, READERS_GROUP
from tests.factories import NetworkFactory
from tests.permissions.helpers import client_for, make_staff


@pytest.fixture
def editor(django_user_model):
    return make_staff(django_user_model, "redakteurin", EDITORS_GROUP)


@pytest.fixture
def reader(django_user_model):
    return make_staff(django_user_model, "leser", READERS_GROUP)


@pytest.fixture
def manager(django_user_model):
    return make_staff(django_user_model, "netzwerkerin", NETWORK_MANAGERS_GROUP)


@pytest.fixture
def own_network(manager):
    """The network the manager manages."""
    network = NetworkFactory(name="OptoNet e.V.", short_name="OptoNet", slug="optonet")
    network.managers.add(manager)
    return network


@pytest.fixture
def other_network():
    """A network the manager does not manage."""
    return NetworkFactory(name="ELMUG eG", short_name="ELMUG", slug="elmug")


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


@pytest.fixture
def reader_client(reader):
    return client_for(reader)


@pytest.fixture
def manager_client(manager, own_network, other_network):
    return client_for(manager)
