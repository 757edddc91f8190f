"""Admins of network rows: rows of networks the user may not reach (``networks.scoping``) are
absent from change lists, forms, autocomplete, history, bulk actions and exports, and cannot
be chosen in a network field.
"""

from .scoping import networks_for_user, restrict_to_user_networks, user_may_access_network


class NetworkScopedInlineMixin:
    """An inline (or admin) of rows that belong to a network (``network_field``), or are
    networks (``network_field = None``): it lists, and offers, only the networks the user
    may access (an inline's parent's permissions decide whether it can be edited)."""

    network_field: str | None = "network"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return restrict_to_user_networks(queryset, request.user, via=self.network_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if self.network_field is not None and db_field.name == self.network_field:
            kwargs["queryset"] = networks_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NetworkScopedAdminMixin(NetworkScopedInlineMixin):
    """A ModelAdmin of network rows (see ``NetworkScopedInlineMixin``): the user also sees,
    changes and deletes only rows of networks they may access."""

    def network_id_of(self, obj):
        if self.network_field is None:
            return obj.pk
        return getattr(obj, f"{self.network_field}_id")

    def may_reach(self, request, obj) -> bool:
        return obj is None or user_may_access_network(request.user, self.network_id_of(obj))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.may_reach(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_reach(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_reach(request, obj)
