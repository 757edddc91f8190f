import csv
from io import StringIO

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.csvsafe import neutralise
from networks.scoping import (
    networks_for_user,
    user_has_all_networks,
    user_managed_network_ids,
    user_may_access_network,
)

from . import freshness, services
from .display import display_value, field_label
from .fields import leg_fields
from .models import CorrectionProposal, ProfileReview


def may_decide(user, proposal) -> bool:
    """Staff who may change the entry decide: organisations need the change permission on
    organisations, network profiles the one on networks and access to that network."""
    if proposal.organisation_id is not None:
        return user.has_perm("members.change_organisation")
    return user.has_perm("networks.change_network") and user_may_access_network(
        user, proposal.network_id
    )


@admin.register(CorrectionProposal)
class CorrectionProposalAdmin(admin.ModelAdmin):
    """The queue of proposals: old → new per field; accept all or some, or reject with a
    message. Network managers see and decide their own networks' profiles only. Accepted
    corrections of fields LEG's export carries are listed for LEG ("LEG-Liste (CSV)")."""

    list_display = ("number", "entry_link", "fields_summary", "status", "leg_marker", "created_at")
    list_filter = ("status", "touches_leg", "created_at")
    search_fields = ("organisation__name", "network__name", "proposer_email", "reason")
    list_select_related = ("organisation", "network")
    change_list_template = "admin/corrections/correctionproposal/change_list.html"
    review_template = "admin/corrections/correctionproposal/review.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_has_all_networks(request.user):
            return queryset
        return queryset.filter(network_id__in=user_managed_network_ids(request.user))

    def get_urls(self):
        return [
            path(
                "leg-export/",
                self.admin_site.admin_view(self.leg_export_view),
                name="corrections_correctionproposal_leg_export",
            ),
            path(
                "aktualitaet/",
                self.admin_site.admin_view(self.freshness_view),
                name="corrections_freshness",
            ),
            *super().get_urls(),
        ]

    def freshness_view(self, request):
        """ "Aktualität": what is older than the FRESHNESS_* limits, each row linking to where it
        is fixed; a network profile can be marked "geprüft" here without changing it."""
        if not request.user.is_staff:
            raise PermissionDenied
        if request.method == "POST":
            network = get_object_or_404(
                networks_for_user(request.user), pk=request.POST.get("network")
            )
            if not request.user.has_perm("corrections.add_profilereview"):
                raise PermissionDenied
            services.profile_review_mark(network=network, user=request.user)
            self.message_user(
                request,
                _("Profil von %(network)s als geprüft markiert.") % {"network": network},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        user = request.user
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Aktualität"),
            "counts": freshness.freshness_counts(user),
            "member_counts": freshness.stale_member_counts(user),
            "profiles": freshness.stale_profiles(user),
            "proposals": freshness.open_proposals(user),
            "can_review": user.has_perm("corrections.add_profilereview"),
            "limits": {
                "key_figures": settings.FRESHNESS_KEY_FIGURE_DAYS,
                "member_counts": settings.FRESHNESS_MEMBER_COUNT_DAYS,
                "profiles": settings.FRESHNESS_PROFILE_REVIEW_DAYS,
                "organisations": settings.FRESHNESS_ORGANISATION_RECORD_DAYS,
                "mail": settings.FRESHNESS_MAIL_MINUTES,
            },
        }
        if user.has_perm("growthfields.view_keyfigure"):
            context["key_figures"] = list(freshness.stale_key_figures())
        if user.has_perm("members.view_organisation"):
            context["organisations"] = freshness.stale_organisations()[
                : freshness.ORGANISATION_ROWS
            ]
        if user.has_perm("post_office.view_email"):
            context["mails"] = freshness.undelivered_mail()[:100]
        return TemplateResponse(request, "admin/corrections/freshness.html", context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_decide(request.user, obj))

    @admin.display(description=gettext_lazy("Nr."), ordering="pk")
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=gettext_lazy("Eintrag"))
    def entry_link(self, obj):
        return obj.entry

    @admin.display(description=gettext_lazy("Felder"))
    def fields_summary(self, obj):
        model = type(obj.entry)
        return ", ".join(field_label(model, name) for name in obj.changes)

    @admin.display(description=gettext_lazy("LEG"), boolean=True, ordering="touches_leg")
    def leg_marker(self, obj):
        return obj.touches_leg

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, unquote(object_id))
        if proposal is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, proposal):
            raise PermissionDenied
        can_decide = proposal.is_open and self.has_change_permission(request, proposal)
        if request.method == "POST":
            if not can_decide:
                raise PermissionDenied
            return self.decide(request, proposal)
        entry = proposal.entry
        model = type(entry)
        carried = leg_fields(model)
        rows = [
            {
                "name": name,
                "label": field_label(model, name),
                "leg": name in carried,
                "old": display_value(model, name, change["old"]),
                "current": display_value(model, name, services.jsonable(getattr(entry, name))),
                "new": display_value(model, name, change["new"]),
                "accepted": name in proposal.accepted_fields,
            }
            for name, change in proposal.changes.items()
        ]
        entry_admin = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(proposal),
            "proposal": proposal,
            "entry": entry,
            "entry_admin_url": reverse(entry_admin, args=[entry.pk]),
            "rows": rows,
            "can_decide": can_decide,
            "conflict": proposal.is_open and entry.version != proposal.base_version,
        }
        return TemplateResponse(request, self.review_template, context)

    def decide(self, request, proposal):
        decision = request.POST.get("decision")
        message = request.POST.get("message", "")
        try:
            if decision == "accept":
                services.correction_accept(
                    proposal=proposal,
                    fields=request.POST.getlist("fields"),
                    user=request.user,
                    message=message,
                )
                self.message_user(
                    request,
                    _("%(proposal)s übernommen; der Vorschlagende wird benachrichtigt.")
                    % {"proposal": proposal},
                    messages.SUCCESS,
                )
            elif decision == "reject":
                services.correction_reject(proposal=proposal, user=request.user, message=message)
                self.message_user(
                    request,
                    _("%(proposal)s abgelehnt; der Vorschlagende wird benachrichtigt.")
                    % {"proposal": proposal},
                    messages.SUCCESS,
                )
            else:
                raise services.CorrectionError(_("Bitte wählen Sie „Übernehmen“ oder „Ablehnen“."))
        except services.CorrectionError as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(reverse("admin:corrections_correctionproposal_changelist"))

    def leg_export_view(self, request):
        """The accepted corrections of fields LEG's export carries, one row per field, as CSV
        (semicolons, formulas neutralised) to send to LEG."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        buffer = StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(
            [
                _("Korrektur"),
                _("übernommen am"),
                _("LEG-ID"),
                _("Name"),
                _("Feld"),
                _("bisher"),
                _("neu"),
            ]
        )
        proposals = (
            self.get_queryset(request)
            .for_leg()
            .select_related("organisation")
            .order_by("decided_at", "pk")
        )
        for proposal in proposals:
            model = type(proposal.entry)
            carried = leg_fields(model)
            for name in proposal.accepted_fields:
                if name not in carried:
                    continue
                change = proposal.changes[name]
                writer.writerow(
                    neutralise(value)
                    for value in (
                        f"#{proposal.pk}",
                        timezone.localtime(proposal.decided_at).strftime("%d.%m.%Y"),
                        proposal.organisation.leg_id or "",
                        proposal.organisation.name,
                        field_label(model, name),
                        display_value(model, name, change["old"]),
                        display_value(model, name, change["new"]),
                    )
                )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="korrekturen-fuer-leg-{stamp}.csv"'
        return response


@admin.register(ProfileReview)
class ProfileReviewAdmin(admin.ModelAdmin):
    list_display = ("network", "reviewed_at", "reviewed_by")
    list_filter = ("reviewed_at",)
    list_select_related = ("network", "reviewed_by")
    readonly_fields = ("network", "reviewed_at", "reviewed_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_has_all_networks(request.user):
            return queryset
        return queryset.filter(network_id__in=user_managed_network_ids(request.user))
