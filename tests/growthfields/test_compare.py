import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from growthfields import selectors
from growthfields.choices import Metric
from networks.selectors import declared_vs_counted, networks_in_brochure_order, overlap_matrix
from tests.factories import (
    DeclaredMemberCountFactory,
    GrowthFieldFactory,
    KeyFigureFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

# Fields, figures, networks with member counts, declared counts, overlap; plus the savepoint and
# release of the request's transaction (ATOMIC_REQUESTS).
COMPARE_QUERIES = 5 + 1 + 2  # + the printed edition's footnote numbers
SEPT_2012 = datetime.date(2012, 9, 1)


def compare(client, **params):
    return client.get(reverse("compare"), params).content.decode()


def field_with(name, source=None, sort_order=0, parent=None, **values):
    """A growth field with the given metric values (None = "keine Angaben")."""
    field = GrowthFieldFactory(name=name, name_en="", sort_order=sort_order, parent=parent)
    source = source or SourceFactory()
    for metric, value in values.items():
        KeyFigureFactory(
            growth_field=field,
            metric=metric,
            value=value,
            approximate=False,
            source=source,
            reference_date=SEPT_2012,
        )
    return field


def main_table(content):
    start = content.index('id="tabelle-heading"')
    return content[start : content.index("</table>", start)]


def derived_table(content):
    start = content.index('id="abgeleitet-heading"')
    return content[start : content.index("</table>", start)]


def order_of(names, html):
    return sorted(names, key=html.index)


# --- Rendering ------------------------------------------------------------------------------


def test_compare_renders_the_brochure_table_in_german(client, reference_data):
    """Anlage 2: Automobil ca. 500 / ca. 50.000 / ca. 7,7 Mrd. EUR / 32,3 % (WZ 29)."""
    response = client.get(reverse("compare"))
    assert response.status_code == 200
    content = response.content.decode()
    table = main_table(content)
    for text in ("ca. 500", "ca. 50.000", "ca. 7,7 Mrd. EUR", "32,3 %", "WZ 29", "keine Angaben"):
        assert text in table
    assert content.count("<h1") == 1
    assert "<caption>" in table
    assert 'scope="row"' in table
    assert 'id="quelle-1"' in content


def test_compare_renders_in_english(client, reference_data):
    """/en/comparison/ shows the English field names."""
    with translation.override("en"):
        url = reverse("compare")
    assert url == "/en/comparison/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Automotive" in response.content.decode()


def test_compare_keeps_the_brochures_order_by_default(client, reference_data):
    """Without ?sort= the rows follow the brochure: Automobil, Life Sciences, … Logistik."""
    table = main_table(compare(client))
    names = ["Logistik", "Automobil", "Maschinenbau", "Life Sciences"]
    assert order_of(names, table) == ["Automobil", "Life Sciences", "Maschinenbau", "Logistik"]


def test_compare_flags_logistik_from_another_source(client, reference_data):
    """Logistik's figures come from the Helaba study of June 2012, the others from the LEG database."""
    content = compare(client)
    assert 'class="flag"' in content
    table = main_table(content)
    assert "Stand Juni 2012" in table
    assert 'class="num mixed"' in table


# --- Sorting --------------------------------------------------------------------------------


@pytest.fixture
def four_fields():
    field_with("Feld A", sort_order=1, employees=Decimal("10"))
    field_with("Feld B", sort_order=2, employees=Decimal("30"))
    field_with("Feld C", sort_order=3, employees=None)
    field_with("Feld D", sort_order=4, employees=Decimal("20"))
    return ["Feld A", "Feld B", "Feld C", "Feld D"]


def test_sorting_by_a_metric_ascending(client, four_fields):
    """?sort=employees: smallest first, "keine Angaben" last."""
    table = main_table(compare(client, sort="employees"))
    assert order_of(four_fields, table) == ["Feld A", "Feld D", "Feld B", "Feld C"]
    assert 'aria-sort="ascending"' in table


def test_sorting_by_a_metric_descending(client, four_fields):
    """?sort=-employees: largest first, "keine Angaben" still last."""
    table = main_table(compare(client, sort="-employees"))
    assert order_of(four_fields, table) == ["Feld B", "Feld D", "Feld A", "Feld C"]
    assert 'aria-sort="descending"' in table


def test_sorting_by_name_and_unknown_keys(client, four_fields):
    """?sort=-name reverses the names; an unknown key keeps the brochure's order."""
    table = main_table(compare(client, sort="-name"))
    assert order_of(four_fields, table) == ["Feld D", "Feld C", "Feld B", "Feld A"]
    table = main_table(compare(client, sort="nonsense"))
    assert order_of(four_fields, table) == four_fields


def test_parts_stay_under_their_field_when_sorted(client):
    """Sorting moves a field together with its parts."""
    big = field_with("Gross", sort_order=1, companies=Decimal("100"))
    field_with("Gross Teil", sort_order=2, parent=big, companies=Decimal("5"))
    field_with("Mittel", sort_order=3, companies=Decimal("50"))
    table = main_table(compare(client, sort="companies"))
    assert order_of(["Gross Teil", "Mittel", "Gross</a>"], table) == [
        "Mittel",
        "Gross</a>",
        "Gross Teil",
    ]


def test_sort_links_work_without_javascript(client, four_fields):
    """Each metric header is a link with ?sort=; numbers sort largest first on the first click."""
    table = main_table(compare(client))
    assert 'href="?sort=-employees#tabelle-heading"' in table
    assert 'href="?sort=name#tabelle-heading"' in table


# --- Derived figures ------------------------------------------------------------------------


def test_derived_figures_are_computed_from_both_inputs():
    """1.000.000 EUR / 10 employees = 100.000 EUR each; 10 employees / 4 companies = 2,5."""
    field_with(
        "Rechenfeld",
        companies=Decimal("4"),
        employees=Decimal("10"),
        revenue=Decimal("1000000"),
    )
    (row,) = selectors.build_comparison_table().rows
    assert row.cells["revenue_per_employee"].value == Decimal("100000")
    assert row.cells["revenue_per_employee"].text == "100.000 EUR"
    assert row.cells["employees_per_company"].value == Decimal("2.5")
    assert row.cells["employees_per_company"].text == "2,5"


def test_derived_figure_is_keine_angaben_when_an_input_is_missing(client):
    """No revenue (NULL) and no employee figure at all: both ratios read "keine Angaben"."""
    field_with(
        "Ohne Umsatz", sort_order=1, companies=Decimal("4"), employees=Decimal("10"), revenue=None
    )
    field_with("Ohne Beschäftigte", sort_order=2, companies=Decimal("4"), revenue=Decimal("100"))
    table = selectors.build_comparison_table()
    without_revenue, without_employees = table.rows
    assert without_revenue.cells["revenue_per_employee"].value is None
    assert without_revenue.cells["revenue_per_employee"].text == "keine Angaben"
    assert without_revenue.cells["employees_per_company"].value == Decimal("2.5")
    assert without_employees.cells["employees_per_company"].text == "keine Angaben"
    derived = derived_table(compare(client))
    assert "keine Angaben" in derived
    assert "2,5" in derived


def test_an_estimated_input_makes_the_derived_figure_an_estimate():
    """ca. 50.000 employees / ca. 500 companies = ca. 100,0."""
    field = GrowthFieldFactory()
    for metric, value in ((Metric.COMPANIES, 500), (Metric.EMPLOYEES, 50000)):
        KeyFigureFactory(growth_field=field, metric=metric, value=value, approximate=True)
    (row,) = selectors.build_comparison_table().rows
    assert row.cells["employees_per_company"].text == "ca. 100,0"


def test_shares_are_of_the_top_level_fields_total(client):
    """300 and 100 employees: 75,0 % and 25,0 %; a part's share uses the same total, and the
    page says that the base is the fields' sum."""
    first = field_with("Erstes", sort_order=1, employees=Decimal("300"))
    field_with("Zweites", sort_order=2, employees=Decimal("100"))
    field_with("Teil", sort_order=3, parent=first, employees=Decimal("30"))
    field_with("Leer", sort_order=4, employees=None)
    table = selectors.build_comparison_table()
    shares = {row.field.name: row.cells["share_employees"].text for row in table.all_rows}
    assert shares == {
        "Erstes": "75,0 %",
        "Teil": "7,5 %",
        "Zweites": "25,0 %",
        "Leer": "keine Angaben",
    }
    # Each field here has its own source: the total sums only the column's comparable values.
    total = table.totals[Metric.EMPLOYEES]
    assert total.cell.value == Decimal("300")
    assert total.left_out == ["Zweites: andere Quelle", "Leer: keine Angaben"]
    content = compare(client)
    assert "Anteile an der Summe der Wachstumsfelder" in content


# --- Mixed dates and sources ----------------------------------------------------------------


def test_mixed_reference_dates_in_a_column_are_flagged(client):
    """Two dates in the employees column: the odd cell is marked and carries its date."""
    source = SourceFactory(title="LEG-Datenbank")
    field_with("Neu Eins", source=source, sort_order=1, employees=Decimal("10"))
    field_with("Neu Zwei", source=source, sort_order=2, employees=Decimal("20"))
    old = GrowthFieldFactory(name="Altfeld", name_en="", sort_order=3)
    KeyFigureFactory(
        growth_field=old,
        metric=Metric.EMPLOYEES,
        value=30,
        source=source,
        reference_date=datetime.date(2008, 1, 1),
        reference_precision="year",
    )
    content = compare(client)
    assert content.count('class="flag"') == 1  # one legend, not one box per column
    table = main_table(content)
    row = table[table.index("Altfeld") :]
    row = row[: row.index("</tr>")]
    assert 'class="num mixed"' in row
    assert "Stand 2008" in row  # the odd date in the cell itself
    assert "anderer Stichtag" in row


def test_one_date_and_source_per_column_is_not_flagged(client):
    """All figures from one source and date: no notice."""
    source = SourceFactory()
    field_with("Eins", source=source, employees=Decimal("1"), companies=Decimal("1"))
    field_with("Zwei", source=source, employees=Decimal("2"), companies=None)
    assert 'class="flag"' not in compare(client)


# --- Chart ----------------------------------------------------------------------------------


def test_bar_chart_shows_the_chosen_metric(client, four_fields):
    """?metric=employees draws the employees; the select is labelled and keeps the choice."""
    content = compare(client, metric="employees")
    assert '<label for="chart-metric">' in content
    assert '<option value="employees" selected>' in content
    svg = content[content.index("<svg") : content.index("</svg>")]
    assert "Beschäftigte nach Wachstumsfeld" in svg
    assert svg.count("<rect") == 3  # Feld C has no value and no bar


def test_bar_chart_defaults_to_companies(client, four_fields):
    """Without (or with an unknown) ?metric= the chart shows companies."""
    for params in ({}, {"metric": "bogus"}):
        content = compare(client, **params)
        assert '<option value="companies" selected>' in content


# --- Networks -------------------------------------------------------------------------------


def test_declared_vs_counted_uses_the_newest_declaration(client):
    """The newest declared count (with its date and source) stands next to the counted members."""
    network = NetworkFactory(name="OptoNet e.V.", short_name="OptoNet")
    DeclaredMemberCountFactory(network=network, total=80, companies=60)
    DeclaredMemberCountFactory(
        network=network,
        total=93,
        companies=75,
        reference_date=datetime.date(2013, 1, 1),
        source=SourceFactory(title="Webseite OptoNet"),
    )
    MembershipFactory(network=network)
    MembershipFactory(network=network, organisation=OrganisationFactory(published=False))
    (item,) = declared_vs_counted(list(networks_in_brochure_order()))
    assert item.declared.total == 93
    assert item.counted == 1
    assert item.difference == -92
    content = compare(client)
    assert "Webseite OptoNet" in content
    assert "Januar 2013" in content


@pytest.fixture
def three_networks():
    """N1–N2 share a and b, N1–N3 share b (d's N3 membership ended), N2–N3 share b (c is
    unpublished)."""
    n1, n2, n3 = (NetworkFactory(name=f"Netz {i}", short_name=f"N{i}") for i in (1, 2, 3))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    a, b, d = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    c = OrganisationFactory(published=False)
    for organisation, networks in ((a, [n1, n2]), (b, [n1, n2, n3]), (c, [n2, n3]), (d, [n1])):
        for network in networks:
            MembershipFactory(organisation=organisation, network=network)
    MembershipFactory(organisation=d, network=n3, until=yesterday)
    MembershipFactory(organisation=a, network=n3, until=timezone.localdate())  # ends today
    return n1, n2, n3


def test_overlap_matrix_counts_shared_current_published_members(three_networks):
    """Ended memberships and unpublished organisations are not counted."""
    n1, n2, n3 = three_networks
    networks = list(networks_in_brochure_order())
    matrix = overlap_matrix(networks)
    assert matrix.shared(n1, n2) == 2
    assert matrix.shared(n1, n3) == 2  # b, and a whose membership ends today
    assert matrix.shared(n2, n3) == 2  # b and a; c is unpublished
    assert matrix.shared(n2, n1) == matrix.shared(n1, n2)
    assert matrix.shared(n1, n1) == 3  # a, b, d: the diagonal is the member count


def test_overlap_matrix_is_one_aggregate_query(three_networks, django_assert_num_queries):
    """The pairs come from one grouped self-join, not a query per pair."""
    networks = list(networks_in_brochure_order())
    with django_assert_num_queries(1):
        overlap_matrix(networks)


def test_overlap_matrix_on_the_page(client, three_networks):
    """The matrix table has a header per network and the counts."""
    content = compare(client)
    start = content.index('class="matrix"')
    matrix = content[start : content.index("</table>", start)]
    assert matrix.count('scope="col"') == 3
    assert matrix.count('scope="row"') == 3


# --- Queries, escaping ----------------------------------------------------------------------


def test_compare_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    """More fields, networks and organisations do not add queries."""
    KeyFigureFactory()
    MembershipFactory()
    with django_assert_num_queries(COMPARE_QUERIES):
        client.get(reverse("compare"))
    for _ in range(3):
        field = GrowthFieldFactory()
        KeyFigureFactory(growth_field=field)
        GrowthFieldFactory(parent=field)
        network = NetworkFactory()
        DeclaredMemberCountFactory(network=network)
        for _ in range(2):
            MembershipFactory(network=network)
    cache.clear()
    with django_assert_num_queries(COMPARE_QUERIES):
        client.get(reverse("compare"))


def test_compare_escapes_names_in_tables_and_svg(client):
    """A field, network or organisation called <script> is text, in the chart too."""
    evil = "<script>alert(1)</script>"
    field = GrowthFieldFactory(name=evil, name_en="")
    KeyFigureFactory(growth_field=field, source=SourceFactory(title=evil), scope_note=evil)
    network = NetworkFactory(name=evil, short_name=evil)
    MembershipFactory(network=network, organisation=OrganisationFactory(name=evil))
    content = compare(client)
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    svg = content[content.index("<svg") : content.index("</svg>")]
    assert "&lt;script&gt;" in svg


# --- CSV ------------------------------------------------------------------------------------


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_export_headers_and_rows(client, reference_data):
    """UTF-8 with BOM, ";" between cells, one row per growth field, German decimal comma."""
    response = client.get(reverse("compare_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response["Content-Disposition"]
    rows = read_csv(response)
    header = rows[0]
    assert header[:3] == ["Wachstumsfeld", "Teil von", "Unternehmen"]
    assert "Unternehmen: wie angezeigt" in header
    assert "Exportquote (%): Stand" in header
    automobil = next(row for row in rows if row and row[0] == "Automobil")
    record = dict(zip(header, automobil, strict=True))
    assert record["Unternehmen"] == "500"
    assert record["Unternehmen: wie angezeigt"] == "ca. 500"
    assert record["Unternehmen: Stand"] == "2012-09"
    assert record["Umsatz (EUR)"] == "7700000000"
    assert record["Exportquote (%)"] == "32,3"
    assert record["Exportquote (%): wie angezeigt"] == "32,3 %"
    assert record["Exportquote (%): Abgrenzung"] == "WZ 29"
    assert record["Exportquote (%): Quelle"].startswith("Kennzahlen Betriebe ab 20")
    keramik = dict(
        zip(header, next(row for row in rows if row and row[0] == "Keramik"), strict=True)
    )
    assert keramik["Teil von"] == "Kunststoffe und Keramik"
    assert keramik["Exportquote (%)"] == ""  # no number, never 0 …
    assert keramik["Exportquote (%): wie angezeigt"] == "keine Angaben"  # … and said so
    field_rows = [row for row in rows[1:] if len(row) == len(header)]
    assert len(field_rows) == 18 + 1  # every growth field and part, and the totals


def test_csv_export_names_the_data_licence_like_every_download(client, reference_data):
    """The licence travels in the Link header, as with the directory's export and the API; the
    file holds the header and one row per growth field, no licence lines after them."""
    response = client.get(reverse("compare_export"))
    assert response["Link"] == f'<{settings.PORTAL_DATA_LICENSE["url"]}>; rel="license"'
    rows = read_csv(response)
    assert all(len(row) == len(rows[0]) for row in rows)
    text = "\n".join(";".join(row) for row in rows)
    assert settings.PORTAL_DATA_LICENSE["attribution"] not in text


def test_compare_page_names_the_licence_next_to_the_download(client):
    """The page offering the CSV names its licence beside the link."""
    content = compare(client)
    links = content[content.index('<p class="export-links">') :]
    links = links[: links.index("</p>")]
    assert 'rel="license"' in links


def test_csv_export_neutralises_formulas(client):
    """Text cells starting with = + - @ tab or CR get a leading quote; numbers stay numbers."""
    field = GrowthFieldFactory(name='=HYPERLINK("http://x")', name_en="")
    KeyFigureFactory(
        growth_field=field,
        value=Decimal("500"),
        scope_note="-1+2",
        source=SourceFactory(title="@SUM(A1)"),
    )
    GrowthFieldFactory(name="+49 Feld", name_en="", sort_order=5)
    GrowthFieldFactory(name="\tTab", name_en="", sort_order=6)
    rows = read_csv(client.get(reverse("compare_export")))
    header = rows[0]
    record = dict(zip(header, rows[1], strict=True))
    assert record["Wachstumsfeld"] == '\'=HYPERLINK("http://x")'
    assert record["Unternehmen"] == "500"
    assert record["Unternehmen: Abgrenzung"] == "'-1+2"
    assert record["Unternehmen: Quelle"].startswith("'@SUM(A1)")
    names = [row[0] for row in rows[1:] if row]
    assert "'+49 Feld" in names
    assert "'\tTab" in names
