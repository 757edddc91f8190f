"""``manage.py purge_contact_messages [--days N]``: delete what the contact form keeps.

Deletes the enquiries older than ``CONTACT_RETENTION_DAYS`` (default 30) days and every queued,
sent or failed mail of that age (django-post-office's queue, which holds the messages and
addresses too). Run it daily (docs/operations-mail.md).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from contact.services import contact_messages_purge


class Command(BaseCommand):
    help = (
        "Löscht Kontaktanfragen und E-Mails, die älter sind als CONTACT_RETENTION_DAYS Tage "
        "(Voreinstellung 30)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Aufbewahrungsfrist in Tagen (statt der Einstellung)",
        )

    def handle(self, *args, days, **options):
        days = settings.CONTACT_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("Die Aufbewahrungsfrist muss mindestens einen Tag betragen.")
        enquiries, mails = contact_messages_purge(days=days)
        self.stdout.write(
            f"{enquiries} Kontaktanfragen und {mails} E-Mails gelöscht, die älter als {days} Tage waren."
        )
