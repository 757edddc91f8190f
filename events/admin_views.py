"""The .ics import in the back office: upload → preview → confirm, as the LEG import.

The upload waits in the private temporary storage (``core.tmp_storage``) between the
preview and the confirmation; the confirmation reads and checks the file again and imports all
of it or nothing (``events.services``).
"""

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.tmp_storage import PrivateTempFolderStorage

from .forms import IcsConfirmForm, IcsUploadForm
from .services import ImportRefused, event_ics_import, event_ics_plan

IMPORT_PERMISSION = "events.import_event"


def _check(request):
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied


def ics_upload(request, model_admin):
    """GET: the form. POST: keep the file privately, check it, show the preview."""
    _check(request)
    if request.method == "POST":
        form = IcsUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            network = form.cleaned_data["network"]
            status = form.cleaned_data["status"]
            plan = event_ics_plan(data=data, user=request.user, network=network, new_status=status)
            stored = ""
            if not plan.is_refused:
                storage = PrivateTempFolderStorage(read_mode="rb")
                storage.save(data)
                stored = storage.name
            context = model_admin.admin_context(
                request,
                title=_("Vorschau: %(file)s") % {"file": form.cleaned_data["file"].name},
                plan=plan,
                network=network,
                confirm_form=IcsConfirmForm(
                    initial={
                        "stored": stored,
                        "file_name": form.cleaned_data["file"].name[:255],
                        "network": network.pk,
                        "status": status,
                    },
                    user=request.user,
                ),
                upload_url=model_admin.admin_url("ics_upload"),
            )
            return TemplateResponse(request, "admin/events/event/ics_preview.html", context)
    else:
        form = IcsUploadForm(user=request.user)
    context = model_admin.admin_context(request, title=model_admin.upload_label, form=form)
    return TemplateResponse(request, "admin/events/event/ics_upload.html", context)


@require_POST
def ics_confirm(request, model_admin):
    """Import the previewed file: everything, or nothing and the reasons."""
    _check(request)
    form = IcsConfirmForm(request.POST, user=request.user)
    if not form.is_valid():
        # A crafted network the user may not reach, or a name that is not one of ours.
        raise PermissionDenied if "network" in form.errors else BadRequest
    storage = PrivateTempFolderStorage(read_mode="rb", name=form.cleaned_data["stored"])
    try:
        data = storage.read()
    except BadRequest:
        messages.error(
            request, gettext("Die Vorschau ist abgelaufen; bitte laden Sie die Datei erneut hoch.")
        )
        return redirect(model_admin.admin_url("ics_upload"))
    try:
        plan = event_ics_import(
            data=data,
            user=request.user,
            network=form.cleaned_data["network"],
            new_status=form.cleaned_data["status"],
        )
    except ImportRefused as refused:
        messages.error(
            request,
            gettext("Der Import wurde abgelehnt, es wurde nichts gespeichert: %(errors)s")
            % {"errors": "; ".join(refused.messages[:20])},
        )
        return redirect(model_admin.admin_url("ics_upload"))
    finally:
        storage.remove()
    messages.success(
        request,
        gettext(
            "„%(file)s“ importiert: %(created)s neu, %(updated)s geändert, %(unchanged)s "
            "unverändert."
        )
        % {
            "file": form.cleaned_data["file_name"],
            "created": plan.created,
            "updated": plan.updated,
            "unchanged": plan.unchanged,
        },
    )
    return redirect(model_admin.admin_url("changelist"))
