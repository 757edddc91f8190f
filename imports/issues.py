"""Errors and warnings of an import, each tied to a spreadsheet row and column."""

from dataclasses import asdict, dataclass

from .choices import Severity


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
    """Issues in the order found; ``error_count`` is kept so a per-row check costs nothing."""

    error_count = 0

    def error(self, row, column, value, message):
        self.error_count += 1
        self.append(Issue(row, column, _shown(value), message, Severity.ERROR))

    def warning(self, row, column, value, message):
        self.append(Issue(row, column, _shown(value), message, Severity.WARNING))

    @property
    def errors(self):
        return [issue for issue in self if issue.severity == Severity.ERROR]

    @property
    def warnings(self):
        return [issue for issue in self if issue.severity == Severity.WARNING]


def _shown(value) -> str:
    return "" if value is None else str(value)
