"""The back office's groups get the permissions of the contact and corrections apps.

ThCM-Redaktion: decides every correction, marks profiles reviewed, reads enquiries, blocks
senders, keeps networks' contact addresses, sees and requeues mail.
Netzwerkmanagement: decides the corrections of its own networks' profiles, marks them
reviewed, keeps their contact addresses (the scoping is the admins' own).
Lesezugriff: sees all of it, changes nothing.

Written out, not imported, so the migration keeps meaning what it meant when written.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "ThCM-Redaktion"
NETWORK_MANAGERS = "Netzwerkmanagement"
READERS = "Lesezugriff"

GROUPS = {
    EDITORS: [
        ("corrections", "view_correctionproposal"),
        ("corrections", "change_correctionproposal"),
        ("corrections", "view_profilereview"),
        ("corrections", "add_profilereview"),
        ("contact", "view_enquiry"),
        ("contact", "view_blockedsender"),
        ("contact", "add_blockedsender"),
        ("contact", "change_blockedsender"),
        ("contact", "delete_blockedsender"),
        ("contact", "view_networkcontact"),
        ("contact", "add_networkcontact"),
        ("contact", "change_networkcontact"),
        ("contact", "delete_networkcontact"),
        ("post_office", "view_email"),
        ("post_office", "change_email"),
    ],
    NETWORK_MANAGERS: [
        ("corrections", "view_correctionproposal"),
        ("corrections", "change_correctionproposal"),
        ("corrections", "view_profilereview"),
        ("corrections", "add_profilereview"),
        ("contact", "view_networkcontact"),
        ("contact", "add_networkcontact"),
        ("contact", "change_networkcontact"),
    ],
    READERS: [
        ("corrections", "view_correctionproposal"),
        ("corrections", "view_profilereview"),
        ("contact", "view_blockedsender"),
        ("contact", "view_networkcontact"),
        ("post_office", "view_email"),
    ],
}


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_label in ("contact", "corrections", "post_office"):
        create_permissions(
            global_apps.get_app_config(app_label), verbosity=0, using=using, apps=apps
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUPS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(
            *(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
                for app_label, codename in wanted
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    for name, wanted in GROUPS.items():
        group = Group.objects.using(using).filter(name=name).first()
        if group is None:
            continue
        for app_label, codename in wanted:
            group.permissions.remove(
                *Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("clusterportal", "0001_roles"),
        ("contact", "0001_initial"),
        ("corrections", "0001_initial"),
        ("post_office", "0014_alter_email_recipient_delivery_status_and_more"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
