"""The abstract models in ``core.models`` carry the fields the domain models share."""

import pytest

from core.models import TimestampedModel, VersionedModel
from events.models import Event
from members.models import Organisation
from networks.models import Network


@pytest.mark.parametrize("model", [Event, Organisation, Network])
def test_versioned_models_take_their_counter_from_core(model):
    """Every model with optimistic locking declares ``version`` once, in ``VersionedModel``."""
    assert issubclass(model, VersionedModel)
    field = model._meta.get_field("version")
    assert field.model is model
    assert (field.default, field.editable) == (1, False)


@pytest.mark.parametrize("model", [Event, Organisation])
def test_timestamps_come_from_core(model):
    """``created_at`` and ``updated_at`` are declared once, in ``TimestampedModel``."""
    assert issubclass(model, TimestampedModel)
    assert model._meta.get_field("created_at").auto_now_add
    assert model._meta.get_field("updated_at").auto_now


@pytest.mark.django_db
def test_a_save_counts_the_version_up():
    """An inheriting model still counts its version up in the database on every save."""
    from tests.factories import NetworkFactory

    network = NetworkFactory()
    network.save()
    network.save()
    assert network.version == 3
