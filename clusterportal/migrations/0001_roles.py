"""The back office's three groups and their permissions.

Permissions are normally created after ``migrate`` (post_migrate), too late for this
migration, so it creates them first. It can run again without harm (it only adds what is
missing) and is reversible (the groups are removed; the permissions stay, as Django keeps
them).

ThCM-Redaktion: edits everything, imports and exports everything, LEG import.
Netzwerkmanagement: sees everything but only its own networks (``Network.managers``); edits
their profile, declared member counts and memberships, imports and exports those.
Lesezugriff: sees and exports everything, changes nothing.

The lists are written out here, not imported from the code, so that the migration keeps
meaning what it meant when it was written.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "ThCM-Redaktion"
NETWORK_MANAGERS = "Netzwerkmanagement"
READERS = "Lesezugriff"

MODELS = {
    "growthfields": ("source", "growthfield", "growthfieldalias", "keyfigure"),
    "networks": (
        "network",
        "networkalias",
        "networkgrowthfield",
        "declaredmembercount",
        "membership",
    ),
    "members": ("organisation",),
}
IMPORT_EXPORT_MODELS = (
    ("growthfields", "source"),
    ("growthfields", "growthfield"),
    ("growthfields", "keyfigure"),
    ("networks", "network"),
    ("networks", "declaredmembercount"),
    ("networks", "membership"),
    ("members", "organisation"),
)


def _every(actions):
    return [
        (app_label, f"{action}_{model}")
        for app_label, models in MODELS.items()
        for model in models
        for action in actions
    ]


def _import_export(actions, models=IMPORT_EXPORT_MODELS):
    return [(app_label, f"{action}_{model}") for app_label, model in models for action in actions]


ALL_NETWORKS = [("networks", "access_all_networks")]
NETWORK_ROWS = (("networks", "declaredmembercount"), ("networks", "membership"))

GROUPS = {
    EDITORS: [
        *_every(("add", "change", "delete", "view")),
        *_import_export(("import", "export")),
        *ALL_NETWORKS,
        ("imports", "add_importrun"),
        ("imports", "view_importrun"),
    ],
    NETWORK_MANAGERS: [
        *_every(("view",)),
        ("networks", "change_network"),
        *_import_export(("add", "change", "delete", "import", "export"), NETWORK_ROWS),
        ("networks", "export_network"),
    ],
    READERS: [
        *_every(("view",)),
        *_import_export(("export",)),
        *ALL_NETWORKS,
        ("imports", "view_importrun"),
    ],
}


def create_groups(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_label in ("growthfields", "networks", "members", "imports"):
        create_permissions(
            global_apps.get_app_config(app_label), verbosity=0, using=using, apps=apps
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUPS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        permissions = []
        for app_label, codename in wanted:
            permissions.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("growthfields", "0002_import_export_permissions"),
        ("members", "0005_import_export_permissions"),
        ("networks", "0003_import_export_permissions"),
        ("imports", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
