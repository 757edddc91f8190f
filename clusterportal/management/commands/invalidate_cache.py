"""``manage.py invalidate_cache``: make every cached page and figure stale at once."""

from django.core.management.base import BaseCommand, CommandError

from core import cache as portal_cache


class Command(BaseCommand):
    help = (
        "Erneuert alle gespeicherten Seiten und Kennzahlen (z. B. nach einem Import, der den "
        "Cache nicht erreichte)."
    )

    def handle(self, *args, **options):
        lost = portal_cache.lost_invalidations()
        portal_cache.invalidate()
        if portal_cache.lost_invalidations() != lost:
            raise CommandError("Der Cache ist nicht erreichbar; nichts wurde erneuert.")
        self.stdout.write("Alle gespeicherten Seiten und Kennzahlen sind erneuert.")
