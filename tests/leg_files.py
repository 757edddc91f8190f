"""LEG company sheets for the tests: the headers of the LEG export and its CSV dialect
(';', '"' quotes, CRLF, UTF-8 with BOM)."""

import csv
from io import StringIO

HEADERS = [
    "LEG-ID", "Name", "Rechtsform", "Art", "Straße", "PLZ", "Ort", "Landkreis", "Telefon",
    "E-Mail", "Website", "Gründungsjahr", "Beschäftigte", "Umsatz Mio EUR", "Exportquote %",
    "WZ 2008", "Wachstumsfelder", "Netzwerke", "Schlagworte", "Stand",
]  # fmt: skip


def csv_text(rows, headers=HEADERS):
    """Rows (dicts keyed by header; a missing header is an empty cell) as LEG CSV text."""
    stream = StringIO()
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return stream.getvalue()


def write_csv(path, rows, headers=HEADERS, encoding="utf-8-sig"):
    """Rows as a LEG CSV file at ``path`` (UTF-8 with BOM unless ``encoding`` says otherwise)."""
    path.write_text(csv_text(rows, headers), encoding=encoding, newline="")
    return path
