from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import UploadFlowAdminMixin
from core.formatting import format_amount

from . import views
from .choices import RunStatus
from .models import ImportRun
from .revert import (
    RevertRefused,
    import_run_changes,
    import_run_history,
    import_run_revert,
    import_run_revert_problems,
)
from .services import stored_upload_remove

HISTORY_SHOWN = 200


@views.import_permission_required
def revert(request, model_admin, run_id):
    """GET: what taking the run back would do, or why it cannot. POST: take it back."""
    run = get_object_or_404(ImportRun.objects.select_related("user"), pk=run_id)
    change_url = model_admin.admin_url("change", run.pk)
    if request.method == "POST":
        try:
            counts = import_run_revert(run=run, user=request.user)
        except RevertRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                gettext(
                    "LEG-Import #%(run)s rückgängig gemacht: %(restored)s Organisationen auf den "
                    "Stand vor dem Import zurückgesetzt, %(deleted)s gelöscht, %(memberships)s "
                    "Mitgliedschaften und %(links)s Wachstumsfeld-Zuordnungen entfernt."
                )
                % {"run": run.pk, **counts},
            )
        return redirect(change_url)
    problems = import_run_revert_problems(run=run)
    counts = []
    if not problems:  # the page shows them only for a run that can be taken back
        changes = import_run_changes(run=run)
        counts = [
            (_("Organisationen zurücksetzen"), changes.changed.count()),
            (_("Organisationen löschen"), changes.created.count()),
            (_("Mitgliedschaften entfernen"), changes.memberships.count()),
            (_("Wachstumsfeld-Zuordnungen entfernen"), changes.links.count()),
        ]
    context = model_admin.admin_context(
        request,
        title=_("LEG-Import #%(run)s rückgängig machen") % {"run": run.pk},
        run=run,
        problems=problems,
        counts=counts,
        change_url=change_url,
    )
    return TemplateResponse(request, "admin/imports/importrun/revert.html", context)


@admin.register(ImportRun)
class ImportRunAdmin(UploadFlowAdminMixin, admin.ModelAdmin):
    """Every LEG import, read-only; the upload → preview → confirm pages hang off its URLs.

    Runs are records, so nobody adds or edits one here, and only superusers delete one. The
    custom pages (``imports/views.py``) need the permission ``imports.add_importrun``.
    """

    list_display = (
        "file_name",
        "status",
        "origin",
        "user",
        "started_at",
        "rows",
        "created",
        "updated",
        "unchanged",
        "not_in_file",
        "warning_count",
        "error_count",
        "duration_display",
        "reverted_at",
    )
    list_filter = ("status", "origin")
    search_fields = ("file_name", "sha256")
    list_select_related = ("user",)
    date_hierarchy = "started_at"
    change_form_template = "admin/imports/importrun/change_form.html"
    fieldsets = (
        (_("Datei"), {"fields": ("file_name", "file_size", "sha256")}),
        (
            _("Ablauf"),
            {
                "fields": (
                    "status",
                    "origin",
                    "user",
                    "started_at",
                    "applied_at",
                    "duration_display",
                    "message",
                    ("reverted_at", "reverted_by"),
                )
            },
        ),
        (
            _("Ergebnis"),
            {
                "fields": (
                    "rows",
                    ("created", "updated", "unchanged", "not_in_file"),
                    ("key_figures_created", "key_figures_updated", "key_figures_unchanged"),
                    ("warning_count", "error_count"),
                    ("unseen", "unseen_warning_runs"),
                )
            },
        ),
    )
    readonly_fields = ("duration_display",)
    upload_views = (
        ("upload/", views.upload, "upload"),
        ("<int:run_id>/preview/", views.preview, "preview"),
        ("<int:run_id>/confirm/", views.confirm, "confirm"),
        ("<int:run_id>/discard/", views.discard, "discard"),
        ("<int:run_id>/report/", views.report, "report"),
        ("<int:run_id>/revert/", revert, "revert"),
    )
    upload_permission = views.IMPORT_PERMISSION
    upload_label = _("LEG-Datei importieren")

    @admin.display(description=_("Dauer"), ordering="duration")
    def duration_display(self, obj):
        if obj.duration is None:
            return ""
        return _("%(seconds)s s") % {"seconds": format_amount(obj.duration, decimals=2)}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def delete_model(self, request, obj):
        stored = obj.stored_file
        super().delete_model(request, obj)
        transaction.on_commit(partial(stored_upload_remove, stored))

    def delete_queryset(self, request, queryset):
        stored = [s for s in queryset.values_list("stored_file", flat=True) if s]
        super().delete_queryset(request, queryset)
        for path_ in stored:
            transaction.on_commit(partial(stored_upload_remove, path_))

    def history_context(self, run):
        """The organisations' history entries the run wrote, with links to their history."""
        if run.applied_at is None:
            return {}
        entries = list(import_run_history(run=run, limit=HISTORY_SHOWN))
        changes = import_run_changes(run=run)
        total = changes.created.count() + changes.changed.count()
        return {
            "history_entries": entries,
            "history_total": total,
            "history_more": ngettext(
                "Die ersten %(shown)s von %(total)s Einträgen.",
                "Die ersten %(shown)s von %(total)s Einträgen.",
                total,
            )
            % {"shown": len(entries), "total": total}
            if total > len(entries)
            else "",
            "history_memberships": changes.memberships.count(),
            "history_links": changes.links.count(),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if run is not None:
            may_import = request.user.has_perm(views.IMPORT_PERMISSION)
            extra_context.update(
                issues=views.issue_page(request, run),
                **views.issue_totals_context(run),
                may_import=may_import,
                is_open=run.status == RunStatus.PREVIEW,
                may_revert=may_import and run.revertible,
                **self.history_context(run),
            )
        return super().change_view(request, object_id, form_url, extra_context)
