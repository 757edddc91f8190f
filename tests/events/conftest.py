import pytest

from tests.factories import GrowthFieldFactory, NetworkFactory


@pytest.fixture
def elmug(db):
    return NetworkFactory(name="ELMUG eG", short_name="ELMUG", slug="elmug")


@pytest.fixture
def fermeth(db):
    return NetworkFactory(name="FerMeTh e.V.", short_name="FerMeTh", slug="fermeth")


@pytest.fixture
def optics(db):
    return GrowthFieldFactory(name="Optik", slug="optik")
