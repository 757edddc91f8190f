"""The whole member directory as a file, written once per data version and served from disk.

An export of every organisation costs a minute for XLSX; built per request, a handful of
parallel downloads would tie up every worker. So the full file (per format and language) is
written on demand the first time it is asked for after the data changed, then served as it is
from ``settings.PORTAL_EXPORT_DIR`` until the next change:

- Its name carries the day (current memberships depend on the date) and the version of the
  versioned cache (``core.cache``), which every change of the data bumps.
- One process writes it, under an exclusive non-blocking lock; meanwhile every other request
  gets the previous file if there is one (a few seconds old data rather than a queue of
  workers), else ``FileBeingWritten`` (the view answers 503 with Retry-After).
- With the cache out of reach the version is unknown: the newest file there is is served (it
  is at most as old as the last change the cache saw); only without any file is one written.

Older files are removed once a newer one is complete. Writes go to a temporary name first and
are renamed into place, so a reader never sees a half-written file.
"""

import fcntl
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from core import cache as portal_cache

from . import exports

FORMATS = ("csv", "xlsx")


class FileBeingWritten(Exception):
    """The full file is being written by another request and no older one exists."""


def directory() -> Path:
    path = Path(settings.PORTAL_EXPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _prefix(fmt: str) -> str:
    return f"mitglieder-alle-{translation.get_language() or 'de'}-"


def _files(fmt: str) -> list[Path]:
    """The complete full files of ``fmt`` in the active language, newest first."""
    found = directory().glob(f"{_prefix(fmt)}*.{fmt}")
    return sorted(found, key=lambda path: path.stat().st_mtime, reverse=True)


def full_file(fmt: str, *, records, portal: str) -> Path:
    """The path of the current full file of ``fmt``; writes it if the data changed since.

    ``records`` gives the queryset of every public organisation (called only when writing),
    ``portal`` the portal's address for the links in the rows.
    """
    version = portal_cache.current_version()
    existing = _files(fmt)
    if not version and existing:
        return existing[0]
    name = f"{_prefix(fmt)}{timezone.localdate().isoformat()}-{version}.{fmt}"
    path = directory() / name
    if path.exists():
        return path
    with open(directory() / f".{_prefix(fmt)}{fmt}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if existing:
                return existing[0]
            raise FileBeingWritten from None
        if not path.exists():  # another process may have finished it meanwhile
            _write(fmt, path, records(), portal)
            for old in existing:
                if old != path:
                    old.unlink(missing_ok=True)
    return path


def _write(fmt: str, path: Path, queryset, portal: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".writing-", suffix=f".{fmt}")
    try:
        with os.fdopen(handle, "wb") as file:
            exports.write_file(fmt, queryset, portal, file)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
