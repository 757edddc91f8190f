from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import (
    LabelledInlineMixin,
    PortalHistoryAdmin,
    PortalImportExportMixin,
    SafeAutocompleteMixin,
    VersionedAdminMixin,
)
from networks.admin_mixins import NetworkScopedAdminMixin
from networks.scoping import NETWORK_MANAGERS_GROUP, user_has_all_networks

from .models import (
    DeclaredMemberCount,
    Membership,
    Network,
    NetworkAlias,
    NetworkGrowthField,
)
from .resources import DeclaredMemberCountResource, MembershipResource, NetworkResource


class NetworkGrowthFieldInline(SafeAutocompleteMixin, LabelledInlineMixin, admin.TabularInline):
    model = NetworkGrowthField
    extra = 0
    autocomplete_fields = ("growth_field",)


class DeclaredMemberCountInline(SafeAutocompleteMixin, LabelledInlineMixin, admin.TabularInline):
    model = DeclaredMemberCount
    extra = 0
    fields = (
        "total",
        "companies",
        "research",
        "reference_date",
        "reference_precision",
        "source",
        "note",
    )
    autocomplete_fields = ("source",)


class NetworkAliasInline(LabelledInlineMixin, admin.TabularInline):
    model = NetworkAlias
    extra = 0
    fields = ("name",)


@admin.register(Network)
class NetworkAdmin(
    NetworkScopedAdminMixin,
    VersionedAdminMixin,
    PortalImportExportMixin,
    PortalHistoryAdmin,
):
    """Networks can have thousands of members: the form shows their number and a link to
    the filtered membership list, never an inline of every membership.

    Network managers see only the networks they manage and edit only the profile (and,
    with their permissions, the declared member counts); saves are optimistically locked.
    """

    network_field = None
    resource_classes = [NetworkResource]
    list_display = ("name", "short_name", "kind", "legal_form", "member_count", "website")
    list_filter = ("kind", "growth_fields")
    search_fields = ("name", "short_name", "aliases__name")
    autocomplete_fields = ("profile_source", "member_networks")
    filter_horizontal = ("managers",)
    readonly_fields = ("members_summary",)
    # What only users who reach every network (ThCM-Redaktion) may change.
    all_networks_fields = (
        "name",
        "short_name",
        "slug",
        "kind",
        "legal_form",
        "founded_on",
        "member_networks",
        "managers",
    )
    inlines = (NetworkGrowthFieldInline, DeclaredMemberCountInline, NetworkAliasInline)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "kind", "legal_form", "founded_on")}),
        (
            _("Profil"),
            {
                "fields": (
                    "website",
                    "description",
                    "topics",
                    "activities",
                    "labels",
                    "profile_source",
                )
            },
        ),
        (_("Mitglieder"), {"fields": ("members_summary",)}),
        (_("Allianz"), {"fields": ("member_networks",), "classes": ("collapse",)}),
        (_("Netzwerkmanagement"), {"fields": ("managers",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_member_counts(published_only=False)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if user_has_all_networks(request.user):
            return readonly
        return readonly + self.all_networks_fields

    def get_prepopulated_fields(self, request, obj=None):
        # Not the prepopulated_fields attribute: simple-history's revert form reads that
        # directly, and the slug is no form field for a network manager.
        if not user_has_all_networks(request.user):
            return {}
        return {"slug": ("short_name",)}

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "managers":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_active=True, is_staff=True, groups__name=NETWORK_MANAGERS_GROUP)
                .order_by("username")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("Mitglieder im Portal"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description=_("Mitglieder im Portal"))
    def members_summary(self, obj):
        if obj.pk is None:
            return "–"
        url = reverse("admin:networks_membership_changelist") + f"?network__id__exact={obj.pk}"
        label = ngettext(
            "%(count)d aktuelle Mitgliedschaft",
            "%(count)d aktuelle Mitgliedschaften",
            obj.member_count,
        ) % {"count": obj.member_count}
        return format_html('{} – <a href="{}">{}</a>', label, url, _("Mitgliedschaften bearbeiten"))


@admin.register(NetworkAlias)
class NetworkAliasAdmin(NetworkScopedAdminMixin, PortalHistoryAdmin):
    list_display = ("name", "network", "normalized_name")
    list_select_related = ("network",)
    list_filter = ("network",)
    search_fields = ("name", "normalized_name", "network__name")
    autocomplete_fields = ("network",)


@admin.register(NetworkGrowthField)
class NetworkGrowthFieldAdmin(NetworkScopedAdminMixin, PortalHistoryAdmin):
    list_display = ("network", "growth_field", "is_primary")
    list_select_related = ("network", "growth_field")
    list_filter = ("is_primary", "growth_field")
    search_fields = ("network__name", "growth_field__name")
    autocomplete_fields = ("network", "growth_field")


@admin.register(DeclaredMemberCount)
class DeclaredMemberCountAdmin(
    NetworkScopedAdminMixin, PortalImportExportMixin, PortalHistoryAdmin
):
    resource_classes = [DeclaredMemberCountResource]
    list_display = ("network", "total", "companies", "research", "reference_display", "source")
    list_select_related = ("network", "source")
    list_filter = ("network",)
    search_fields = ("network__name", "source__title", "note")
    autocomplete_fields = ("network", "source")

    @admin.display(description=_("Stand"), ordering="reference_date")
    def reference_display(self, obj):
        return obj.reference_display


@admin.register(Membership)
class MembershipAdmin(NetworkScopedAdminMixin, PortalImportExportMixin, PortalHistoryAdmin):
    resource_classes = [MembershipResource]
    list_display = ("organisation", "network", "role", "since", "until")
    list_select_related = ("organisation", "network")
    list_filter = ("network", "role")
    search_fields = ("organisation__name", "organisation__leg_id", "network__name")
    autocomplete_fields = ("organisation", "network")
    show_full_result_count = False
