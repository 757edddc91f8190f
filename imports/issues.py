"""Errors and warnings of an import, each tied to a spreadsheet row and column.

The report is bounded whatever the file: of each kind of issue (severity and column) the first
``MAX_PER_KIND`` are kept, at most ``MAX_KEPT`` in all; the rest are only counted. So a cell
naming 65,000 unknown networks, or a file of a million bad cells, gives totals per kind and
the first issues of each, never a million objects in memory or a report too large to store.
"""

from dataclasses import asdict, dataclass

from .choices import Severity

MAX_PER_KIND = 1000
MAX_KEPT = 10_000
MAX_VALUE_LENGTH = 200  # characters of a cell shown in the report


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    value: str
    message: str
    severity: str = Severity.ERROR

    def __str__(self):
        return f"row {self.row}, column {self.column}: '{self.value}': {self.message}"

    def as_dict(self):
        return asdict(self)


class IssueList(list):
    """The kept issues in the order found; ``error_count`` and ``warning_count`` count all of
    them, kept or not (a per-row check costs nothing), ``totals`` counts them per kind."""

    def __init__(self, *, per_kind=MAX_PER_KIND, kept=MAX_KEPT):
        super().__init__()
        self.per_kind, self.max_kept = per_kind, kept
        self.error_count = self.warning_count = self.admitted = 0
        self.totals = {}  # (severity, column) -> number of issues

    def admit(self, severity, column) -> bool:
        """Count an issue; True if it is to be kept (``keep``), False if only counted."""
        if severity == Severity.ERROR:
            self.error_count += 1
        else:
            self.warning_count += 1
        kind = (severity, column)
        count = self.totals[kind] = self.totals.get(kind, 0) + 1
        if count > self.per_kind or self.admitted >= self.max_kept:
            return False
        self.admitted += 1
        return True

    def keep(self, row, column, value, message, severity):
        """Keep an issue ``admit`` let through."""
        self.append(Issue(row, column, _shown(value), message, severity))

    def error(self, row, column, value, message):
        if self.admit(Severity.ERROR, column):
            self.keep(row, column, value, message, Severity.ERROR)

    def warning(self, row, column, value, message):
        if self.admit(Severity.WARNING, column):
            self.keep(row, column, value, message, Severity.WARNING)

    @property
    def truncated(self) -> bool:
        return self.error_count + self.warning_count > len(self)

    def summary(self) -> list[dict]:
        """Totals per kind, errors first: [{severity, column, count, kept}]."""
        kept = {}
        for issue in self:
            kind = (issue.severity, issue.column)
            kept[kind] = kept.get(kind, 0) + 1
        return [
            {"severity": severity, "column": column, "count": count, "kept": kept.get(kind, 0)}
            for kind, count in sorted(
                self.totals.items(), key=lambda item: (item[0][0] != Severity.ERROR, -item[1])
            )
            for severity, column in [kind]
        ]

    @property
    def errors(self):
        return [issue for issue in self if issue.severity == Severity.ERROR]

    @property
    def warnings(self):
        return [issue for issue in self if issue.severity == Severity.WARNING]


def _shown(value) -> str:
    text = "" if value is None else str(value)
    if len(text) > MAX_VALUE_LENGTH:
        return text[:MAX_VALUE_LENGTH] + "…"
    return text
