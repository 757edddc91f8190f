"""The file formats of the back office's import and export buttons (django-import-export).

``settings.IMPORT_EXPORT_FORMATS`` names these two and nothing else: CSV and XLSX, the formats
the agency works with. Both are django-import-export's own formats with two additions:

- Export: every cell (and every column header) goes through ``core.csvsafe.neutralise``,
  so a name like ``=1+1`` is written as ``'=1+1`` and no spreadsheet program runs it. Numbers
  (XLSX keeps them as number cells) and text that is only a number (``-5``, ``-1234,5``, the
  German CSV rendering) are left alone.
- Import: every cell goes through ``core.csvsafe.unneutralise``, which undoes exactly
  that escaping, so an exported file re-imports to the same values (and reports its rows as
  unchanged) instead of storing ``'=1+1`` or, on the next round, ``''=1+1``.

XLSX uploads are checked as archives first (size when unpacked, encryption, a workbook inside)
with the LEG import's limits, so a zip bomb is refused before openpyxl unpacks anything.
XLSX exports replace the control characters an XLSX file cannot hold with U+FFFD instead of
failing.
"""

import tablib
from import_export.formats import base_formats

from .csvsafe import neutralise, unneutralise, xlsx_value
from .xlsx import check_xlsx_archive


def _mapped(dataset: tablib.Dataset, function) -> tablib.Dataset:
    """A copy of ``dataset`` with ``function`` applied to every cell and header."""
    headers = [function(header) for header in dataset.headers] if dataset.headers else None
    mapped = tablib.Dataset(headers=headers, title=dataset.title)
    for row in dataset:
        mapped.append([function(value) for value in row])
    return mapped


def neutralised_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of ``dataset`` in which no text cell starts a formula."""
    return _mapped(dataset, neutralise)


def unneutralised_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of ``dataset`` with our own formula escaping removed."""
    return _mapped(dataset, unneutralise)


class SafeCSV(base_formats.CSV):
    """CSV whose export never starts a formula and whose import undoes that escaping."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(neutralised_dataset(dataset), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        return unneutralised_dataset(super().create_dataset(in_stream, **kwargs))


class SafeXLSX(base_formats.XLSX):
    """XLSX whose export never starts a formula and whose import undoes that escaping."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(_mapped(dataset, xlsx_value), **kwargs)

    def create_dataset(self, in_stream):
        import io

        from django.conf import settings

        check_xlsx_archive(
            io.BytesIO(in_stream),
            max_uncompressed_bytes=settings.LEG_IMPORT_MAX_UNCOMPRESSED_BYTES,
        )
        return unneutralised_dataset(super().create_dataset(in_stream))


# django-import-export writes typed cells (numbers, dates) only for the formats it lists in
# BINARY_FORMATS, and it compares the exact class (``type(format) in BINARY_FORMATS``).
if SafeXLSX not in base_formats.BINARY_FORMATS:
    base_formats.BINARY_FORMATS.append(SafeXLSX)
