"""Where the back office's import buttons keep an upload between preview and confirm.

django-import-export stores every uploaded file until staff confirm the preview, and only then
deletes it; a preview that is never confirmed (closed tab, errors in the file) leaves its file
behind. Its default storage puts the files into the system's temporary directory. This one
(``settings.IMPORT_EXPORT_TMP_STORAGE_CLASS``) keeps them private, next to the LEG uploads:

- in ``<LEG_IMPORT_UPLOAD_DIR>/import-export/`` (mode 0700, never below MEDIA_ROOT, so never
  served), each file with mode 0600 under a random name of 32 hex digits;
- the name travels in the confirm form, so a name that is not one of ours (a path, ``..``) is
  refused as a suspicious operation (400) instead of being opened;
- ``manage.py cleanup_import_uploads`` deletes files older than ``--older-than`` hours; a
  preview confirmed after that gets a bad request (400), and nothing is imported.
"""

import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousFileOperation
from import_export.tmp_storages import TempFolderStorage

SUBDIRECTORY = "import-export"
STORED_NAME = re.compile(r"[0-9a-f]{32}")  # fullmatch only


def tmp_directory(*, create: bool = True) -> Path:
    """The private directory the admin's import files wait in (mode 0700)."""
    directory = Path(settings.LEG_IMPORT_UPLOAD_DIR) / SUBDIRECTORY
    if create:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        for path in (directory.parent, directory):
            path.chmod(0o700)
    return directory


class PrivateTempFolderStorage(TempFolderStorage):
    """django-import-export's temporary folder storage, private and in our own directory."""

    def save(self, data):
        directory = tmp_directory()
        while True:
            name = secrets.token_hex(16)
            try:
                descriptor = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # pragma: no cover - 128 random bits
                continue
            break
        self.name = name
        try:
            os.fchmod(descriptor, 0o600)  # whatever the umask
            with os.fdopen(descriptor, "wb") as stream:
                if isinstance(data, str):
                    data = data.encode(self.encoding or "utf-8")
                stream.write(data)
        except BaseException:
            (directory / name).unlink(missing_ok=True)
            raise

    def read(self):
        try:
            stream = open(self.get_full_path(), self.read_mode, encoding=self.encoding)  # noqa: SIM115
        except FileNotFoundError:
            # Confirmed after the cleanup removed the abandoned file: a bad request, not a 500.
            raise BadRequest("Die hochgeladene Importdatei ist nicht mehr vorhanden.") from None
        with stream:
            return stream.read()

    def remove(self):
        self.get_full_path().unlink(missing_ok=True)

    def get_full_path(self) -> Path:
        if not isinstance(self.name, str) or not STORED_NAME.fullmatch(self.name):
            raise SuspiciousFileOperation("Unbekannter Name einer Importdatei.")
        return tmp_directory(create=False) / self.name


def abandoned_files(*, older_than_hours: float) -> Iterator[Path]:
    """The stored files last written more than ``older_than_hours`` ago."""
    directory = tmp_directory(create=False)
    if not directory.is_dir():
        return
    cutoff = time.time() - older_than_hours * 3600
    for path in sorted(directory.iterdir()):
        if STORED_NAME.fullmatch(path.name) and path.is_file() and path.stat().st_mtime < cutoff:
            yield path
