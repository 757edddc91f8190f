"""The back office's LEG upload: the form, and the private file an upload waits in.

An uploaded file is stored under ``settings.LEG_IMPORT_UPLOAD_DIR`` (never below MEDIA_ROOT, so
it is never served) from the preview until the run is confirmed or discarded. The helpers here
are the only code that creates or removes those files; the cleanup command uses them too.
"""

import os
import re
import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ALLOWED_EXTENSIONS = ("csv", "xlsx")
# Names given by ``LegUploadForm.save``: 32 random hex digits and the upload's extension.
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(?:csv|xlsx)$")


class LegUploadForm(forms.Form):
    """One LEG export (CSV or XLSX), refused by its size before a byte of it is read."""

    file = forms.FileField(
        label=_("LEG-Datei"),
        validators=[FileExtensionValidator(allowed_extensions=ALLOWED_EXTENSIONS)],
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Export der LEG-Unternehmensdatenbank als CSV (Semikolon als Trennzeichen) oder "
            "Excel-Arbeitsmappe (.xlsx), höchstens %(limit)s. Es wird zunächst nur eine "
            "Vorschau erstellt; geschrieben wird erst nach der Bestätigung."
        ) % {"limit": filesizeformat(settings.LEG_IMPORT_MAX_BYTES)}

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = settings.LEG_IMPORT_MAX_BYTES
        if uploaded.size > limit:  # the size Django counted while receiving; nothing read here
            raise forms.ValidationError(
                _("Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s."),
                code="too_large",
                params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            )
        if uploaded.size == 0:
            raise forms.ValidationError(_("Die Datei ist leer."), code="empty")
        return uploaded

    def save(self) -> Path:
        """Store the upload in chunks under a random name (mode 0600) and return its path."""
        uploaded = self.cleaned_data["file"]
        extension = Path(uploaded.name).suffix.lower()
        directory = upload_directory()
        while True:
            path = directory / f"{secrets.token_hex(16)}{extension}"
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # pragma: no cover - 128 random bits
                continue
            break
        try:
            os.fchmod(descriptor, 0o600)  # whatever the umask
            with os.fdopen(descriptor, "wb") as stream:
                for chunk in uploaded.chunks():
                    stream.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path


def upload_directory() -> Path:
    """The private directory uploads wait in (mode 0700), created on first use."""
    directory = Path(settings.LEG_IMPORT_UPLOAD_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    return directory
