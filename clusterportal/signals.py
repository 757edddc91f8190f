"""Signal receivers: a change to any figure, field, network, member or event makes the cache
stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from contact.models import NetworkContact
from core.cache import invalidate
from events.models import Event
from growthfields.models import GrowthField, KeyFigure, Source
from members.models import Organisation
from networks.models import DeclaredMemberCount, Membership, Network, NetworkGrowthField
from pages.models import PortalContact

WATCHED_MODELS = (
    KeyFigure,
    Source,
    GrowthField,
    Network,
    NetworkGrowthField,
    DeclaredMemberCount,
    Membership,
    Organisation,
    NetworkContact,  # whether a network's page offers "Kontakt aufnehmen"
    PortalContact,
    Event,
)

WATCHED_RELATIONS = (
    Organisation.growth_fields.through,
    Network.members.through,
    Network.growth_fields.through,
    Network.member_networks.through,
    Event.organisers.through,
    Event.growth_fields.through,
)


def data_changed(sender, **kwargs):
    invalidate()


def relation_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        invalidate()


def connect() -> None:
    for model in WATCHED_MODELS:
        uid = f"core.cache:{model._meta.label}"
        post_save.connect(data_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"{uid}:delete")
    for through in WATCHED_RELATIONS:
        m2m_changed.connect(
            relation_changed,
            sender=through,
            dispatch_uid=f"core.cache:{through._meta.label}:m2m",
        )
