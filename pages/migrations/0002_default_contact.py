"""The portal's contact row with its defaults (LEG Thüringen as operator), marked as not yet
checked: staff confirm or correct the details in the back office."""

import datetime

from django.db import migrations

STATEMENT_DATE = datetime.date(2026, 12, 3)


def create_contact(apps, schema_editor):
    PortalContact = apps.get_model("pages", "PortalContact")
    PortalContact.objects.get_or_create(
        pk=1, defaults={"accessibility_statement_date": STATEMENT_DATE}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_contact, migrations.RunPython.noop),
    ]
