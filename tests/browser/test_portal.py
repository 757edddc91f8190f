"""The public portal in a real browser: search, filters, detail pages, sorting, languages,
exports, keyboard use, the 404 page and screenshots of the main pages."""

import csv
import io
import re
from pathlib import Path

import pytest

from tests.browser.conftest import REQUIRE_BROWSER

try:
    from playwright.sync_api import expect
except ImportError:
    if REQUIRE_BROWSER:
        raise
    pytest.skip('Playwright fehlt: pip install -e ".[dev]"', allow_module_level=True)

pytestmark = pytest.mark.browser


# --- Helpers ------------------------------------------------------------------------------------


def header_search(page, text, label="Mitglieder durchsuchen"):
    """Search the directory from the search box in the page header."""
    box = page.get_by_role("search").get_by_label(label)
    box.fill(text)
    box.press("Enter")


def submit_form_of(field):
    """Submit the form a field belongs to with its submit button, as a visitor would."""
    form = field.locator("xpath=ancestor::form[1]")
    form.locator("button[type=submit], input[type=submit], button:not([type])").first.click()


def number(text):
    """A German number as a table shows it ("ca. 12.500", "3,5", "–") or None."""
    digits = re.sub(r"[^\d,]", "", text or "")
    if not re.search(r"\d", digits):
        return None
    return float(digits.replace(",", "."))


TABLE_COLUMN_JS = """(table, label) => {
  const spanIndex = (cell) => {
    let index = 0;
    for (let c = cell.previousElementSibling; c; c = c.previousElementSibling) index += c.colSpan;
    return index;
  };
  const header = [...table.querySelectorAll('thead th')].find(
    (th) => th.textContent.trim().startsWith(label));
  if (!header) return null;
  const column = spanIndex(header);
  // The value alone: no footnote number, "*" mark, cell date ("Stand Juni 2012") or hidden text.
  const valueOf = (cell) => {
    const copy = cell.cloneNode(true);
    copy.querySelectorAll('sup, small, .mixed-mark, .visually-hidden').forEach((el) => el.remove());
    return copy.textContent.replace(/\\s+/g, ' ').trim();
  };
  return [...table.querySelectorAll('tbody tr')].map((tr) => {
    const cells = [...tr.children];
    const cell = cells.find((c) => spanIndex(c) <= column && column < spanIndex(c) + c.colSpan);
    return {
      name: cells[0].textContent.replace(/\\s+/g, ' ').trim(),
      value: cell ? valueOf(cell) : '',
      className: tr.className,
    };
  });
}"""


def column(table, label):
    """(row name, cell text) for every body row of ``table``, in the column headed ``label``."""
    rows = table.evaluate(TABLE_COLUMN_JS, label)
    assert rows is not None, f"no column {label!r} in the table"
    return rows


def is_sorted(values, descending):
    """Non-decreasing (or non-increasing) values, empty ones last."""
    present = [v for v in values if v is not None]
    if any(v is not None for v in values[len(present) :]):
        return False
    return present == sorted(present, reverse=descending)


def org_link(scope, organisation):
    return scope.get_by_role("link", name=organisation.name)


# --- Search, filters, details -------------------------------------------------------------------


def test_header_search_finds_a_company_and_opens_its_page(page, portal, url):
    company = portal["company"]
    page.goto(url("growthfields:list"))
    header_search(page, "Lichtblick")

    expect(page).to_have_url(re.compile(r"/mitglieder/\?(.*&)?q=Lichtblick"))
    main = page.get_by_role("main")
    expect(org_link(main, company)).to_be_visible()
    expect(org_link(main, portal["plastics"])).to_have_count(0)

    org_link(main, company).first.click()
    expect(page).to_have_url(url("members:detail", pk=company.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text(company.name)
    expect(page.get_by_role("main")).to_contain_text("Jena")


def test_filter_by_kind_then_remove_it_with_its_chip(page, portal, url):
    page.goto(url("members:list"))
    main = page.get_by_role("main")
    for organisation in portal.values():
        expect(org_link(main, organisation)).to_be_visible()

    kind = main.get_by_label("Art", exact=True)
    kind.select_option(label="Hochschule")
    submit_form_of(kind)

    expect(page).to_have_url(re.compile(r"[?&]kind=hochschule"))
    expect(org_link(main, portal["university"])).to_be_visible()
    expect(org_link(main, portal["university2"])).to_be_visible()
    for key in ("company", "plastics", "institute"):
        expect(org_link(main, portal[key])).to_have_count(0)
    expect(main.get_by_label("Art", exact=True)).to_have_value("hochschule")

    chip = main.get_by_role("link", name=re.compile(r"Art: Hochschule"))
    expect(chip).to_have_count(1)
    chip.click()

    expect(page).not_to_have_url(re.compile(r"kind="))
    for organisation in portal.values():
        expect(org_link(main, organisation)).to_be_visible()
    expect(main.get_by_role("link", name=re.compile(r"Art: Hochschule"))).to_have_count(0)


def test_comparison_table_sorts_by_a_column_and_back(page, portal, url):
    page.goto(url("compare"))
    main = page.get_by_role("main")
    employees = re.compile(r"^Beschäftigte(?! je)")  # not "Beschäftigte je Unternehmen"
    table = main.get_by_role("table").filter(has=page.get_by_role("columnheader", name=employees))
    table = table.first
    header = table.get_by_role("columnheader", name=employees)
    expect(table).to_be_visible()

    def top_level(rows):
        """Parts of a growth field (rows of class "part") are sorted under their field."""
        return [row for row in rows if "part" not in row["className"].split()]

    before = [row["name"] for row in column(table, "Beschäftigte")]

    header.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=-?employees"))
    expect(header).to_have_attribute("aria-sort", re.compile(r"^(ascending|descending)$"))
    page.wait_for_load_state("domcontentloaded")
    first_direction = header.get_attribute("aria-sort")
    rows = column(table, "Beschäftigte")
    assert [row["name"] for row in rows] != before, "the order did not change"
    values = [number(row["value"]) for row in top_level(rows)]
    assert is_sorted(values, descending=first_direction == "descending"), values

    header.get_by_role("link").click()
    second_direction = "ascending" if first_direction == "descending" else "descending"
    expect(header).to_have_attribute("aria-sort", second_direction)
    page.wait_for_load_state("domcontentloaded")
    rows = column(table, "Beschäftigte")
    values = [number(row["value"]) for row in top_level(rows)]
    assert is_sorted(values, descending=second_direction == "descending"), values


def test_language_switch_keeps_the_page_and_the_search(page, portal, url, live_server):
    page.goto(url("members:list") + "?q=Lichtblick")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "de")

    page.locator("header a[hreflang='en']").click()
    expect(page).to_have_url(live_server.url + "/en/members/?q=Lichtblick")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Language")).to_be_visible()
    expect(page.get_by_role("link", name="Skip to content")).to_be_attached()
    expect(org_link(page.get_by_role("main"), portal["company"])).to_be_visible()

    page.locator("header a[hreflang='de']").click()
    expect(page).to_have_url(live_server.url + "/mitglieder/?q=Lichtblick")
    expect(html).to_have_attribute("lang", "de")


# --- Exports ------------------------------------------------------------------------------------


def download(page, link):
    with page.expect_download() as info:
        link.click()
    return info.value


def test_directory_exports_the_search_result_as_csv_and_xlsx(page, portal, url, tmp_path):
    import openpyxl

    company = portal["company"]
    page.goto(url("members:list") + "?q=Lichtblick")
    main = page.get_by_role("main")
    # The result's export, not the full data set's file offered beside it ("Alle Mitglieder").
    result_links = main.locator("a[href*='/mitglieder/export/?']")

    csv_file = download(page, result_links.filter(has_text=re.compile(r"\bCSV\b")))
    assert csv_file.failure() is None
    assert csv_file.suggested_filename.endswith(".csv")
    text = Path(csv_file.path()).read_text(encoding="utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=";") if row]
    assert len(rows[0]) > 5, f"not a ;-separated header row: {rows[0]}"
    assert "Name" in rows[0], rows[0]
    assert any(company.name in row for row in rows[1:]), rows
    assert not any(portal["plastics"].name in row for row in rows), "the export ignored the search"

    xlsx_file = download(page, result_links.filter(has_text=re.compile(r"\bXLSX\b|Excel")))
    assert xlsx_file.failure() is None
    assert xlsx_file.suggested_filename.endswith(".xlsx")
    saved = tmp_path / xlsx_file.suggested_filename  # openpyxl goes by the file name's ending
    xlsx_file.save_as(saved)
    workbook = openpyxl.load_workbook(saved, read_only=True)
    sheet_rows = [
        list(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
    ]
    assert "Name" in sheet_rows[0], sheet_rows[0]
    assert any(company.name in row for row in sheet_rows[1:]), sheet_rows
    assert not any(portal["plastics"].name in row for row in sheet_rows)


# --- Accessibility, errors, static files --------------------------------------------------------


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, portal, url):
    page.goto(url("members:list"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_unknown_address_gets_the_404_page_in_the_site_design(page, portal, live_server):
    response = page.goto(live_server.url + "/gibt-es-nicht/")
    assert response.status == 404
    expect(page.get_by_role("banner")).to_be_visible()
    expect(page.get_by_role("search").get_by_label("Mitglieder durchsuchen")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")
    expect(page.get_by_role("contentinfo")).to_be_visible()


def test_stylesheet_is_served_and_applied(page, portal, url):
    with page.expect_response(re.compile(r"/static/css/portal\.css")) as info:
        page.goto(url("home"))
    response = info.value
    assert response.status == 200
    assert response.header_value("content-type").startswith("text/css")
    # The skip link is moved off screen only by the stylesheet.
    position = page.get_by_role("link", name="Zum Inhalt springen").evaluate(
        "el => getComputedStyle(el).position"
    )
    assert position == "absolute"
