import xml.etree.ElementTree as ET
from decimal import Decimal

from core.charts import Bar, Point, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))


def bar_widths(root):
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]


def test_bar_chart_is_an_accessible_well_formed_image():
    """The chart parses as XML, is role="img" and carries a title and a description."""
    root = parse(bar_chart([Bar("Automobil", 500)], title="Unternehmen", description="Ein Balken"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Unternehmen"
    assert root.find(f"{SVG}desc").text == "Ein Balken"
    assert root.get("aria-labelledby") == "chart-title chart-desc"


def test_bars_are_proportional_to_the_values():
    """Half the value draws half the bar; the largest value fills the plot."""
    root = parse(
        bar_chart(
            [Bar("A", Decimal("500")), Bar("B", Decimal("250")), Bar("C", 125)],
            title="t",
        )
    )
    widest, half, quarter = bar_widths(root)
    assert widest > 0
    assert half == widest / 2
    assert quarter == widest / 4


def test_a_missing_value_draws_no_bar_and_says_keine_angaben():
    """None is "keine Angaben": no bar at all, never a bar of length 0 passed off as a value."""
    svg = bar_chart([Bar("A", 10, "10"), Bar("B", None)], title="t")
    root = parse(svg)
    assert len(bar_widths(root)) == 1
    assert "keine Angaben" in str(svg)


def test_zero_values_draw_zero_length_bars_without_failing():
    """All values 0: every bar has length 0 (no division by zero)."""
    root = parse(bar_chart([Bar("A", 0, "0"), Bar("B", 0, "0")], title="t"))
    assert bar_widths(root) == [0.0, 0.0]


def test_an_empty_chart_is_still_well_formed():
    """No bars at all still give a valid, titled SVG."""
    root = parse(bar_chart([], title="leer"))
    assert root.find(f"{SVG}title").text == "leer"


def test_labels_titles_and_texts_are_escaped():
    """Text from the database cannot inject markup into the SVG."""
    evil = "<script>alert(1)</script>"
    svg = str(bar_chart([Bar(evil, 1, evil)], title=evil, description=evil, id_prefix="x"))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == evil
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert evil in texts


def test_long_labels_are_shortened_with_the_full_label_as_tooltip():
    """A long field name is cut with "…" and kept whole in a <title>."""
    label = "Umweltfreundliche Energien und Energiespeicherung"
    root = parse(bar_chart([Bar(label, 1)], title="t"))
    label_text = root.find(f"{SVG}g/{SVG}text")
    assert label_text.find(f"{SVG}title").text == label
    assert "…" in "".join(label_text.itertext())


def test_line_chart_is_well_formed_with_one_point_per_value():
    """Each value is a circle with a tooltip; the values are joined by a line."""
    svg = line_chart(
        [Point("2011", 100, "100"), Point("2012", 150, "150"), Point("2013", 120, "120")],
        title="Beschäftigte",
        description="drei Werte",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    (line,) = root.iter(f"{SVG}polyline")
    assert len(line.get("points").split()) == 3


def test_line_chart_leaves_a_gap_for_a_missing_value():
    """A missing point breaks the line and is labelled "keine Angaben"."""
    svg = line_chart(
        [Point("2010", 1), Point("2011", None), Point("2012", 2), Point("2013", 3)],
        title="t",
    )
    root = parse(svg)
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert [len(line.get("points").split()) for line in root.iter(f"{SVG}polyline")] == [2]
    assert "keine Angaben" in str(svg)


def test_line_chart_top_value_reaches_the_top_of_the_plot():
    """The y axis runs from 0: the largest value sits highest, a value of 0 on the baseline."""
    root = parse(line_chart([Point("a", 0), Point("b", 10)], title="t"))
    low, high = (float(circle.get("cy")) for circle in root.iter(f"{SVG}circle"))
    assert high < low


def test_line_chart_escapes_labels():
    """Point labels and the title are escaped."""
    evil = "<b>&</b>"
    svg = str(line_chart([Point(evil, 1), Point("x", 2)], title=evil))
    assert "<b>" not in svg
    parse(svg)
