"""Backup round trip: everything ``dumpdata`` writes comes back identical after ``loaddata``
into an emptied database (the route for moving between SQLite and PostgreSQL; production
backups use ``pg_dump``)."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from imports import services
from members.models import Organisation
from networks.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory
from tests.leg_files import write_csv

from .conftest import company

pytestmark = pytest.mark.django_db

OUR_APPS = ("growthfields", "networks", "members", "imports")
# Users, groups and the admin's log refer to content types and permissions, which ``migrate``
# creates (with ids of its own): they travel as natural keys. Our apps keep their primary keys
# and need none; with natural keys, the history of a deleted organisation (its memberships'
# entries still name it) could not be dumped at all, nor a hand-entered one without LEG-ID.
ACCOUNTS = ("auth.user", "auth.group", "admin.logentry")


def dumped_models():
    models = [
        model
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    models += [User, Group, LogEntry, User.groups.through, User.user_permissions.through]
    models.append(Group.permissions.through)
    return models


def dump() -> tuple[str, str]:
    """The two files of the documented route: accounts (natural keys) and our data (pks).

    YAML, not JSON: Django's JSON encoder cuts times to milliseconds, and the history's
    times (and an import run's) must come back exactly."""
    accounts, data = StringIO(), StringIO()
    call_command("dumpdata", *ACCOUNTS, natural_foreign=True, format="yaml", stdout=accounts)
    call_command("dumpdata", *OUR_APPS, format="yaml", stdout=data)
    return accounts.getvalue(), data.getvalue()


def table_rows(model):
    """The table's rows; link tables of many-to-many fields without their own ids, which
    a dump does not keep (it stores the links as lists)."""
    if model._meta.auto_created:
        columns = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
        return sorted(model.objects.values_list(*columns))
    return list(model.objects.order_by("pk").values())


def empty_the_tables():
    """Every table a backup holds, emptied: the state of a freshly migrated database."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As in a restore's own transaction (the import set them IMMEDIATE in this one).
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for model in dumped_models():
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")


def restore(tmp_path, texts):
    paths = []
    for name, text in zip(("accounts.yaml", "data.yaml"), texts, strict=True):
        paths.append(tmp_path / name)
        paths[-1].write_text(text, encoding="utf-8")
    call_command("loaddata", *map(str, paths), stdout=StringIO())


@pytest.fixture
def portal(reference_data, tmp_path, django_user_model):
    """A portal with a history: reference data, two imports (one with a user), an edit in the
    back office with its log entry, a group with permissions and a staff member in it."""
    editor = django_user_model.objects.create_user("redaktion", "r@example.org", "pw")
    group, _created = Group.objects.get_or_create(name="ThCM-Redaktion")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="members"))
    editor.groups.add(group)
    rows = [
        company("TH-000001", "Jenaer Optikwerke GmbH", Netzwerke="OptoNet"),
        company("TH-000002", "Erfurter Sensortechnik AG", Wachstumsfelder="MSR"),
    ]
    services.leg_import_run(path=write_csv(tmp_path / "a.csv", rows), user=editor)
    rows[0]["Telefon"] = "03641 999"
    services.leg_import_run(path=write_csv(tmp_path / "b.csv", rows))
    organisation = Organisation.objects.get(leg_id="TH-000001")
    organisation.keywords = "Laser, Optik"
    organisation.save()
    LogEntry.objects.log_actions(
        user_id=editor.pk, queryset=[organisation], action_flag=CHANGE, change_message="[]"
    )
    # A deleted organisation: its memberships' history still names it.
    gone = OrganisationFactory(leg_id=None, name="Aufgelöste GmbH")
    MembershipFactory(organisation=gone)
    gone.delete()
    return editor


def test_a_dump_restores_to_identical_content(portal, tmp_path):
    """Dump, empty every table, load: dumping again gives the very same text, and every
    table of our apps has the same rows (history, versions and the import runs included)."""
    before = dump()
    rows_before = {model._meta.label: table_rows(model) for model in dumped_models()}
    content_type = ContentType.objects.get_for_model(Organisation).pk
    assert Organisation.history.count() > 0 and Membership.objects.count() > 0
    assert Organisation.objects.get(leg_id="TH-000001").version == 3  # the import and the save

    empty_the_tables()
    assert Organisation.objects.count() == 0 and User.objects.count() == 0
    restore(tmp_path, before)

    assert dump() == before
    for model in dumped_models():
        rows = table_rows(model)
        if model is LogEntry:  # content types travel as natural keys; their ids may differ
            for row in rows + rows_before[model._meta.label]:
                row.pop("content_type_id")
        assert rows == rows_before[model._meta.label], model._meta.label
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Organisation).pk == content_type  # untouched


def test_hand_entered_organisations_survive_the_round_trip(portal, tmp_path):
    """An organisation entered by hand has no LEG-ID (no natural key); its memberships still
    point at it after the restore."""
    hand = OrganisationFactory(leg_id=None, name="Handeintrag GmbH")
    other = OrganisationFactory(leg_id=None, name="Noch ein Handeintrag e.V.")
    MembershipFactory(organisation=hand)
    MembershipFactory(organisation=other)
    before = dump()
    empty_the_tables()
    restore(tmp_path, before)
    assert dump() == before
    assert Membership.objects.get(organisation__name="Handeintrag GmbH")
