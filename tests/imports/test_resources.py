"""Admin import and export: German numbers under every language, rows matched on natural
keys, an unchanged export re-imports as skipped, and the buttons in the back office."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from import_export.formats.base_formats import CSV, XLSX

from core.widgets import (
    GermanBooleanWidget,
    GermanDecimalWidget,
    GermanIntegerWidget,
    StringListWidget,
)
from growthfields.models import KeyFigure
from growthfields.resources import GrowthFieldResource, KeyFigureResource, SourceResource
from imports import services
from imports.choices import RunStatus, Severity
from members.models import Organisation
from members.resources import OrganisationResource
from networks.models import Membership
from networks.resources import (
    DeclaredMemberCountResource,
    MembershipResource,
    NetworkResource,
)
from tests.factories import (
    DeclaredMemberCountFactory,
    GrowthFieldFactory,
    KeyFigureFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    SourceFactory,
)
from tests.imports.test_leg_import import company, write_csv

LANGUAGES = ["de", "en"]

ADMINS_WITH_IMPORT_EXPORT = [
    "growthfields_growthfield",
    "growthfields_source",
    "growthfields_keyfigure",
    "networks_network",
    "networks_membership",
    "networks_declaredmembercount",
]
# Organisations come from files through the LEG import only: their admin exports.
ADMINS_WITH_EXPORT = [*ADMINS_WITH_IMPORT_EXPORT, "members_organisation"]


def csv_dataset(text):
    """A dataset read from CSV text the way the admin reads an uploaded file."""
    return CSV().create_dataset(text)


def through_file(dataset, file_format):
    """Write a dataset to a CSV or XLSX file and read it back."""
    return file_format.create_dataset(file_format.export_data(dataset))


def problems(result):
    """The row errors and validation errors of an import, for assertion messages."""
    lines = [f"row {row.number}: {row.error_dict}" for row in result.invalid_rows]
    lines += [
        f"row {number}: {[e.error for e in errors]}" for number, errors in result.row_errors()
    ]
    return "\n".join(lines)


# German numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("cell", "number", "approximate"),
    [
        ("1.234,56", Decimal("1234.56"), False),
        ("12,5", Decimal("12.5"), False),
        ("1.234", Decimal("1234"), False),
        ("ca. 120", Decimal("120"), True),
        ("45,6 %", Decimal("45.6"), False),
        ("k. A.", None, False),
        ("", None, False),
    ],
)
def test_german_decimals_parse_the_same_under_every_language(language, cell, number, approximate):
    """ "1.234,56" is 1234.56, "12,5" is 12.5, "1.234" is 1234, "ca. 120" is 120 and marked
    approximate, and "k. A." is no data, whether the back office speaks German or English."""
    widget = GermanDecimalWidget()
    with translation.override(language):
        assert widget.clean(cell) == number
        assert widget.is_approximate(cell) is approximate


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("cell", "number", "approximate"),
    [("1.234", 1234, False), ("12", 12, False), ("ca. 120", 120, True), ("k. A.", None, False)],
)
def test_german_integers_parse_the_same_under_every_language(language, cell, number, approximate):
    """ "1.234" employees are 1234 under German and English; "ca. 120" is 120 and approximate."""
    widget = GermanIntegerWidget()
    with translation.override(language):
        assert widget.clean(cell) == number
        assert widget.is_approximate(cell) is approximate


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("widget", "cell", "message"),
    [
        (GermanDecimalWidget(), "zwölf", "keine Zahl"),
        (GermanDecimalWidget(), "ca.", "ohne Zahl"),
        (GermanIntegerWidget(), "12,5", "keine ganze Zahl"),
        (GermanBooleanWidget(), "vielleicht", "kein Ja/Nein-Wert"),
    ],
)
def test_invalid_cells_raise_a_german_message(language, widget, cell, message):
    """A cell that is not a number (or not yes/no) is refused in German, naming the cell."""
    with translation.override(language), pytest.raises(ValueError, match=message) as error:
        widget.clean(cell)
    assert cell in str(error.value)


def test_decimals_are_exported_with_a_decimal_comma_and_no_thousands_separator():
    """1234.56 is written "1234,56": "1.234" would read back as 1234, "1234.56" is English."""
    widget = GermanDecimalWidget()
    for language in LANGUAGES:
        with translation.override(language):
            assert widget.render(Decimal("1234.56")) == "1234,56"
            assert widget.render(Decimal("500.00")) == "500"
            assert widget.render(Decimal("7.70")) == "7,7"
            assert widget.render(None) == ""
            assert GermanIntegerWidget().render(1234) == "1234"


@given(
    number=st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False),
    export_language=st.sampled_from(LANGUAGES),
    import_language=st.sampled_from(LANGUAGES),
)
def test_every_exported_decimal_reads_back_exactly(number, export_language, import_language):
    """Whatever the languages of export and import, a rendered decimal reads back unchanged."""
    widget = GermanDecimalWidget()
    with translation.override(export_language):
        cell = widget.render(number)
    with translation.override(import_language):
        assert widget.clean(cell) == number


def test_lists_are_one_entry_per_line_and_keep_commas_and_semicolons():
    """A list cell has one entry per line; commas and semicolons stay inside the entries."""
    widget = StringListWidget()
    entries = ["Optik, Photonik", "Laser; Sensorik", "26.51"]
    cell = widget.render(entries)
    assert cell == "Optik, Photonik\nLaser; Sensorik\n26.51"
    assert widget.clean(cell) == entries
    assert widget.clean(" a \r\n\r\n b ") == ["a", "b"]
    assert widget.clean("") == []
    assert widget.clean(None) == []
    assert widget.clean(29.0) == ["29"]


def test_booleans_understand_german_yes_and_no():
    """ "ja", "x" and "1" are yes; "nein" and "0" are no; an empty cell takes the default."""
    widget = GermanBooleanWidget()
    assert [widget.clean(v) for v in ("ja", "X", "1", True, 1)] == [True] * 5
    assert [widget.clean(v) for v in ("nein", "0", "falsch", False, 0)] == [False] * 5
    assert widget.clean("") is None
    assert widget.render(True) == "1"
    assert widget.render(False) == "0"


# Import keys --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_key_figure_row_with_a_slug_and_a_german_decimal_creates_the_figure(language):
    """ "7,7" with growth field and source named by slug creates the figure 7.7, never 77."""
    field = GrowthFieldFactory(slug="optik")
    source = SourceFactory(slug="trendatlas-2020")
    dataset = csv_dataset(
        "growth_field,metric,reference_date,source,value,scope_note\n"
        'optik,export_quota,01.09.2012,trendatlas-2020,"7,7",WZ 26.7\n'
    )
    with translation.override(language):
        result = KeyFigureResource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors(), problems(result)
    assert result.totals["new"] == 1
    figure = KeyFigure.objects.get()
    assert figure.growth_field == field
    assert figure.source == source
    assert figure.metric == "export_quota"
    assert figure.reference_date == datetime.date(2012, 9, 1)
    assert figure.value == Decimal("7.7")
    assert figure.approximate is False
    assert figure.scope_note == "WZ 26.7"


@pytest.mark.django_db
def test_ca_in_the_value_cell_marks_a_key_figure_approximate_and_k_a_means_no_data():
    """ "ca. 1.250" is 1250 with the "ca." flag set; "k. A." stores no value, not 0."""
    GrowthFieldFactory(slug="optik")
    SourceFactory(slug="leg")
    dataset = csv_dataset(
        "growth_field,metric,reference_date,source,value\n"
        "optik,companies,2012-09-01,leg,ca. 1.250\n"
        "optik,employees,2012-09-01,leg,k. A.\n"
    )
    result = KeyFigureResource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors(), problems(result)
    companies = KeyFigure.objects.get(metric="companies")
    assert companies.value == Decimal("1250")
    assert companies.approximate is True
    employees = KeyFigure.objects.get(metric="employees")
    assert employees.value is None
    assert employees.approximate is False


@pytest.mark.django_db
def test_a_key_figure_row_on_an_existing_natural_key_updates_it():
    """Growth field, metric, reference date and source identify a figure: a new value
    for the same four updates the figure instead of adding a second one."""
    figure = KeyFigureFactory(value=Decimal("500"), approximate=True)
    dataset = csv_dataset(
        "growth_field,metric,reference_date,source,value,approximate\n"
        f"{figure.growth_field.slug},{figure.metric},01.09.2012,{figure.source.slug},"
        '"1.234,5",0\n'
    )
    result = KeyFigureResource().import_data(dataset, dry_run=False)

    assert result.totals["update"] == 1, problems(result)
    assert KeyFigure.objects.count() == 1
    figure.refresh_from_db()
    assert figure.value == Decimal("1234.5")
    assert figure.approximate is False


@pytest.mark.django_db
def test_an_unknown_growth_field_slug_refuses_the_row_with_a_german_message():
    """A slug that names no growth field is an error of its column; nothing is written."""
    SourceFactory(slug="leg")
    dataset = csv_dataset(
        "growth_field,metric,reference_date,source,value\n"
        "gibt-es-nicht,companies,2012-09-01,leg,12\n"
    )
    result = KeyFigureResource().import_data(dataset, dry_run=False)

    assert result.totals["invalid"] == 1
    errors = result.invalid_rows[0].error_dict
    assert "growth_field" in errors
    assert "„gibt-es-nicht“: nicht gefunden" in str(errors["growth_field"])
    assert KeyFigure.objects.count() == 0


# Organisations come from files through the LEG import only ----------------------------------


def leg_file(tmp_path, *rows):
    """A LEG CSV of ``rows`` (dicts keyed by header, over ``company``'s defaults)."""
    return write_csv(tmp_path / "leg.csv", [company(**row) for row in rows])


def leg_run(path):
    return services.leg_import_run(path=path)


def leg_errors(run):
    return [
        (i["row"], i["column"], i["value"], i["message"])
        for i in run.report
        if i["severity"] == Severity.ERROR
    ]


@pytest.mark.django_db
def test_the_organisation_change_list_exports_but_offers_no_generic_import(superuser_client):
    """The organisation admin has no django-import-export import (no URL, no button): files
    of organisations go through the LEG import, with one set of rules. Export stays."""
    for step in ("import", "process_import"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:members_organisation_{step}")
    content = superuser_client.get(reverse("admin:members_organisation_changelist")).content
    assert 'class="import_link"' not in content.decode()
    assert 'class="export_link"' in content.decode()
    assert superuser_client.get(reverse("admin:members_organisation_export")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_organisation_row_with_a_known_leg_id_updates_that_organisation(language, tmp_path):
    """A LEG-ID that exists (in any case and spacing) updates that organisation instead of
    creating a second one; German numbers read the same under every language."""
    organisation = OrganisationFactory(leg_id="TH-004711", name="Alt GmbH", phone="03641 1")
    path = leg_file(
        tmp_path,
        {
            "leg_id": " th-004711 ",
            "name": "Neu GmbH",
            "Wachstumsfelder": "",
            "Beschäftigte": "ca. 1.250",
            "Umsatz Mio EUR": "12,5",
            "Exportquote %": "45,6 %",
            "Telefon": "03641 1",
        },
    )
    with translation.override(language):
        run = leg_run(path)

    assert (run.status, run.updated, run.created) == (RunStatus.IMPORTED, 1, 0), run.report
    assert Organisation.objects.count() == 1
    organisation.refresh_from_db()
    assert organisation.name == "Neu GmbH"
    assert organisation.postcode == "07743"
    assert organisation.employees == 1250
    assert organisation.employees_approximate is True
    assert organisation.revenue_meur == Decimal("12.5")
    assert organisation.revenue_approximate is False
    assert organisation.export_quota == Decimal("45.6")
    assert organisation.phone == "03641 1"


@pytest.mark.django_db
def test_an_organisation_row_without_leg_id_is_refused_instead_of_duplicated(tmp_path):
    """Without a LEG-ID a row cannot be matched, so it is refused with a message and the file
    imports nothing."""
    OrganisationFactory(leg_id=None, name="Handeintrag GmbH")
    run = leg_run(
        leg_file(tmp_path, {"leg_id": "", "name": "Handeintrag GmbH", "Wachstumsfelder": ""})
    )

    assert run.status == RunStatus.REFUSED
    assert leg_errors(run) == [(2, "LEG-ID", "", "LEG-ID fehlt")]
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_organisation_growth_fields_are_named_and_unknown_names_are_refused(tmp_path):
    """Growth fields are named (";" between names, any case and spacing); an unknown name is
    an error of its row and column, and the file imports nothing."""
    optik = GrowthFieldFactory(name="Optik")
    msr = GrowthFieldFactory(name="MSR")
    good = leg_run(
        leg_file(
            tmp_path,
            {"leg_id": "TH-000001", "name": "A GmbH", "Wachstumsfelder": "optik; MSR"},
            {"leg_id": "TH-000002", "name": "B", "Wachstumsfelder": " msr ;Optik"},
        )
    )
    assert good.created == 2, good.report
    assert set(Organisation.objects.get(leg_id="TH-000001").growth_fields.all()) == {optik, msr}

    bad = leg_run(
        leg_file(
            tmp_path, {"leg_id": "TH-000003", "name": "C GmbH", "Wachstumsfelder": "Optik; Robotik"}
        )
    )
    assert bad.status == RunStatus.REFUSED
    assert leg_errors(bad) == [(2, "Wachstumsfelder", "Robotik", "unbekanntes Wachstumsfeld")]
    assert not Organisation.objects.filter(leg_id="TH-000003").exists()


@pytest.mark.django_db
def test_an_organisation_file_has_one_founding_year_rule(tmp_path):
    """A founding year after next year is refused (the generic import took anything up to
    2100); next year is the latest one accepted."""
    next_year = datetime.date.today().year + 1
    run = leg_run(
        leg_file(
            tmp_path,
            {
                "leg_id": "TH-000001",
                "name": "A",
                "Wachstumsfelder": "",
                "Gründungsjahr": str(next_year + 1),
            },
            {"leg_id": "TH-000002", "name": "B", "Wachstumsfelder": "", "Gründungsjahr": "2100"},
        )
    )
    assert leg_errors(run) == [
        (2, "Gründungsjahr", str(next_year + 1), "Jahr außerhalb des möglichen Bereichs"),
        (3, "Gründungsjahr", "2100", "Jahr außerhalb des möglichen Bereichs"),
    ]
    assert not Organisation.objects.exists()
    run = leg_run(
        leg_file(
            tmp_path,
            {
                "leg_id": "TH-000001",
                "name": "A",
                "Wachstumsfelder": "",
                "Gründungsjahr": str(next_year),
            },
        )
    )
    assert run.created == 1, run.report
    assert Organisation.objects.get().founding_year == next_year


@pytest.mark.django_db
def test_an_organisation_file_has_one_email_rule(tmp_path):
    """A malformed e-mail keeps the row and drops the value with a warning (the generic import
    refused the row)."""
    run = leg_run(
        leg_file(
            tmp_path,
            {"leg_id": "TH-000001", "name": "A", "Wachstumsfelder": "", "E-Mail": "info(at)a.de"},
        )
    )
    assert (run.status, run.created) == (RunStatus.IMPORTED, 1)
    assert [(i["row"], i["column"], i["value"]) for i in run.report] == [
        (2, "E-Mail", "info(at)a.de")
    ]
    assert Organisation.objects.get().email == ""


@pytest.mark.django_db
def test_a_membership_row_names_organisation_by_leg_id_and_network_by_slug():
    """A membership row with LEG-ID and network slug creates the membership once;
    the same row again is skipped as unchanged."""
    organisation = OrganisationFactory(leg_id="TH-000042")
    network = NetworkFactory(slug="optonet")
    text = "organisation,network,role,since\nTH-000042,optonet,partner,01.01.2010\n"

    first = MembershipResource().import_data(csv_dataset(text), dry_run=False)
    second = MembershipResource().import_data(csv_dataset(text), dry_run=False)

    assert first.totals["new"] == 1, problems(first)
    assert second.totals["skip"] == 1, problems(second)
    membership = Membership.objects.get()
    assert (membership.organisation, membership.network) == (organisation, network)
    assert membership.role == "partner"
    assert membership.since == datetime.date(2010, 1, 1)


# Export, then import: nothing changes ------------------------------------------------------


@pytest.fixture
def key_figures():
    """Key figures with a decimal, a "ca." value, a percentage and no data."""
    field = GrowthFieldFactory(strengths=["Optik, Photonik", "Export; hoch"], wz_codes=["26.70"])
    source = SourceFactory()
    common = {"growth_field": field, "source": source}
    KeyFigureFactory(metric="revenue", value=Decimal("1234567.89"), approximate=False, **common)
    KeyFigureFactory(metric="companies", value=Decimal("500"), approximate=True, **common)
    KeyFigureFactory(metric="export_quota", value=Decimal("7.70"), approximate=False, **common)
    KeyFigureFactory(metric="employees", value=None, approximate=False, **common)
    return KeyFigure.objects.all()


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", [CSV(), XLSX()], ids=["csv", "xlsx"])
@pytest.mark.parametrize(("export_language", "import_language"), [("de", "en"), ("en", "de")])
@pytest.mark.parametrize(
    ("resource_class", "data"),
    [(KeyFigureResource, "key_figures")],
    ids=["key_figures"],
)
def test_an_export_reimports_with_every_row_skipped_as_unchanged(
    request, resource_class, data, file_format, export_language, import_language
):
    """Exported to CSV or XLSX under one language and imported under the other, every
    row is recognised by its natural key and skipped as unchanged."""
    queryset = request.getfixturevalue(data)
    native = file_format.is_binary()
    with translation.override(export_language):
        dataset = resource_class().export(queryset, force_native_type=native)
    dataset = through_file(dataset, file_format)
    with translation.override(import_language):
        result = resource_class().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors(), problems(result)
    assert result.totals["skip"] == queryset.count() == len(dataset)
    assert result.totals["new"] == result.totals["update"] == 0
    assert queryset.count() == len(dataset)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource_class", "factory"),
    [
        (SourceResource, SourceFactory),
        (GrowthFieldResource, GrowthFieldFactory),
        (NetworkResource, NetworkFactory),
        (MembershipResource, MembershipFactory),
        (DeclaredMemberCountResource, DeclaredMemberCountFactory),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_every_other_resource_reimports_its_export_unchanged(resource_class, factory):
    """Sources, growth fields, networks, memberships and member counts: an export
    re-imports with every row skipped."""
    factory.create_batch(2)
    queryset = resource_class._meta.model.objects.all()
    dataset = through_file(resource_class().export(queryset), CSV())
    result = resource_class().import_data(dataset, dry_run=False)

    assert result.totals["skip"] == 2, problems(result)


def test_resources_export_no_database_ids_and_no_timestamps():
    """Columns are natural keys and data: no id, no created_at or updated_at."""
    for resource_class in (
        SourceResource,
        GrowthFieldResource,
        KeyFigureResource,
        NetworkResource,
        MembershipResource,
        DeclaredMemberCountResource,
        OrganisationResource,
    ):
        headers = resource_class().get_export_headers()
        assert not {"id", "created_at", "updated_at"} & set(headers), resource_class


# The back office ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "step"),
    [(name, "import") for name in ADMINS_WITH_IMPORT_EXPORT]
    + [(name, "export") for name in ADMINS_WITH_EXPORT],
)
def test_import_and_export_pages_render_and_offer_only_csv_and_xlsx(superuser_client, name, step):
    """Each admin's import and export page renders for a superuser with CSV and XLSX only."""
    response = superuser_client.get(reverse(f"admin:{name}_{step}"))
    assert response.status_code == 200
    choices = response.context["form"].fields["format"].choices
    assert [label for value, label in choices if value != ""] == ["csv", "xlsx"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMINS_WITH_EXPORT)
def test_change_lists_offer_import_and_export_and_forms_keep_the_history(superuser_client, name):
    """Change lists show the export button, and the import button unless the model comes from
    LEG files (organisations); the change form still links to the history, and the history
    page is simple-history's."""
    DeclaredMemberCountFactory()
    MembershipFactory()
    KeyFigureFactory()
    changelist = superuser_client.get(reverse(f"admin:{name}_changelist"))
    content = changelist.content.decode()
    assert ('class="import_link"' in content) == (name in ADMINS_WITH_IMPORT_EXPORT)
    assert 'class="export_link"' in content

    model = changelist.context["cl"].model
    obj = model.objects.first()
    change = superuser_client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
    assert 'class="historylink"' in change.content.decode()
    history = superuser_client.get(reverse(f"admin:{name}_history", args=[obj.pk]))
    assert history.status_code == 200
    assert "simple_history/object_history.html" in [t.name for t in history.templates]


@pytest.mark.django_db
def test_organisation_change_list_adds_the_leg_import_link(superuser_client):
    """The organisation change list uses our template: export, and the
    "LEG-Datei importieren" link as soon as the LEG upload exists."""
    response = superuser_client.get(reverse("admin:members_organisation_changelist"))
    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "admin/members/organisation/change_list.html" in names
    assert "admin/import_export/change_list_export.html" in names
    content = response.content.decode()
    assert 'class="import_link"' not in content
    assert f'href="{reverse("admin:members_organisation_export")}?"' in content
    try:
        leg_url = reverse("admin:imports_importrun_upload")
    except NoReverseMatch:
        assert "leg-import-link" not in content
    else:
        assert f'<a href="{leg_url}" class="leg-import-link">LEG-Datei importieren</a>' in content


def leg_upload_stand_in(request):
    return HttpResponse("LEG")


# The admin with a stand-in for the LEG upload view that is built elsewhere.
urlpatterns = [
    path(
        "admin/",
        (
            [
                path(
                    "imports/importrun/upload/",
                    leg_upload_stand_in,
                    name="imports_importrun_upload",
                ),
                *admin.site.get_urls(),
            ],
            "admin",
            admin.site.name,
        ),
    ),
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_organisation_change_list_links_to_the_leg_upload_once_it_exists(superuser_client):
    """With the LEG upload view in place, the change list links to it before the export."""
    response = superuser_client.get(reverse("admin:members_organisation_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    link = '<a href="/admin/imports/importrun/upload/" class="leg-import-link">'
    assert f"{link}LEG-Datei importieren</a>" in content
    assert content.index(link) < content.index('class="export_link"')


@pytest.mark.django_db
def test_admin_import_previews_then_creates_the_key_figure_under_english(superuser_client):
    """Upload with format, preview (nothing written), confirm: the figure "7,7" exists as
    7.7, even with the back office in English, and its history names the user."""
    GrowthFieldFactory(slug="optik")
    SourceFactory(slug="trendatlas-2020")
    upload = SimpleUploadedFile(
        "kennzahlen.csv",
        (
            b"growth_field,metric,reference_date,source,value\n"
            b'optik,export_quota,01.09.2012,trendatlas-2020,"7,7"\n'
        ),
        content_type="text/csv",
    )
    # The override also restores German after the requests, which activate English.
    with translation.override("en"):
        import_url = reverse("admin:growthfields_keyfigure_import")
        process_url = reverse("admin:growthfields_keyfigure_process_import")
        assert import_url.startswith("/en/")

        preview = superuser_client.post(import_url, {"format": "0", "import_file": upload})
        assert preview.status_code == 200
        assert 'lang="en"' in preview.content.decode()
        result = preview.context["result"]
        assert not result.has_errors() and not result.has_validation_errors(), problems(result)
        assert result.totals["new"] == 1
        assert KeyFigure.objects.count() == 0
        confirm_form = preview.context["confirm_form"]

        confirm = superuser_client.post(process_url, confirm_form.initial)
        assert confirm.status_code == 302

    figure = KeyFigure.objects.get()
    assert figure.value == Decimal("7.7")
    assert figure.growth_field.slug == "optik"
    assert figure.history.latest().history_user.username == "redaktion"


@pytest.mark.django_db
def test_admin_export_writes_german_decimals(superuser_client):
    """The key figure export as CSV writes "7,7" and "1234567,89", with slugs as keys."""
    figure = KeyFigureFactory(metric="export_quota", value=Decimal("7.70"), approximate=False)
    KeyFigureFactory(metric="revenue", value=Decimal("1234567.89"), approximate=False)
    url = reverse("admin:growthfields_keyfigure_export")
    form = superuser_client.get(url).context["form"]
    selected = {
        name: "on" for name, field in form.fields.items() if hasattr(field, "resource_name")
    }

    response = superuser_client.post(url, {"format": "0", "resource": "0", **selected})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode()
    assert content.splitlines()[0].startswith("growth_field,metric,reference_date,source,value")
    assert (
        f'{figure.growth_field.slug},export_quota,2012-09-01,{figure.source.slug},"7,7"' in content
    )
    assert '"1234567,89"' in content


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMINS_WITH_EXPORT)
@pytest.mark.parametrize(
    ("file_format", "content_type"), [("0", "text/csv"), ("1", "application/")]
)
def test_every_admin_exports_csv_and_xlsx_files(superuser_client, name, file_format, content_type):
    """Each admin's export of all columns returns a CSV or XLSX file to download."""
    DeclaredMemberCountFactory()
    MembershipFactory()
    OrganisationFactory().growth_fields.add(KeyFigureFactory().growth_field)
    url = reverse(f"admin:{name}_export")
    form = superuser_client.get(url).context["form"]
    selected = {
        field_name: "on"
        for field_name, field in form.fields.items()
        if hasattr(field, "resource_name")
    }

    response = superuser_client.post(url, {"format": file_format, "resource": "0", **selected})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment;")
    assert len(response.content) > 0


def test_every_resource_skips_unchanged_rows_and_validates_models():
    """All resources inherit skip_unchanged, report_skipped and clean_model_instances."""
    from core.widgets import GermanModelResource

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = [r for r in subclasses(GermanModelResource) if r._meta.model is not None]
    assert {r._meta.model.__name__ for r in found} >= {
        "Source",
        "GrowthField",
        "KeyFigure",
        "Network",
        "Membership",
        "DeclaredMemberCount",
        "Organisation",
    }
    for resource in found:
        options = resource._meta
        assert (options.skip_unchanged, options.report_skipped, options.clean_model_instances) == (
            True,
            True,
            True,
        ), resource.__name__
