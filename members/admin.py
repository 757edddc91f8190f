from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import (
    LabelledInlineMixin,
    PortalExportMixin,
    PortalHistoryAdmin,
    SafeAutocompleteMixin,
    VersionedAdminMixin,
)
from core.formatting import format_amount
from networks.admin_mixins import NetworkScopedInlineMixin
from networks.models import Membership

from .models import Organisation
from .resources import OrganisationResource


class MembershipInline(
    SafeAutocompleteMixin, NetworkScopedInlineMixin, LabelledInlineMixin, admin.TabularInline
):
    """The organisation's memberships in the networks the user may reach."""

    model = Membership
    extra = 0
    fields = ("network", "role", "since", "until")
    autocomplete_fields = ("network",)


@admin.register(Organisation)
class OrganisationAdmin(VersionedAdminMixin, PortalExportMixin, PortalHistoryAdmin):
    """The change list adds a link to the LEG import next to the export.

    Organisations come from files through the LEG import only (``imports``): one set of
    rules for every file. The change list exports, it offers no generic import.

    django-import-export takes a preset ``change_list_template`` as the base its own
    template extends, so ours is named in ``import_export_change_list_template``: it
    extends the export change list, and becomes ``change_list_template``.

    Saves are optimistically locked (``VersionedAdminMixin``). Network managers only
    see organisations (they have the view permission alone).
    """

    resource_classes = [OrganisationResource]
    import_export_change_list_template = "admin/members/organisation/change_list.html"
    list_display = (
        "name",
        "leg_id",
        "kind",
        "town",
        "district",
        "employees_display",
        "record_date",
        "published",
    )
    list_filter = ("published", "kind", "district", "growth_fields", "memberships__network")
    search_fields = ("leg_id", "name", "town", "keywords")
    show_full_result_count = False
    list_per_page = 50
    filter_horizontal = ("growth_fields",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("name", "legal_form", "kind", "leg_id", "published")}),
        (
            _("Anschrift und Kontakt"),
            {"fields": ("street", "postcode", "town", "district", "phone", "email", "website")},
        ),
        (
            _("Kennzahlen"),
            {
                "fields": (
                    "founding_year",
                    ("employees", "employees_approximate"),
                    ("revenue_meur", "revenue_approximate"),
                    "export_quota",
                    "wz_code",
                )
            },
        ),
        (_("Einordnung"), {"fields": ("growth_fields", "keywords")}),
        (_("Stand"), {"fields": ("record_date", "created_at", "updated_at")}),
    )

    @admin.display(description=_("Beschäftigte"), ordering="employees")
    def employees_display(self, obj):
        return format_amount(obj.employees, approximate=obj.employees_approximate)
