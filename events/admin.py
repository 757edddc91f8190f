"""The back office's events: ThCM-Redaktion edits all, a network manager the events their
networks organise, Lesezugriff reads.

Scoping follows ``networks.scoping`` (the same mechanism as memberships), through the
organisers: a network manager sees and changes events organised by at least one of their
networks, and may choose only their networks as organisers (a posted id of another network is
refused by the form); organisers out of their reach stay on the event when they save. Deleting
removes the event for every organiser, so it needs all organisers within the user's reach.
"""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import PortalHistoryAdmin, UploadFlowAdminMixin, VersionedAdminMixin
from networks.scoping import (
    networks_for_user,
    user_has_all_networks,
    user_managed_network_ids,
)

from . import admin_views
from .choices import EventStatus
from .models import Event
from .services import event_cancel


def organiser_ids(event) -> set[int]:
    return {network.pk for network in event.organisers.all()}


@admin.register(Event)
class EventAdmin(UploadFlowAdminMixin, VersionedAdminMixin, PortalHistoryAdmin):
    list_display = ("title", "start_date", "start_time", "town", "status", "organiser_names")
    list_filter = ("status", "organisers", "growth_fields", "district")
    search_fields = ("title", "summary", "town", "venue", "uid")
    date_hierarchy = "start_date"
    filter_horizontal = ("organisers", "growth_fields")
    readonly_fields = ("uid", "sequence_display")
    actions = ("cancel_events",)
    fieldsets = (
        (None, {"fields": ("title", "summary", "description", "status", "original_start_date")}),
        (
            _("Termin (Europe/Berlin)"),
            {"fields": ("start_date", "start_time", "end_date", "end_time")},
        ),
        (
            _("Ort"),
            {"fields": ("venue", "street", "postcode", "town", "district", "online_url")},
        ),
        (_("Veranstaltende und Themen"), {"fields": ("organisers", "growth_fields", "language")}),
        (
            _("Anmeldung"),
            {"fields": ("registration_url", "registration_deadline", "fee_note")},
        ),
        (_("Intern"), {"fields": ("internal_note", "uid", "sequence_display")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("organisers")
        if user_has_all_networks(request.user):
            return queryset
        links = Event.organisers.through.objects.filter(
            event=OuterRef("pk"), network_id__in=user_managed_network_ids(request.user)
        )
        return queryset.filter(Exists(links))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organisers":
            kwargs["queryset"] = networks_for_user(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # Object-level permissions ----------------------------------------------------------------

    def reaches_some(self, request, obj) -> bool:
        if obj is None or obj.pk is None or user_has_all_networks(request.user):
            return True
        return bool(organiser_ids(obj) & user_managed_network_ids(request.user))

    def reaches_all(self, request, obj) -> bool:
        if obj is None or obj.pk is None or user_has_all_networks(request.user):
            return True
        return organiser_ids(obj) <= user_managed_network_ids(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.reaches_some(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.reaches_some(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.reaches_all(request, obj)

    def delete_queryset(self, request, queryset):
        if not user_has_all_networks(request.user):
            queryset = [event for event in queryset if self.reaches_all(request, event)]
        for event in queryset:
            event.delete()

    def save_related(self, request, form, formsets, change):
        """Organisers the user cannot choose (another network's) stay on the event."""
        kept = []
        if change and not user_has_all_networks(request.user):
            kept = list(
                form.instance.organisers.exclude(pk__in=user_managed_network_ids(request.user))
            )
        super().save_related(request, form, formsets, change)
        if kept:
            form.instance.organisers.add(*kept)

    # Display and actions ---------------------------------------------------------------------

    @admin.display(description=_("Veranstaltende Netzwerke"))
    def organiser_names(self, obj):
        return ", ".join(str(network) for network in obj.organisers.all())

    @admin.display(description=_("SEQUENCE (Kalender)"))
    def sequence_display(self, obj):
        return obj.sequence if obj.pk else "–"

    @admin.action(description=_("Ausgewählte Veranstaltungen absagen"), permissions=("change",))
    def cancel_events(self, request, queryset):
        done = 0
        for event in queryset:
            if event.status != EventStatus.CANCELLED and self.has_change_permission(request, event):
                event_cancel(event=event, user=request.user)
                done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d Veranstaltung abgesagt; sie bleibt sichtbar und ist als abgesagt "
                "markiert.",
                "%(count)d Veranstaltungen abgesagt; sie bleiben sichtbar und sind als abgesagt "
                "markiert.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    # The .ics import (core.admin.UploadFlowAdminMixin) ------------------------------------------

    upload_views = (
        ("import-ics/", admin_views.ics_upload, "ics_upload"),
        ("import-ics/confirm/", admin_views.ics_confirm, "ics_confirm"),
    )
    upload_view_name = "ics_upload"
    upload_permission = admin_views.IMPORT_PERMISSION
    upload_label = _("iCalendar-Datei importieren")
