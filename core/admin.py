"""Back-office building blocks the apps' admins share (the network-scoped ones:
``networks.admin_mixins``).

- ``VersionedAdminForm`` / ``VersionedAdminMixin``: optimistic locking. The form carries the
  version it was loaded at; a save on an older version is refused instead of overwriting.
- ``PortalExportMixin`` / ``PortalImportExportMixin``: export (and import) know the user, and a
  refused row refuses the whole file, also at the confirmation step. Organisations only export:
  they come from files through the LEG import alone (``imports``).
- ``PortalHistoryAdmin``: reverting from the history is a change and needs the change
  permission (simple-history's view only asks for the view permission).
- ``SafeAutocompleteMixin`` (in ``PortalHistoryAdmin``; inlines add it themselves): a posted
  autocomplete value that is not a key (``"abc"`` for a number) is a form error, not a 500.
- ``UploadFlowAdminMixin``: a file import's pages (upload → preview → confirm) in a model's
  admin, its URLs, context and the change list's link (the .ics and the LEG import).
- ``GermanOrderAdminMixin`` (in ``PortalHistoryAdmin``): a name column sorted by clicking its
  header sorts in German order (``core.collation.german_order``), not by the bytes.
"""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from core.collation import german_order

LOADED_VERSION_FIELD = "loaded_version"


class VersionedAdminForm(forms.ModelForm):
    """Optimistic locking for models with a ``version`` counter.

    The hidden ``loaded_version`` says which version the user edited. On save the row is
    read again under a row lock (``select_for_update``; requests are atomic): if its version
    moved on, the form gets a German error naming who changed it and when, and nothing is
    written; otherwise the version goes up by one with the save. Inline formsets are saved
    only when this form is valid, so an inline edit cannot bypass the check.
    """

    loaded_version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[LOADED_VERSION_FIELD].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        loaded = cleaned_data.get(LOADED_VERSION_FIELD)
        model = type(self.instance)
        current = (
            model._default_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None:
            raise ValidationError(
                _("Dieser Eintrag wurde inzwischen gelöscht; er kann nicht gespeichert werden."),
                code="deleted",
            )
        if loaded is None:
            raise ValidationError(
                _(
                    "Der Bearbeitungsstand fehlt. Bitte laden Sie die Seite neu und tragen Sie "
                    "Ihre Änderungen erneut ein."
                ),
                code="stale",
            )
        if loaded != current:
            raise ValidationError(self.stale_message(), code="stale")
        # The save counts the version up (core.models.VersionedMixin).
        return cleaned_data

    def stale_message(self) -> str:
        """Who changed the row last, and when, from its newest history entry."""
        record = (
            self.instance.history.select_related("history_user").order_by("-history_date").first()
        )
        advice = gettext(
            "Ihre Änderungen wurden nicht gespeichert, damit sie diese Änderung nicht "
            "überschreiben. Bitte laden Sie die Seite neu und tragen Sie Ihre Änderungen "
            "erneut ein."
        )
        if record is None:
            return gettext("Dieser Eintrag wurde inzwischen geändert.") + " " + advice
        when = formats.date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
        user = record.history_user
        if user is None:
            changed = gettext("Dieser Eintrag wurde inzwischen geändert (%(date)s).") % {
                "date": when
            }
        else:
            changed = gettext(
                "Dieser Eintrag wurde inzwischen von %(user)s geändert (%(date)s)."
            ) % {"user": user.get_full_name() or user.get_username(), "date": when}
        return changed + " " + advice


class VersionedAdminMixin:
    """Optimistic locking in a ModelAdmin: its form is a ``VersionedAdminForm`` (the admin
    builds it for its model), with the hidden ``loaded_version`` in the first fieldset of a
    change form the user may save (a read-only form has no form fields, and needs no version)."""

    form = VersionedAdminForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        fields = tuple(options["fields"])
        if LOADED_VERSION_FIELD not in fields:
            options = {**options, "fields": (*fields, LOADED_VERSION_FIELD)}
        return [(name, options), *rest]


class PortalExportMixin(ExportMixin):
    """django-import-export's export with the user passed to every resource (``user=…``);
    selected rows export only if the user sees them."""

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def get_valid_export_item_pks(self, request):
        """Selected rows to export ("Ausgewählte … exportieren") must be rows the user sees."""
        return self.get_queryset(request).values_list("pk", flat=True)


class PortalImportExportMixin(ImportMixin, PortalExportMixin):
    """``PortalExportMixin`` plus import: a file with any refused row is refused as a whole,
    also when the confirmation is posted directly."""

    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except BadRequest:  # the preview's file is gone (cleanup_import_uploads) or not ours
            messages.error(
                request,
                _("Die Vorschau ist abgelaufen; bitte laden Sie die Datei erneut hoch."),
            )
            url = reverse(
                "admin:{}_{}_import".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _("Der Import wurde abgelehnt, es wurde nichts gespeichert: %(errors)s")
                % {"errors": "; ".join(import_result_errors(result))},
            )
            url = reverse(
                "admin:{}_{}_changelist".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)
        return super().process_result(result, request)


def import_result_errors(result) -> list[str]:
    """The messages of an import result's refused rows, for a one-line summary."""
    found = []
    for row in result.invalid_rows:
        prefix = gettext("Zeile %(row)s:") % {"row": row.number}
        for messages_of_field in row.error_dict.values():
            found.extend(
                message if message.startswith(prefix) else f"{prefix} {message}"
                for message in map(str, messages_of_field)
            )
    for number, errors in result.row_errors():
        prefix = gettext("Zeile %(row)s:") % {"row": number}
        found.extend(f"{prefix} {error.error}" for error in errors)
    found.extend(str(error.error) for error in result.base_errors)
    return found


class _SafeOptionsMixin:
    """Django's autocomplete widget looks the posted values up to show them again; a value the
    key cannot hold ("abc" for a number) raised there, after the form had already refused it.
    Such values are left out of the lookup: the form shows its error with an empty choice."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        kept = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            kept.append(item)
        return super().optgroups(name, kept, attr)


class SafeAutocompleteSelect(_SafeOptionsMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_SafeOptionsMixin, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """Autocomplete fields (``autocomplete_fields``) with the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class GermanOrderChangeList(ChangeList):
    """A change list whose ``german_order_fields`` columns sort in German order."""

    def get_ordering_field(self, field_name):
        field = super().get_ordering_field(field_name)
        if isinstance(field, str) and field in self.model_admin.german_order_fields:
            return german_order(field)
        return field


class GermanOrderAdminMixin:
    """Clicking the header of a name column sorts it in German order (DIN 5007-1, on both
    databases), as every other list of names is sorted."""

    german_order_fields = ("name", "short_name", "title", "town")

    def get_changelist(self, request, **kwargs):
        return GermanOrderChangeList


class PortalHistoryAdmin(SafeAutocompleteMixin, GermanOrderAdminMixin, SimpleHistoryAdmin):
    """simple-history's admin, where posting a revert needs the change permission on the row
    (its own view checks only the view permission before saving), and where the row as it is
    now decides, not only the old version shown (which may name another network)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self.get_object(request, unquote(object_id))  # the user's (scoped) rows
        if current is None:
            if self.model._default_manager.filter(pk=unquote(object_id)).exists():
                raise PermissionDenied  # it exists, but out of this user's reach
        else:
            allowed = self.has_change_permission if request.method == "POST" else (
                self.has_view_permission
            )
            if not allowed(request, current):
                raise PermissionDenied
        if request.method == "POST":
            pk_name = self.model._meta.pk.attname
            record = get_object_or_404(
                self.model.history.all(),
                **{pk_name: unquote(object_id), "history_id": version_id},
            )
            if not self.has_change_history_permission(request, record.instance):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class LabelledInlineMixin:
    """A tabular inline whose fields each carry an accessible name: the column's label and the
    row ("Wert, Zeile 3"), as ``aria-label``. Django's tabular inline shows the labels only as
    column headings, which assistive technology does not tie to the fields."""

    def get_formset(self, request, obj=None, **kwargs):
        parent = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(parent):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                row = (
                    gettext("Zeile %(number)s") % {"number": index + 1}
                    if index is not None
                    else gettext("neue Zeile")
                )
                for name, field in form.fields.items():
                    if field.widget.is_hidden:
                        continue
                    widget = getattr(field.widget, "widget", field.widget)  # inside the wrapper
                    widget.attrs["aria-label"] = f"{field.label or name}, {row}"

        LabelledFormSet.__name__ = parent.__name__
        return LabelledFormSet


class UploadFlowAdminMixin:
    """A file import on pages of a model's admin (upload → preview → confirm): the events'
    .ics import and the LEG import.

    ``upload_views`` lists ``(route, view, name)``: each view is called as
    ``view(request, model_admin=…, **kwargs)`` behind the admin's login and named
    ``admin:<app>_<model>_<name>``. The change list offers ``upload_label`` as a link to the
    view named ``upload_view_name`` to users with ``upload_permission``
    (``templates/admin/upload_change_list.html``); the upload page extends
    ``templates/admin/upload_form.html``.
    """

    upload_views: tuple = ()
    upload_view_name = "upload"
    upload_permission = ""
    upload_label = ""
    change_list_template = "admin/upload_change_list.html"

    def get_urls(self):
        return [
            path(
                route,
                self.admin_site.admin_view(partial(view, model_admin=self)),
                name=f"{self.opts.app_label}_{self.opts.model_name}_{name}",
            )
            for route, view, name in self.upload_views
        ] + super().get_urls()

    def admin_url(self, name, *args):
        """The URL of this admin's page ``name`` ("changelist", "change", an upload view)."""
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=args,
            current_app=self.admin_site.name,
        )

    def admin_context(self, request, **context):
        """What a page of the admin site needs (its header, ``opts``), plus ``context``."""
        return {**self.admin_site.each_context(request), "opts": self.opts, **context}

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if request.user.has_perm(self.upload_permission):
            extra_context["upload_url"] = self.admin_url(self.upload_view_name)
            extra_context["upload_label"] = self.upload_label
        return super().changelist_view(request, extra_context=extra_context)
