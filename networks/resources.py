"""Import and export of networks, memberships and declared member counts.

Rows are matched on natural keys, never on database ids: networks on their slug,
memberships on the organisation's LEG-ID and the network's slug, declared member counts
on network, reference date and source. The growth fields of a network (with their primary
field) and the networks of an alliance are edited in the back office, not imported.

The admin passes the user (``user=…``): a user who may not reach every network
(Netzwerkmanagement) exports only their own networks' rows, and a file row that names or
changes a row of another network is refused with its row number, which refuses the file.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from import_export.fields import Field

from core.normalizers import normalize_leg_id, normalize_website
from core.widgets import GermanModelResource, NaturalKeyForeignKeyWidget, NormalizedCharWidget
from growthfields.models import Source
from members.models import Organisation
from networks.scoping import restrict_to_user_networks, user_may_access_network

from .models import DeclaredMemberCount, Membership, Network


class NetworkScopedResource(GermanModelResource):
    """A resource whose rows belong to a network (``network_field``), or are networks
    (``network_field = None``), limited to the networks ``user`` may reach.

    Without a user (command line, tests of the resource itself) nothing is limited.
    """

    network_field: str | None = "network"

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def network_id_of(self, instance):
        if self.network_field is None:
            return instance.pk
        return getattr(instance, f"{self.network_field}_id")

    def import_instance(self, instance, row, **kwargs):
        """Refuse the row if the row it changes, or the row it leaves behind, belongs to a
        network the user may not reach (a new network counts as not theirs)."""
        before = None if instance.pk is None else self.network_id_of(instance)
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.user is not None:
            after = self.network_id_of(instance)
            foreign = [
                network_id
                for network_id in dict.fromkeys((before, after))
                if not user_may_access_network(self.user, network_id)
                and (network_id is not None or self.network_field is None)
            ]
            if foreign:
                names = [str(network) for network in Network.objects.filter(pk__in=foreign)]
                message = gettext(
                    "Zeile %(row)s: Das Netzwerk „%(network)s“ gehört nicht zu Ihren "
                    "Netzwerken; Sie dürfen seine Einträge nicht ändern."
                ) % {
                    "row": kwargs.get("row_number", "?"),
                    "network": ", ".join(names) or str(instance),
                }
                field = self.network_field or "slug"
                errors.setdefault(field, []).append(ValidationError(message, code="foreign"))
        if errors:
            raise ValidationError(errors)

    def filter_export(self, queryset, **kwargs):
        queryset = super().filter_export(queryset, **kwargs)
        if self.user is None:
            return queryset
        return restrict_to_user_networks(queryset, self.user, via=self.network_field)


class NetworkResource(NetworkScopedResource):
    """Networks, matched on their slug; the profile's source by its slug."""

    network_field = None

    website = Field(attribute="website", widget=NormalizedCharWidget(normalize_website))
    profile_source = Field(
        attribute="profile_source",
        widget=NaturalKeyForeignKeyWidget(Source, "slug"),
    )

    class Meta:
        model = Network
        fields = (
            "slug",
            "name",
            "short_name",
            "kind",
            "legal_form",
            "website",
            "founded_on",
            "description",
            "topics",
            "activities",
            "labels",
            "profile_source",
        )
        import_id_fields = ("slug",)


class MembershipResource(NetworkScopedResource):
    """Memberships, matched on the organisation's LEG-ID and the network's slug.

    Organisations without a LEG-ID (entered by hand) cannot be named in a file.
    """

    organisation = Field(
        attribute="organisation",
        widget=NaturalKeyForeignKeyWidget(Organisation, "leg_id", normalizer=normalize_leg_id),
    )
    network = Field(attribute="network", widget=NaturalKeyForeignKeyWidget(Network, "slug"))

    class Meta:
        model = Membership
        fields = ("organisation", "network", "role", "since", "until")
        import_id_fields = ("organisation", "network")

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("organisation", "network")


class DeclaredMemberCountResource(NetworkScopedResource):
    """Declared member counts, matched on network (slug), reference date and source (slug)."""

    network = Field(attribute="network", widget=NaturalKeyForeignKeyWidget(Network, "slug"))
    source = Field(attribute="source", widget=NaturalKeyForeignKeyWidget(Source, "slug"))

    class Meta:
        model = DeclaredMemberCount
        fields = (
            "network",
            "reference_date",
            "source",
            "total",
            "companies",
            "research",
            "reference_precision",
            "note",
        )
        import_id_fields = ("network", "reference_date", "source")

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("network", "source")
