"""Checks on an XLSX file before anything in it is unpacked (the LEG import and the back
office's XLSX import share them)."""

import zipfile


class XlsxArchiveError(ValueError):
    """The file cannot be an XLSX workbook we open; the message says why, in German."""


def check_xlsx_archive(source, *, max_uncompressed_bytes: int) -> None:
    """Refuse an XLSX file (a path or a binary file object) by its ZIP directory alone: not an
    archive, no workbook inside, encrypted, or unpacking to more than
    ``max_uncompressed_bytes`` (a zip bomb). Nothing is unpacked here."""
    try:
        archive = zipfile.ZipFile(source)
    except Exception as error:  # BadZipFile, OSError, ValueError, … for broken directories
        raise XlsxArchiveError(
            "Die Excel-Datei ist beschädigt (kein gültiges ZIP-Archiv)."
        ) from error
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise XlsxArchiveError("Die Datei ist ein ZIP-Archiv, aber keine Excel-Arbeitsmappe.")
        if any(info.flag_bits & 0x1 for info in archive.infolist()):
            raise XlsxArchiveError(
                "Die Excel-Datei ist verschlüsselt; bitte ohne Kennwort speichern."
            )
        total = sum(info.file_size for info in archive.infolist())
        limit = max_uncompressed_bytes
        if total > limit:
            raise XlsxArchiveError(
                f"Die Excel-Datei entpackt sich auf {total / 1024 / 1024:.0f} MB; erlaubt sind "
                f"höchstens {limit / 1024 / 1024:.0f} MB. Die Datei wird nicht verarbeitet."
            )
