"""The plan of an import and its preview: what a file would change, before anything is written.

``leg_import_plan`` reads and checks the file (``imports.leg``, ``imports.keyfigures``) and
compares it with the database (``imports.companies``, ``imports.keyfigures``); the
``ImportPlan`` it returns says what the import would write, gives a fingerprint of it (a preview
is confirmed only if the plan is still the same) and the first changes for the preview page.
"""

import hashlib
import heapq
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from growthfields.models import GrowthField
from networks.models import Network

from . import digest, keyfigures
from .companies import CompanyPlan, plan_companies
from .issues import IssueList
from .leg import FIELDS, clean_company_rows
from .reading import open_spreadsheet

CHANGE_SAMPLE_SIZE = 200


def _noop(stage, done=0, total=None):
    pass


@dataclass
class ImportPlan:
    file_name: str
    sha256: str
    size: int
    issues: IssueList
    rows: int = 0
    company: CompanyPlan | None = None
    key_figures: keyfigures.KeyFigurePlan | None = None
    digests: digest.RowSkipper | None = None  # rows skipped unseen, digests to keep

    @property
    def refused(self):
        return self.issues.error_count > 0

    def fingerprint(self) -> str:
        """A digest of every change the plan would write; equal plans write equal data."""
        digest = hashlib.sha256(self.sha256.encode())
        if self.company:
            for record in self.company.created:
                digest.update(_canonical(("+", record.leg_id, record.values)))
            for record, pk, changes in self.company.updated:
                digest.update(_canonical(("~", record.leg_id, pk, changes)))
            digest.update(_canonical(sorted(self.company.new_links)))
            digest.update(_canonical(sorted(self.company.new_memberships)))
        if self.key_figures:
            for record in self.key_figures.created:
                digest.update(_canonical(("+kf", record.__dict__)))
            for _record, pk, changes in self.key_figures.updated:
                digest.update(_canonical(("~kf", pk, changes)))
        return digest.hexdigest()

    def change_samples(self, limit=CHANGE_SAMPLE_SIZE):
        """The first changes in file order, as old → new per field, for the preview."""
        if not self.company:
            return []
        first = _first_changes(self.company, limit)
        links = _links_by_leg_id(self.company)
        names = _link_names() if first else {}
        return [_sample(row, record, changes, links, names) for row, record, changes in first]


def _first_changes(company: CompanyPlan, limit):
    """``(row, record, changes)`` of the first created and updated rows in file order
    (``changes`` None for a new row). Both lists are in file order: merging them lazily
    costs only the rows shown."""
    return list(
        itertools.islice(
            heapq.merge(
                ((record.row, record, None) for record in company.created),
                ((record.row, record, changes) for record, _pk, changes in company.updated),
                key=lambda item: item[0],
            ),
            limit,
        )
    )


def _links_by_leg_id(company: CompanyPlan):
    links = defaultdict(list)
    for leg_id, pk in company.new_links:
        links[leg_id].append(("growth_field", pk))
    for leg_id, pk in company.new_memberships:
        links[leg_id].append(("network", pk))
    return links


def _sample(row, record, changes, links, names):
    if changes is None:
        fields = [
            (name, "", _shown(value))
            for name, value in zip(FIELDS, record.values, strict=True)
            if value not in ("", None, False)
        ]
    else:
        fields = [(name, _shown(old), _shown(new)) for name, (old, new) in changes.items()]
    fields += [(kind, "", names[kind].get(pk, pk)) for kind, pk in links[record.leg_id]]
    action = "neu" if changes is None else "geändert"
    return {"row": row, "leg_id": record.leg_id, "action": action, "fields": fields}


def _canonical(value) -> bytes:
    return json.dumps(value, default=str, sort_keys=True, ensure_ascii=False).encode()


def _shown(value):
    return "" if value is None else str(value)


def _link_names():
    return {
        "growth_field": dict(GrowthField.objects.values_list("pk", "name")),
        "network": dict(Network.objects.values_list("pk", "name")),
    }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sheets(spreadsheet):
    """(company sheet, key-figure sheet) of a spreadsheet, either None."""
    company_sheet = key_figure_sheet = None
    for sheet in spreadsheet.sheets:
        if keyfigures.is_key_figure_sheet(sheet.headers):
            key_figure_sheet = sheet
        elif company_sheet is None:
            company_sheet = sheet
    return company_sheet, key_figure_sheet


def leg_import_plan(
    *, path: Path, file_name: str = "", progress=_noop, max_bytes=None
) -> ImportPlan:
    """Read and check the file and compare it with the database. Writes nothing."""
    path = Path(path)
    file_name = file_name or path.name
    progress("Datei lesen")
    # Limits first: a file refused for its size is not read in full to be hashed.
    spreadsheet = open_spreadsheet(path, file_name=file_name, max_bytes=max_bytes)
    issues = IssueList()
    plan = ImportPlan(
        file_name=file_name, sha256=file_sha256(path), size=path.stat().st_size, issues=issues
    )
    for note in spreadsheet.notes:
        issues.warning(1, "", file_name, note)
    growth_field_index = GrowthField.objects.name_index()
    company_sheet, key_figure_sheet = _sheets(spreadsheet)
    if company_sheet is not None:
        network_index = Network.objects.name_index()
        if digest.enabled():
            plan.digests = digest.RowSkipper.for_import(growth_field_index, network_index)
        records, plan.rows = clean_company_rows(
            company_sheet,
            growth_field_index,
            network_index,
            issues,
            progress=lambda done: progress("Zeilen prüfen", done),
            skip=plan.digests,
        )
        if not plan.refused:
            progress("Mit der Datenbank vergleichen")
            plan.company = plan_companies(
                records, unseen=plan.digests.unseen if plan.digests else 0
            )
    if key_figure_sheet is not None:
        records, rows = keyfigures.clean_key_figure_rows(
            key_figure_sheet, growth_field_index, issues
        )
        plan.rows += rows
        if not plan.refused:
            plan.key_figures = keyfigures.plan_key_figures(records, issues)
    if plan.rows == 0 and not plan.refused:
        issues.error(1, "", "", NO_DATA_ROWS)
        plan.company = plan.key_figures = None
    return plan


NO_DATA_ROWS = "Die Datei enthält keine Datenzeilen, nur die Kopfzeile; es wurde nichts importiert."
