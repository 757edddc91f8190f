"""Who may see and edit which networks: the one place that decides it.

The back office has three groups (created by ``clusterportal/migrations/0001_roles.py``):

- **ThCM-Redaktion** edits everything and imports (LEG files and every import/export page).
- **Netzwerkmanagement** edits the profile, the declared member counts and the memberships
  of the networks it manages (``Network.managers``), sees organisations, imports and exports
  only its own networks' rows, and has no LEG import.
- **Lesezugriff** sees and exports everything and changes nothing.

Model permissions say *what* a user may do; the permission ``networks.access_all_networks``
says on *which* networks. Without it (Netzwerkmanagement, or any staff user given plain model
permissions) a user reaches only the networks they manage, and only the memberships,
declared member counts, spellings and growth-field links of those networks.
"""

from django.db.models import QuerySet

EDITORS_GROUP = "ThCM-Redaktion"
NETWORK_MANAGERS_GROUP = "Netzwerkmanagement"
READERS_GROUP = "Lesezugriff"

ALL_NETWORKS_PERMISSION = "networks.access_all_networks"

_MANAGED_IDS_CACHE = "_managed_network_ids_cache"


def user_has_all_networks(user) -> bool:
    """Superusers and holders of ``networks.access_all_networks`` reach every network."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(ALL_NETWORKS_PERMISSION)))


def user_managed_network_ids(user) -> frozenset[int]:
    """The ids of the networks the user manages, read once per user object (= per request),
    as Django caches a user's permissions."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _MANAGED_IDS_CACHE, None)
    if cached is None:
        cached = frozenset(user.managed_networks.values_list("pk", flat=True))
        setattr(user, _MANAGED_IDS_CACHE, cached)
    return cached


def user_may_access_network(user, network_id) -> bool:
    """May the user reach rows of this network (by id)? Model permissions are checked
    separately; this is the object-level half."""
    if user_has_all_networks(user):
        return True
    return network_id is not None and network_id in user_managed_network_ids(user)


def networks_for_user(user) -> QuerySet:
    """The networks the user may reach: every one, or the ones they manage."""
    from networks.models import Network

    return restrict_to_user_networks(Network.objects.all(), user, via=None)


def restrict_to_user_networks(queryset: QuerySet, user, *, via: str | None = "network"):
    """Only the rows of ``queryset`` that belong to networks the user may reach.

    ``via`` is the lookup from the queryset's model to its network (``"network"`` for
    memberships and declared member counts), ``None`` for a queryset of networks.
    """
    if user_has_all_networks(user):
        return queryset
    # The ids read once per request (user_managed_network_ids), not a join per call: the admin
    # and the resource's export may both restrict the same queryset.
    lookup = f"{via}_id__in" if via else "pk__in"
    return queryset.filter(**{lookup: user_managed_network_ids(user)})
