"""The back office's LEG import: upload → preview → confirm (or discard), and the report as CSV.

Thin views for ``ImportRunAdmin.get_urls``: each takes the model admin for the admin site's
context, checks the permission and calls ``imports.services`` (plan, confirm) or the upload
helpers in ``imports.forms``. Nothing here parses, validates or writes import data.
"""

import datetime
import functools
from decimal import InvalidOperation

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core import spreadsheets
from core.formatting import german_decimal
from members.models import Organisation

from .choices import RunOrigin, RunStatus, Severity
from .forms import LegUploadForm
from .issues import MAX_PER_KIND
from .models import ImportRun
from .progress_views import is_background, progress_page
from .services import (
    PreviewOutdated,
    import_run_discard,
    leg_import_confirm,
    leg_import_run,
    stored_upload_remove,
)
from .tasks import in_background, leg_import_confirm_enqueue, leg_import_enqueue

IMPORT_PERMISSION = "imports.add_importrun"
ISSUES_PER_PAGE = 100
REPORT_COLUMNS = (_("Zeile"), _("Spalte"), _("Wert"), _("Meldung"), _("Art"))
LINK_LABELS = {"growth_field": _("Wachstumsfeld"), "network": _("Netzwerk")}


# Permissions ---------------------------------------------------------------------------------


def _forbidden(request, model_admin, reason):
    context = model_admin.admin_context(request, title=_("Keine Berechtigung"), reason=reason)
    return TemplateResponse(request, "admin/imports/importrun/forbidden.html", context, status=403)


def import_permission_required(view):
    """403 with a German explanation unless the user may import (``imports.add_importrun``)."""

    @functools.wraps(view)
    def checked(request, model_admin, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            return _forbidden(
                request,
                model_admin,
                _(
                    "Sie haben keine Berechtigung, LEG-Dateien zu importieren. Dafür ist das "
                    "Recht „Importlauf hinzufügen“ nötig; bitte wenden Sie sich an die "
                    "Administration."
                ),
            )
        return view(request, model_admin, *args, **kwargs)

    return checked


def may_confirm(user, run) -> bool:
    """Only the user who uploaded a file, or a superuser, confirms or discards its preview."""
    return user.is_superuser or (run.user_id is not None and run.user_id == user.pk)


def _not_yours(request, model_admin):
    return _forbidden(
        request,
        model_admin,
        _(
            "Nur wer die Datei hochgeladen hat (oder ein Superuser), kann diese Vorschau "
            "bestätigen oder verwerfen."
        ),
    )


# Presentation helpers ------------------------------------------------------------------------


def issue_page(request, run):
    """The run's errors, then its warnings, 100 to a page (``?page=``)."""
    issues = run.errors + run.warnings
    return Paginator(issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))


def issue_totals_context(run):
    """The report's totals per column when it was cut (``imports.issues``), for the template."""
    return {"issue_totals": run.issue_totals, "issue_limit": MAX_PER_KIND}


def _field_label(name):
    if name in LINK_LABELS:
        return LINK_LABELS[name]
    try:
        return Organisation._meta.get_field(name).verbose_name
    except FieldDoesNotExist:  # a name from an older engine version: show it as it is
        return name


def _shown(name, value):
    """A stored sample value as staff read it: German numbers, dates, ja/nein."""
    if value in ("", None):
        return ""
    try:
        field = Organisation._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return gettext("ja") if value == "True" else gettext("nein")
    if isinstance(field, models.DecimalField):
        try:
            return german_decimal(value, trailing_zeros=True)
        except InvalidOperation:  # not a number after all: show it as it is
            return value
    if isinstance(field, models.DateField):
        try:
            return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
        except (TypeError, ValueError):
            return value
    return value


def change_rows(run):
    """``run.changes`` with German field labels and values: [{row, leg_id, action, fields}]."""
    return [
        {
            "row": change["row"],
            "leg_id": change["leg_id"],
            "action": change["action"],
            "fields": [
                (_field_label(name), _shown(name, old), _shown(name, new))
                for name, old, new in change["fields"]
            ],
        }
        for change in run.changes
    ]


def run_counts(run):
    """The counts the preview shows, as (label, number); a refused file has no comparison."""
    counts = [(_("Zeilen"), run.rows)]
    if run.status != RunStatus.REFUSED:
        counts += [
            (_("neu"), run.created),
            (_("geändert"), run.updated),
            (_("unverändert"), run.unchanged),
            (_("nicht in der Datei"), run.not_in_file),
        ]
        if run.unseen:
            counts.append((_("davon ungeprüft übersprungen"), run.unseen))
    if run.key_figures_created or run.key_figures_updated or run.key_figures_unchanged:
        counts += [
            (_("Kennzahlen neu"), run.key_figures_created),
            (_("Kennzahlen geändert"), run.key_figures_updated),
            (_("Kennzahlen unverändert"), run.key_figures_unchanged),
        ]
    counts += [(_("Warnungen"), run.warning_count), (_("Fehler"), run.error_count)]
    return counts


# Views ---------------------------------------------------------------------------------------


@import_permission_required
def upload(request, model_admin):
    """GET: the upload form. POST: store the file, plan the import, show the preview."""
    if request.method == "POST":
        form = LegUploadForm(request.POST, request.FILES)
        if form.is_valid():
            path = form.save()
            if in_background(path.stat().st_size):  # large: the worker plans, this returns
                run = leg_import_enqueue(
                    path=path, file_name=form.cleaned_data["file"].name, user=request.user
                )
                return redirect(model_admin.admin_url("preview", run.pk))
            run = None
            try:
                run = leg_import_run(
                    path=path,
                    file_name=form.cleaned_data["file"].name,
                    user=request.user,
                    origin=RunOrigin.ADMIN,
                    keep_file=True,
                )
            finally:
                if run is None or run.status != RunStatus.PREVIEW:
                    stored_upload_remove(path)
            return redirect(model_admin.admin_url("preview", run.pk))
    else:
        form = LegUploadForm()
    context = model_admin.admin_context(
        request,
        title=model_admin.upload_label,
        form=form,
        recent_runs=ImportRun.objects.select_related("user")[:5],
    )
    return TemplateResponse(request, "admin/imports/importrun/upload.html", context)


@import_permission_required
def preview(request, model_admin, run_id):
    """What the import would do: counts, every error and warning, the first changes."""
    run = get_object_or_404(ImportRun.objects.select_related("user"), pk=run_id)
    if is_background(run):
        title = _("Im Hintergrund: %(file)s") % {"file": run.file_name}
        page = progress_page(request, model_admin.admin_context(request, title=title), run)
        if page is not None:
            return page
        run.refresh_from_db()  # its worker died: the run is failed now
    is_open = run.status == RunStatus.PREVIEW
    yours = may_confirm(request.user, run)
    context = model_admin.admin_context(
        request,
        title=_("Vorschau: %(file)s") % {"file": run.file_name},
        run=run,
        counts=run_counts(run),
        issues=issue_page(request, run),
        **issue_totals_context(run),
        changes=change_rows(run),
        changes_total=run.created + run.updated,
        can_confirm=is_open and run.error_count == 0 and yours,
        can_discard=is_open and yours,
        is_open=is_open,
    )
    return TemplateResponse(request, "admin/imports/importrun/preview.html", context)


@import_permission_required
@require_POST
def confirm(request, model_admin, run_id):
    """Carry out the previewed run, or send staff to a fresh preview if anything changed."""
    run = get_object_or_404(ImportRun, pk=run_id)
    if not may_confirm(request.user, run):
        return _not_yours(request, model_admin)
    if in_background(run.file_size):  # the worker writes; the page shows its progress
        try:
            leg_import_confirm_enqueue(run=run, user=request.user)
        except ValueError as error:
            messages.error(request, str(error))
            return redirect(model_admin.admin_url("upload"))
        return redirect(model_admin.admin_url("preview", run.pk))
    try:
        run = leg_import_confirm(run=run, user=request.user)
    except PreviewOutdated as outdated:
        new_run = outdated.new_run
        messages.error(
            request,
            gettext(
                "Die Daten haben sich seit der Vorschau geändert. Bitte die neue Vorschau prüfen."
            ),
        )
        return redirect(model_admin.admin_url("preview", new_run.pk))
    except ValueError as error:
        messages.error(request, str(error))
        return redirect(model_admin.admin_url("upload"))
    if run.status == RunStatus.IMPORTED:
        message = gettext(
            "„%(file)s“ importiert: %(created)s neu, %(updated)s geändert, %(unchanged)s "
            "unverändert, %(not_in_file)s nicht in der Datei."
        ) % {
            "file": run.file_name,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "not_in_file": run.not_in_file,
        }
        if run.key_figures_created or run.key_figures_updated:
            message += " " + gettext("Kennzahlen: %(created)s neu, %(updated)s geändert.") % {
                "created": run.key_figures_created,
                "updated": run.key_figures_updated,
            }
        messages.success(request, message)
    else:
        messages.error(request, run.message)
    return redirect(model_admin.admin_url("change", run.pk))


@import_permission_required
@require_POST
@transaction.atomic
def discard(request, model_admin, run_id):
    """Discard a preview: nothing is imported, the stored file is deleted."""
    run = get_object_or_404(ImportRun.objects.select_for_update(), pk=run_id)
    if not may_confirm(request.user, run):
        return _not_yours(request, model_admin)
    try:
        import_run_discard(run=run)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            gettext("Vorschau für „%(file)s“ verworfen; es wurde nichts importiert.")
            % {"file": run.file_name},
        )
    return redirect(model_admin.admin_url("upload"))


@import_permission_required
def report(request, model_admin, run_id):
    """The run's full report as CSV (``core.spreadsheets``), one line per error or
    warning; a back-office file, so it names no licence."""
    run = get_object_or_404(ImportRun, pk=run_id)
    severities = dict(Severity.choices)
    rows = (
        (
            issue["row"],
            issue["column"],
            issue["value"],
            issue["message"],
            severities.get(issue["severity"], issue["severity"]),
        )
        for issue in run.report
    )
    return spreadsheets.csv_response(
        REPORT_COLUMNS, rows, filename=f"importbericht-{run.pk}.csv", licence=False
    )
