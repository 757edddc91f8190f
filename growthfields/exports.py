"""The comparison's downloads: each view ("aktueller Stand", "wie veröffentlicht") as tables of
plain rows (key figures, networks, sources) that the views write as CSV (one table per file,
``?tabelle=``) or XLSX (one sheet per table).

Dates are written as precise as they are known ("2012-09", "2011", "" for "ohne Datum" with the
text beside it); "keine Angaben" and every note are written out, never left as an empty cell.

Interim writer: the portal's one CSV/XLSX writer (``spreadsheets``, branch w-rules) is not
merged yet; ``csv_response``/``xlsx_response`` below take the same (header, rows) and should be
replaced by it when it is.
"""

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.api import license_link
from core.csvsafe import neutralise, xlsx_value
from networks import selectors as network_selectors

from . import selectors
from .choices import Metric

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    key: str  # the ?tabelle= value
    title: str  # the sheet's name
    header: list
    rows: list


def _number(value):
    return None if value is None else value.normalize()


def _cell_note(cell):
    notes = []
    if cell.mixed:
        notes.append(cell.mixed_note)
    if cell.newer_without_value is not None:
        notes.append(
            _("neuere Quelle (%(date)s, %(source)s): keine Angaben")
            % {
                "date": cell.newer_without_value.reference_display,
                "source": cell.newer_without_value.source.title,
            }
        )
    for text, footnote in cell.alternatives:
        notes.append(
            _("laut %(source)s: %(value)s") % {"source": footnote.source.title, "value": text}
        )
    if cell.figure is not None and cell.figure.note:
        notes.append(cell.figure.note)
    return "; ".join(notes)


def current_key_figures(table):
    header = [_("Wachstumsfeld"), _("Teil von")]
    for key in Metric.values:
        label = str(Metric(key).label)
        header += [
            label,
            _("%(label)s: wie angezeigt") % {"label": label},
            _("%(label)s: Stand") % {"label": label},
            _("%(label)s: Abgrenzung") % {"label": label},
            _("%(label)s: Quelle") % {"label": label},
            _("%(label)s: Hinweis") % {"label": label},
        ]
    rows = []
    for row, parent in table.rows_with_parent():
        line = [row.field.display_name, parent.field.display_name if parent else ""]
        for key in Metric.values:
            cell = row.cells[key]
            figure = cell.figure
            line += [
                _number(cell.value),
                cell.text,
                figure.reference_iso if figure else "",
                cell.scope_note,
                str(figure.source) if figure else "",
                _cell_note(cell),
            ]
        rows.append(line)
    total_line = [_("Summe der vergleichbaren Werte"), ""]
    for key in Metric.values:
        total = table.totals.get(key)
        if total is None:
            total_line += [None, _("nicht summierbar"), "", "", "", ""]
            continue
        left_out = (
            (_("ohne %(list)s") % {"list": "; ".join(total.left_out)}) if total.left_out else ""
        )
        total_line += [
            _number(total.cell.value),
            total.cell.text,
            table.column_dates.get(key, ""),
            "",
            "",
            left_out,
        ]
    rows.append(total_line)
    return Table("kennzahlen", _("Kennzahlen"), header, rows)


def current_networks():
    networks = list(network_selectors.networks_in_brochure_order())
    header = [
        _("Netzwerk"),
        _("Wachstumsfeld"),
        _("Mitglieder/Partner"),
        _("darunter Unternehmen"),
        _("Stand"),
        _("Quelle"),
        _("Hinweis"),
    ]
    rows = []
    for item in network_selectors.declared_vs_counted(networks):
        declared = item.declared
        if declared is None:
            rows.append(
                [item.network.name, item.growth_field_name, None, None, "", "", _("keine Angaben")]
            )
            continue
        counts = [declared, *item.others]
        for count in counts:
            notes = [count.note] if count.note else []
            if item.date_differs:
                notes.append(_("anderer Stichtag"))
            if item.others:
                notes.append(_("Die Quellen weichen voneinander ab."))
            rows.append(
                [
                    item.network.name,
                    item.growth_field_name,
                    count.total,
                    count.companies if count.companies is not None else _("keine Angaben"),
                    count.reference_iso,
                    count.source.title,
                    "; ".join(notes),
                ]
            )
    return Table("netzwerke", _("Netzwerke"), header, rows)


def current_sources(table):
    header = [
        _("Nr."),
        _("Quelle"),
        _("Herausgeber"),
        _("Stand der Quelle"),
        _("Stichtag der Werte"),
        _("Hinweis"),
    ]
    rows = [
        [
            note.number,
            note.source.title,
            note.source.publisher,
            note.source.reference_iso or note.source.reference_display,
            note.reference_display,
            note.source.note,
        ]
        for note in table.footnotes
    ]
    return Table("quellen", _("Quellen"), header, rows)


def current_tables():
    table = selectors.comparison_table()
    return [current_key_figures(table), current_networks(), current_sources(table)]


def published_tables(published):
    edition = published.edition
    printed_header = [cell.text for cell in published.header]
    header = [_("Zeile"), _("Wachstumsfeld")]
    for text in printed_header or ["" for _column in range(7)]:
        header += [text, _("%(column)s: Fußnote") % {"column": text}]
    rows = []
    for row in published.rows:
        label = f"{_('darunter')} {row.label}" if row.is_part else row.label
        line = [label, row.growth_field.display_name if row.growth_field else ""]
        for cell in row.cells:
            line += [cell.text, cell.footnote.number if cell.footnote else None]
        rows.append(line)
    figures = Table("kennzahlen", _("Kennzahlen"), header, rows)
    networks = Table(
        "netzwerke",
        _("Netzwerke"),
        [
            _("Netzwerk"),
            _("Mitglieder/Partner"),
            _("darunter Unternehmen"),
            _("Stand"),
            _("Quelle"),
            _("Hinweis"),
        ],
        [
            [
                count.network.name,
                count.total,
                count.companies if count.companies is not None else _("keine Angaben"),
                count.reference_iso,
                count.source.title,
                count.note,
            ]
            for count in published.member_counts
        ],
    )
    sources = Table(
        "quellen",
        _("Quellen"),
        [_("Ausgabe"), _("Erschienen"), _("Fußnote"), _("Wortlaut")],
        [
            [
                edition.title,
                edition.published_iso or edition.published_display,
                note.number,
                note.text,
            ]
            for note in published.footnotes
        ]
        or [[edition.title, edition.published_iso or edition.published_display, None, ""]],
    )
    return [figures, networks, sources]


# --- Interim writer -----------------------------------------------------------------------------


def _csv_text(value):
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "normalize"):
        return format(value, "f").replace(".", ",")
    return neutralise(str(value))


def csv_response(table, *, filename):
    """One table as CSV for German spreadsheets: UTF-8 with BOM, ";", CRLF."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_text(value) for value in table.header])
    for row in table.rows:
        writer.writerow([_csv_text(value) for value in row])
    response = HttpResponse(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = license_link()
    return response


def xlsx_response(tables, *, filename, title):
    """The tables as one XLSX workbook, a sheet each, numbers as number cells."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])
        header = []
        for label in table.header:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(sheet, value=xlsx_value(str(label)))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([xlsx_value(value) for value in row])
    stream = io.BytesIO()
    workbook.save(stream)
    response = HttpResponse(stream.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = license_link()
    return response
