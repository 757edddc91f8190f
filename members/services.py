"""Writes on organisations that span models.

``organisation_erase`` deletes an organisation on request (privacy): the organisation, its
memberships and growth-field links, and every trace of it in the change history, the admin's
log and the import reports, so that no table names it afterwards.
"""

from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from clusterportal import cache as portal_cache

from .models import Organisation

ERASED = "[gelöscht]"
# Values identifying an organisation that import reports may repeat (errors, change samples).
IDENTIFYING_FIELDS = ("leg_id", "name", "street", "phone", "email", "website")
MIN_LENGTH = 4  # shorter values ("AG", a postcode fragment) would blank unrelated text


@dataclass
class ErasureReport:
    """What ``organisation_erase`` deleted (or, on a dry run, would delete)."""

    name: str
    leg_id: str | None
    memberships: int = 0
    growth_field_links: int = 0
    organisation_history: int = 0
    membership_history: int = 0
    log_entries: int = 0
    import_runs: list = field(default_factory=list)  # pks of runs whose reports were cleaned


def organisation_find(*, key: str) -> Organisation:
    """An organisation by LEG-ID ("TH-004711", any case) or primary key."""
    key = key.strip()
    if key.isdigit():
        return Organisation.objects.get(pk=int(key))
    return Organisation.objects.get(leg_id=key.upper())


def _identifying_values(organisation, history) -> set[str]:
    values = set()
    for row in [
        {name: getattr(organisation, name) for name in IDENTIFYING_FIELDS},
        *history.values(*IDENTIFYING_FIELDS),
    ]:
        values.update(str(v) for v in row.values() if v and len(str(v)) >= MIN_LENGTH)
    return values


def _scrubbed(value, secrets):
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, ERASED)
        return value
    if isinstance(value, list):
        return [_scrubbed(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, secrets) for key, item in value.items()}
    return value


def _cleaned_runs(organisation, secrets, *, dry_run):
    """Import runs whose reports name the organisation: its change samples are removed, its
    values in errors and warnings replaced by "[gelöscht]"."""
    from imports.models import ImportRun

    # Longest first, so a name is replaced whole before a part of it could be.
    secrets = sorted(secrets, key=len, reverse=True)
    cleaned = []
    runs = ImportRun.objects.only("pk", "report", "changes").order_by("pk")
    for run in runs.iterator(chunk_size=50):
        changes = [
            sample
            for sample in run.changes
            if not (organisation.leg_id and sample.get("leg_id") == organisation.leg_id)
        ]
        changes = _scrubbed(changes, secrets)
        report = _scrubbed(run.report, secrets)
        if changes != run.changes or report != run.report:
            cleaned.append(run.pk)
            if not dry_run:
                run.changes, run.report = changes, report
                run.save(update_fields=["changes", "report"])
    return cleaned


@transaction.atomic
def organisation_erase(*, organisation: Organisation, dry_run: bool = False) -> ErasureReport:
    """Delete the organisation and every trace of it (see the module's docstring).

    With ``dry_run`` nothing is written; the report says what would be deleted.
    """
    from imports.models import ImportRunLink
    from networks.models import Membership

    pk = organisation.pk
    organisation_history = Organisation.history.filter(id=pk)
    membership_history = Membership.history.filter(organisation_id=pk)
    membership_ids = {
        *Membership.objects.filter(organisation_id=pk).values_list("pk", flat=True),
        *membership_history.values_list("id", flat=True),
    }
    log_entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Organisation), object_id=str(pk)
    ) | LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership),
        object_id__in=[str(i) for i in membership_ids],
    )
    secrets = _identifying_values(organisation, organisation_history)
    report = ErasureReport(
        name=organisation.name,
        leg_id=organisation.leg_id,
        memberships=Membership.objects.filter(organisation_id=pk).count(),
        growth_field_links=organisation.growth_fields.count(),
    )
    report.import_runs = _cleaned_runs(organisation, secrets, dry_run=dry_run)
    if dry_run:
        report.organisation_history = organisation_history.count()
        report.membership_history = membership_history.count()
        report.log_entries = log_entries.count()
        return report

    ImportRunLink.objects.filter(organisation_id=pk).delete()
    organisation.growth_fields.clear()
    # Deleting writes "deleted" history entries (signals); they go with all the others below.
    organisation.delete()
    report.organisation_history = organisation_history.delete()[0]
    report.membership_history = membership_history.delete()[0]
    report.log_entries = log_entries.delete()[0]
    portal_cache.invalidate()
    transaction.on_commit(portal_cache.invalidate)
    return report
