"""The audit trail of LEG imports: history entries that name their run, the version counter
an import bumps, and taking a run back (set-based, recorded, refused when later work would be
lost)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import cache as portal_cache
from imports import services
from imports.choices import RunStatus
from imports.models import ImportRunLink
from imports.revert import RevertRefused, import_run_revert, import_run_revert_problems
from members.models import Organisation
from networks.models import Membership
from tests.factories import MembershipFactory
from tests.permissions.helpers import change_form_data

from .conftest import company, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing(fields_and_networks, tmp_path):
    """Three organisations from an earlier import: A (Optik, OptoNet), B and C (Optik)."""
    rows = [
        company("TH-000001", "Alpha Optik GmbH", Telefon="03641 1", Netzwerke="OptoNet"),
        company("TH-000002", "Beta Laser GmbH", Telefon="03641 2"),
        company("TH-000003", "Gamma Sensor AG", Telefon="03641 3"),
    ]
    services.leg_import_run(path=write_csv(tmp_path / "base.csv", rows))
    return {o.leg_id[-1]: o for o in Organisation.objects.all()}


def file_rows(existing):
    """A changes its phone and gains Sensorik and SensNet; B only gains SensNet; C is as it
    was; D is new."""
    return [
        company(
            "TH-000001",
            "Alpha Optik GmbH",
            Telefon="03641 999",
            Wachstumsfelder="Optik; Sensorik",
            Netzwerke="OptoNet; SensNet",
        ),
        company("TH-000002", "Beta Laser GmbH", Telefon="03641 2", Netzwerke="SensNet"),
        company("TH-000003", "Gamma Sensor AG", Telefon="03641 3"),
        company("TH-000004", "Delta Photonik GmbH", Netzwerke="OptoNet"),
    ]


def snapshot():
    """Every organisation's data, links and memberships, comparable before and after."""
    organisations = {
        row[0]: row[1:]
        for row in Organisation.objects.values_list("leg_id", *Organisation.DATA_FIELDS)
    }
    links = set(
        Organisation.growth_fields.through.objects.values_list(
            "organisation__leg_id", "growthfield__slug"
        )
    )
    memberships = set(Membership.objects.values_list("organisation__leg_id", "network__slug"))
    return organisations, links, memberships


def import_file(tmp_path, rows, user=None, name="leg.csv"):
    run = services.leg_import_run(path=write_csv(tmp_path / name, rows), user=user)
    assert run.status == RunStatus.IMPORTED, run.message
    return run


def test_an_import_bumps_the_version_of_every_organisation_it_updates(existing, tmp_path):
    """A changed organisation and one that only gains a link get version + 1; an unchanged one
    keeps its version; a new one starts at 1."""
    import_file(tmp_path, file_rows(existing))
    versions = dict(Organisation.objects.values_list("leg_id", "version"))
    assert versions == {"TH-000001": 2, "TH-000002": 2, "TH-000003": 1, "TH-000004": 1}


def test_a_form_opened_before_the_import_is_refused_afterwards(
    existing, tmp_path, superuser_client
):
    """A back-office form loaded before the import is saved after it: the import bumped the
    version, so the save is refused instead of overwriting the import's new phone number."""
    url = reverse("admin:members_organisation_change", args=[existing["1"].pk])
    data = change_form_data(superuser_client.get(url))
    import_file(tmp_path, file_rows(existing))

    response = superuser_client.post(url, {**data, "keywords": "aus dem Formular"})

    assert response.status_code == 200
    assert "Bitte laden Sie die Seite neu" in response.content.decode()
    alpha = Organisation.objects.get(leg_id="TH-000001")
    assert (alpha.phone, alpha.keywords) == ("03641 999", existing["1"].keywords)


def test_history_entries_name_the_run(existing, tmp_path, django_user_model):
    """Every history entry of an import carries "LEG-Import #<run id>", its user and the
    moment the run wrote, which the run keeps."""
    user = django_user_model.objects.create_user("import", "i@example.org", "pw")
    run = import_file(tmp_path, file_rows(existing), user=user)
    entries = Organisation.history.filter(history_change_reason=f"LEG-Import #{run.pk}")
    assert sorted(entries.values_list("leg_id", "history_type")) == [
        ("TH-000001", "~"),
        ("TH-000004", "+"),
    ]
    assert {e.history_user for e in entries} == {user}
    assert {e.history_date for e in entries} == {run.applied_at}
    memberships = Membership.history.filter(history_change_reason=run.history_reason)
    assert sorted(memberships.values_list("organisation_id", "network__slug")) == sorted(
        [
            (existing["1"].pk, "sensnet"),
            (existing["2"].pk, "sensnet"),
            (Organisation.objects.get(leg_id="TH-000004").pk, "optonet"),
        ]
    )
    assert list(
        ImportRunLink.objects.values_list("organisation__leg_id", "growth_field__slug")
    ) == [("TH-000001", "sensorik")]


def test_a_revert_restores_the_state_before_the_run(
    existing, tmp_path, django_user_model, django_capture_on_commit_callbacks
):
    """Reverting restores A's phone, removes the links and memberships the run added, deletes
    D, bumps the versions, records it all as "Rücknahme von LEG-Import #N" and marks the run."""
    user = django_user_model.objects.create_user("chefin", "c@example.org", "pw")
    before = snapshot()
    run = import_file(tmp_path, file_rows(existing))
    assert snapshot() != before
    cache_version = portal_cache.current_version()

    with django_capture_on_commit_callbacks(execute=True):  # the cache goes stale on commit
        counts = import_run_revert(run=run, user=user)

    assert snapshot() == before
    assert counts == {"restored": 1, "deleted": 1, "memberships": 3, "links": 2, "others": 1}
    versions = dict(Organisation.objects.values_list("leg_id", "version"))
    assert versions == {"TH-000001": 3, "TH-000002": 3, "TH-000003": 1}
    reverted = Organisation.history.filter(history_change_reason=run.revert_reason)
    assert sorted(reverted.values_list("leg_id", "history_type", "phone")) == [
        ("TH-000001", "~", "03641 1"),
        ("TH-000002", "~", "03641 2"),
        ("TH-000004", "-", "03641 123456"),
    ]
    assert {e.history_user for e in reverted} == {user}
    assert (
        Membership.history.filter(history_change_reason=run.revert_reason, history_type="-").count()
        == 3
    )
    run.refresh_from_db()
    assert run.reverted_by == user and run.reverted_at is not None
    assert run.status == RunStatus.IMPORTED
    assert portal_cache.current_version() != cache_version
    assert import_run_revert_problems(run=run) == [
        "Dieser Import wurde bereits rückgängig gemacht."
    ]


def test_a_revert_runs_a_constant_number_of_statements(fields_and_networks, tmp_path):
    """Reverting 30 changed and 30 new organisations takes as many statements as 2 and 2."""

    def statements(size, offset):
        rows = [company(f"TH-{offset + n:06d}", f"Firma {offset + n}") for n in range(size)]
        import_file(tmp_path, rows, name=f"first-{offset}.csv")
        changed = [dict(row, Telefon="0361 1", Netzwerke="SensNet") for row in rows]
        new = [company(f"TH-{offset + 500 + n:06d}", f"Neu {n}") for n in range(size)]
        run = import_file(tmp_path, changed + new, name=f"second-{offset}.csv")
        with CaptureQueriesContext(connection) as queries:
            import_run_revert(run=run, user=None)
        assert Organisation.objects.filter(leg_id__gte=f"TH-{offset + 500:06d}").count() == 0
        return len(queries)

    assert statements(2, 1000) == statements(30, 2000)


def test_a_revert_is_refused_after_a_later_edit(existing, tmp_path):
    """An organisation edited in the back office after the run blocks the revert, with a
    German message naming it; nothing is written."""
    run = import_file(tmp_path, file_rows(existing))
    alpha = Organisation.objects.get(leg_id="TH-000001")
    alpha.town = "Weimar"
    alpha.save()
    state = snapshot()
    problems = import_run_revert_problems(run=run)
    assert len(problems) == 1
    assert "Alpha Optik GmbH (TH-000001)" in problems[0]
    assert "Beta" not in problems[0]
    with pytest.raises(RevertRefused, match="erneut geändert"):
        import_run_revert(run=run, user=None)
    assert snapshot() == state
    run.refresh_from_db()
    assert run.reverted_at is None


def test_later_runs_are_reverted_first(existing, tmp_path):
    """A later run over the same organisations blocks the earlier run's revert; once the later
    run is taken back, the earlier one can be too, back to the state before both."""
    before = snapshot()
    first = import_file(tmp_path, file_rows(existing), name="first.csv")
    rows = file_rows(existing)
    rows[0]["Telefon"] = "03641 777"
    second = import_file(tmp_path, rows, name="second.csv")
    assert "Alpha Optik GmbH" in import_run_revert_problems(run=first)[0]
    import_run_revert(run=second, user=None)
    assert Organisation.objects.get(leg_id="TH-000001").phone == "03641 999"
    assert import_run_revert_problems(run=first) == []
    import_run_revert(run=first, user=None)
    assert snapshot() == before


def test_a_new_organisation_changed_since_is_not_deleted(existing, fields_and_networks, tmp_path):
    """A new organisation that was given a membership in the back office after the run blocks
    the revert, named in the message."""
    run = import_file(tmp_path, file_rows(existing))
    delta = Organisation.objects.get(leg_id="TH-000004")
    MembershipFactory(
        organisation=delta,
        network=Membership.objects.first().network.__class__.objects.get(slug="sensnet"),
    )
    with pytest.raises(RevertRefused, match="Delta Photonik GmbH"):
        import_run_revert(run=run, user=None)
    assert Organisation.objects.filter(leg_id="TH-000004").exists()


def test_only_imported_runs_can_be_reverted(existing, tmp_path):
    """A dry run cannot be reverted."""
    run = services.leg_import_run(
        path=write_csv(tmp_path / "probe.csv", file_rows(existing)), dry_run=True
    )
    assert import_run_revert_problems(run=run) == [
        "Nur importierte Läufe können rückgängig gemacht werden."
    ]


# The back office ------------------------------------------------------------------------------


def test_the_run_page_shows_the_changes_and_the_revert_button(existing, tmp_path, client, editor):
    """The run's page lists the organisations it changed with links to their history, and the
    ThCM-Redaktion (imports.add_importrun) sees "Import rückgängig machen"."""
    run = import_file(tmp_path, file_rows(existing))
    client.force_login(editor)
    response = client.get(reverse("admin:imports_importrun_change", args=[run.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"LEG-Import #{run.pk}" in page
    alpha = Organisation.objects.get(leg_id="TH-000001")
    assert reverse("admin:members_organisation_history", args=[alpha.pk]) in page
    assert "Delta Photonik GmbH" in page
    assert reverse("admin:imports_importrun_revert", args=[run.pk]) in page
    assert "Import rückgängig machen" in page


def test_the_revert_page_confirms_then_reverts(existing, tmp_path, client, editor):
    """GET shows what would be taken back; POST takes the run back and says so."""
    before = snapshot()
    run = import_file(tmp_path, file_rows(existing))
    client.force_login(editor)
    url = reverse("admin:imports_importrun_revert", args=[run.pk])
    page = client.get(url).content.decode()
    assert "Organisationen löschen" in page and 'value="Import rückgängig machen"' in page
    response = client.post(url, follow=True)
    assert "rückgängig gemacht" in response.content.decode()
    assert snapshot() == before
    run.refresh_from_db()
    assert run.reverted_by == editor
    page = client.get(reverse("admin:imports_importrun_change", args=[run.pk])).content.decode()
    assert reverse("admin:imports_importrun_revert", args=[run.pk]) not in page


def test_the_revert_page_explains_a_refusal(existing, tmp_path, client, editor):
    """When later edits block the revert, the page names them and offers no button."""
    run = import_file(tmp_path, file_rows(existing))
    Organisation.objects.get(leg_id="TH-000002").save()
    client.force_login(editor)
    url = reverse("admin:imports_importrun_revert", args=[run.pk])
    page = client.get(url).content.decode()
    assert "Beta Laser GmbH (TH-000002)" in page
    assert 'value="Import rückgängig machen"' not in page
    client.post(url)
    assert Organisation.objects.filter(leg_id="TH-000004").exists()


def test_staff_without_the_import_permission_cannot_revert(
    existing, tmp_path, client, django_user_model
):
    """A staff user without imports.add_importrun gets 403 and nothing is reverted."""
    run = import_file(tmp_path, file_rows(existing))
    staff = django_user_model.objects.create_user("gast", "g@example.org", "pw", is_staff=True)
    client.force_login(staff)
    response = client.post(reverse("admin:imports_importrun_revert", args=[run.pk]))
    assert response.status_code == 403
    assert Organisation.objects.filter(leg_id="TH-000004").exists()


def form_data(form):
    """POST data of a bound-or-unbound admin form as the browser would send it."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


def test_the_history_page_shows_the_import_and_reverts_to_before_it(
    existing, tmp_path, superuser_client, django_user_model
):
    """An organisation's history page shows the import's entry (user, time, reason), and its
    previous version can be restored there like any other."""
    importer = django_user_model.objects.create_user("leg-import", "l@example.org", "pw")
    run = import_file(tmp_path, file_rows(existing), user=importer)
    alpha = Organisation.objects.get(leg_id="TH-000001")
    page = superuser_client.get(reverse("admin:members_organisation_history", args=[alpha.pk]))
    text = page.content.decode()
    assert f"LEG-Import #{run.pk}" in text
    assert "leg-import" in text
    entries = list(alpha.history.order_by("-history_id"))
    assert entries[0].history_change_reason == run.history_reason
    before = entries[1]
    assert before.phone == "03641 1"

    url = reverse("admin:members_organisation_simple_history", args=[alpha.pk, before.history_id])
    form = superuser_client.get(url).context["adminform"].form
    data = form_data(form)
    assert data["phone"] == "03641 1"
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    alpha.refresh_from_db()
    assert alpha.phone == "03641 1"
    latest = alpha.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.phone == "03641 1"


def test_a_confirmed_preview_names_its_run_and_can_be_reverted(existing, tmp_path, editor):
    """The back office's upload → preview → confirm writes history naming the previewed run,
    which can then be taken back."""
    before = snapshot()
    path = write_csv(tmp_path / "upload.csv", file_rows(existing))
    preview = services.leg_import_run(path=path, user=editor, keep_file=True)
    assert preview.status == RunStatus.PREVIEW
    run = services.leg_import_confirm(run=preview, user=editor)
    run.refresh_from_db()
    assert run.status == RunStatus.IMPORTED and run.applied_at is not None
    assert (
        Organisation.history.filter(history_change_reason=f"LEG-Import #{preview.pk}").count() == 2
    )
    import_run_revert(run=run, user=editor)
    assert snapshot() == before


def test_a_run_written_before_a_late_confirmation_does_not_block_its_revert(
    existing, tmp_path, editor
):
    """"Later" means written later, not a higher run number: a nightly import that gave A a
    new link while a preview of A's new phone waited for confirmation wrote before that
    preview, so it does not block the preview's revert (and keeps its link)."""
    unchanged = [
        company("TH-000002", "Beta Laser GmbH", Telefon="03641 2"),
        company("TH-000003", "Gamma Sensor AG", Telefon="03641 3"),
    ]
    upload = [
        company("TH-000001", "Alpha Optik GmbH", Telefon="03641 999", Netzwerke="OptoNet"),
        *unchanged,
    ]
    preview = services.leg_import_run(
        path=write_csv(tmp_path / "upload.csv", upload), user=editor, keep_file=True
    )
    nightly = [
        company(
            "TH-000001",
            "Alpha Optik GmbH",
            Telefon="03641 1",
            Wachstumsfelder="Optik; Sensorik",
            Netzwerke="OptoNet",
        ),
        *unchanged,
    ]
    written_first = import_file(tmp_path, nightly, name="nightly.csv")
    assert written_first.pk > preview.pk
    run = services.leg_import_confirm(run=preview, user=editor)
    assert run.pk == preview.pk and run.applied_at > written_first.applied_at

    assert import_run_revert_problems(run=run) == []
    import_run_revert(run=run, user=editor)
    alpha = Organisation.objects.get(leg_id="TH-000001")
    assert alpha.phone == "03641 1"
    assert set(alpha.growth_fields.values_list("slug", flat=True)) == {"optik", "sensorik"}
