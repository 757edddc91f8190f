"""Load the ThCM reference data (fixtures/reference/*.yaml) without ever overwriting edits.

The fixtures use natural keys (slugs), so an object that already exists is recognised and left
alone: loading twice changes nothing, and what staff changed in the back office stays changed.
``manage.py loaddata`` on the same files would instead reset every object to the fixture.
"""

from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from simple_history.utils import get_history_manager_for_model


def reference_files():
    return sorted(Path(settings.FIXTURE_DIRS[0], "reference").glob("*.yaml"))


@transaction.atomic
def reference_data_load():
    """Insert every reference object that is missing; return (created, existing) counts."""
    created, existing = defaultdict(list), 0
    for path in reference_files():
        with path.open(encoding="utf-8") as stream:
            for deserialized in serializers.deserialize("yaml", stream):
                if deserialized.object.pk is not None:
                    existing += 1
                    continue
                deserialized.save()
                created[type(deserialized.object)].append(deserialized.object)
    for model, objects in created.items():
        if hasattr(model, "history"):
            get_history_manager_for_model(model).bulk_history_create(
                objects, default_change_reason="Referenzdaten geladen"
            )
    return sum(len(objects) for objects in created.values()), existing


class Command(BaseCommand):
    help = (
        "Lädt die Referenzdaten des ThCM (Wachstumsfelder, Kennzahlen, Netzwerke). "
        "Ergänzt nur, was fehlt; vorhandene Einträge bleiben unverändert."
    )

    def handle(self, *args, **options):
        if not reference_files():
            raise CommandError("Keine Referenzdaten gefunden (fixtures/reference/*.yaml).")
        created, existing = reference_data_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Referenzdaten: {created} Einträge angelegt, {existing} bereits vorhanden."
            )
        )
