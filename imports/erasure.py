"""What the imports keep of an organisation that is erased on request (privacy): connected to
``members.signals.organisation_erased`` in ``ImportsConfig.ready``."""

from members.services import ERASED

from .models import ImportRun, ImportRunLink


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


def organisation_erased(sender, *, organisation, secrets, dry_run, **kwargs):
    """Clean the import reports that name the organisation and drop the growth-field links
    runs added to it; the report counts the cleaned runs."""
    cleaned = _cleaned_runs(organisation, secrets, dry_run=dry_run)
    if not dry_run:
        ImportRunLink.objects.filter(organisation_id=organisation.pk).delete()
    return {"bereinigte Importberichte": len(cleaned)}
