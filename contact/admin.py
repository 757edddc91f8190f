from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from networks.admin_mixins import NetworkScopedAdminMixin

from . import services
from .models import BlockedSender, Enquiry, NetworkContact


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    """The enquiries of the last CONTACT_RETENTION_DAYS days, read only, for handling abuse:
    block a sender with the action."""

    list_display = ("created_at", "recipient", "sender_email", "subject", "mail_status")
    list_filter = ("created_at",)
    search_fields = ("sender_email", "sender_name", "subject")
    list_select_related = ("organisation", "network", "mail")
    date_hierarchy = "created_at"
    actions = ("block_senders",)
    readonly_fields = (
        "created_at",
        "organisation",
        "network",
        "sender_name",
        "sender_email",
        "subject",
        "message",
        "mail",
        "confirmation",
    )
    fields = readonly_fields

    @admin.display(description=_("Empfänger"))
    def recipient(self, obj):
        return obj.recipient

    @admin.display(description=_("Zustellung"))
    def mail_status(self, obj):
        return obj.mail.get_status_display() if obj.mail else "–"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Absender sperren"), permissions=("block",))
    def block_senders(self, request, queryset):
        addresses = sorted(
            {email.lower() for email in queryset.values_list("sender_email", flat=True)}
        )
        for address in addresses:
            services.sender_block(
                email=address, reason=_("gesperrt wegen einer Kontaktanfrage"), user=request.user
            )
        self.message_user(
            request,
            ngettext("%(count)d Absender gesperrt.", "%(count)d Absender gesperrt.", len(addresses))
            % {"count": len(addresses)},
            messages.SUCCESS,
        )

    def has_block_permission(self, request):
        return request.user.has_perm("contact.add_blockedsender")


@admin.register(BlockedSender)
class BlockedSenderAdmin(admin.ModelAdmin):
    list_display = ("address", "reason", "created_by", "created_at")
    search_fields = ("address", "reason")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(NetworkContact)
class NetworkContactAdmin(NetworkScopedAdminMixin, admin.ModelAdmin):
    """Where a network's enquiries go; network managers keep their own networks' address."""

    list_display = ("network", "email")
    search_fields = ("network__name", "email")
    autocomplete_fields = ("network",)
