from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import AccessibilityFeedback, FeedbackStatus, PortalContact


@admin.register(PortalContact)
class PortalContactAdmin(admin.ModelAdmin):
    """One row: the list leads straight to its form; it can be neither added nor deleted."""

    fieldsets = (
        (None, {"fields": ("confirmed",)}),
        (
            _("Impressum"),
            {
                "fields": (
                    "operator",
                    "operator_unit",
                    "street",
                    "postcode",
                    "town",
                    "phone",
                    "email",
                    "represented_by",
                    "register_entry",
                    "vat_id",
                    "content_responsible",
                )
            },
        ),
        (_("Datenschutz"), {"fields": ("privacy_officer", "supervisory_authority")}),
        (
            _("Erklärung zur Barrierefreiheit"),
            {
                "fields": (
                    "accessibility_statement_date",
                    "accessibility_email",
                    "enforcement_body",
                    "enforcement_url",
                )
            },
        ),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        contact = PortalContact.objects.load()
        return HttpResponseRedirect(reverse("admin:pages_portalcontact_change", args=[contact.pk]))


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    """Visitors' reports; staff set the status and keep a note, the report itself stays."""

    list_display = ("created_at", "status", "short_message", "page", "email")
    list_filter = ("status", "created_at")
    search_fields = ("message", "page", "name", "email")
    readonly_fields = ("created_at", "message", "page", "name", "email", "language")
    fields = readonly_fields + ("status", "staff_note")
    date_hierarchy = "created_at"

    @admin.display(description=_("Nachricht"))
    def short_message(self, obj):
        return obj.message[:80]

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "subtitle": _("%(count)s neue Meldungen")
            % {"count": AccessibilityFeedback.objects.filter(status=FeedbackStatus.NEW).count()},
        }
        return super().changelist_view(request, extra_context=extra_context)
