"""The back office's groups get the events' permissions (as clusterportal/0001_roles did for
the other models; that migration stays as it was).

ThCM-Redaktion: adds, changes, cancels, deletes and imports every event.
Netzwerkmanagement: the same, for events its networks organise (scoping in events.admin).
Lesezugriff: reads.

Permissions are normally created after ``migrate``, too late here, so they are created first.
Runs again without harm; reversible (the permissions are taken from the groups again).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDIT = [
    ("events", "add_event"),
    ("events", "change_event"),
    ("events", "delete_event"),
    ("events", "view_event"),
    ("events", "import_event"),
]
GROUPS = {
    "ThCM-Redaktion": EDIT,
    "Netzwerkmanagement": EDIT,
    "Lesezugriff": [("events", "view_event")],
}


def _permissions(apps, using, wanted):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in wanted
    ]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("events"), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    for name, wanted in GROUPS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*_permissions(apps, using, wanted))


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for name, wanted in GROUPS.items():
        group = Group.objects.using(using).filter(name=name).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, using, wanted))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("clusterportal", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
