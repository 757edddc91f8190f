"""``manage.py delete_organisation LEG_ID_OR_PK [--yes] [--dry-run]``: delete on request.

Deletes an organisation with its memberships and growth-field links and removes it from the
change history, the admin's log and the import reports (``members.services.organisation_erase``).
Without ``--yes`` it asks first; ``--dry-run`` only says what would be deleted.
"""

from django.core.management.base import BaseCommand, CommandError

from members.models import Organisation
from members.services import organisation_erase, organisation_find


class Command(BaseCommand):
    help = (
        "Löscht eine Organisation auf Antrag vollständig: mit Mitgliedschaften, "
        "Wachstumsfeld-Zuordnungen, Änderungshistorie, Einträgen im Verwaltungsprotokoll und "
        "ihren Werten in Importberichten."
    )

    def add_arguments(self, parser):
        parser.add_argument("key", help="LEG-ID (z. B. TH-004711) oder Datenbank-ID")
        parser.add_argument("--yes", action="store_true", help="ohne Rückfrage löschen")
        parser.add_argument(
            "--dry-run", action="store_true", help="nur anzeigen, was gelöscht würde"
        )

    def handle(self, *args, key, yes, dry_run, **options):
        try:
            organisation = organisation_find(key=key)
        except Organisation.DoesNotExist as missing:
            raise CommandError(f"Keine Organisation mit LEG-ID oder ID „{key}“.") from missing
        label = organisation.name + (f" ({organisation.leg_id})" if organisation.leg_id else "")
        if not dry_run and not yes:
            answer = input(f"„{label}“ und alle Spuren davon endgültig löschen? [j/N] ")
            if answer.strip().lower() not in ("j", "ja", "y", "yes"):
                raise CommandError("Abgebrochen; es wurde nichts gelöscht.")
        report = organisation_erase(organisation=organisation, dry_run=dry_run)
        verb = "würde gelöscht" if dry_run else "gelöscht"
        self.stdout.write(f"Organisation „{label}“ {verb}:")
        lines = [
            ("Mitgliedschaften", report.memberships),
            ("Wachstumsfeld-Zuordnungen", report.growth_field_links),
            ("Einträge der Änderungshistorie (Organisation)", report.organisation_history),
            ("Einträge der Änderungshistorie (Mitgliedschaften)", report.membership_history),
            ("Einträge im Verwaltungsprotokoll", report.log_entries),
            *report.elsewhere.items(),
        ]
        for text, count in lines:
            self.stdout.write(f"  {text}: {count}")
        if dry_run:
            self.stdout.write("Probelauf: nichts wurde gelöscht.")
        else:
            self.stdout.write(self.style.SUCCESS("Gelöscht; der Seiten-Cache wurde geleert."))
