"""Writes on organisations that span models.

``organisation_erase`` deletes an organisation on request (privacy): the organisation, its
memberships and growth-field links, and every trace of it in the change history, the admin's
log and what other apps keep of it (the import reports, through
``members.signals.organisation_erased``), so that no table names it afterwards.
"""

from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from core import cache as portal_cache

from .models import Organisation
from .signals import organisation_erased

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
    # What other apps removed (members.signals.organisation_erased): label -> count.
    elsewhere: dict = field(default_factory=dict)


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


@transaction.atomic
def organisation_erase(*, organisation: Organisation, dry_run: bool = False) -> ErasureReport:
    """Delete the organisation and every trace of it (see the module's docstring).

    With ``dry_run`` nothing is written; the report says what would be deleted.
    """
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
    # Longest first, so a name is replaced whole before a part of it could be.
    secrets = sorted(secrets, key=len, reverse=True)
    for _receiver, removed in organisation_erased.send(
        sender=Organisation, organisation=organisation, secrets=secrets, dry_run=dry_run
    ):
        report.elsewhere.update(removed)
    if dry_run:
        report.organisation_history = organisation_history.count()
        report.membership_history = membership_history.count()
        report.log_entries = log_entries.count()
        return report

    organisation.growth_fields.clear()
    # Deleting writes "deleted" history entries (signals); they go with all the others below.
    organisation.delete()
    report.organisation_history = organisation_history.delete()[0]
    report.membership_history = membership_history.delete()[0]
    report.log_entries = log_entries.delete()[0]
    portal_cache.invalidate()
    transaction.on_commit(portal_cache.invalidate)
    return report
